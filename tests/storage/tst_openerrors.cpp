// Storage::open() on files it cannot use: a clear Storage error naming the
// file and the cause, never a crash, and a store that stays closed.
#include "storagetest_p.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using ds::Storage;

class tst_StorageOpenErrors : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void garbageFile_data();
    void garbageFile();
    void readOnlyFile();
    void readOnlyFolder();
    void lockedFile_data();
    void lockedFile();
    void missingFolder();
    void directoryAsFile();
    void unlockedAfterwards();

private:
    void expectClosed(Storage &s);
    ds::Schema m_schema;
    QTemporaryDir m_dir;
};

void tst_StorageOpenErrors::initTestCase()
{
    m_schema = storagetest::appSchema();
}

void tst_StorageOpenErrors::expectClosed(Storage &s)
{
    QVERIFY(!s.isOpen());
    auto r = s.save(*m_schema.model(u"Post"), {{u"id"_s, u"x"_s}, {u"title"_s, u"X"_s}});
    QCOMPARE(r.error().code(), u"NotOpen"_s);
}

void tst_StorageOpenErrors::garbageFile_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QByteArray noise(8192, '\0');
    for (int i = 0; i < noise.size(); ++i)
        noise[i] = char((i * 7919 + 13) % 251);
    QTest::newRow("noise") << noise;
    QTest::newRow("text") << QByteArray("this is not a database\n").repeated(200);
    // A valid header followed by garbage pages.
    QTest::newRow("bad pages") << QByteArray(QByteArray("SQLite format 3\0", 16) + noise);
}

void tst_StorageOpenErrors::garbageFile()
{
    QFETCH(QByteArray, bytes);
    const QString path = m_dir.filePath(QString::fromLatin1(QTest::currentDataTag()) + u".db"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
    f.close();
    Storage s(m_schema);
    auto opened = s.open(path);
    QVERIFY(!opened);
    QCOMPARE(opened.error().domain(), ds::Error::Domain::Storage);
    QCOMPARE(opened.error().code(), u"Corrupt"_s);
    QVERIFY2(opened.error().message().startsWith(path + u": "_s), qPrintable(opened.error().message()));
    QVERIFY2(opened.error().message().contains(u"not a SQLite database or is corrupt"_s),
             qPrintable(opened.error().message()));
    expectClosed(s);
    // The file is left as it was.
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), bytes);
}

void tst_StorageOpenErrors::readOnlyFile()
{
    const QString path = m_dir.filePath(u"readonly.db"_s);
    {
        Storage s(m_schema);
        DS_VERIFY_OK(s.open(path));
    }
    QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::ReadGroup));
    Storage s(m_schema);
    auto opened = s.open(path);
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    QVERIFY(!opened);
    QCOMPARE(opened.error().code(), u"ReadOnly"_s);
    QCOMPARE(opened.error().message(), path + u": cannot open the local store: the file is read-only"_s);
    expectClosed(s);
}

void tst_StorageOpenErrors::readOnlyFolder()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"store.db"_s);
    QVERIFY(QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::ExeOwner));
    Storage s(m_schema);
    auto opened = s.open(path);
    QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QVERIFY(!opened);
    QCOMPARE(opened.error().code(), u"ReadOnly"_s);
    QVERIFY(opened.error().message().contains(u"is read-only"_s));
    expectClosed(s);
}

void tst_StorageOpenErrors::lockedFile_data()
{
    QTest::addColumn<bool>("wal");
    QTest::newRow("rollback journal, exclusive lock") << false;
    QTest::newRow("WAL, exclusive transaction") << true;
}

void tst_StorageOpenErrors::lockedFile()
{
    QFETCH(bool, wal);
    const QString path = m_dir.filePath(wal ? u"locked-wal.db"_s : u"locked-journal.db"_s);
    if (wal) {
        Storage s(m_schema);
        DS_VERIFY_OK(s.open(path));
    }
    const QString locker = u"locker"_s;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, locker);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        if (!wal)
            QVERIFY(q.exec(u"CREATE TABLE IF NOT EXISTS t (x)"_s));
        QVERIFY(q.exec(u"BEGIN EXCLUSIVE"_s));
        QVERIFY(q.exec(u"INSERT INTO _models (model, columns, primaryKey, indexes) VALUES ('Z', '[]', '[]', '[]')"_s)
                || !wal);

        Storage s(m_schema);
        s.setBusyTimeout(150);
        QElapsedTimer timer;
        timer.start();
        auto opened = s.open(path);
        QVERIFY(!opened);
        QCOMPARE(opened.error().domain(), ds::Error::Domain::Storage);
        QCOMPARE(opened.error().code(), u"DatabaseLocked"_s);
        QVERIFY(opened.error().isTransient());
        QVERIFY2(opened.error().message().startsWith(path + u": "_s), qPrintable(opened.error().message()));
        QVERIFY2(opened.error().message().contains(u"locked by another connection or process"_s),
                 qPrintable(opened.error().message()));
        QVERIFY(timer.elapsed() >= 100);   // it waited for the busy timeout
        QVERIFY(timer.elapsed() < 5000);
        expectClosed(s);
        QVERIFY(q.exec(u"ROLLBACK"_s));
    }
    QSqlDatabase::removeDatabase(locker);
}

void tst_StorageOpenErrors::missingFolder()
{
    const QString path = m_dir.filePath(u"no/such/folder/store.db"_s);
    Storage s(m_schema);
    auto opened = s.open(path);
    QCOMPARE(opened.error().code(), u"CantOpen"_s);
    QVERIFY(opened.error().message().startsWith(path + u": cannot open the local store: the folder"_s));
    expectClosed(s);
}

void tst_StorageOpenErrors::directoryAsFile()
{
    Storage s(m_schema);
    auto opened = s.open(m_dir.path());
    QCOMPARE(opened.error().code(), u"CantOpen"_s);
    QCOMPARE(opened.error().message(), m_dir.path() + u": cannot open the local store: not a regular file"_s);
    expectClosed(s);
}

void tst_StorageOpenErrors::unlockedAfterwards()
{
    // After the locker is gone the same file opens and works.
    const QString path = m_dir.filePath(u"locked-wal.db"_s);
    Storage s(m_schema);
    DS_VERIFY_OK(s.open(path));
    DS_VERIFY_OK(s.save(*m_schema.model(u"Post"), {{u"id"_s, u"x"_s}, {u"title"_s, u"X"_s}}));
}

QTEST_GUILESS_MAIN(tst_StorageOpenErrors)
#include "tst_openerrors.moc"

// The property that holds the SQL face and the in-memory face together:
// thousands of random predicates over hundreds of random records (nulls,
// missing attributes, empty strings, astral characters, negative numbers,
// boundary values) select exactly the same records in a real SQLite table as
// evaluate() accepts; and the same against a throwaway PostgreSQL cluster
// when one can be started here.
#include "predicate/evaluate.h"
#include "predicate/sql.h"
#include "predicate/text.h"

#include "testschema.h"

#include <QDir>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace predicatetest;
using ds::predicate::detail::ValueKind;

namespace {

constexpr int kRecords = 300;
constexpr int kSqlitePredicates = 4000;
constexpr int kPostgresPredicates = 1500;
constexpr quint32 kSeed = 20240506;

QString quote(const QString &name)
{
    return u'"' + name + u'"';
}

QString columnType(const ds::FieldSchema &f, bool pg)
{
    const auto k = ds::predicate::detail::fieldKind(f);
    if (k.isList)
        return u"TEXT"_s;   // JSON text
    switch (k.kind) {
    case ValueKind::Int:
    case ValueKind::Timestamp:
        return pg ? u"BIGINT"_s : u"INTEGER"_s;
    case ValueKind::Float:
        return pg ? u"DOUBLE PRECISION"_s : u"REAL"_s;
    case ValueKind::Boolean:
        return pg ? u"BOOLEAN"_s : u"INTEGER"_s;
    default:
        return u"TEXT"_s;
    }
}

QVariant columnValue(const ds::FieldSchema &f, const QVariant &v, bool pg)
{
    if (ds::predicate::detail::isNullValue(v))
        return QVariant();
    if (f.type.isList) {
        QJsonArray array;
        const QVariantList items = v.toList();
        for (const QVariant &item : items)
            array.append(QJsonValue::fromVariant(item));
        return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
    }
    if (v.typeId() == QMetaType::Bool && !pg)
        return v.toBool() ? 1 : 0;
    return v;
}

QString describe(const QVariantMap &record)
{
    QStringList parts;
    for (auto it = record.cbegin(); it != record.cend(); ++it) {
        QString value = it->isNull() ? u"null"_s : it->toString();
        if (it->typeId() == QMetaType::QVariantList)
            value = QString::fromUtf8(QJsonDocument(QJsonArray::fromVariantList(it->toList())).toJson(QJsonDocument::Compact));
        parts.append(it.key() + u'=' + value);
    }
    return parts.join(u", "_s);
}

// A PostgreSQL cluster in a temporary directory, for as long as the test runs.
class PgCluster
{
public:
    ~PgCluster() { stop(); }

    QString start()
    {
        QString bin;
        const QDir root(u"/usr/lib/postgresql"_s);
        const QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name | QDir::Reversed);
        for (const QString &v : versions) {
            if (QFile::exists(root.filePath(v + u"/bin/initdb"_s))) {
                bin = root.filePath(v + u"/bin"_s);
                break;
            }
        }
        if (bin.isEmpty())
            return u"no PostgreSQL server binaries in /usr/lib/postgresql"_s;
        if (!QSqlDatabase::isDriverAvailable(u"QPSQL"_s))
            return u"no QPSQL driver"_s;
        if (!m_dir.isValid())
            return u"no temporary directory"_s;
        m_root = ::geteuid() == 0;
        if (m_root && run(u"chown"_s, {u"-R"_s, u"postgres"_s, m_dir.path()}, false) != 0)
            return u"cannot hand the cluster directory to user postgres"_s;
        m_bin = bin;
        m_data = m_dir.filePath(u"data"_s);
        if (run(bin + u"/initdb"_s, {u"-D"_s, m_data, u"-A"_s, u"trust"_s, u"-U"_s, u"postgres"_s,
                                     u"-E"_s, u"UTF8"_s, u"--locale=C"_s, u"--no-sync"_s}) != 0)
            return u"initdb failed: "_s + m_output;
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost))
            return u"no free port"_s;
        m_port = probe.serverPort();
        probe.close();
        const QString options = u"-p "_s + QString::number(m_port) + u" -k "_s + m_dir.path()
                                + u" -c listen_addresses=127.0.0.1 -c fsync=off"_s;
        if (run(bin + u"/pg_ctl"_s, {u"-D"_s, m_data, u"-o"_s, options, u"-l"_s,
                                     m_dir.filePath(u"log"_s), u"-w"_s, u"-t"_s, u"30"_s, u"start"_s}) != 0)
            return u"pg_ctl start failed: "_s + m_output;
        m_running = true;
        return QString();
    }

    quint16 port() const { return m_port; }

    void stop()
    {
        if (m_running)
            run(m_bin + u"/pg_ctl"_s, {u"-D"_s, m_data, u"-m"_s, u"immediate"_s, u"stop"_s});
        m_running = false;
    }

private:
    int run(const QString &program, QStringList args, bool asPostgres = true)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        if (m_root && asPostgres) {
            args.prepend(program);
            args.prepend(u"--"_s);
            args.prepend(u"postgres"_s);
            args.prepend(u"-u"_s);
            p.start(u"runuser"_s, args);
        } else {
            p.start(program, args);
        }
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
            m_output = u"timed out"_s;
            return -1;
        }
        m_output = QString::fromLocal8Bit(p.readAll());
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    QTemporaryDir m_dir;
    QString m_bin;
    QString m_data;
    QString m_output;
    quint16 m_port = 0;
    bool m_root = false;
    bool m_running = false;
};

} // namespace

class tst_SqlVsMemory : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sqlite();
    void postgres();
    void cleanupTestCase();

private:
    void createTable(QSqlDatabase &db, bool pg);
    int compareAll(QSqlDatabase &db, ds::predicate::SqlDialect dialect, int predicates, quint32 seed);

    QList<QVariantMap> m_records;
    PgCluster m_pg;
};

void tst_SqlVsMemory::initTestCase()
{
    Random random(kSeed);
    const ds::ModelSchema &item = model(u"Item");
    for (int i = 0; i < kRecords; ++i)
        m_records.append(random.record(item, u"r"_s + QString::number(i)));
    // Boundary twins: records that differ only where predicates bite.
    m_records.append(QVariantMap{{u"id"_s, u"empty"_s}, {u"name"_s, u""_s}, {u"tags"_s, QVariantList{}},
                                 {u"numbers"_s, QVariantList{}}, {u"count"_s, 0}, {u"score"_s, 0.0}});
    m_records.append(QVariantMap{{u"id"_s, u"nothing"_s}});
}

void tst_SqlVsMemory::createTable(QSqlDatabase &db, bool pg)
{
    const ds::ModelSchema &item = model(u"Item");
    QStringList columns;
    for (const ds::FieldSchema *f : item.storedFields())
        columns.append(quote(f->name) + u' ' + columnType(*f, pg));
    QSqlQuery q(db);
    QVERIFY2(q.exec(u"CREATE TABLE \"Item\" ("_s + columns.join(u", "_s) + u")"_s),
             qPrintable(q.lastError().text()));
    for (const QVariantMap &r : std::as_const(m_records)) {
        QStringList names;
        QStringList marks;
        QVariantList values;
        int n = 1;
        for (const ds::FieldSchema *f : item.storedFields()) {
            names.append(quote(f->name));
            marks.append(pg ? u"$"_s + QString::number(n++) : u"?"_s);
            values.append(columnValue(*f, r.value(f->name), pg));
        }
        QVERIFY(q.prepare(u"INSERT INTO \"Item\" ("_s + names.join(u", "_s) + u") VALUES ("_s
                          + marks.join(u", "_s) + u")"_s));
        for (const QVariant &v : std::as_const(values))
            q.addBindValue(v);
        QVERIFY2(q.exec(), qPrintable(q.lastError().text() + u" for "_s + describe(r)));
    }
}

int tst_SqlVsMemory::compareAll(QSqlDatabase &db, ds::predicate::SqlDialect dialect, int predicates,
                                quint32 seed)
{
    const ds::ModelSchema &item = model(u"Item");
    Random random(seed);
    PredicateGenerator generator(random, item);
    ds::predicate::SqlOptions options;
    options.dialect = dialect;
    int compared = 0;
    int mismatches = 0;
    int discriminating = 0;   // predicates that select some records but not all
    for (int i = 0; i < predicates; ++i) {
        const ds::Predicate p = generator.generate(1 + random.below(4));
        const ds::predicate::SqlFragment sql = ds::predicate::toSql(p, item, options);
        QSqlQuery q(db);
        const QString text = u"SELECT \"id\" FROM \"Item\" WHERE "_s + sql.sql;
        if (!q.prepare(text)) {
            qWarning().noquote() << "prepare failed:" << q.lastError().text() << text;
            return -1;
        }
        for (const QVariant &b : sql.bindings)
            q.addBindValue(b);
        if (!q.exec()) {
            qWarning().noquote() << "exec failed:" << q.lastError().text() << "\npredicate:"
                                 << ds::predicate::print(p) << "\nsql:" << sql.sql << "\nbindings:" << sql.bindings;
            return -1;
        }
        QSet<QString> fromSql;
        while (q.next())
            fromSql.insert(q.value(0).toString());
        if (!fromSql.isEmpty() && fromSql.size() < m_records.size())
            ++discriminating;
        for (const QVariantMap &r : std::as_const(m_records)) {
            const QString id = r.value(u"id"_s).toString();
            const bool inMemory = ds::predicate::evaluate(p, r, item);
            ++compared;
            if (inMemory != fromSql.contains(id)) {
                if (++mismatches <= 5)
                    qWarning().noquote() << "MISMATCH: evaluate says" << inMemory << "\npredicate:"
                                         << ds::predicate::print(p) << "\nsql:" << sql.sql
                                         << "\nbindings:" << sql.bindings << "\nrecord:" << describe(r);
            }
        }
    }
    qInfo("%d predicates x %d records = %d comparisons, %d mismatches; %d predicates select some records but "
          "not all",
          predicates, int(m_records.size()), compared, mismatches, discriminating);
    if (discriminating < predicates / 3) {
        qWarning("too few discriminating predicates: the generator has gone blind");
        return -1;
    }
    return mismatches == 0 ? compared : -1;
}

void tst_SqlVsMemory::sqlite()
{
    const QString name = u"tst_sql_vs_memory_sqlite_"_s + QString::number(QCoreApplication::applicationPid());
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
        db.setDatabaseName(u":memory:"_s);
        QVERIFY(db.open());
        createTable(db, false);
        if (QTest::currentTestFailed())
            return;
        const int compared = compareAll(db, ds::predicate::SqlDialect::SQLite, kSqlitePredicates, kSeed + 1);
        QVERIFY(compared > 0);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

void tst_SqlVsMemory::postgres()
{
    const QString why = m_pg.start();
    if (!why.isEmpty())
        QSKIP(qPrintable(u"PostgreSQL not available: "_s + why));
    const QString name = u"tst_sql_vs_memory_pg_"_s + QString::number(QCoreApplication::applicationPid());
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
        db.setHostName(u"127.0.0.1"_s);
        db.setPort(m_pg.port());
        db.setUserName(u"postgres"_s);
        db.setDatabaseName(u"postgres"_s);
        if (!db.open()) {
            const QString error = db.lastError().text();
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(name);
            QSKIP(qPrintable(u"cannot connect to the throwaway cluster: "_s + error));
        }
        createTable(db, true);
        if (QTest::currentTestFailed())
            return;
        const int compared = compareAll(db, ds::predicate::SqlDialect::PostgreSQL, kPostgresPredicates, kSeed + 2);
        QVERIFY(compared > 0);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

void tst_SqlVsMemory::cleanupTestCase()
{
    m_pg.stop();
}

QTEST_GUILESS_MAIN(tst_SqlVsMemory)
#include "tst_sql_vs_memory.moc"

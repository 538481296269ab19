// Runs `datastore-notes --offline --db <tmp> --seed demo --screenshot <png>
// --page <page>` for every page, and `datastore-notes --local-server
// --screenshot <png> --page <page>` (the app starts its own datastore-server
// and renders once synced), and checks each PNG: it exists, has the window's
// size, is not blank, and the run printed no QML warning. With
// DS_SCREENSHOT_DIR set, the PNGs are written there (the README's come from
// this with DS_SCREENSHOT_DIR=resources/screenshots).
#include "appcontroller.h"
#include "notesapp.h"

#include <QDir>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QtTest>

using namespace Qt::StringLiterals;

namespace {

// Checked on a saved screenshot: the share of dark pixels (luminance < 0.35).
double darkShare(const QImage &image)
{
    int dark = 0, all = 0;
    for (int y = 0; y < image.height(); y += 5) {
        for (int x = 0; x < image.width(); x += 5) {
            const QColor c = image.pixelColor(x, y);
            dark += (0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF()) < 0.35 ? 1 : 0;
            ++all;
        }
    }
    return all ? double(dark) / all : 0;
}

} // namespace

class TestAppScreenshots : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void page_data()
    {
        QTest::addColumn<QString>("page");
        QTest::addColumn<bool>("syncing");
        for (const QString &page : notes::AppController::pageNames())
            QTest::newRow(qPrintable(page)) << page << false;
        for (const QString &page : notes::AppController::pageNames())
            QTest::newRow(qPrintable(u"local-server-"_s + page)) << page << true;
    }

    // --measure-scroll pages the list while it scrolls (the figure itself is
    // reported, not asserted: performance targets live in the benchmarks).
    void scrollPagesTheList()
    {
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        env.insert(u"XDG_CONFIG_HOME"_s, m_dir.filePath(u"config-scroll"_s));
        env.insert(u"XDG_DATA_HOME"_s, m_dir.filePath(u"data-scroll"_s));
        app.setProcessEnvironment(env);
        app.start(QStringLiteral(NOTES_EXECUTABLE), {u"--offline"_s, u"--db"_s, m_dir.filePath(u"scroll.sqlite"_s),
                                                     u"--demo-posts"_s, u"3000"_s, u"--measure-scroll"_s});
        QVERIFY(app.waitForFinished(120000));
        const QString out = QString::fromUtf8(app.readAllStandardOutput());
        const QString err = QString::fromUtf8(app.readAllStandardError());
        QVERIFY2(app.exitCode() == 0, qPrintable(err));
        QVERIFY2(!err.contains(u"qrc:/"_s) && !err.contains(u"Warning"_s, Qt::CaseInsensitive), qPrintable(err));
        const QRegularExpression line(u"largest gap between frames (\\d+) ms, (\\d+) of (\\d+) posts loaded"_s);
        const QRegularExpressionMatch m = line.match(out);
        QVERIFY2(m.hasMatch(), qPrintable(out));
        qInfo().noquote() << out.trimmed();
        QVERIFY2(m.captured(2).toInt() > 400, qPrintable(out));   // far past the first page of 200
    }

    void palette_data()
    {
        QTest::addColumn<QString>("palette");
        QTest::addColumn<QString>("page");
        for (const QString &page : {u"posts"_s, u"settings"_s, u"account"_s}) {
            QTest::newRow(qPrintable(u"dark-"_s + page)) << u"dark"_s << page;
            QTest::newRow(qPrintable(u"light-"_s + page)) << u"light"_s << page;
        }
    }

    // Every page follows the palette: dark is mostly dark, light mostly light,
    // and text stays visible on both (pixels of both kinds).
    void palette()
    {
        QFETCH(QString, palette);
        QFETCH(QString, page);
        const QString png = m_dir.filePath(u"palette-"_s + palette + u"-"_s + page + u".png"_s);
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        env.insert(u"XDG_CONFIG_HOME"_s, m_dir.filePath(u"config-palette"_s));
        env.insert(u"XDG_DATA_HOME"_s, m_dir.filePath(u"data-palette"_s));
        app.setProcessEnvironment(env);
        app.start(QStringLiteral(NOTES_EXECUTABLE),
                  {u"--offline"_s, u"--db"_s, m_dir.filePath(u"palette.sqlite"_s), u"--seed"_s, u"demo"_s,
                   u"--palette"_s, palette, u"--screenshot"_s, png, u"--page"_s, page});
        QVERIFY(app.waitForFinished(120000));
        const QString err = QString::fromUtf8(app.readAllStandardError());
        QVERIFY2(app.exitStatus() == QProcess::NormalExit && app.exitCode() == 0, qPrintable(err));
        QVERIFY2(!err.contains(u"qrc:/"_s) && !err.contains(u"Warning"_s, Qt::CaseInsensitive), qPrintable(err));
        const QImage image(png);
        QVERIFY(!image.isNull());
        const double share = darkShare(image);
        if (palette == u"dark")
            QVERIFY2(share > 0.7 && share < 0.995, qPrintable(u"dark share %1"_s.arg(share)));
        else
            QVERIFY2(share < 0.3 && share > 0.002, qPrintable(u"dark share %1"_s.arg(share)));
    }

    void page()
    {
        QFETCH(QString, page);
        QFETCH(bool, syncing);
        const QString dir = QString::fromLocal8Bit(qgetenv("DS_SCREENSHOT_DIR"));
        const QString png = QDir(dir.isEmpty() ? m_dir.path() : dir)
                                .filePath((syncing ? u"sync-"_s : QString()) + page + u".png"_s);
        QProcess app;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
        // Settings and data of the run stay in the temporary folder.
        env.insert(u"XDG_CONFIG_HOME"_s, m_dir.filePath(u"config"_s));
        env.insert(u"XDG_DATA_HOME"_s, m_dir.filePath(u"data"_s));
        app.setProcessEnvironment(env);
        const QStringList mode = syncing ? QStringList{u"--local-server"_s}
                                         : QStringList{u"--offline"_s, u"--db"_s, m_dir.filePath(u"demo.sqlite"_s),
                                                       u"--seed"_s, u"demo"_s};
        app.start(QStringLiteral(NOTES_EXECUTABLE), mode + QStringList{u"--screenshot"_s, png, u"--page"_s, page});
        QVERIFY(app.waitForFinished(120000));
        const QString out = QString::fromUtf8(app.readAllStandardOutput());
        const QString err = QString::fromUtf8(app.readAllStandardError());
        QVERIFY2(app.exitStatus() == QProcess::NormalExit && app.exitCode() == 0, qPrintable(err));
        // QML warnings name their file (qrc:/...); any is a failure.
        QVERIFY2(!err.contains(u"qrc:/"_s) && !err.contains(u"Warning"_s, Qt::CaseInsensitive), qPrintable(err));
        QVERIFY2(out.contains(u"screenshot: "_s), qPrintable(out));
        // Synced before rendering (not the timeout), and the server is gone with the app.
        if (syncing) {
            QVERIFY2(!out.contains(u"was not ready"_s), qPrintable(out));
            QVERIFY2(err.contains(u"local server listening"_s) && err.contains(u"local server stopped"_s), qPrintable(err));
        }

        QImage image(png);
        QVERIFY2(!image.isNull(), qPrintable(png));
        QCOMPARE(image.size(), notes::defaultWindowSize);
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7) {
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        }
        QVERIFY2(colours.size() > 8, qPrintable(u"only %1 colours"_s.arg(colours.size())));
    }
};

QTEST_GUILESS_MAIN(TestAppScreenshots)

#include "tst_appscreenshots.moc"

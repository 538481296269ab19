// Runs `datastore-notes --offline --db <tmp> --seed demo --screenshot <png>
// --page <page>` for every page, and `datastore-notes --local-server
// --screenshot <png> --page <page>` (the app starts its own datastore-server
// and renders once synced), and checks each PNG: it exists, has the window's
// size, is not blank, and the run printed no QML warning. With
// DS_SCREENSHOT_DIR set, the PNGs are written there (the README's come from
// this with DS_SCREENSHOT_DIR=resources/screenshots). After a --local-server
// run the server's port no longer answers (closing the app stopped it). At
// a device pixel ratio of 2 (QT_SCALE_FACTOR) the page lays out as at 1,
// at twice the pixels, with text drawn at that resolution (not scaled up).
#include "appcontroller.h"
#include "notesapp.h"

#include <QDir>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

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

double luminance(QRgb rgb)
{
    return (0.2126 * qRed(rgb) + 0.7152 * qGreen(rgb) + 0.0722 * qBlue(rgb)) / 255.0;
}

// Mean absolute difference of luminance, two images of one size.
double meanDifference(const QImage &a, const QImage &b)
{
    double sum = 0;
    for (int y = 0; y < a.height(); ++y) {
        for (int x = 0; x < a.width(); ++x)
            sum += std::abs(luminance(a.pixel(x, y)) - luminance(b.pixel(x, y)));
    }
    return sum / (double(a.width()) * a.height());
}

// Sharpness: the mean squared luminance step between neighbouring pixels
// (blurring an edge over more pixels lowers it).
double sharpness(const QImage &image)
{
    double sum = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x + 1 < image.width(); ++x) {
            const double step = luminance(image.pixel(x + 1, y)) - luminance(image.pixel(x, y));
            sum += step * step;
        }
    }
    return sum / (double(image.width()) * image.height());
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

    // A device pixel ratio of 2: the PNG has twice the pixels, the layout
    // is that of ratio 1 (the pages size everything in logical pixels) and
    // the text is drawn at the higher resolution, not scaled up.
    void highDpi()
    {
        QImage images[2];
        for (int scale : {1, 2}) {
            const QString png = m_dir.filePath(u"dpi-%1.png"_s.arg(scale));
            QProcess app;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
            env.insert(u"QT_SCALE_FACTOR"_s, QString::number(scale));
            env.insert(u"XDG_CONFIG_HOME"_s, m_dir.filePath(u"config-dpi"_s));
            env.insert(u"XDG_DATA_HOME"_s, m_dir.filePath(u"data-dpi"_s));
            app.setProcessEnvironment(env);
            app.start(QStringLiteral(NOTES_EXECUTABLE),
                      {u"--offline"_s, u"--db"_s, m_dir.filePath(u"dpi.sqlite"_s), u"--seed"_s, u"demo"_s,
                       u"--palette"_s, u"light"_s, u"--screenshot"_s, png, u"--page"_s, u"posts"_s});
            QVERIFY(app.waitForFinished(120000));
            const QString err = QString::fromUtf8(app.readAllStandardError());
            QVERIFY2(app.exitStatus() == QProcess::NormalExit && app.exitCode() == 0, qPrintable(err));
            QVERIFY2(!err.contains(u"qrc:/"_s) && !err.contains(u"Warning"_s, Qt::CaseInsensitive), qPrintable(err));
            images[scale - 1] = QImage(png).convertToFormat(QImage::Format_RGB32);
            QCOMPARE(images[scale - 1].size(), notes::defaultWindowSize * scale);
        }
        const QImage down = images[1].scaled(images[0].size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        const double difference = meanDifference(images[0], down);
        const QImage up = images[0].scaled(images[1].size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        const double native = sharpness(images[1]);
        const double scaledUp = sharpness(up);
        qInfo("ratio 2 scaled down differs from ratio 1 by %.4f; sharpness %.5f native, %.5f scaled up",
              difference, native, scaledUp);
        QVERIFY2(difference < 0.03, qPrintable(QString::number(difference)));
        QVERIFY2(native > 1.3 * scaledUp, qPrintable(u"%1 vs %2"_s.arg(native).arg(scaledUp)));
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
            const QRegularExpressionMatch listening
                = QRegularExpression(u"local server listening: http://127\\.0\\.0\\.1:(\\d+)/graphql"_s).match(err);
            QVERIFY2(listening.hasMatch(), qPrintable(err));
            QTcpSocket probe;
            probe.connectToHost(u"127.0.0.1"_s, quint16(listening.captured(1).toUInt()));
            QVERIFY2(!probe.waitForConnected(2000),
                     qPrintable(u"port %1 still answers after the app closed"_s.arg(listening.captured(1))));
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

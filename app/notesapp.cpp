#include "notesapp.h"

#include <QGuiApplication>
#include <QElapsedTimer>
#include <QPalette>
#include <QQuickItem>
#include <QQuickStyle>

#include "apppaths.h"
#include "demodata.h"
#include "localserver.h"
#include "syncactivity.h"
#include "logging.h"
#include "recordeditor.h"
#include "models.h"

#include "qml/qmldatastore.h"
#include "qml/qmlutil_p.h"

#include <QAbstractItemModel>
#include <QCommandLineParser>
#include <QGuiApplication>
#include <QImage>
#include <QQmlApplicationEngine>
#include <QQuickWindow>
#include <QTimer>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace notes {

namespace {

QElapsedTimer &processClock()
{
    static QElapsedTimer clock;
    return clock;
}

// Where the main window lives in the module's resources (Qt 6.4: no loadFromModule).
const QUrl mainQml(u"qrc:/qt-project.org/imports/QtDataStore/Notes/Main.qml"_s);

// How long --screenshot waits for the data before giving up.
constexpr int readyTimeoutMs = 120000;
// How long --screenshot waits for sync to be ready before rendering anyway.
constexpr int syncReadyTimeoutMs = 60000;

// A list model's totalCount for the --measure-* lines: -1 while it counts.
QString totalText(const QObject *model)
{
    const int total = model->property("totalCount").toInt();
    return total < 0 ? u"(not counted yet)"_s : QString::number(total);
}

void print(const QString &line)
{
    std::fprintf(stdout, "%s\n", qPrintable(line));
    std::fflush(stdout);
}

} // namespace

void NotesApp::markProcessStart()
{
    if (!processClock().isValid())
        processClock().start();
}

NotesApp::NotesApp(QObject *parent) : QObject(parent)
{
    markProcessStart();
}

NotesApp::~NotesApp()
{
    // The window (and its editors, which flush pending edits) goes first,
    // then the store, which commits everything queued before it closes.
    m_engine.reset();
    m_controller.reset();
}

AppOptions NotesApp::parseArguments(const QCoreApplication &app)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Qt DataStore notes and posts, offline-first."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption offline(u"offline"_s, u"Run local-only (the default without --config or --local-server)."_s);
    const QCommandLineOption localServer(u"local-server"_s,
        u"Start datastore-server (beside the app) with demo data on a free loopback port and sync with it; it stops with the app."_s);
    const QCommandLineOption config(u"config"_s, u"Sync with the endpoint of this amplifyconfiguration.json."_s, u"file"_s);
    const QCommandLineOption adminKey(u"admin-key"_s, u"Admin key of the --config server, for the server's plans in Settings."_s, u"key"_s);
    const QCommandLineOption db(u"db"_s, u"Use this database file instead of the per-user one."_s, u"file"_s);
    const QCommandLineOption user(u"user"_s, u"Act as this user (selects the user's database)."_s, u"id"_s);
    const QCommandLineOption seed(u"seed"_s, u"demo: fill an empty store with demo data (the default when local-only); none: do not (the default when syncing)."_s, u"demo|none"_s);
    const QCommandLineOption demoPosts(u"demo-posts"_s, u"Number of demo posts (default 500)."_s, u"n"_s, u"500"_s);
    const QCommandLineOption screenshot(u"screenshot"_s, u"Render the page after load (and after sync is ready, when syncing), write a PNG and exit."_s, u"file.png"_s);
    const QCommandLineOption page(u"page"_s, u"Page to show: posts, notes, sync, settings or account."_s, u"page"_s);
    const QCommandLineOption measure(u"measure-startup"_s, u"Print the milliseconds to the first frame and to the first page of posts, then exit."_s);
    const QCommandLineOption palette(u"palette"_s, u"system (default: the desktop's light or dark palette), light or dark."_s,
                                     u"system|light|dark"_s, u"system"_s);
    const QCommandLineOption measureScroll(u"measure-scroll"_s,
        u"Once the posts are loaded, scroll through them (about 5 s), print the largest gap between frames, then exit."_s);
    parser.addOptions({offline, localServer, config, adminKey, db, user, seed, demoPosts, screenshot, page, measure,
                       measureScroll, palette});
    parser.process(app);

    AppOptions options;
    options.offline = parser.isSet(offline);
    options.localServer = parser.isSet(localServer);
    options.configFile = parser.value(config);
    options.adminKey = parser.value(adminKey);
    options.databaseFile = parser.value(db);
    options.userId = parser.value(user);
    options.screenshotFile = parser.value(screenshot);
    options.page = parser.value(page);
    options.measureStartup = parser.isSet(measure);
    options.measureScroll = parser.isSet(measureScroll);
    const QString paletteValue = parser.value(palette);
    if (paletteValue == u"dark") {
        options.palette = AppOptions::Palette::Dark;
    } else if (paletteValue == u"light") {
        options.palette = AppOptions::Palette::Light;
    } else if (paletteValue != u"system") {
        std::fprintf(stderr, "datastore-notes: --palette takes system, light or dark\n");
        std::exit(2);
    }
    if (int(options.offline) + int(options.localServer) + int(!options.configFile.isEmpty()) > 1) {
        std::fprintf(stderr, "datastore-notes: choose one of --offline, --local-server and --config\n");
        std::exit(2);
    }
    const QString seedValue = parser.value(seed);
    if (seedValue.isEmpty()) {
        options.seed = AppOptions::Seed::Auto;
    } else if (seedValue == u"demo") {
        options.seed = AppOptions::Seed::Demo;
    } else if (seedValue == u"none") {
        options.seed = AppOptions::Seed::None;
    } else {
        std::fprintf(stderr, "datastore-notes: --seed takes demo or none, not %s\n", qPrintable(seedValue));
        std::exit(2);
    }
    bool ok = false;
    options.demoPosts = parser.value(demoPosts).toInt(&ok);
    if (!ok || options.demoPosts < 0) {
        std::fprintf(stderr, "datastore-notes: --demo-posts takes a count\n");
        std::exit(2);
    }
    if (!options.page.isEmpty() && !AppController::pageNames().contains(options.page)) {
        std::fprintf(stderr, "datastore-notes: --page takes one of %s\n",
                     qPrintable(AppController::pageNames().join(u", "_s)));
        std::exit(2);
    }
    return options;
}

QQuickWindow *NotesApp::window() const
{
    if (!m_engine || m_engine->rootObjects().isEmpty())
        return nullptr;
    return qobject_cast<QQuickWindow *>(m_engine->rootObjects().constFirst());
}

namespace {

// A complete palette, so every control the pages use is readable: the
// pages take their colours from the palette (QML `palette.*`), never fixed
// backgrounds, so the desktop's own dark palette works the same way.
QPalette forcedPalette(bool dark)
{
    const QColor window = dark ? QColor(0x2b, 0x2b, 0x2e) : QColor(0xef, 0xef, 0xef);
    const QColor base = dark ? QColor(0x1e, 0x1e, 0x20) : QColor(0xff, 0xff, 0xff);
    const QColor text = dark ? QColor(0xe8, 0xe8, 0xe8) : QColor(0x1a, 0x1a, 0x1a);
    const QColor button = dark ? QColor(0x3a, 0x3a, 0x3e) : QColor(0xe0, 0xe0, 0xe0);
    QPalette p(button, window);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, dark ? QColor(0x26, 0x26, 0x29) : QColor(0xf5, 0xf5, 0xf5));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, button);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, dark ? QColor(0x90, 0x90, 0x90) : QColor(0x80, 0x80, 0x80));
    p.setColor(QPalette::Highlight, dark ? QColor(0x3d, 0x7a, 0xd6) : QColor(0x30, 0x8c, 0xc6));
    p.setColor(QPalette::HighlightedText, QColor(0xff, 0xff, 0xff));
    p.setColor(QPalette::Mid, dark ? QColor(0x55, 0x55, 0x5a) : QColor(0xb0, 0xb0, 0xb0));
    p.setColor(QPalette::Disabled, QPalette::Text, dark ? QColor(0x80, 0x80, 0x80) : QColor(0xa0, 0xa0, 0xa0));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, dark ? QColor(0x80, 0x80, 0x80) : QColor(0xa0, 0xa0, 0xa0));
    p.setColor(QPalette::Disabled, QPalette::WindowText, dark ? QColor(0x80, 0x80, 0x80) : QColor(0xa0, 0xa0, 0xa0));
    return p;
}

} // namespace

bool NotesApp::start(const AppOptions &options)
{
    m_options = options;
    // Fusion draws with the application palette, which the platform theme
    // sets from the desktop (light or dark); the Basic style would keep its
    // own light colours. QT_QUICK_CONTROLS_STYLE still wins.
    if (qEnvironmentVariableIsEmpty("QT_QUICK_CONTROLS_STYLE"))
        QQuickStyle::setStyle(u"Fusion"_s);
    if (options.palette != AppOptions::Palette::System)
        QGuiApplication::setPalette(forcedPalette(options.palette == AppOptions::Palette::Dark));
    m_settings = std::make_unique<AppSettings>();
    const QString userId = options.userId.isEmpty() ? m_settings->userId() : options.userId;

    // Where to sync decides which database: each cloud has its own.
    std::optional<ds::SyncConfiguration> config;
    if (!options.offline && !options.configFile.isEmpty()) {
        ds::Result<ds::SyncConfiguration> parsed = ds::SyncConfiguration::fromFile(options.configFile);
        if (!parsed) {
            m_error = parsed.error().message();
            return false;
        }
        if (!parsed->isEnabled()) {
            m_error = u"%1 configures no GraphQL endpoint"_s.arg(options.configFile);
            return false;
        }
        config = *std::move(parsed);
        m_syncScope = AppPaths::scopeOf(config->endpoint);
    } else if (!options.offline && options.localServer) {
        m_syncScope = u"local-server"_s;
    }

    const QString path = options.databaseFile.isEmpty() ? AppPaths::databaseFile(userId, m_syncScope) : options.databaseFile;
    if (!AppPaths::ensureParentDirectory(path)) {
        m_error = u"cannot create the folder of %1"_s.arg(path);
        return false;
    }
    qCInfo(lcUi) << "local database" << path << "user" << (userId.isEmpty() ? u"(anonymous)"_s : userId);

    m_store = std::make_unique<ds::DataStore>(::ModelProvider::schema());
    // Operations queued before open() resolves wait for it; a failure shows
    // up in the status bar through lastError and is reported here too.
    m_store->open(path).then(this, [this, path](const ds::Result<void> &result) {
        if (!result) {
            qCCritical(lcUi) << "cannot open" << path << result.error().message();
            if (!m_options.screenshotFile.isEmpty() || m_options.measureStartup)
                QCoreApplication::exit(1);
        }
    });
    ds::QmlDataStore::setDefaultStore(m_store.get());

    m_controller = std::make_unique<AppController>(m_store.get(), m_settings.get(), userId, path, m_syncScope);

    // Accounts (app/ACCOUNTS.md): sign-in and the per-user database the store has open.
    m_account = std::make_unique<Account>(m_store.get());
    m_account->setSettings(m_settings.get());
    m_account->setDatabasePathFunction([scope = m_syncScope](const QString &user) {
        return AppPaths::databaseFile(user, scope);
    });
    connect(m_account.get(), &Account::aboutToSwitchStore, this, &RecordEditor::flushAll);
    connect(m_account.get(), &Account::userChanged, this, [this] {
        m_controller->setUser(m_account->username(), m_account->databasePath());
    });
    const bool seedDemo = options.seed == AppOptions::Seed::Demo
                          || (options.seed == AppOptions::Seed::Auto && !options.syncs());
    if (seedDemo) {
        m_controller->setSeeding(true);
        DemoData::seedIfEmpty(m_store.get(), options.demoPosts, userId)
            .then(this, [this](const ds::Result<DemoCounts> &result) {
                if (!result)
                    qCWarning(lcUi) << "demo data:" << result.error().message();
                else if (result->posts > 0)
                    qCInfo(lcUi) << "demo data:" << result->posts << "posts," << result->comments
                                 << "comments," << result->notes << "notes";
                m_controller->setSeeding(false);
                checkReady();
            });
    }

    if (options.syncs()) {
        m_syncSettled = false;
        // The store says ready once synced, or once it knows it is offline.
        connect(m_store.get(), &ds::DataStore::ready, this, [this] {
            m_syncSettled = true;
            checkReady();
        });
    }
    if (config) {
        enableSync(*config, config->endpoint.toDisplayString(), options.adminKey);
    } else if (options.syncs()) {
        m_localServer = std::make_unique<LocalServer>();
        m_controller->setSyncPreparing(tr("starting the local server…"));
        connect(m_localServer.get(), &LocalServer::started, this, [this] {
            m_controller->setSyncPreparing(QString());
            ds::Result<ds::SyncConfiguration> parsed = ds::SyncConfiguration::fromFile(m_localServer->configurationFile());
            if (!parsed) {
                m_controller->setSyncProblem(parsed.error().message());
                m_syncSettled = true;
                return;
            }
            m_controller->syncActivity()->add(SyncActivity::Kind::Info, tr("Local server started"),
                                              tr("datastore-server with the demo data at %1; it stops when the app closes.")
                                                  .arg(parsed->endpoint.toDisplayString()));
            enableSync(*parsed, tr("the local server (%1)").arg(parsed->endpoint.toDisplayString()),
                       m_localServer->adminKey());
        });
        connect(m_localServer.get(), &LocalServer::failed, this, [this](const QString &message) {
            m_controller->setSyncPreparing(QString());
            m_controller->setSyncProblem(message);
            m_syncSettled = true;
            checkReady();
        });
        connect(m_localServer.get(), &LocalServer::stoppedUnexpectedly, this, [this](const QString &message) {
            m_controller->setSyncProblem(message);
        });
        m_localServer->start();
    }

    if (m_options.palette != AppOptions::Palette::System) {
        // Quick Controls take their palette from the platform theme, not
        // from QGuiApplication::setPalette(): the window gets the roles.
        const QPalette p = forcedPalette(m_options.palette == AppOptions::Palette::Dark);
        QVariantMap roles;
        const std::pair<const char *, QPalette::ColorRole> names[] = {
            {"window", QPalette::Window}, {"windowText", QPalette::WindowText}, {"base", QPalette::Base},
            {"alternateBase", QPalette::AlternateBase}, {"text", QPalette::Text}, {"button", QPalette::Button},
            {"buttonText", QPalette::ButtonText}, {"highlight", QPalette::Highlight},
            {"highlightedText", QPalette::HighlightedText}, {"mid", QPalette::Mid}, {"light", QPalette::Light},
            {"dark", QPalette::Dark}, {"midlight", QPalette::Midlight}, {"shadow", QPalette::Shadow},
            {"placeholderText", QPalette::PlaceholderText}, {"toolTipBase", QPalette::ToolTipBase},
            {"toolTipText", QPalette::ToolTipText}};
        for (const auto &[name, role] : names)
            roles.insert(QString::fromLatin1(name), p.color(role).name());
        m_controller->setPaletteOverride(roles);
    }
    m_engine = std::make_unique<QQmlApplicationEngine>();
    m_engine->setInitialProperties({
        {u"app"_s, QVariant::fromValue(m_controller.get())},
        {u"account"_s, QVariant::fromValue(m_account.get())},
        {u"initialPage"_s, options.page.isEmpty() ? m_settings->currentPage() : options.page},
    });
    m_engine->load(mainQml);
    QQuickWindow *win = window();
    if (!win) {
        m_error = u"cannot load %1"_s.arg(mainQml.toString());
        return false;
    }

    if (options.measureStartup) {
        connect(win, &QQuickWindow::frameSwapped, this, [] {
            static bool first = true;
            if (first) {
                first = false;
                print(u"startup: first frame after %1 ms"_s.arg(processClock().elapsed()));
            }
        });
    }
    // Readiness: poll cheaply until the seed is done and the list is loaded.
    auto *poll = new QTimer(this);
    poll->setInterval(20);
    connect(poll, &QTimer::timeout, this, [this, poll] {
        checkReady();
        if (m_ready)
            poll->deleteLater();
    });
    poll->start();
    if (!options.screenshotFile.isEmpty() || options.measureStartup || options.measureScroll) {
        if (!m_syncSettled) {
            QTimer::singleShot(syncReadyTimeoutMs, this, [this] {
                if (!m_syncSettled) {
                    print(u"datastore-notes: sync was not ready after %1 s; rendering what there is"_s.arg(syncReadyTimeoutMs / 1000));
                    m_syncSettled = true;
                    checkReady();
                }
            });
        }
        QTimer::singleShot(readyTimeoutMs, this, [this] {
            if (!m_ready) {
                std::fprintf(stderr, "datastore-notes: the data did not load in time\n");
                QCoreApplication::exit(1);
            }
        });
    }
    return true;
}

bool NotesApp::isViewLoaded() const
{
    QQuickWindow *win = window();
    if (!win)
        return false;
    const auto *posts = win->findChild<QAbstractItemModel *>(u"postsModel"_s);
    return posts && !posts->property("loading").toBool();
}

void NotesApp::checkReady()
{
    if (m_ready || !m_controller || m_controller->isSeeding() || !m_syncSettled || !isViewLoaded())
        return;
    m_ready = true;
    if (m_options.measureStartup) {
        const auto *posts = window()->findChild<QAbstractItemModel *>(u"postsModel"_s);
        print(u"startup: first page of posts (%1 rows loaded of %2) after %3 ms"_s
                  .arg(posts->rowCount())
                  .arg(totalText(posts))
                  .arg(processClock().elapsed()));
    }
    Q_EMIT ready();
    if (!m_options.screenshotFile.isEmpty()) {
        // Let the view lay out the rows that just arrived, then grab.
        QTimer::singleShot(200, this, &NotesApp::takeScreenshot);
    } else if (m_options.measureStartup) {
        QTimer::singleShot(0, qApp, [] { QCoreApplication::exit(0); });
    } else if (m_options.measureScroll) {
        QTimer::singleShot(200, this, &NotesApp::measureScroll);
    }
}

void NotesApp::measureScroll()
{
    // Fast scrolling through the post list: a step of several screens'
    // worth of rows per frame, so the list model must page (fetchMore) as it
    // goes. What is measured is the largest gap between two frames: a frame
    // that waited on loading rows shows as a stall.
    QQuickWindow *win = window();
    auto *list = win ? win->findChild<QQuickItem *>(u"postList"_s) : nullptr;
    const auto *posts = win ? win->findChild<QAbstractItemModel *>(u"postsModel"_s) : nullptr;
    if (!list || !posts) {
        std::fprintf(stderr, "datastore-notes: --measure-scroll: no post list\n");
        QCoreApplication::exit(1);
        return;
    }
    struct Run
    {
        QElapsedTimer clock;
        qint64 lastFrame = -1;
        qint64 maxGap = 0;
        int frames = 0;
        int steps = 0;
    };
    auto run = std::make_shared<Run>();
    run->clock.start();
    connect(win, &QQuickWindow::frameSwapped, this, [run] {
        const qint64 now = run->clock.elapsed();
        if (run->lastFrame >= 0)
            run->maxGap = std::max(run->maxGap, now - run->lastFrame);
        run->lastFrame = now;
        ++run->frames;
    });
    auto *step = new QTimer(this);
    step->setTimerType(Qt::PreciseTimer);
    step->setInterval(16);
    connect(step, &QTimer::timeout, this, [this, run, step, list, posts, win] {
        const qreal y = list->property("contentY").toReal();
        const qreal height = list->property("contentHeight").toReal() - list->height();
        list->setProperty("contentY", std::min(height, y + 240.0));
        win->update();
        if (++run->steps < 300)
            return;
        step->stop();
        print(u"scroll: %1 steps in %2 ms, %3 frames, largest gap between frames %4 ms, %5 of %6 posts loaded"_s
                  .arg(run->steps)
                  .arg(run->clock.elapsed())
                  .arg(run->frames)
                  .arg(run->maxGap)
                  .arg(posts->rowCount())
                  .arg(totalText(posts)));
        QTimer::singleShot(0, qApp, [] { QCoreApplication::exit(0); });
    });
    step->start();
}

void NotesApp::enableSync(ds::SyncConfiguration config, const QString &description, const QString &adminKey)
{
    // The sync expressions the user applied to this cloud before (Settings).
    for (const ds::ModelSchema &model : m_store->schema().models()) {
        const QString text = m_settings->syncExpression(m_syncScope, model.name);
        if (text.isEmpty())
            continue;
        if (m_store->parsePredicate(model.name, text))
            config.setSyncExpression(model.name, text);
        else
            qCInfo(lcUi).noquote() << "ignoring the saved sync expression of" << model.name << "(no longer valid):" << text;
    }
    // Errors reach the app through the store's signals (the Sync page lists
    // them); the handler only keeps the engine from logging each as a warning.
    config.errorHandler = [](const ds::SyncError &) {};
    // Conflicts are resolved as by default (ours again, on the server's
    // version) and listed on the Sync page. The handler runs on the sync
    // thread: the report goes to the GUI thread, to the activity if it is
    // still there.
    config.conflictHandler = [activity = QPointer<SyncActivity>(m_controller->syncActivity())](const ds::ConflictData &conflict) {
        if (conflict.attempts == 1) {
            QMetaObject::invokeMethod(qApp, [activity, conflict] {
                if (activity)
                    activity->addConflict(conflict);
            }, Qt::QueuedConnection);
        }
        return ds::ConflictResolution::retry();
    };
    m_controller->setSyncTarget(description, config.endpoint, adminKey);
    qCInfo(lcUi).noquote() << "syncing with" << config.endpoint.toDisplayString();
    if (m_options.databaseFile.isEmpty()) {
        // The account configures and starts the store for the signed-in user
        // (their token) or anonymous use (the API key), in their own database.
        m_account->setCloud(config);
        m_account->restoreSession(m_options.userId.isEmpty() ? m_settings->userId() : m_options.userId);
        return;
    }
    Account::keepUnsyncableModelsLocal(config, m_store->schema());
    m_store->configureSync(config);
    ds::qml::continueLater(m_store->start(), this, [this](const ds::Result<void> &started) {
        if (!started) {
            m_controller->setSyncProblem(started.error().message());
            m_syncSettled = true;
            checkReady();
        }
    });
}

void NotesApp::takeScreenshot()
{
    QQuickWindow *win = window();
    const QImage image = win ? win->grabWindow() : QImage();
    if (image.isNull() || !image.save(m_options.screenshotFile, "PNG")) {
        std::fprintf(stderr, "datastore-notes: cannot write the screenshot %s\n", qPrintable(m_options.screenshotFile));
        QCoreApplication::exit(1);
        return;
    }
    print(u"screenshot: %1 %2x%3"_s.arg(m_options.screenshotFile).arg(image.width()).arg(image.height()));
    QCoreApplication::exit(0);
}

} // namespace notes

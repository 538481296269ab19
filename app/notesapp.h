// notes::NotesApp: the app put together: options, settings, the local store
// (one database per user and cloud), demo data, cloud sync (--config FILE,
// or --local-server: its own datastore-server), the QML engine and the main
// window; plus the --screenshot and --measure-startup modes. main.cpp
// parses the command line and calls start(); tests call start() with their
// options.
//
// Threading: GUI thread.
#pragma once

#include "account.h"
#include "appcontroller.h"
#include "appsettings.h"
#include "localserver.h"

#include <datastore/datastore.h>

#include <QElapsedTimer>
#include <QObject>
#include <QSize>

#include <memory>
#include <optional>

QT_BEGIN_NAMESPACE
class QCoreApplication;
class QQmlApplicationEngine;
class QQuickWindow;
QT_END_NAMESPACE

namespace notes {

struct AppOptions
{
    // Auto: demo data for a local-only store; none when syncing (the cloud has the data).
    enum class Seed { Auto, Demo, None };

    bool offline = false;      // --offline: local-only
    bool localServer = false;  // --local-server: start datastore-server and sync with it
    QString configFile;        // --config: an amplifyconfiguration.json to sync with
    QString adminKey;          // --admin-key: lets Settings ask a --config server for its plans
    QString databaseFile;      // --db: overrides the per-user database path
    QString userId;            // --user: overrides the signed-in user of the settings
    QString screenshotFile;    // --screenshot: render, write this PNG, exit
    QString page;              // --page: posts, notes, sync or settings
    Seed seed = Seed::Auto;    // --seed demo|none: fill an empty store with demo data
    int demoPosts = 500;       // --demo-posts: how many demo posts
    bool measureStartup = false;   // --measure-startup: print ms to the first frame, exit
    bool measureScroll = false;    // --measure-scroll: scroll the posts through, print the worst frame gap, exit
    // --palette: system (the platform's, light or dark as the desktop is),
    // or light/dark forced (to check both without changing the desktop).
    enum class Palette { System, Light, Dark };
    Palette palette = Palette::System;

    bool syncs() const { return !offline && (localServer || !configFile.isEmpty()); }
};

// The window's size when it opens (and of screenshots, at device pixel ratio 1).
inline constexpr QSize defaultWindowSize{1100, 720};

class NotesApp : public QObject
{
    Q_OBJECT

public:
    explicit NotesApp(QObject *parent = nullptr);
    ~NotesApp() override;

    // Parses the command line (exits with usage on --help or a bad option).
    static AppOptions parseArguments(const QCoreApplication &app);

    // Opens the store, starts seeding and loads the main window. False (and
    // errorString()) when it cannot. In screenshot / measure mode the app
    // quits by itself once done (QCoreApplication::exit with the status).
    bool start(const AppOptions &options);
    QString errorString() const { return m_error; }

    ds::DataStore *store() const { return m_store.get(); }
    AppController *controller() const { return m_controller.get(); }
    AppSettings *settings() const { return m_settings.get(); }
    // Who is signed in; switches the store between per-user databases.
    Account *account() const { return m_account.get(); }
    // The app's own datastore-server (--local-server), else null.
    LocalServer *localServer() const { return m_localServer.get(); }
    QQmlApplicationEngine *engine() const { return m_engine.get(); }
    QQuickWindow *window() const;

    // Call as early as possible in main(): --measure-startup counts from here.
    static void markProcessStart();

Q_SIGNALS:
    // Demo data (if any) is written and the first page of posts is loaded.
    void ready();

private:
    // Configures the store with `config` (plus the sync expressions saved
    // for this cloud) and starts syncing.
    void enableSync(ds::SyncConfiguration config, const QString &description, const QString &adminKey);
    void checkReady();
    void measureScroll();
    void takeScreenshot();
    bool isViewLoaded() const;

    AppOptions m_options;
    QString m_error;
    QString m_syncScope;
    // Declared before the store: destroyed after it, so sync stops first.
    std::unique_ptr<LocalServer> m_localServer;
    std::unique_ptr<ds::DataStore> m_store;
    std::unique_ptr<AppSettings> m_settings;
    std::unique_ptr<AppController> m_controller;
    // After the store: destroyed before it.
    std::unique_ptr<Account> m_account;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    bool m_ready = false;
    bool m_seeded = false;
    // --screenshot while syncing waits for the store's ready() (or a timeout).
    bool m_syncSettled = true;
};

} // namespace notes

// notes::AppController: what the app's QML calls besides the DataStore
// singleton and its list models. It creates records with their defaults,
// converts between the editors' text and the stored form, and states the
// sync status in words (from the store's sync state, and the app's own
// steps before it: the local server starting or failing). It owns the Sync
// page's event list (syncActivity) and the Settings page's sync expressions
// (syncExpressions). The root window takes it as its required property `app`.
//
// Threading: GUI thread.
#pragma once

#include "appsettings.h"
#include "syncactivity.h"
#include "syncexpressionmodel.h"

#include <datastore/datastore.h>

#include <QObject>
#include <QVariantMap>
#include <QPointer>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace notes {

class AppController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("AppController belongs to the app; the window gets it as `app`")
    Q_PROPERTY(notes::AppSettings *settings READ settings CONSTANT)
    // --palette light|dark: the window's palette roles to force (empty: the
    // desktop's palette, which Fusion draws with).
    Q_PROPERTY(QVariantMap paletteOverride READ paletteOverride CONSTANT)
    Q_PROPERTY(bool online READ isOnline NOTIFY syncStatusChanged)
    // The app syncs (or is getting ready to: the local server starting).
    Q_PROPERTY(bool syncConfigured READ isSyncConfigured NOTIFY syncStatusChanged)
    // One line: what sync is doing ("synced with 127.0.0.1:41234", "offline: ...").
    Q_PROPERTY(QString syncStatus READ syncStatus NOTIFY syncStatusChanged)
    // A base or delta sync is running (the status bar shows progress).
    Q_PROPERTY(bool syncBusy READ isSyncBusy NOTIFY syncStatusChanged)
    // "Last sync 10:42" / "Not synced yet" / "" when local-only.
    Q_PROPERTY(QString lastSyncText READ lastSyncText NOTIFY syncStatusChanged)
    // Where this device syncs: "the local server (http://127.0.0.1:41234/graphql)", "" when local-only.
    Q_PROPERTY(QString syncTarget READ syncTarget NOTIFY syncStatusChanged)
    // Why notes do not sync, when they do not ("" when they do or nothing syncs).
    Q_PROPERTY(QString notesNotice READ notesNotice NOTIFY syncStatusChanged)
    Q_PROPERTY(notes::SyncActivity *syncActivity READ syncActivity CONSTANT)
    Q_PROPERTY(notes::SyncExpressionModel *syncExpressions READ syncExpressions CONSTANT)
    // The signed-in user (the owner of new notes) and their database; follow Account.
    Q_PROPERTY(QString userId READ userId NOTIFY userChanged)
    Q_PROPERTY(QString databasePath READ databasePath NOTIFY userChanged)
    // Demo data is being written (the first run of a fresh store).
    Q_PROPERTY(bool seeding READ isSeeding NOTIFY seedingChanged)
    Q_PROPERTY(QStringList pageNames READ pageNames CONSTANT)
    Q_PROPERTY(QStringList pageTitles READ pageTitles CONSTANT)
    Q_PROPERTY(QStringList postStatuses READ postStatuses CONSTANT)
    Q_PROPERTY(QStringList noteColors READ noteColors CONSTANT)

public:
    QVariantMap paletteOverride() const { return m_paletteOverride; }
    void setPaletteOverride(const QVariantMap &roles) { m_paletteOverride = roles; }

    // syncScope: the cloud the store's database belongs to (AppPaths), "" for local-only.
    AppController(ds::DataStore *store, AppSettings *settings, QString userId, QString databasePath,
                  QString syncScope = QString(), QObject *parent = nullptr);

    AppSettings *settings() const { return m_settings; }
    bool isOnline() const;
    bool isSyncConfigured() const;
    QString syncStatus() const;
    bool isSyncBusy() const;
    QString lastSyncText() const;
    QString syncTarget() const { return m_syncTarget; }
    QString notesNotice() const;
    SyncActivity *syncActivity() const { return m_activity; }
    SyncExpressionModel *syncExpressions() const { return m_expressions; }

    // The app's own sync steps, before and around the store's: preparing
    // (e.g. "starting the local server…"; "" when done) and a problem that
    // keeps it from syncing ("" when none).
    void setSyncPreparing(const QString &what);
    void setSyncProblem(const QString &problem);
    // Where the store syncs, once it is configured; the admin key (if any)
    // lets the Settings page ask the server for its plans.
    void setSyncTarget(const QString &description, const QUrl &endpoint, const QString &adminKey);
    QString userId() const { return m_userId; }
    void setUser(const QString &userId, const QString &databasePath);
    QString databasePath() const { return m_databasePath; }
    bool isSeeding() const { return m_seeding; }
    void setSeeding(bool seeding);

    static QStringList pageNames();
    static QStringList pageTitles();
    static QStringList postStatuses();
    static QStringList noteColors();

    // Creates a post / note with default values; returns its id at once
    // (the record is committed shortly after; DataStoreListModel shows it).
    Q_INVOKABLE QString createPost();
    Q_INVOKABLE QString createNote();
    // Adds a comment to a post; false (and nothing saved) for blank text.
    Q_INVOKABLE bool addComment(const QString &postId, const QString &content);
    // Deletes a record by id; a post takes its comments with it.
    Q_INVOKABLE void removeRecord(const QString &modelName, const QString &id);

    // The filter of one post's comments for a DataStoreListModel.
    Q_INVOKABLE static QString commentsFilter(const QString &postId);
    // "a, b ,c" <-> ["a", "b", "c"] (blank entries dropped).
    Q_INVOKABLE static QStringList splitTags(const QString &text);
    Q_INVOKABLE static QString joinTags(const QVariant &tags);

Q_SIGNALS:
    void syncStatusChanged();
    void seedingChanged();
    void userChanged();

private:
    QPointer<ds::DataStore> m_store;
    AppSettings *m_settings;
    QString m_userId;
    QString m_databasePath;
    bool m_seeding = false;
    QString m_syncPreparing;
    QString m_syncProblem;
    QString m_syncTarget;
    QString m_syncHost;
    SyncActivity *m_activity;
    SyncExpressionModel *m_expressions;
    QVariantMap m_paletteOverride;
};

} // namespace notes

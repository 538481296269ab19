// notes::SyncActivity: the recent sync events of a DataStore, newest first,
// each said in words a user understands (the Sync page lists them).
//
//   ListView { model: app.syncActivity; delegate: ... required property string title ... }
//
// It listens to the store's hub signals: a sync round starting, each model
// synced (with what arrived, changed, was deleted or evicted), the round
// ready, the connection lost or back, local changes uploaded, conditional
// saves the server rejected, mutations it refused and other sync errors;
// and conflicts (a change of ours sent with a version the server had moved
// past), which the app's conflict handler reports through addConflict().
// Uploads are folded into one row per burst so typing does not flood the list.
//
// Threading: GUI thread (the store's thread).
#pragma once

#include <datastore/datastore.h>
#include <datastore/syncconfiguration.h>

#include <QAbstractListModel>
#include <QDateTime>
#include <QPointer>
#include <QHash>
#include <QtQml/qqmlregistration.h>

namespace notes {

class SyncActivity : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("SyncActivity belongs to the app; use app.syncActivity")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
    // Conflicts and rejected changes since the app started.
    Q_PROPERTY(int problemCount READ problemCount NOTIFY countChanged)

public:
    enum Role { TimeRole = Qt::UserRole + 1, KindRole, TitleRole, DetailRole };
    // info: progress; success: synced / sent; warning: a change of yours the
    // server did not take (conflict, rejection); error: sync trouble.
    enum class Kind { Info, Success, Warning, Error };

    explicit SyncActivity(ds::DataStore *store, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int problemCount() const { return m_problems; }

    // Adds an event (also used by the app for its own: the local server).
    void add(Kind kind, const QString &title, const QString &detail = QString());
    Q_INVOKABLE void clear();
    // A change of ours crossed one made elsewhere (the server answered
    // ConflictUnhandled) and is sent again on the server's version (the
    // app's resolution: the latest change wins).
    void addConflict(const ds::ConflictData &conflict);
    // The store gave up on a change of ours (outboxMutationFailed): the
    // server refused it, or it kept crossing changes made elsewhere.
    void addFailure(const QString &model, const QString &operation, const QVariantMap &element,
                    const ds::Error &error);

    // "post “Hello”", "comment “Nice…”", "user Jane Doe", "note “Groceries”".
    static QString describe(const QString &model, const QVariantMap &element);
    // "posts", "comments", ...
    static QString pluralName(const QString &model);
    // What went wrong, for people: by the error's domain and code.
    static QString explain(const ds::Error &error);

Q_SIGNALS:
    void countChanged();

private:
    struct Entry
    {
        QDateTime time;
        Kind kind = Kind::Info;
        QString title;
        QString detail;
    };

    void onModelSynced(const QString &model, bool isFull, bool isDelta, int created, int updated,
                       int deleted, int evicted);
    void onProcessed(const QString &model, const QVariantMap &element);

    QPointer<ds::DataStore> m_store;
    QList<Entry> m_entries;   // newest first
    int m_problems = 0;
    // The row folding uploads: index 0 while it is the newest, its count.
    int m_uploadsInRow = 0;
    QString m_lastUpload;
    // The last mutation failure, so the sync error that repeats it is not listed twice.
    QString m_lastFailure;
    // "Model/id" of the last rejected conditional save (its failure follows).
    QString m_lastRejected;
    // Models said to stay on this device (kept local, or refused by the
    // server): said once per model.
    QHash<QString, bool> m_saidStaysLocal;
};

} // namespace notes

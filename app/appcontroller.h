// notes::AppController: what the app's QML calls besides the DataStore
// singleton and its list models. It creates records with their defaults,
// converts between the editors' text and the stored form, and states the
// sync status. The root window takes it as its required property `app`.
//
// Sync is not built yet: the app runs local-only, `online` is false and
// `syncStatus` says so. The later sync work sets these from the sync engine.
//
// Threading: GUI thread.
#pragma once

#include "appsettings.h"

#include <datastore/datastore.h>

#include <QObject>
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
    Q_PROPERTY(bool online READ isOnline NOTIFY syncStatusChanged)
    Q_PROPERTY(bool syncConfigured READ isSyncConfigured NOTIFY syncStatusChanged)
    Q_PROPERTY(QString syncStatus READ syncStatus NOTIFY syncStatusChanged)
    Q_PROPERTY(QString userId READ userId CONSTANT)
    Q_PROPERTY(QString databasePath READ databasePath CONSTANT)
    // Demo data is being written (the first run of a fresh store).
    Q_PROPERTY(bool seeding READ isSeeding NOTIFY seedingChanged)
    Q_PROPERTY(QStringList pageNames READ pageNames CONSTANT)
    Q_PROPERTY(QStringList pageTitles READ pageTitles CONSTANT)
    Q_PROPERTY(QStringList postStatuses READ postStatuses CONSTANT)
    Q_PROPERTY(QStringList noteColors READ noteColors CONSTANT)

public:
    AppController(ds::DataStore *store, AppSettings *settings, QString userId, QString databasePath,
                  QObject *parent = nullptr);

    AppSettings *settings() const { return m_settings; }
    bool isOnline() const { return false; }
    bool isSyncConfigured() const { return false; }
    QString syncStatus() const;
    QString userId() const { return m_userId; }
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

private:
    QPointer<ds::DataStore> m_store;
    AppSettings *m_settings;
    QString m_userId;
    QString m_databasePath;
    bool m_seeding = false;
};

} // namespace notes

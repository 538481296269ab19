#include "appcontroller.h"

#include "logging.h"
#include "postfilter.h"

#include <QLocale>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace notes {

AppController::AppController(ds::DataStore *store, AppSettings *settings, QString userId,
                             QString databasePath, QString syncScope, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_settings(settings)
    , m_userId(std::move(userId))
    , m_databasePath(std::move(databasePath))
    , m_activity(new SyncActivity(store, this))
    , m_expressions(new SyncExpressionModel(store, settings, std::move(syncScope), this))
{
    if (store) {
        for (auto signal : {&ds::DataStore::syncStateChanged, &ds::DataStore::onlineChanged,
                            &ds::DataStore::lastSyncedAtChanged})
            connect(store, signal, this, &AppController::syncStatusChanged);
        // Records arrive during a base sync: the status counts them.
        connect(store, &ds::DataStore::syncProgressChanged, this, [this] {
            if (isSyncBusy())
                Q_EMIT syncStatusChanged();
        });
    }
}

bool AppController::isOnline() const
{
    return m_store && m_store->isOnline();
}

bool AppController::isSyncConfigured() const
{
    return !m_syncPreparing.isEmpty() || (m_store && m_store->isSyncEnabled());
}

bool AppController::isSyncBusy() const
{
    if (!m_syncPreparing.isEmpty())
        return true;
    if (!m_store)
        return false;
    const auto state = m_store->syncState();
    return state == ds::DataStore::SyncState::Starting || state == ds::DataStore::SyncState::Syncing;
}

QString AppController::syncStatus() const
{
    if (!m_syncProblem.isEmpty())
        return tr("not syncing: %1").arg(m_syncProblem);
    if (!m_syncPreparing.isEmpty())
        return m_syncPreparing;
    if (!m_store)
        return {};
    switch (m_store->syncState()) {
    case ds::DataStore::SyncState::LocalOnly:
        return tr("local only: changes stay on this device");
    case ds::DataStore::SyncState::Stopped:
        if (!m_store->autoStart())
            return tr("sync paused: changes stay on this device until Start sync");
        return tr("sync stopped: it starts again with Start sync, or by itself as soon as the app reads or writes data");
    case ds::DataStore::SyncState::Starting:
        return tr("connecting to %1…").arg(m_syncHost);
    case ds::DataStore::SyncState::Syncing:
        return tr("syncing with %1: %2 records so far").arg(m_syncHost, QLocale().toString(m_store->syncedRecords()));
    case ds::DataStore::SyncState::Ready:
        return tr("synced with %1").arg(m_syncHost);
    case ds::DataStore::SyncState::Offline:
        return tr("cannot reach %1: changes are kept and sent when it is back").arg(m_syncHost);
    }
    return {};
}

QString AppController::lastSyncText() const
{
    if (!isSyncConfigured() || !m_store)
        return {};
    const QDateTime last = m_store->lastSyncedAt();
    if (!last.isValid())
        return tr("Not synced yet");
    const QDateTime local = last.toLocalTime();
    const QLocale locale;
    if (local.date() == QDate::currentDate())
        return tr("Last sync %1").arg(locale.toString(local.time(), QLocale::ShortFormat));
    return tr("Last sync %1").arg(locale.toString(local, QLocale::ShortFormat));
}

QString AppController::notesNotice() const
{
    // Notes are private (@auth owner): the server shares them only with their
    // signed-in owner, never with the app's API key.
    if (!isSyncConfigured() || !m_store)
        return {};
    if (m_store->isSyncEnabled()
        && m_store->syncConfiguration().authorizationType != ds::SyncConfiguration::AuthorizationType::ApiKey)
        return {};
    return tr("Notes stay on this device: the server keeps notes only for their signed-in owner, "
              "and this app connects with an API key (not signed in).");
}

void AppController::setSyncPreparing(const QString &what)
{
    if (m_syncPreparing == what)
        return;
    m_syncPreparing = what;
    Q_EMIT syncStatusChanged();
}

void AppController::setSyncProblem(const QString &problem)
{
    if (m_syncProblem == problem)
        return;
    m_syncProblem = problem;
    if (!problem.isEmpty())
        m_activity->add(SyncActivity::Kind::Error, tr("Sync is not running"), problem);
    Q_EMIT syncStatusChanged();
}

void AppController::setSyncTarget(const QString &description, const QUrl &endpoint, const QString &adminKey)
{
    m_syncTarget = description;
    m_syncHost = endpoint.host() + (endpoint.port() > 0 ? u':' + QString::number(endpoint.port()) : QString());
    m_expressions->setExplainService(endpoint, adminKey);
    m_expressions->reload();
    Q_EMIT syncStatusChanged();
}

void AppController::setSeeding(bool seeding)
{
    if (m_seeding == seeding)
        return;
    m_seeding = seeding;
    Q_EMIT seedingChanged();
}

void AppController::setUser(const QString &userId, const QString &databasePath)
{
    if (m_userId == userId && m_databasePath == databasePath)
        return;
    m_userId = userId;
    m_databasePath = databasePath;
    Q_EMIT userChanged();
}

QStringList AppController::pageNames()
{
    return {u"posts"_s, u"notes"_s, u"sync"_s, u"settings"_s, u"account"_s};
}

QStringList AppController::pageTitles()
{
    return {tr("Posts"), tr("Notes"), tr("Sync"), tr("Settings"), tr("Account")};
}

QStringList AppController::postStatuses()
{
    return {u"DRAFT"_s, u"PUBLISHED"_s, u"ARCHIVED"_s};
}

QStringList AppController::noteColors()
{
    // Note colours are content, not chrome: the same on every palette.
    return {u"#fff2a8"_s, u"#c8f0c8"_s, u"#cfe3ff"_s, u"#ffd6d6"_s, u"#e8dcff"_s, u"#eeeeee"_s};
}

namespace {
QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}
} // namespace

QString AppController::createPost()
{
    if (!m_store)
        return {};
    const QString id = newId();
    m_store->save(u"Post"_s, {{u"id"_s, id},
                              {u"title"_s, tr("New post")},
                              {u"content"_s, QString()},
                              {u"rating"_s, 5},
                              {u"status"_s, u"DRAFT"_s},
                              {u"tags"_s, QStringList()}});
    qCDebug(lcUi) << "created post" << id;
    return id;
}

QString AppController::createNote()
{
    if (!m_store)
        return {};
    const QString id = newId();
    QVariantMap note{{u"id"_s, id},
                     {u"title"_s, tr("New note")},
                     {u"body"_s, QString()},
                     {u"pinned"_s, false},
                     {u"color"_s, noteColors().constFirst()}};
    if (!m_userId.isEmpty())
        note.insert(u"owner"_s, m_userId);
    m_store->save(u"Note"_s, note);
    qCDebug(lcUi) << "created note" << id;
    return id;
}

bool AppController::addComment(const QString &postId, const QString &content)
{
    const QString text = content.trimmed();
    if (!m_store || postId.isEmpty() || text.isEmpty())
        return false;
    m_store->save(u"Comment"_s, {{u"id"_s, newId()}, {u"postID"_s, postId}, {u"content"_s, text}});
    return true;
}

void AppController::removeRecord(const QString &modelName, const QString &id)
{
    if (!m_store || id.isEmpty())
        return;
    if (modelName == u"Post") {
        auto predicate = m_store->parsePredicate(u"Comment"_s, commentsFilter(id));
        if (predicate)
            m_store->removeWhere(u"Comment"_s, *predicate);
    }
    m_store->remove(modelName, id);
    qCDebug(lcUi) << "removed" << modelName << id;
}

QString AppController::commentsFilter(const QString &postId)
{
    return PostFilter::commentsOf(postId);
}

QStringList AppController::splitTags(const QString &text)
{
    QStringList tags;
    for (const QString &part : text.split(u',')) {
        const QString tag = part.trimmed();
        if (!tag.isEmpty() && !tags.contains(tag))
            tags.append(tag);
    }
    return tags;
}

QString AppController::joinTags(const QVariant &tags)
{
    return tags.toStringList().join(u", "_s);
}

} // namespace notes

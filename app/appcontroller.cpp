#include "appcontroller.h"

#include "logging.h"
#include "postfilter.h"

#include <QUuid>

using namespace Qt::StringLiterals;

namespace notes {

AppController::AppController(ds::DataStore *store, AppSettings *settings, QString userId,
                             QString databasePath, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_settings(settings)
    , m_userId(std::move(userId))
    , m_databasePath(std::move(databasePath))
{
}

QString AppController::syncStatus() const
{
    return tr("local only: changes stay on this device (cloud sync is not available yet)");
}

void AppController::setSeeding(bool seeding)
{
    if (m_seeding == seeding)
        return;
    m_seeding = seeding;
    Q_EMIT seedingChanged();
}

QStringList AppController::pageNames()
{
    return {u"posts"_s, u"notes"_s, u"sync"_s, u"settings"_s};
}

QStringList AppController::pageTitles()
{
    return {tr("Posts"), tr("Notes"), tr("Sync"), tr("Settings")};
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

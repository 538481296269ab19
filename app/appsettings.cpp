#include "appsettings.h"

using namespace Qt::StringLiterals;

namespace notes {

namespace {
const QStringList pages{u"posts"_s, u"notes"_s, u"sync"_s, u"settings"_s, u"account"_s};
}

AppSettings::AppSettings(QObject *parent) : QObject(parent) {}

bool AppSettings::write(const QString &key, const QVariant &value)
{
    if (m_settings.value(key) == value)
        return false;
    m_settings.setValue(key, value);
    return true;
}

QString AppSettings::userId() const
{
    return m_settings.value(u"account/userId"_s).toString();
}

void AppSettings::setUserId(const QString &userId)
{
    if (write(u"account/userId"_s, userId))
        Q_EMIT userIdChanged();
}

QString AppSettings::currentPage() const
{
    const QString page = m_settings.value(u"ui/currentPage"_s).toString();
    return pages.contains(page) ? page : pages.first();
}

void AppSettings::setCurrentPage(const QString &page)
{
    if (pages.contains(page) && write(u"ui/currentPage"_s, page))
        Q_EMIT currentPageChanged();
}

int AppSettings::postsSortIndex() const
{
    return m_settings.value(u"posts/sortIndex"_s, 0).toInt();
}

void AppSettings::setPostsSortIndex(int index)
{
    if (write(u"posts/sortIndex"_s, index))
        Q_EMIT postsSortIndexChanged();
}

int AppSettings::postsStatusIndex() const
{
    return m_settings.value(u"posts/statusIndex"_s, 0).toInt();
}

void AppSettings::setPostsStatusIndex(int index)
{
    if (write(u"posts/statusIndex"_s, index))
        Q_EMIT postsStatusIndexChanged();
}

int AppSettings::postsMinRating() const
{
    return m_settings.value(u"posts/minRating"_s, 0).toInt();
}

void AppSettings::setPostsMinRating(int rating)
{
    if (write(u"posts/minRating"_s, rating))
        Q_EMIT postsMinRatingChanged();
}

QString AppSettings::syncExpression(const QString &scope, const QString &model) const
{
    return m_settings.value(u"sync/"_s + scope + u"/expression/"_s + model).toString();
}

void AppSettings::setSyncExpression(const QString &scope, const QString &model, const QString &text)
{
    const QString key = u"sync/"_s + scope + u"/expression/"_s + model;
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty() || trimmed == u"all")
        m_settings.remove(key);
    else
        write(key, trimmed);
}

} // namespace notes

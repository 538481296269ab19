#include "postfilter.h"

using namespace Qt::StringLiterals;

namespace notes {

namespace {

// Display name and sort text, in the order of the sort choices.
struct SortChoice
{
    QString name;
    QString sort;
};

const QList<SortChoice> &sortChoices()
{
    static const QList<SortChoice> choices{
        {u"Newest first"_s, u"createdAt desc"_s},
        {u"Oldest first"_s, u"createdAt asc"_s},
        {u"Highest rating"_s, u"rating desc, title"_s},
        {u"Lowest rating"_s, u"rating asc, title"_s},
        {u"Title A-Z"_s, u"title asc"_s},
    };
    return choices;
}

const QStringList statusValues{QString(), u"DRAFT"_s, u"PUBLISHED"_s, u"ARCHIVED"_s};

} // namespace

PostFilter::PostFilter(QObject *parent) : QObject(parent) {}

void PostFilter::setSearchText(const QString &text)
{
    if (m_searchText == text)
        return;
    m_searchText = text;
    Q_EMIT searchTextChanged();
    rebuild();
}

void PostFilter::setStatusIndex(int index)
{
    index = qBound(0, index, int(statusValues.size()) - 1);
    if (m_statusIndex == index)
        return;
    m_statusIndex = index;
    Q_EMIT statusIndexChanged();
    rebuild();
}

void PostFilter::setMinRating(int rating)
{
    rating = qBound(0, rating, 10);
    if (m_minRating == rating)
        return;
    m_minRating = rating;
    Q_EMIT minRatingChanged();
    rebuild();
}

void PostFilter::setSortIndex(int index)
{
    index = qBound(0, index, int(sortChoices().size()) - 1);
    if (m_sortIndex == index)
        return;
    m_sortIndex = index;
    Q_EMIT sortIndexChanged();
    Q_EMIT sortByChanged();
}

QStringList PostFilter::statusNames()
{
    return {u"Any status"_s, u"Draft"_s, u"Published"_s, u"Archived"_s};
}

QStringList PostFilter::sortNames()
{
    QStringList names;
    for (const SortChoice &choice : sortChoices())
        names.append(choice.name);
    return names;
}

QString PostFilter::sortBy() const
{
    return sortChoices().at(m_sortIndex).sort;
}

QString PostFilter::quote(const QString &text)
{
    QString out;
    out.reserve(text.size() + 2);
    out += u'"';
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'"': out += u"\\\""_s; break;
        case u'\\': out += u"\\\\"_s; break;
        case u'\n': out += u"\\n"_s; break;
        case u'\r': out += u"\\r"_s; break;
        case u'\t': out += u"\\t"_s; break;
        case u'\b': out += u"\\b"_s; break;
        case u'\f': out += u"\\f"_s; break;
        default: out += c; break;
        }
    }
    out += u'"';
    return out;
}

QString PostFilter::commentsOf(const QString &postId)
{
    return u"postID == "_s + quote(postId);
}

void PostFilter::rebuild()
{
    QStringList terms;
    const QString search = m_searchText.trimmed();
    if (!search.isEmpty())
        terms.append(u"title contains "_s + quote(search));
    if (m_statusIndex > 0)
        terms.append(u"status == "_s + statusValues.at(m_statusIndex));
    if (m_minRating > 0)
        terms.append(u"rating >= "_s + QString::number(m_minRating));
    const QString filter = terms.join(u" and "_s);
    if (filter == m_filter)
        return;
    m_filter = filter;
    Q_EMIT filterChanged();
}

} // namespace notes

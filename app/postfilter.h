// notes::PostFilter: turns the Posts page's controls (search text, status,
// minimum rating, sort choice) into the predicate and sort text a
// DataStoreListModel takes. QML binds the controls in and `filter`/`sortBy`
// out; all predicate building happens here.
//
//   PostFilter { id: f; searchText: search.text; statusIndex: status.currentIndex }
//   DataStoreListModel { modelName: "Post"; filter: f.filter; sortBy: f.sortBy }
#pragma once

#include <QObject>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace notes {

class PostFilter : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    // Posts whose title contains this text (case-sensitive, as the store compares).
    Q_PROPERTY(QString searchText READ searchText WRITE setSearchText NOTIFY searchTextChanged)
    // 0: any status, then one per statusNames entry after the first.
    Q_PROPERTY(int statusIndex READ statusIndex WRITE setStatusIndex NOTIFY statusIndexChanged)
    // 0 (or less): no minimum.
    Q_PROPERTY(int minRating READ minRating WRITE setMinRating NOTIFY minRatingChanged)
    Q_PROPERTY(int sortIndex READ sortIndex WRITE setSortIndex NOTIFY sortIndexChanged)
    Q_PROPERTY(QStringList statusNames READ statusNames CONSTANT)
    Q_PROPERTY(QStringList sortNames READ sortNames CONSTANT)
    Q_PROPERTY(QString filter READ filter NOTIFY filterChanged)
    Q_PROPERTY(QString sortBy READ sortBy NOTIFY sortByChanged)

public:
    explicit PostFilter(QObject *parent = nullptr);

    QString searchText() const { return m_searchText; }
    void setSearchText(const QString &text);
    int statusIndex() const { return m_statusIndex; }
    void setStatusIndex(int index);
    int minRating() const { return m_minRating; }
    void setMinRating(int rating);
    int sortIndex() const { return m_sortIndex; }
    void setSortIndex(int index);

    static QStringList statusNames();
    static QStringList sortNames();
    QString filter() const { return m_filter; }
    QString sortBy() const;

    // A string literal of the predicate text syntax, quoted and escaped.
    static QString quote(const QString &text);
    // The filter of the comments of one post.
    Q_INVOKABLE static QString commentsOf(const QString &postId);

Q_SIGNALS:
    void searchTextChanged();
    void statusIndexChanged();
    void minRatingChanged();
    void sortIndexChanged();
    void filterChanged();
    void sortByChanged();

private:
    void rebuild();

    QString m_searchText;
    int m_statusIndex = 0;
    int m_minRating = 0;
    int m_sortIndex = 0;
    QString m_filter;
};

} // namespace notes

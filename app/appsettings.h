// notes::AppSettings: the app's persistent preferences (QSettings, the
// platform's native format and place). Every setter writes through.
//
// Threading: GUI thread.
#pragma once

#include <QObject>
#include <QSettings>
#include <QtQml/qqmlregistration.h>

namespace notes {

class AppSettings : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("AppSettings belongs to the app; use app.settings")
    // The signed-in user; empty for anonymous (local / API key) use.
    Q_PROPERTY(QString userId READ userId WRITE setUserId NOTIFY userIdChanged)
    // The page shown at start: posts, notes, sync or settings.
    Q_PROPERTY(QString currentPage READ currentPage WRITE setCurrentPage NOTIFY currentPageChanged)
    // The Posts page's list options.
    Q_PROPERTY(int postsSortIndex READ postsSortIndex WRITE setPostsSortIndex NOTIFY postsSortIndexChanged)
    Q_PROPERTY(int postsStatusIndex READ postsStatusIndex WRITE setPostsStatusIndex NOTIFY postsStatusIndexChanged)
    Q_PROPERTY(int postsMinRating READ postsMinRating WRITE setPostsMinRating NOTIFY postsMinRatingChanged)

public:
    explicit AppSettings(QObject *parent = nullptr);

    QString userId() const;
    void setUserId(const QString &userId);
    QString currentPage() const;
    void setCurrentPage(const QString &page);
    int postsSortIndex() const;
    void setPostsSortIndex(int index);
    int postsStatusIndex() const;
    void setPostsStatusIndex(int index);
    int postsMinRating() const;
    void setPostsMinRating(int rating);

    // The sync expression the user applied to a model of one cloud (the
    // database scope, AppPaths); "" when none was set (everything).
    QString syncExpression(const QString &scope, const QString &model) const;
    void setSyncExpression(const QString &scope, const QString &model, const QString &text);

    void sync() { m_settings.sync(); }

Q_SIGNALS:
    void userIdChanged();
    void currentPageChanged();
    void postsSortIndexChanged();
    void postsStatusIndexChanged();
    void postsMinRatingChanged();

private:
    bool write(const QString &key, const QVariant &value);

    QSettings m_settings;
};

} // namespace notes

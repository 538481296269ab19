// The server's change feed: every committed mutation is published here, once,
// after its transaction commits; the realtime hub fans it out to matching
// subscriptions. With several server instances on PostgreSQL the feed also
// carries the changes of the other instances (LISTEN/NOTIFY).
//
// Threading: publish() may be called from any thread; published() is
// delivered on the ChangeFeed's thread (queued when needed).
#pragma once

#include <QJsonObject>
#include <QObject>
#include <QStringList>

namespace ds::server {

struct ServerChange
{
    enum class Operation { Create, Update, Delete };

    QString model;            // "Post"
    Operation operation = Operation::Create;
    QString mutationField;    // "createPost": what @aws_subscribe(mutations:) names
    // The item as stored after the write (for Delete: the tombstone, with
    // _deleted true), every field in wire form, including _version,
    // _lastChangedAt, _deleted, createdAt, updatedAt and owner fields.
    QJsonObject item;
    // The fields the mutation's selection set requested (AppSync pushes only
    // fields selected by both the mutation and the subscription). Empty: all.
    QStringList selectedFields;
    // Who made the change, for auth checks on delivery (empty for API key).
    QString actor;
    // Empty: made on this server instance. Otherwise the id of the instance
    // that made it (PostgreSQL LISTEN/NOTIFY, data/pgchangebridge.h), which
    // therefore is not sent on again.
    QString origin;
};

class ChangeFeed : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    void publish(const ServerChange &change)
    {
        QMetaObject::invokeMethod(this, [this, change] { Q_EMIT published(change); },
                                  Qt::AutoConnection);
    }

Q_SIGNALS:
    void published(const ds::server::ServerChange &change);
};

} // namespace ds::server

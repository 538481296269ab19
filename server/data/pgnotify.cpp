#include "data/pgnotify_p.h"

#include "data/serverstore.h"
#include "data/tuning_p.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace ds::server::data::pgnotify {

namespace {

QString operationCode(ServerChange::Operation op)
{
    switch (op) {
    case ServerChange::Operation::Create:
        return u"c"_s;
    case ServerChange::Operation::Update:
        return u"u"_s;
    case ServerChange::Operation::Delete:
        return u"d"_s;
    }
    return u"u"_s;
}

std::optional<ServerChange::Operation> operationFromCode(const QString &code)
{
    if (code == u"c")
        return ServerChange::Operation::Create;
    if (code == u"u")
        return ServerChange::Operation::Update;
    if (code == u"d")
        return ServerChange::Operation::Delete;
    return std::nullopt;
}

} // namespace

QString channel()
{
    return u"datastore_changes"_s;
}

QString instanceId()
{
    static const QString id = QUuid::createUuid().toString(QUuid::Id128);
    return id;
}

QByteArray encode(const ModelSchema &model, const ServerChange &change)
{
    QJsonObject payload{{u"o"_s, instanceId()},
                        {u"m"_s, change.model},
                        {u"op"_s, operationCode(change.operation)},
                        {u"f"_s, change.mutationField},
                        {u"k"_s, keyOf(model, change.item)},
                        {u"v"_s, change.item.value(u"_version"_s)}};
    if (!change.selectedFields.isEmpty())
        payload.insert(u"s"_s, QJsonArray::fromStringList(change.selectedFields));
    if (!change.actor.isEmpty())
        payload.insert(u"a"_s, change.actor);
    QJsonObject withItem = payload;
    withItem.insert(u"i"_s, change.item);
    QByteArray text = QJsonDocument(withItem).toJson(QJsonDocument::Compact);
    if (text.size() > tuning::kPgNotifyMaxPayload)
        text = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    if (text.size() > tuning::kPgNotifyMaxPayload)
        return {};
    return text;
}

QByteArray ping()
{
    return QJsonDocument(QJsonObject{{u"o"_s, instanceId()}, {u"ping"_s, true}}).toJson(QJsonDocument::Compact);
}

std::optional<Notification> decode(const Schema &schema, const QByteArray &text)
{
    const QJsonObject payload = QJsonDocument::fromJson(text).object();
    Notification n;
    n.origin = payload.value(u"o"_s).toString();
    if (n.origin.isEmpty())
        return std::nullopt;
    if (payload.value(u"ping"_s).toBool()) {
        n.isPing = true;
        return n;
    }
    const ModelSchema *model = schema.model(payload.value(u"m"_s).toString());
    const std::optional<ServerChange::Operation> op = operationFromCode(payload.value(u"op"_s).toString());
    if (!model || !op)
        return std::nullopt;
    n.change.model = model->name;
    n.change.operation = *op;
    n.change.mutationField = payload.value(u"f"_s).toString();
    const QJsonArray selected = payload.value(u"s"_s).toArray();
    for (const QJsonValue &f : selected)
        n.change.selectedFields.append(f.toString());
    n.change.actor = payload.value(u"a"_s).toString();
    n.change.origin = n.origin;
    n.hasItem = payload.value(u"i"_s).isObject();
    if (n.hasItem)
        n.change.item = payload.value(u"i"_s).toObject();
    n.key = payload.value(u"k"_s).toArray();
    n.version = payload.value(u"v"_s).toInteger();
    return n;
}

} // namespace ds::server::data::pgnotify

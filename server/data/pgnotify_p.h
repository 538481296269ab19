// The NOTIFY payload of a change between server instances on one PostgreSQL
// database (PgStore::announce() sends it inside the write transaction,
// PgChangeBridge receives it). Channel "datastore_changes"; payload JSON:
//   {"o": instance id, "m": model, "op": "c"|"u"|"d", "f": mutation field,
//    "s": selected fields, "a": actor, "k": primary key, "v": _version,
//    "i": item}
// "i" is left out when the payload would pass tuning::kPgNotifyMaxPayload
// (PostgreSQL's limit is 8000 bytes); the receiver reads the item back from
// the delta log. {"o": id, "ping": true}: a listener's liveness ping.
//
// Pure functions; safe on any thread.
#pragma once

#include "data/changefeed.h"

#include <datastore/modelschema.h>

#include <QByteArray>
#include <QJsonArray>
#include <QString>

#include <optional>

namespace ds::server::data::pgnotify {

QString channel();
// This process's id (one per server instance, made at first use).
QString instanceId();

// Empty when the payload is too large even without the item.
QByteArray encode(const ModelSchema &model, const ServerChange &change);
QByteArray ping();

struct Notification
{
    QString origin;
    bool isPing = false;
    ServerChange change;      // origin set; item empty when it was left out
    bool hasItem = false;
    QJsonArray key;
    qint64 version = 0;
};

// nullopt: not a payload of ours, or a model this schema lacks.
std::optional<Notification> decode(const Schema &schema, const QByteArray &payload);

} // namespace ds::server::data::pgnotify

// nextToken: opaque to clients, tamper-proof for the server.
//
//   token = base64url(payload JSON) "." base64url(HMAC-SHA256(key, payload JSON))
//   payload = {"v":1, "q":"syncPosts", "k":"base"|"delta"|"list", "s":startedAt,
//              "l":lastSync, "c":[last key values] | lastSeq, "x":maxSeq,
//              "o":[keyset fields] (base, list; absent: the primary key),
//              "f":"<hash of the filter and query arguments>"}
//
// The key is generated once and kept in the database (_server_meta), so
// tokens outlive a restart and are shared by every worker. A token signed
// with another key, altered, or sent with another query field or filter is
// refused with a clean error; nothing of it reaches SQL unchecked.
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace ds::server::data {

struct SyncCursor
{
    enum class Kind { Base, Delta, List };
    Kind kind = Kind::Base;
    QString queryField;        // "syncPosts": a token only continues the query it came from
    qint64 startedAt = 0;
    qint64 lastSync = 0;
    QJsonArray lastKey;        // Base, List: keyset position, values of orderFields
    QStringList orderFields;   // Base, List: the keyset's fields (the scan plan's order); empty: the primary key
    qint64 lastSeq = 0;        // Delta
    qint64 maxSeq = 0;         // Delta: the log's end when page 1 was read
    QString argumentsHash;     // filter (and index arguments) of page 1
};

class SyncTokenCodec
{
public:
    explicit SyncTokenCodec(QByteArray key) : m_key(std::move(key)) {}

    QString encode(const SyncCursor &cursor) const;
    // nullopt when the token is malformed or its signature does not match.
    std::optional<SyncCursor> decode(const QString &token) const;

    // A short stable hash of arguments that must not change between pages.
    static QString hashArguments(const QJsonObject &arguments);

private:
    QByteArray m_key;
};

} // namespace ds::server::data

// ds::SyncPageReader: reads the answer to a sync query (PROTOCOL.md 2.4)
// straight from the HTTP body into the records of Storage::mergeRemote(),
// without the QJsonDocument tree and a QVariantMap per record (the bulk of a
// base sync's client time, datastore-bench sync).
//
// It reads only the answer of a successful page:
//   {"data": {"syncPosts": {"items": [...], "nextToken": ..., "startedAt": ...}},
//    "extensions": {...}}
// in any member order, with other members skipped. Anything else (an
// "errors" member, a null or missing connection, JSON it is not sure to read
// exactly as QJsonDocument does: escapes other than JSON's, raw control
// characters, invalid UTF-8, duplicate members, an item member that is not a
// field of the model, nesting or a body beyond the limits of sync/tuning_p.h)
// gives nullopt, and the caller falls back to GraphQLClient::parseResponse():
// errors keep their messages, and the records are the same either way.
// Values are what QJsonValue::toVariant() gives (whole numbers of Int
// fields as int, as the map form has them); validation stays with
// mergeRemote(). tests/sync/tst_syncpagereader.cpp compares both paths.
//
// Threading: a value type; read() is const and touches nothing shared, so
// one reader may be used from any thread.
#pragma once

#include "storage/storage.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace ds {

struct SyncPage
{
    QList<RemoteRecord> records;   // the items that are objects, in order
    qsizetype itemCount = 0;       // every entry of "items" (nulls too)
    QString nextToken;             // empty when null or absent
    qint64 startedAt = 0;
    QJsonObject extensions;        // the response's top-level "extensions"
};

class SyncPageReader
{
public:
    // rootField: the connection's name in "data" ("syncPosts").
    SyncPageReader(const ModelSchema &model, const QString &rootField);

    // The page, or nullopt when the body must go through parseResponse().
    std::optional<SyncPage> read(const QByteArray &body) const;

    // The general path: the items of a page read by QJsonDocument, as the
    // maps of Storage::mergeRemote() (the objects among them, in order).
    static QList<QVariantMap> mapsFromJson(const ModelSchema &model, const QJsonArray &items);

    // What the reader does with each member of an item.
    enum class Slot { Field, Version, LastChangedAt, Deleted, Skipped };
    struct Member
    {
        QByteArray name;
        Slot slot = Slot::Skipped;
        int column = -1;          // Field: index in storedFields()
        bool isInt = false;       // Field: a non-list Int
    };

private:
    friend class SyncPageParser;
    QList<Member> m_members;
    int m_columns = 0;
    QByteArray m_rootField;
    bool m_usable = true;         // false: every body takes parseResponse()
};

} // namespace ds

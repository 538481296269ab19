// Values of the server store: wire JSON <-> SQL column values, and the
// QVariantMap record form that predicate::evaluate() reads.
//
// Columns (as datastore/predicate/sql.h assumes): ID, String, AWS text
// scalars, enums, AWSDate/AWSTime/AWSDateTime and AWSJSON as TEXT; Int and
// AWSTimestamp as INTEGER; Float as REAL; Boolean as INTEGER 0/1; lists and
// non-model values as compact JSON text; null as NULL.
//
// Pure functions; safe on any thread.
#pragma once

#include <datastore/modelschema.h>

#include <QJsonObject>
#include <QSqlQuery>
#include <QJsonValue>
#include <QVariant>
#include <QVariantMap>

namespace ds::server::data {

// "TEXT", "INTEGER" or "REAL".
QString sqlType(const FieldSchema &field);
bool isJsonColumn(const FieldSchema &field);

QVariant toColumn(const FieldSchema &field, const QJsonValue &wire);
QJsonValue fromColumn(const FieldSchema &field, const QVariant &column);

// A wire item as predicate::evaluate() expects it (ints as int, timestamps
// as qint64, booleans as bool, lists as QVariantList, null as invalid).
QVariantMap toRecord(const ModelSchema &model, const QJsonObject &item);

// "\"name\"": a quoted SQL identifier.
QString quoted(const QString &name);
// "\"a\", \"b\"": quoted identifiers, comma-separated.
QString quotedList(const QStringList &names);

// The columns a store selects for a wire item: the stored fields, then
// "_version", "_lastChangedAt", "_deleted"; itemFromRow() reads them back
// (from column firstColumn on) as a wire item (serverstore.h).
QString itemColumns(const ModelSchema &model);

// The write of a wire item: an INSERT of every stored field and "_version",
// "_lastChangedAt", "_deleted", "_ttl", updating the row on a primary-key
// conflict. `marks`: the VALUES placeholders in the store's dialect,
// upsertColumnCount() of them; upsertValues() gives their values in order
// (fields through `column`, _deleted 0/1, _ttl null when 0).
// The column definitions of a model's table (serverstore.h): each stored
// field typed by `type`, the metadata columns typed `int64` (the dialect's
// 64-bit integer), the primary key.
QString tableColumns(const ModelSchema &model, QString (*type)(const FieldSchema &), const QString &int64);

qsizetype upsertColumnCount(const ModelSchema &model);
QString upsertSql(const ModelSchema &model, const QString &marks);
QVariantList upsertValues(const ModelSchema &model, const QJsonObject &item, qint64 ttl,
                          QVariant (*column)(const FieldSchema &, const QJsonValue &));
QJsonObject itemFromRow(const ModelSchema &model, const QSqlQuery &query, int firstColumn = 0);

QString compactJson(const QJsonValue &value);

} // namespace ds::server::data

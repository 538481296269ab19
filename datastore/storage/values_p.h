// Values of the local store: validation and normalization of records to wire
// form (save, remove, get), and their conversion to and from SQLite columns.
//
// Column types (they match what datastore/predicate/sql.h assumes): ID,
// String, AWSEmail, AWSURL, AWSPhone, AWSIPAddress, enums, AWSDate, AWSTime,
// AWSDateTime as TEXT; Int and AWSTimestamp as INTEGER; Float as REAL;
// Boolean as INTEGER 0/1; AWSJSON as its JSON text; lists and non-model
// values as JSON text; null as NULL.
//
// Pure functions; safe on any thread.
#pragma once

#include <datastore/error.h>
#include <datastore/modelschema.h>
#include <datastore/result.h>

#include <QHash>
#include <QVarLengthArray>
#include <QVariantMap>

namespace ds::storage {

// The longest id (or string key field) a record may have.
inline constexpr int maxIdLength = 1024;

// "TEXT", "INTEGER" or "REAL" for a stored field.
QString sqlType(const FieldSchema &field);
// Whether the column holds JSON text (lists, non-model values).
bool isJsonColumn(const FieldSchema &field);

class RecordValidator
{
public:
    RecordValidator(const Schema &schema, const ModelSchema &model);

    // Validates every key of `record` (metadata keys such as _version and
    // non-stored relation fields are ignored) and returns the stored fields in
    // wire form: ints as int (AWSTimestamp qint64), floats as double, dates as
    // ISO text, AWSJSON as JSON text, lists as QVariantList, non-model values
    // as QVariantMap. Required fields (except read-only ones and the
    // createdAt/updatedAt timestamps) must be present and non-null.
    Result<QVariantMap> validateRecord(const QVariantMap &record) const;

    // Validates and normalizes the primary-key fields of `key` (all required).
    Result<QVariantMap> validateKey(const QVariantMap &key) const;

    // The same two for a record in column form: `values` holds one value per
    // stored field (ModelSchema::storedFields() order), as received, invalid
    // for a field the record does not name; normalized in place. The same
    // checks, the same values kept and the same first error as the map forms.
    Result<void> validateRow(QVariant *values) const;
    // Keeps only the normalized key; every other value becomes invalid.
    Result<void> validateRowKey(QVariant *values) const;

    // Validates one value of a stored field. `path` names it in messages
    // ("tags[2]", "address.city").
    Result<QVariant> validateValue(const FieldSchema &field, const QVariant &value) const;

    const FieldSchema *storedField(const QString &name) const { return m_fields.value(name); }

private:
    bool value(const FieldType &type, const QVariant &v, const QString &path, QVariant &out,
               Error &error) const;
    bool single(const FieldType &type, const QVariant &v, const QString &path, QVariant &out,
                Error &error) const;
    bool scalar(ScalarType type, const QVariant &v, const QString &path, QVariant &out,
                Error &error) const;
    bool nonModel(const NonModelSchema &type, const QVariant &v, const QString &path,
                  QVariant &out, Error &error) const;
    bool key(const FieldSchema &field, const QVariant &v, QVariant &out, Error &error) const;
    // What validateRecord() keeps for one field named with value `in`
    // (`changed`: not `in` itself), or false with `error`.
    bool normalizeField(const FieldSchema &f, const QVariant &in, QVariant &kept, bool &changed,
                        Error &error) const;
    Error checkRequired(const QVarLengthArray<bool, 32> &set) const;
    Error typeError(const QString &path, const QString &what, const QVariant &got) const;
    Error formatError(const QString &path, const QString &what, const QVariant &got) const;

    const Schema &m_schema;
    const ModelSchema &m_model;
    QHash<QString, const FieldSchema *> m_fields;   // stored fields by name
    QList<const FieldSchema *> m_stored;            // stored fields in order
    QHash<const FieldSchema *, qsizetype> m_position; // index in m_stored
    QList<qsizetype> m_byName;                      // indexes in m_stored, by field name
    // @belongsTo / @hasOne fields whose key lives in this model's fields: a
    // related record given as an object fills them (validateRecord()).
    struct KeyRelation
    {
        QString field;            // "post"
        QStringList localFields;  // "postID"
        QStringList relatedKey;   // the related model's primary key: "id"
    };
    QList<KeyRelation> m_keyRelations;
    Result<std::optional<QVariantMap>> withRelatedKeys(const QVariantMap &record) const;
};

// Wire value -> column value (JSON text for lists and non-model values).
QVariant toColumn(const FieldSchema &field, const QVariant &wire);
// Column value -> wire value, typed by the schema (bool for Boolean, int for
// Int, parsed lists and maps); a NULL column gives an invalid QVariant.
QVariant fromColumn(const Schema &schema, const FieldSchema &field, const QVariant &column);

// Compact JSON text of a map in wire form (outbox data).
QString toJsonText(const QVariantMap &map);
QVariantMap fromJsonText(const QByteArray &text);

} // namespace ds::storage

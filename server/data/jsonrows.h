// JsonRows: a page of a model's records as compact JSON text, one value per
// column, written into a sync response by the GraphQL executor as it is
// (graphql::EncodedRecords). A base sync page of 1,000 posts then costs one
// text buffer instead of a QJsonObject, a QJsonValue and a QVariant per
// value, and no re-encoding on the way out.
//
// Columns: the model's stored fields in schema order, then _version,
// _lastChangedAt and _deleted (true or null), as in a wire item
// (serverstore.h). The text of a value is what the executor would write for
// it from the wire item: strings escaped like JsonWriter::string, integers,
// numbers in shortest form, true/false, null, and a list column's compact
// JSON. Columns the executor cannot copy (non-model values, lists of Float,
// AWSJSON or custom scalars) still hold their JSON text for record(), but
// column() does not offer them.
//
// An enum value the schema no longer has is written as null, as the
// executor's leaf check would.
//
//   JsonRows rows(model, schema);
//   rows.appendString(...); rows.appendInteger(...); ...  // one per column, in order
//
// Fill on one thread, then read from any.
#pragma once

#include "graphql/engine.h"

#include <datastore/modelschema.h>

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>

#include <functional>
#include <vector>

namespace ds::server::data {

class JsonRows final : public graphql::EncodedRecords
{
public:
    JsonRows(const ModelSchema &model, const Schema &schema);
    Q_DISABLE_COPY_MOVE(JsonRows)

    int columnCount() const { return int(m_columns.size()); }
    // The field of a column; nullptr for the three metadata columns.
    const FieldSchema *field(int column) const { return m_columns[size_t(column)].field; }
    void reserve(qsizetype rows, qsizetype bytesPerRow);

    // Appending: one value per column, in column order; a row is complete
    // after columnCount() values.
    void appendNull();
    void appendInteger(qint64 value);
    void appendNumber(double value);   // not finite: null
    void appendBoolean(bool value);
    void appendString(QByteArrayView utf8);
    // Compact JSON text this server wrote (a list or non-model column).
    void appendJson(QByteArrayView json);
    // A column value in wire form (for stores that read QJsonObjects).
    void appendWire(int column, const QJsonValue &value);
    // A whole wire item (serverstore.h), column by column.
    void appendItem(const QJsonObject &item);
    // Enum columns: a value not in the enum is appended as null.
    void appendEnum(int column, QByteArrayView utf8);
    bool isEnum(int column) const { return m_columns[size_t(column)].enumValues != nullptr; }

    // The values of `fields` in the last row, as wire JSON (a keyset's lastKey).
    QJsonArray lastValues(const QStringList &fields) const;

    // Added to record() (e.g. the related records of belongsTo fields).
    void setRecordFinisher(std::function<QJsonObject(QJsonObject)> finish) { m_finish = std::move(finish); }

    qsizetype size() const override { return qsizetype(m_ends.size()) / qsizetype(m_columns.size()); }
    int column(QStringView field) const override;
    QByteArrayView value(qsizetype row, int column) const override;
    QJsonObject record(qsizetype row) const override;

private:
    struct Column
    {
        QString name;
        QByteArray key;   // "name":
        const FieldSchema *field = nullptr;
        bool copyable = true;   // offered by column()
        bool isDeleted = false;   // "_deleted": true or null
        const QSet<QByteArray> *enumValues = nullptr;
    };
    void end() { m_ends.push_back(qsizetype(m_text.size())); }

    std::vector<Column> m_columns;
    QHash<QString, int> m_index;
    std::vector<QSet<QByteArray>> m_enums;
    QByteArray m_text;
    std::vector<qsizetype> m_ends;   // end of each value in m_text
    std::function<QJsonObject(QJsonObject)> m_finish;
};

// JSON string escaping of UTF-8 text, as JsonWriter::string does for UTF-16.
void appendJsonString(QByteArray &out, QByteArrayView utf8);
// A number as JsonWriter::number writes it.
void appendJsonNumber(QByteArray &out, double value);

} // namespace ds::server::data

#include "data/values_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringBuilder>

using namespace Qt::StringLiterals;

namespace ds::server::data {

namespace {

bool isIntegerScalar(ScalarType t) { return t == ScalarType::Int || t == ScalarType::AWSTimestamp; }

QVariant scalarToVariant(const FieldType &type, const QJsonValue &v)
{
    if (v.isNull() || v.isUndefined())
        return {};
    if (type.kind == FieldType::Kind::Scalar) {
        switch (type.scalar) {
        case ScalarType::Int:
            return int(v.toInteger());
        case ScalarType::AWSTimestamp:
            return qint64(v.toInteger());
        case ScalarType::Float:
            return v.toDouble();
        case ScalarType::Boolean:
            return v.toBool();
        default:
            break;
        }
    }
    if (v.isString())
        return v.toString();
    return v.toVariant();
}

} // namespace

QString sqlType(const FieldSchema &field)
{
    if (isJsonColumn(field) || field.type.kind != FieldType::Kind::Scalar)
        return u"TEXT"_s;
    if (isIntegerScalar(field.type.scalar) || field.type.scalar == ScalarType::Boolean)
        return u"INTEGER"_s;
    if (field.type.scalar == ScalarType::Float)
        return u"REAL"_s;
    return u"TEXT"_s;
}

bool isJsonColumn(const FieldSchema &field)
{
    return field.type.isList || field.type.kind == FieldType::Kind::NonModel;
}

QVariant toColumn(const FieldSchema &field, const QJsonValue &wire)
{
    if (wire.isNull() || wire.isUndefined())
        return {};
    if (isJsonColumn(field))
        return compactJson(wire);
    if (field.type.kind == FieldType::Kind::Scalar) {
        switch (field.type.scalar) {
        case ScalarType::Int:
        case ScalarType::AWSTimestamp:
            return qint64(wire.toInteger());
        case ScalarType::Float:
            return wire.toDouble();
        case ScalarType::Boolean:
            return wire.toBool() ? 1 : 0;
        case ScalarType::AWSJSON:
            return wire.isString() ? wire.toString() : compactJson(wire);
        default:
            break;
        }
    }
    return wire.isString() ? wire.toString() : wire.toVariant().toString();
}

QJsonValue fromColumn(const FieldSchema &field, const QVariant &column)
{
    if (!column.isValid() || column.isNull())
        return QJsonValue::Null;
    if (isJsonColumn(field)) {
        const QJsonDocument doc = QJsonDocument::fromJson(column.toString().toUtf8());
        if (doc.isArray())
            return doc.array();
        if (doc.isObject())
            return doc.object();
        return QJsonValue::Null;
    }
    if (field.type.kind == FieldType::Kind::Scalar) {
        switch (field.type.scalar) {
        case ScalarType::Int:
        case ScalarType::AWSTimestamp:
            return QJsonValue(column.toLongLong());
        case ScalarType::Float:
            return column.toDouble();
        case ScalarType::Boolean:
            return column.toLongLong() != 0;
        default:
            break;
        }
    }
    return column.toString();
}

QVariantMap toRecord(const ModelSchema &model, const QJsonObject &item)
{
    QVariantMap record;
    for (const FieldSchema *field : model.storedFields()) {
        const QJsonValue v = item.value(field->name);
        if (v.isNull() || v.isUndefined())
            continue;
        if (field->type.isList && v.isArray()) {
            QVariantList list;
            const QJsonArray array = v.toArray();
            for (const QJsonValue &e : array)
                list.append(field->type.kind == FieldType::Kind::NonModel ? e.toVariant()
                                                                         : scalarToVariant(field->type, e));
            record.insert(field->name, list);
        } else if (field->type.kind == FieldType::Kind::NonModel) {
            record.insert(field->name, v.toVariant());
        } else {
            record.insert(field->name, scalarToVariant(field->type, v));
        }
    }
    return record;
}

QString quoted(const QString &name)
{
    QString escaped = name;
    escaped.replace(u'"', u"\"\""_s);
    return u'"' % escaped % u'"';
}

QString quotedList(const QStringList &names)
{
    QStringList out;
    for (const QString &name : names)
        out.append(quoted(name));
    return out.join(u", "_s);
}

QString itemColumns(const ModelSchema &model)
{
    QStringList columns;
    for (const FieldSchema *field : model.storedFields())
        columns.append(field->name);
    columns << u"_version"_s << u"_lastChangedAt"_s << u"_deleted"_s;
    return quotedList(columns);
}

namespace {
const QStringList kWriteMeta{u"_version"_s, u"_lastChangedAt"_s, u"_deleted"_s, u"_ttl"_s};
}

QString tableColumns(const ModelSchema &model, QString (*type)(const FieldSchema &), const QString &int64)
{
    QStringList columns;
    for (const FieldSchema *field : model.storedFields())
        columns.append(quoted(field->name) % u' ' % type(*field));
    columns << u"\"_version\" "_s % int64 % u" NOT NULL"_s << u"\"_lastChangedAt\" "_s % int64 % u" NOT NULL"_s
            << u"\"_deleted\" integer NOT NULL DEFAULT 0"_s << u"\"_ttl\" "_s % int64
            << u"PRIMARY KEY ("_s % quotedList(model.primaryKey) % u')';
    return columns.join(u", "_s);
}

qsizetype upsertColumnCount(const ModelSchema &model)
{
    return model.storedFields().size() + kWriteMeta.size();
}

QString upsertSql(const ModelSchema &model, const QString &marks)
{
    QStringList columns;
    QStringList updates;
    for (const FieldSchema *field : model.storedFields()) {
        columns.append(field->name);
        if (!model.primaryKey.contains(field->name))
            updates.append(quoted(field->name) % u" = excluded."_s % quoted(field->name));
    }
    for (const QString &meta : kWriteMeta) {
        columns.append(meta);
        updates.append(quoted(meta) % u" = excluded."_s % quoted(meta));
    }
    return u"INSERT INTO "_s % quoted(model.name) % u" ("_s % quotedList(columns) % u") VALUES ("_s % marks
        % u") ON CONFLICT ("_s % quotedList(model.primaryKey) % u") DO UPDATE SET "_s % updates.join(u", "_s);
}

QVariantList upsertValues(const ModelSchema &model, const QJsonObject &item, qint64 ttl,
                          QVariant (*column)(const FieldSchema &, const QJsonValue &))
{
    QVariantList values;
    for (const FieldSchema *field : model.storedFields())
        values.append(column(*field, item.value(field->name)));
    values.append(item.value(u"_version"_s).toInteger());
    values.append(item.value(u"_lastChangedAt"_s).toInteger());
    values.append(item.value(u"_deleted"_s).toBool() ? 1 : 0);
    values.append(ttl > 0 ? QVariant(ttl) : QVariant());
    return values;
}

QJsonObject itemFromRow(const ModelSchema &model, const QSqlQuery &query, int firstColumn)
{
    QJsonObject item;
    int i = firstColumn;
    for (const FieldSchema *field : model.storedFields())
        item.insert(field->name, fromColumn(*field, query.value(i++)));
    item.insert(u"_version"_s, QJsonValue(query.value(i++).toLongLong()));
    item.insert(u"_lastChangedAt"_s, QJsonValue(query.value(i++).toLongLong()));
    item.insert(u"_deleted"_s, query.value(i++).toLongLong() != 0 ? QJsonValue(true) : QJsonValue(QJsonValue::Null));
    return item;
}

QString compactJson(const QJsonValue &value)
{
    QJsonArray wrapper{value};
    const QByteArray text = QJsonDocument(wrapper).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.mid(1, text.size() - 2));
}

} // namespace ds::server::data

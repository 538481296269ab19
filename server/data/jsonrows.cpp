#include "data/jsonrows.h"

#include "data/values_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

#include <cmath>

using namespace Qt::StringLiterals;

namespace ds::server::data {

namespace {

// List columns whose compact JSON is what the executor writes element by
// element: text, integer and boolean scalars. Float (number formatting),
// AWSJSON (objects become strings) and enum lists (a value the enum lost)
// are completed from record().
bool copyableList(const FieldType &type)
{
    if (type.kind != FieldType::Kind::Scalar)
        return false;
    return type.scalar != ScalarType::Float && type.scalar != ScalarType::AWSJSON;
}

} // namespace

void appendJsonString(QByteArray &out, QByteArrayView utf8)
{
    static const char hex[] = "0123456789abcdef";
    const char *p = utf8.data();
    const char *end = p + utf8.size();
    out.append('"');
    while (p < end) {
        const char *run = p;
        while (p < end && static_cast<unsigned char>(*p) >= 0x20 && *p != '"' && *p != '\\')
            ++p;
        if (p > run)
            out.append(run, p - run);
        if (p == end)
            break;
        const char c = *p++;
        switch (c) {
        case '"': out.append("\\\"", 2); break;
        case '\\': out.append("\\\\", 2); break;
        case '\n': out.append("\\n", 2); break;
        case '\r': out.append("\\r", 2); break;
        case '\t': out.append("\\t", 2); break;
        case '\b': out.append("\\b", 2); break;
        case '\f': out.append("\\f", 2); break;
        default: {
            const char esc[6] = {'\\', 'u', '0', '0', hex[(c >> 4) & 0xf], hex[c & 0xf]};
            out.append(esc, 6);
        }
        }
    }
    out.append('"');
}

void appendJsonNumber(QByteArray &out, double value)
{
    if (!std::isfinite(value)) {
        out.append("null", 4);
    } else if (value == std::floor(value) && std::fabs(value) < 9007199254740992.0) {
        out.append(QByteArray::number(qint64(value)));
    } else {
        out.append(QByteArray::number(value, 'g', QLocale::FloatingPointShortest));
    }
}

JsonRows::JsonRows(const ModelSchema &model, const Schema &schema)
{
    const QList<const FieldSchema *> stored = model.storedFields();
    m_enums.reserve(size_t(stored.size()));   // stable addresses for Column::enumValues
    for (const FieldSchema *field : stored) {
        Column c;
        c.name = field->name;
        c.field = field;
        if (field->type.kind == FieldType::Kind::NonModel)
            c.copyable = false;
        else if (field->type.isList)
            c.copyable = copyableList(field->type);
        if (field->type.kind == FieldType::Kind::Enum && !field->type.isList) {
            QSet<QByteArray> values;
            if (const EnumSchema *e = schema.enumType(field->type.typeName)) {
                for (const QString &v : e->values)
                    values.insert(v.toUtf8());
            }
            m_enums.push_back(std::move(values));
            c.enumValues = &m_enums.back();
        }
        m_columns.push_back(std::move(c));
    }
    for (const QString &meta : {u"_version"_s, u"_lastChangedAt"_s, u"_deleted"_s})
        m_columns.push_back(Column{meta, {}, nullptr, true, meta == u"_deleted", nullptr});
    for (size_t i = 0; i < m_columns.size(); ++i) {
        Column &c = m_columns[i];
        QByteArray key = "\"";
        key += c.name.toUtf8();   // field names are GraphQL names: nothing to escape
        key += "\":";
        c.key = std::move(key);
        m_index.insert(c.name, int(i));
    }
}

void JsonRows::reserve(qsizetype rows, qsizetype bytesPerRow)
{
    m_text.reserve(rows * bytesPerRow);
    m_ends.reserve(size_t(rows) * m_columns.size());
}

void JsonRows::appendNull()
{
    m_text.append("null", 4);
    end();
}

void JsonRows::appendInteger(qint64 value)
{
    m_text.append(QByteArray::number(value));
    end();
}

void JsonRows::appendNumber(double value)
{
    appendJsonNumber(m_text, value);
    end();
}

void JsonRows::appendBoolean(bool value)
{
    value ? m_text.append("true", 4) : m_text.append("false", 5);
    end();
}

void JsonRows::appendString(QByteArrayView utf8)
{
    appendJsonString(m_text, utf8);
    end();
}

void JsonRows::appendJson(QByteArrayView json)
{
    m_text.append(json);
    end();
}

void JsonRows::appendEnum(int column, QByteArrayView utf8)
{
    const QSet<QByteArray> &values = *m_columns[size_t(column)].enumValues;
    if (values.contains(QByteArray::fromRawData(utf8.data(), utf8.size())))
        appendString(utf8);
    else
        appendNull();
}

void JsonRows::appendWire(int column, const QJsonValue &value)
{
    const Column &c = m_columns[size_t(column)];
    if (value.isNull() || value.isUndefined()) {
        appendNull();
    } else if (c.isDeleted) {
        value.toBool() ? appendBoolean(true) : appendNull();
    } else if (value.isString()) {
        const QByteArray utf8 = value.toString().toUtf8();
        c.enumValues ? appendEnum(column, utf8) : appendString(utf8);
    } else if (value.isBool()) {
        appendBoolean(value.toBool());
    } else if (value.isDouble()) {
        if (c.field && c.field->type.kind == FieldType::Kind::Scalar && c.field->type.scalar == ScalarType::Float)
            appendNumber(value.toDouble());
        else
            appendInteger(value.toInteger());
    } else {
        appendJson(compactJson(value).toUtf8());
    }
}

void JsonRows::appendItem(const QJsonObject &item)
{
    for (int i = 0; i < columnCount(); ++i)
        appendWire(i, item.value(m_columns[size_t(i)].name));
}

int JsonRows::column(QStringView field) const
{
    const int i = m_index.value(field.toString(), -1);
    return i >= 0 && m_columns[size_t(i)].copyable ? i : -1;
}

QByteArrayView JsonRows::value(qsizetype row, int column) const
{
    const size_t i = size_t(row) * m_columns.size() + size_t(column);
    const qsizetype begin = i == 0 ? 0 : m_ends[i - 1];
    return QByteArrayView(m_text.constData() + begin, m_ends[i] - begin);
}

QJsonObject JsonRows::record(qsizetype row) const
{
    QByteArray text = "{";
    for (int c = 0; c < columnCount(); ++c) {
        if (c)
            text += ',';
        text += m_columns[size_t(c)].key;
        text += value(row, c);
    }
    text += '}';
    QJsonObject item = QJsonDocument::fromJson(text).object();
    return m_finish ? m_finish(std::move(item)) : item;
}

QJsonArray JsonRows::lastValues(const QStringList &fields) const
{
    QJsonArray values;
    const qsizetype row = size() - 1;
    if (row < 0)
        return values;
    QByteArray text = "[";
    for (const QString &f : fields) {
        const int c = m_index.value(f, -1);
        if (text.size() > 1)
            text += ',';
        text += c >= 0 ? value(row, c) : QByteArrayView("null");
    }
    text += ']';
    return QJsonDocument::fromJson(text).array();
}

} // namespace ds::server::data

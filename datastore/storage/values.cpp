#include "storage/values_p.h"

#include <datastore/modelcodec.h>

#include <QDate>
#include <QDateTime>
#include <QJsonArray>
#include <QLocale>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTime>
#include <QUrl>
#include <QVarLengthArray>

#include <algorithm>
#include <map>

using namespace Qt::StringLiterals;

namespace ds::storage {

namespace {

// "YYYY-MM-DDThh:mm:ss.sssZ" naming a real date and time, the form servers
// send, checked without QDateTime::fromString() (thousands of instructions a
// value, twice per record of a sync page: datastore-bench sync). It accepts
// a subset of what the full parse accepts; anything else takes the full parse.
bool isCanonicalUtcDateTime(QStringView s)
{
    if (s.size() != 24)
        return false;
    auto digits = [s](qsizetype from, qsizetype count, int &value) {
        value = 0;
        for (qsizetype i = from; i < from + count; ++i) {
            const char16_t c = s.at(i).unicode();
            if (c < u'0' || c > u'9')
                return false;
            value = value * 10 + int(c - u'0');
        }
        return true;
    };
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, ms = 0;
    if (!digits(0, 4, year) || s.at(4) != u'-' || !digits(5, 2, month) || s.at(7) != u'-'
        || !digits(8, 2, day) || s.at(10) != u'T' || !digits(11, 2, hour) || s.at(13) != u':'
        || !digits(14, 2, minute) || s.at(16) != u':' || !digits(17, 2, second) || s.at(19) != u'.'
        || !digits(20, 3, ms) || s.at(23) != u'Z')
        return false;
    return year >= 1 && QDate::isValid(year, month, day) && hour < 24 && minute < 60 && second < 60;
}

bool isStringLike(ScalarType type)
{
    switch (type) {
    case ScalarType::ID:
    case ScalarType::String:
    case ScalarType::AWSEmail:
    case ScalarType::AWSURL:
    case ScalarType::AWSPhone:
    case ScalarType::AWSIPAddress:
        return true;
    default:
        return false;
    }
}

bool isTimestampField(const ModelSchema &model, const FieldSchema &field)
{
    return field.name == model.createdAtField || field.name == model.updatedAtField;
}

bool validIPv4(QStringView text)
{
    const auto parts = text.split(u'.');
    if (parts.size() != 4)
        return false;
    for (QStringView part : parts) {
        if (part.isEmpty() || part.size() > 3)
            return false;
        for (QChar c : part) {
            if (!c.isDigit() || c.unicode() > 127)
                return false;
        }
        if (part.toInt() > 255)
            return false;
    }
    return true;
}

bool validIPv6(QStringView text)
{
    if (text.isEmpty())
        return false;
    const qsizetype gap = text.indexOf(u"::");
    if (gap >= 0 && text.indexOf(u"::", gap + 1) >= 0)
        return false;
    int groups = 0;
    auto countGroups = [&groups](QStringView part, bool allowV4) {
        if (part.isEmpty())
            return true;
        const auto items = part.split(u':');
        for (qsizetype i = 0; i < items.size(); ++i) {
            const QStringView item = items[i];
            if (allowV4 && i == items.size() - 1 && item.contains(u'.')) {
                if (!validIPv4(item))
                    return false;
                groups += 2;
                continue;
            }
            if (item.isEmpty() || item.size() > 4)
                return false;
            for (QChar c : item) {
                if (!(c.isDigit() || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F'))
                    || c.unicode() > 127)
                    return false;
            }
            ++groups;
        }
        return true;
    };
    if (gap < 0)
        return countGroups(text, true) && groups == 8;
    if (!countGroups(text.left(gap), false) || !countGroups(text.mid(gap + 2), true))
        return false;
    return groups < 8;
}

bool validIPAddress(const QString &text)
{
    QStringView address(text);
    int maxPrefix = 32;
    const bool v6 = address.contains(u':');
    if (v6)
        maxPrefix = 128;
    if (const qsizetype slash = address.indexOf(u'/'); slash >= 0) {
        const QStringView prefix = address.mid(slash + 1);
        bool ok = false;
        const int bits = prefix.toInt(&ok);
        if (!ok || prefix.isEmpty() || bits < 0 || bits > maxPrefix)
            return false;
        address = address.left(slash);
    }
    return v6 ? validIPv6(address) : validIPv4(address);
}

bool validEmail(const QString &text)
{
    static const QRegularExpression re(
        uR"(^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$)"_s);
    return re.match(text).hasMatch();
}

bool validPhone(const QString &text)
{
    // AppSync: digits with an optional leading +, spaces, hyphens, dots and parentheses.
    static const QRegularExpression re(uR"(^\+?[0-9 ().-]+$)"_s);
    if (!re.match(text).hasMatch())
        return false;
    int digits = 0;
    for (QChar c : text)
        digits += c.isDigit() ? 1 : 0;
    return digits >= 3 && digits <= 20;
}

bool validUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    return url.isValid() && !url.scheme().isEmpty() && !url.isRelative()
        && (!url.host().isEmpty() || url.scheme() == u"mailto" || url.scheme() == u"urn"
            || url.scheme() == u"tel" || url.scheme() == u"file");
}

bool validTime(const QString &text)
{
    // hh:mm[:ss[.sss]] with an optional zone: Z, +hh:mm or +hh:mm:ss.
    static const QRegularExpression re(
        uR"(^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,9})?)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?)?$)"_s);
    return re.match(text).hasMatch();
}

QVariant fromJson(const Schema &schema, const FieldType &type, const QJsonValue &json, bool listItem);

// Compact JSON of a wire value, written directly (the hot path of every save:
// list columns and outbox data); the same text QJsonDocument would give.
void writeJson(QString &out, const QVariant &v)
{
    if (!v.isValid() || v.isNull()) {
        out += u"null";
        return;
    }
    switch (v.typeId()) {
    case QMetaType::QString: {
        const QString s = v.toString();
        out += u'"';
        for (QChar c : s) {
            switch (c.unicode()) {
            case '"': out += u"\\\""; break;
            case '\\': out += u"\\\\"; break;
            case '\n': out += u"\\n"; break;
            case '\r': out += u"\\r"; break;
            case '\t': out += u"\\t"; break;
            case '\b': out += u"\\b"; break;
            case '\f': out += u"\\f"; break;
            default:
                if (c.unicode() < 0x20)
                    out += u"\\u00" + QString::number(c.unicode(), 16).rightJustified(2, u'0');
                else
                    out += c;
            }
        }
        out += u'"';
        return;
    }
    case QMetaType::Bool:
        out += v.toBool() ? u"true" : u"false";
        return;
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::Short:
    case QMetaType::UShort:
        out += QString::number(v.toLongLong());
        return;
    case QMetaType::Double:
    case QMetaType::Float: {
        const double d = v.toDouble();
        if (!qIsFinite(d)) {
            out += u"null";
            return;
        }
        out += QString::number(d, 'g', QLocale::FloatingPointShortest);
        return;
    }
    case QMetaType::QStringList:
    case QMetaType::QVariantList: {
        out += u'[';
        bool first = true;
        const QVariantList list = v.toList();
        for (const QVariant &item : list) {
            if (!first)
                out += u',';
            first = false;
            writeJson(out, item);
        }
        out += u']';
        return;
    }
    case QMetaType::QVariantMap: {
        out += u'{';
        bool first = true;
        const QVariantMap map = v.toMap();
        for (auto it = map.cbegin(); it != map.cend(); ++it) {
            if (!first)
                out += u',';
            first = false;
            writeJson(out, it.key());
            out += u':';
            writeJson(out, it.value());
        }
        out += u'}';
        return;
    }
    default: {
        const QJsonValue json = QJsonValue::fromVariant(v);
        const QByteArray text = QJsonDocument(QJsonArray{json}).toJson(QJsonDocument::Compact);
        out += QString::fromUtf8(text.mid(1, text.size() - 2));
        return;
    }
    }
}

QVariant fromJsonSingle(const Schema &schema, const FieldType &type, const QJsonValue &json)
{
    if (json.isNull() || json.isUndefined())
        return {};
    switch (type.kind) {
    case FieldType::Kind::Enum:
        return json.toString();
    case FieldType::Kind::NonModel: {
        const NonModelSchema *nm = schema.nonModel(type.typeName);
        const QJsonObject object = json.toObject();
        QVariantMap map;
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            const FieldSchema *f = nm ? nm->field(it.key()) : nullptr;
            map.insert(it.key(), f ? fromJson(schema, f->type, it.value(), false)
                                   : it.value().toVariant());
        }
        return map;
    }
    case FieldType::Kind::Model:
        return json.toVariant();
    case FieldType::Kind::Scalar:
        break;
    }
    switch (type.scalar) {
    case ScalarType::Int:
        return int(json.toInteger());
    case ScalarType::AWSTimestamp:
        return json.toInteger();
    case ScalarType::Float:
        return json.toDouble();
    case ScalarType::Boolean:
        return json.toBool();
    default:
        return json.toString();
    }
}

QVariant fromJson(const Schema &schema, const FieldType &type, const QJsonValue &json, bool listItem)
{
    if (type.isList && !listItem) {
        if (!json.isArray())
            return {};
        QVariantList list;
        const QJsonArray array = json.toArray();
        list.reserve(array.size());
        for (const QJsonValue &item : array)
            list.append(fromJsonSingle(schema, type, item));
        return list;
    }
    return fromJsonSingle(schema, type, json);
}

} // namespace

QString sqlType(const FieldSchema &field)
{
    if (isJsonColumn(field))
        return u"TEXT"_s;
    if (field.type.kind != FieldType::Kind::Scalar)
        return u"TEXT"_s;
    switch (field.type.scalar) {
    case ScalarType::Int:
    case ScalarType::AWSTimestamp:
    case ScalarType::Boolean:
        return u"INTEGER"_s;
    case ScalarType::Float:
        return u"REAL"_s;
    default:
        return u"TEXT"_s;
    }
}

bool isJsonColumn(const FieldSchema &field)
{
    return field.type.isList || field.type.kind == FieldType::Kind::NonModel
        || field.type.kind == FieldType::Kind::Model;
}

// ---- RecordValidator --------------------------------------------------------

RecordValidator::RecordValidator(const Schema &schema, const ModelSchema &model)
    : m_schema(schema), m_model(model)
{
    m_stored = model.storedFields();
    for (const FieldSchema *f : std::as_const(m_stored)) {
        m_fields.insert(f->name, f);
        m_position.insert(f, m_position.size());
        m_byName.append(m_byName.size());
    }
    std::sort(m_byName.begin(), m_byName.end(),
              [this](qsizetype a, qsizetype b) { return m_stored.at(a)->name < m_stored.at(b)->name; });
    for (const FieldSchema &f : model.fields) {
        const Relation &r = f.relation;
        if (r.kind != RelationKind::BelongsTo && r.kind != RelationKind::HasOne)
            continue;
        const ModelSchema *related = schema.model(r.relatedModel);
        if (!related || r.fields.isEmpty() || r.fields.size() != related->primaryKey.size())
            continue;
        if (!std::all_of(r.fields.cbegin(), r.fields.cend(), [this](const QString &k) { return m_fields.contains(k); }))
            continue;
        m_keyRelations.append({f.name, r.fields, related->primaryKey});
    }
}

// A related record given as an object (as Amplify allows: a comment saved
// with `post: {...}`) names the key its fields hold: a field the record leaves
// unset takes it, one set to another value is an error. nullopt: nothing to add.
Result<std::optional<QVariantMap>> RecordValidator::withRelatedKeys(const QVariantMap &record) const
{
    std::optional<QVariantMap> out;
    for (const KeyRelation &r : m_keyRelations) {
        const auto it = record.constFind(r.field);
        if (it == record.cend() || it->typeId() != QMetaType::QVariantMap)
            continue;
        const QVariantMap related = it->toMap();
        for (qsizetype i = 0; i < r.localFields.size(); ++i) {
            const QVariant key = related.value(r.relatedKey.at(i));
            if (key.isNull())
                continue;
            const QString &local = r.localFields.at(i);
            const QVariant current = record.value(local);
            if (current.isNull()) {
                if (!out)
                    out = record;
                out->insert(local, key);
            } else if (current != key) {
                return Error::validation(u"InvalidRelation"_s,
                    m_model.name + u'.' + r.field + u": the related record's "_s + r.relatedKey.at(i)
                        + u" '"_s + key.toString() + u"' differs from "_s + local + u" '"_s
                        + current.toString() + u'\'');
            }
        }
    }
    return out;
}

Error RecordValidator::typeError(const QString &path, const QString &what, const QVariant &got) const
{
    return Error::validation(u"InvalidType"_s, codec::fieldError(m_model.name, path, what, got));
}

Error RecordValidator::formatError(const QString &path, const QString &what, const QVariant &got) const
{
    return Error::validation(u"InvalidFormat"_s, codec::fieldError(m_model.name, path, what, got));
}

bool RecordValidator::scalar(ScalarType type, const QVariant &v, const QString &path, QVariant &out,
                             Error &error) const
{
    QString what;
    switch (type) {
    case ScalarType::ID:
    case ScalarType::String: {
        if (v.typeId() != QMetaType::QString) {
            error = typeError(path, type == ScalarType::ID ? u"an ID (a string)"_s : u"a String"_s, v);
            return false;
        }
        out = v.toString();
        return true;
    }
    case ScalarType::Int: {
        int i = 0;
        if (!codec::fromVariant(v, i, &what)) {
            error = typeError(path, what, v);
            return false;
        }
        out = i;
        return true;
    }
    case ScalarType::AWSTimestamp: {
        qint64 i = 0;
        if (!codec::fromVariant(v, i, &what)) {
            error = typeError(path, u"an AWSTimestamp (whole seconds since the epoch)"_s, v);
            return false;
        }
        out = i;
        return true;
    }
    case ScalarType::Float: {
        double d = 0;
        if (!codec::fromVariant(v, d, &what)) {
            error = typeError(path, what, v);
            return false;
        }
        out = d;
        return true;
    }
    case ScalarType::Boolean: {
        bool b = false;
        if (!codec::fromVariant(v, b, &what)) {
            error = typeError(path, what, v);
            return false;
        }
        out = b;
        return true;
    }
    case ScalarType::AWSDate: {
        if (v.typeId() == QMetaType::QDate) {
            if (!v.toDate().isValid()) {
                error = formatError(path, u"an AWSDate (YYYY-MM-DD)"_s, v);
                return false;
            }
            out = v.toDate().toString(Qt::ISODate);
            return true;
        }
        if (v.typeId() != QMetaType::QString) {
            error = typeError(path, u"an AWSDate (YYYY-MM-DD)"_s, v);
            return false;
        }
        QDate d;
        if (!codec::fromVariant(v, d, &what) || v.toString().size() < 10) {
            error = formatError(path, u"an AWSDate (YYYY-MM-DD)"_s, v);
            return false;
        }
        out = v.toString();
        return true;
    }
    case ScalarType::AWSTime: {
        if (v.typeId() == QMetaType::QTime) {
            if (!v.toTime().isValid()) {
                error = formatError(path, u"an AWSTime (hh:mm:ss.sss)"_s, v);
                return false;
            }
            out = v.toTime().toString(u"HH:mm:ss.zzz"_s);
            return true;
        }
        if (v.typeId() != QMetaType::QString) {
            error = typeError(path, u"an AWSTime (hh:mm:ss.sss)"_s, v);
            return false;
        }
        if (!validTime(v.toString())) {
            error = formatError(path, u"an AWSTime (hh:mm:ss.sss)"_s, v);
            return false;
        }
        out = v.toString();
        return true;
    }
    case ScalarType::AWSDateTime: {
        const QString expected = u"an AWSDateTime (YYYY-MM-DDThh:mm:ss.sssZ)"_s;
        if (v.typeId() == QMetaType::QDateTime) {
            QDateTime dt = v.toDateTime();
            if (!dt.isValid()) {
                error = formatError(path, expected, v);
                return false;
            }
            if (dt.timeSpec() == Qt::LocalTime)
                dt = dt.toUTC();
            out = codec::toVariant(dt);
            return true;
        }
        if (v.typeId() != QMetaType::QString) {
            error = typeError(path, expected, v);
            return false;
        }
        if (isCanonicalUtcDateTime(v.toString())) {
            out = v.toString();
            return true;
        }
        QDateTime dt;
        if (!codec::fromVariant(v, dt, &what)) {
            error = formatError(path, expected, v);
            return false;
        }
        out = v.toString();
        return true;
    }
    case ScalarType::AWSJSON: {
        QJsonValue json;
        if (!codec::fromVariant(v, json, &what)) {
            error = (v.typeId() == QMetaType::QString ? formatError(path, what, v)
                                                       : typeError(path, what, v));
            return false;
        }
        // JSON text stays as given; structured values are serialized.
        out = v.typeId() == QMetaType::QString ? v.toString() : codec::toVariant(json);
        return true;
    }
    case ScalarType::AWSEmail:
    case ScalarType::AWSURL:
    case ScalarType::AWSPhone:
    case ScalarType::AWSIPAddress: {
        const QString expected = type == ScalarType::AWSEmail ? u"an AWSEmail (name@example.com)"_s
            : type == ScalarType::AWSURL                      ? u"an AWSURL (scheme://host/path)"_s
            : type == ScalarType::AWSPhone                    ? u"an AWSPhone (+1 555-0100)"_s
                                                              : u"an AWSIPAddress (IPv4 or IPv6)"_s;
        if (v.typeId() != QMetaType::QString) {
            error = typeError(path, expected, v);
            return false;
        }
        const QString text = v.toString();
        const bool ok = type == ScalarType::AWSEmail ? validEmail(text)
            : type == ScalarType::AWSURL             ? validUrl(text)
            : type == ScalarType::AWSPhone           ? validPhone(text)
                                                     : validIPAddress(text);
        if (!ok) {
            error = formatError(path, expected, v);
            return false;
        }
        out = text;
        return true;
    }
    }
    return false;
}

bool RecordValidator::nonModel(const NonModelSchema &type, const QVariant &v, const QString &path,
                               QVariant &out, Error &error) const
{
    if (v.typeId() != QMetaType::QVariantMap && v.typeId() != QMetaType::QVariantHash) {
        error = typeError(path, u"an object of type "_s + type.name, v);
        return false;
    }
    const QVariantMap in = v.toMap();
    QVariantMap result;
    for (auto it = in.cbegin(); it != in.cend(); ++it) {
        if (it.key() == u"__typename")
            continue;
        const FieldSchema *f = type.field(it.key());
        const QString fieldPath = path + u'.' + it.key();
        if (!f) {
            error = Error::validation(u"UnknownField"_s,
                m_model.name + u'.' + fieldPath + u": unknown field ("_s + type.name
                    + u" has no field '"_s + it.key() + u"')"_s);
            return false;
        }
        QVariant value;
        if (!this->value(f->type, it.value(), fieldPath, value, error))
            return false;
        result.insert(it.key(), value);
    }
    for (const FieldSchema &f : type.fields) {
        if (f.type.isRequired && result.value(f.name).isNull()) {
            error = Error::validation(u"MissingField"_s,
                codec::missingFieldError(m_model.name, QString(path + u'.' + f.name)));
            return false;
        }
    }
    out = result;
    return true;
}

bool RecordValidator::single(const FieldType &type, const QVariant &v, const QString &path,
                             QVariant &out, Error &error) const
{
    switch (type.kind) {
    case FieldType::Kind::Scalar:
        return scalar(type.scalar, v, path, out, error);
    case FieldType::Kind::Enum: {
        const EnumSchema *e = m_schema.enumType(type.typeName);
        if (v.typeId() != QMetaType::QString) {
            error = typeError(path, u"a value of the enum "_s + type.typeName, v);
            return false;
        }
        if (e && !e->values.contains(v.toString())) {
            error = Error::validation(u"InvalidEnumValue"_s,
                m_model.name + u'.' + path + u": \""_s + v.toString().left(40)
                    + u"\" is not a value of "_s + type.typeName + u" ("_s
                    + e->values.join(u", "_s) + u')');
            return false;
        }
        out = v.toString();
        return true;
    }
    case FieldType::Kind::NonModel: {
        const NonModelSchema *nm = m_schema.nonModel(type.typeName);
        if (!nm) {
            error = typeError(path, u"an object of type "_s + type.typeName, v);
            return false;
        }
        return nonModel(*nm, v, path, out, error);
    }
    case FieldType::Kind::Model:
        out = v;
        return true;
    }
    return false;
}

bool RecordValidator::value(const FieldType &type, const QVariant &v, const QString &path,
                            QVariant &out, Error &error) const
{
    if (!v.isValid() || v.isNull()) {
        out = QVariant();
        return true;   // required-ness is checked by the caller
    }
    if (!type.isList)
        return single(type, v, path, out, error);
    if (v.typeId() != QMetaType::QVariantList && v.typeId() != QMetaType::QStringList) {
        error = typeError(path, u"a list ("_s + type.toGraphQL() + u')', v);
        return false;
    }
    const QVariantList items = v.toList();
    QVariantList result;
    result.reserve(items.size());
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString itemPath = path + u'[' + QString::number(i) + u']';
        const QVariant &item = items.at(i);
        if (!item.isValid() || item.isNull()) {
            if (type.isListElementRequired) {
                error = Error::validation(u"MissingField"_s,
                    codec::missingFieldError(m_model.name, itemPath));
                return false;
            }
            result.append(QVariant());
            continue;
        }
        QVariant normalized;
        if (!single(type, item, itemPath, normalized, error))
            return false;
        result.append(normalized);
    }
    out = result;
    return true;
}

bool RecordValidator::key(const FieldSchema &field, const QVariant &v, QVariant &out,
                          Error &error) const
{
    if (!v.isValid() || v.isNull()) {
        error = Error::validation(u"MissingField"_s, codec::missingFieldError(m_model.name, field.name));
        return false;
    }
    if (!value(field.type, v, field.name, out, error))
        return false;
    if (field.type.kind == FieldType::Kind::Scalar && isStringLike(field.type.scalar)
        && !field.type.isList) {
        const QString text = out.toString();
        if (text.isEmpty()) {
            error = Error::validation(u"InvalidId"_s,
                m_model.name + u'.' + field.name + u": a key must not be empty"_s);
            return false;
        }
        if (text.size() > maxIdLength) {
            error = Error::validation(u"InvalidId"_s,
                m_model.name + u'.' + field.name + u": a key must be at most "_s
                    + QString::number(maxIdLength) + u" characters long (got "_s
                    + QString::number(text.size()) + u')');
            return false;
        }
    }
    return true;
}

Result<QVariant> RecordValidator::validateValue(const FieldSchema &field, const QVariant &v) const
{
    QVariant out;
    Error error;
    if (!value(field.type, v, field.name, out, error))
        return error;
    return out;
}

bool RecordValidator::normalizeField(const FieldSchema &f, const QVariant &in, QVariant &kept, bool &changed,
                                     Error &error) const
{
    changed = false;
    // Fast path: a value already in wire form (String/ID text, Int int,
    // Boolean bool) is valid and stays as it is.
    if (!f.isPrimaryKey && !f.type.isList && f.type.kind == FieldType::Kind::Scalar) {
        const int id = in.typeId();
        const ScalarType scalar = f.type.scalar;
        if ((id == QMetaType::QString && (scalar == ScalarType::String || scalar == ScalarType::ID))
            || (id == QMetaType::Int && scalar == ScalarType::Int)
            || (id == QMetaType::Bool && scalar == ScalarType::Boolean)
            || (id == QMetaType::QString && scalar == ScalarType::AWSDateTime
                && isCanonicalUtcDateTime(*static_cast<const QString *>(in.constData())))) {
            kept = in;
            return true;
        }
    }
    // More values the general path below keeps as they are, checked without
    // building a normalized copy first (a sync page's keys, enums and lists
    // of text, datastore-bench sync): a String/ID key, an enum value, a list
    // of String/ID/enum text without nulls.
    if (!f.type.isList && in.typeId() == QMetaType::QString) {
        const QString &text = *static_cast<const QString *>(in.constData());
        if (f.isPrimaryKey && f.type.kind == FieldType::Kind::Scalar
            && (f.type.scalar == ScalarType::String || f.type.scalar == ScalarType::ID) && !text.isEmpty()
            && text.size() <= maxIdLength) {
            kept = in;
            return true;
        }
        if (!f.isPrimaryKey && f.type.kind == FieldType::Kind::Enum) {
            if (const EnumSchema *e = m_schema.enumType(f.type.typeName); e && e->values.contains(text)) {
                kept = in;
                return true;
            }
        }
    }
    if (f.type.isList && !f.isPrimaryKey && in.typeId() == QMetaType::QVariantList
        && (f.type.kind == FieldType::Kind::Enum
            || (f.type.kind == FieldType::Kind::Scalar
                && (f.type.scalar == ScalarType::String || f.type.scalar == ScalarType::ID)))) {
        const EnumSchema *e = f.type.kind == FieldType::Kind::Enum ? m_schema.enumType(f.type.typeName) : nullptr;
        const QVariantList &items = *static_cast<const QVariantList *>(in.constData());
        const bool plain = (f.type.kind != FieldType::Kind::Enum || e)
            && std::all_of(items.cbegin(), items.cend(), [e](const QVariant &item) {
                   return item.typeId() == QMetaType::QString
                       && (!e || e->values.contains(*static_cast<const QString *>(item.constData())));
               });
        if (plain) {
            kept = in;
            return true;
        }
    }
    QVariant normalized;
    if (f.isPrimaryKey) {
        if (!key(f, in, normalized, error))
            return false;
    } else if (!value(f.type, in, f.name, normalized, error)) {
        return false;
    }
    bool same = normalized.typeId() == in.typeId() && !f.type.isList
        && f.type.kind != FieldType::Kind::NonModel && !in.isNull()
        && (f.type.kind != FieldType::Kind::Scalar || f.type.scalar != ScalarType::AWSJSON);
    // A list of text (String, ID, enum) comes out element for element as
    // it went in unless a null changed form: no copy of the record then.
    if (!same && f.type.isList && in.typeId() == QMetaType::QVariantList
        && (f.type.kind == FieldType::Kind::Enum
            || (f.type.kind == FieldType::Kind::Scalar && isStringLike(f.type.scalar)))) {
        const QVariantList inList = in.toList();
        const QVariantList outList = normalized.toList();
        same = inList.size() == outList.size();
        for (qsizetype i = 0; same && i < inList.size(); ++i)
            same = inList.at(i).typeId() == QMetaType::QString && outList.at(i).typeId() == QMetaType::QString;
    }
    changed = !same;
    kept = same ? in : std::move(normalized);
    return true;
}

Error RecordValidator::checkRequired(const QVarLengthArray<bool, 32> &set) const
{
    for (qsizetype i = 0; i < m_stored.size(); ++i) {
        const FieldSchema *f = m_stored.at(i);
        if (f->isPrimaryKey) {
            if (!set[i])
                return Error::validation(u"MissingField"_s,
                                         codec::missingFieldError(m_model.name, f->name));
            continue;
        }
        if (!f->type.isRequired || f->isReadOnly || isTimestampField(m_model, *f)
            || f->defaultValue.has_value())
            continue;
        if (!set[i])
            return Error::validation(u"MissingField"_s, codec::missingFieldError(m_model.name, f->name));
    }
    return {};
}

Result<QVariantMap> RecordValidator::validateRecord(const QVariantMap &record) const
{
    if (!m_keyRelations.isEmpty()) {
        Result<std::optional<QVariantMap>> keyed = withRelatedKeys(record);
        if (!keyed)
            return keyed.error();
        if (keyed->has_value())
            return validateRecord(**keyed);   // now with the keys: adds nothing more
    }
    // Starts from the record itself: values already in wire form are shared,
    // only the ones normalization changes are written. Metadata keys (a sync
    // page's _version, _lastChangedAt, _deleted) are left out in one ordered
    // pass: removing them from the shared copy would copy it first, then
    // erase (datastore-bench sync).
    auto isMetadata = [this](const QString &k) { return codec::isMetadataKey(k) && !m_fields.contains(k); };
    QVariantMap result;
    if (std::any_of(record.keyBegin(), record.keyEnd(), isMetadata)) {
        std::map<QString, QVariant> kept;
        for (auto it = record.cbegin(); it != record.cend(); ++it) {
            if (!isMetadata(it.key()))
                kept.emplace_hint(kept.end(), it.key(), it.value());
        }
        result = QVariantMap(std::move(kept));
    } else {
        result = record;
    }
    Error error;
    // Which stored fields end up set (non-null), for the required-field check.
    QVarLengthArray<bool, 32> set(m_stored.size(), false);
    for (auto it = record.cbegin(); it != record.cend(); ++it) {
        const QString &name = it.key();
        const FieldSchema *f = m_fields.value(name);
        if (!f) {
            if (codec::isMetadataKey(name)) {
                result.remove(name);
                continue;
            }
            if (const FieldSchema *declared = m_model.field(name); declared && !declared->isStored()) {
                result.remove(name);   // relation objects: their keys live in ordinary fields
                continue;
            }
            return Error::validation(u"UnknownField"_s,
                m_model.name + u'.' + name + u": unknown field ("_s + m_model.name
                    + u" has no field '"_s + name + u"')"_s);
        }
        QVariant kept;
        bool changed = false;
        if (!normalizeField(*f, it.value(), kept, changed, error))
            return error;
        if (changed)
            result.insert(name, kept);
        set[m_position.value(f)] = !kept.isNull();
    }
    if (Error e = checkRequired(set); !e.isNull())
        return e;
    return result;
}

Result<void> RecordValidator::validateRow(QVariant *values) const
{
    // Field by field in name order, as validateRecord() walks a map, so the
    // first error reported is the same.
    QVarLengthArray<bool, 32> set(m_stored.size(), false);
    Error error;
    for (qsizetype i : m_byName) {
        QVariant &v = values[i];
        if (!v.isValid())
            continue;   // not named by the record
        QVariant kept;
        bool changed = false;
        if (!normalizeField(*m_stored.at(i), v, kept, changed, error))
            return error;
        if (changed)
            v = std::move(kept);
        set[i] = !v.isNull();
    }
    if (Error e = checkRequired(set); !e.isNull())
        return e;
    return {};
}

Result<void> RecordValidator::validateRowKey(QVariant *values) const
{
    // Only the key stays, as validateKey() keeps only the key.
    QVarLengthArray<QVariant, 32> key(m_stored.size());
    Error error;
    for (const QString &name : m_model.primaryKey) {
        const FieldSchema *f = m_fields.value(name);
        if (!f)
            continue;
        const qsizetype i = m_position.value(f);
        if (!this->key(*f, values[i], key[i], error))
            return error;
    }
    for (qsizetype i = 0; i < m_stored.size(); ++i)
        values[i] = std::move(key[i]);
    return {};
}

Result<QVariantMap> RecordValidator::validateKey(const QVariantMap &keyMap) const
{
    QVariantMap result;
    Error error;
    for (const QString &name : m_model.primaryKey) {
        const FieldSchema *f = m_fields.value(name);
        if (!f)
            continue;
        QVariant normalized;
        if (!key(*f, keyMap.value(name), normalized, error))
            return error;
        result.insert(name, normalized);
    }
    return result;
}

// ---- columns ------------------------------------------------------------------

QVariant toColumn(const FieldSchema &field, const QVariant &wire)
{
    if (!wire.isValid() || wire.isNull())
        return QVariant();
    if (isJsonColumn(field)) {
        QString text;
        writeJson(text, wire);
        return text;
    }
    if (field.type.kind == FieldType::Kind::Scalar && field.type.scalar == ScalarType::Boolean)
        return wire.toBool() ? 1 : 0;
    return wire;
}

QVariant fromColumn(const Schema &schema, const FieldSchema &field, const QVariant &column)
{
    if (!column.isValid() || column.isNull())
        return QVariant();
    if (isJsonColumn(field)) {
        const QJsonDocument doc = QJsonDocument::fromJson(column.toString().toUtf8());
        if (doc.isArray())
            return fromJson(schema, field.type, doc.array(), false);
        if (doc.isObject())
            return fromJson(schema, field.type, doc.object(), false);
        return QVariant();
    }
    if (field.type.kind == FieldType::Kind::Scalar) {
        switch (field.type.scalar) {
        case ScalarType::Int:
            return int(column.toLongLong());
        case ScalarType::AWSTimestamp:
            return column.toLongLong();
        case ScalarType::Float:
            return column.toDouble();
        case ScalarType::Boolean:
            return column.toLongLong() != 0;
        default:
            return column.toString();
        }
    }
    return column.toString();
}

QString toJsonText(const QVariantMap &map)
{
    QString text;
    text.reserve(256);
    writeJson(text, map);
    return text;
}

namespace {
// QJsonValue::toVariant() turns null into QVariant(nullptr); the wire form
// uses an invalid QVariant.
QVariant plainVariant(const QJsonValue &json)
{
    switch (json.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return QVariant();
    case QJsonValue::Array: {
        QVariantList list;
        const QJsonArray array = json.toArray();
        list.reserve(array.size());
        for (const QJsonValue &item : array)
            list.append(plainVariant(item));
        return list;
    }
    case QJsonValue::Object: {
        QVariantMap map;
        const QJsonObject object = json.toObject();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it)
            map.insert(it.key(), plainVariant(it.value()));
        return map;
    }
    default:
        return json.toVariant();
    }
}
} // namespace

QVariantMap fromJsonText(const QByteArray &text)
{
    return plainVariant(QJsonDocument::fromJson(text).object()).toMap();
}

} // namespace ds::storage

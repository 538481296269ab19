#include "graphql/values_p.h"

#include "graphql/jsonwriter_p.h"
#include "graphql/printer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace ds::server::graphql {

namespace {

QString q(const QString &name) { return u'\'' + name + u'\''; }

// ---- AWS scalar formats -----------------------------------------------------

struct Cursor
{
    QStringView s;
    qsizetype i = 0;
    bool atEnd() const { return i >= s.size(); }
    QChar peek() const { return atEnd() ? QChar() : s[i]; }
    bool eat(char16_t c)
    {
        if (peek() == c) {
            ++i;
            return true;
        }
        return false;
    }
    // Exactly n digits.
    bool digits(int n, int *value)
    {
        int v = 0;
        for (int k = 0; k < n; ++k) {
            if (atEnd() || !s[i].isDigit() || s[i].unicode() > '9')
                return false;
            v = v * 10 + (s[i].unicode() - '0');
            ++i;
        }
        *value = v;
        return true;
    }
};

bool parseDate(Cursor &c)
{
    int y, m, d;
    if (!c.digits(4, &y) || !c.eat(u'-') || !c.digits(2, &m) || !c.eat(u'-') || !c.digits(2, &d))
        return false;
    if (m < 1 || m > 12 || d < 1)
        return false;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d > days[m - 1])
        return false;
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && d == 29 && !leap);
}

bool parseTime(Cursor &c)
{
    int h, m, s;
    if (!c.digits(2, &h) || !c.eat(u':') || !c.digits(2, &m) || h > 23 || m > 59)
        return false;
    if (c.eat(u':')) {
        if (!c.digits(2, &s) || s > 59)
            return false;
        if (c.eat(u'.')) {
            int digits = 0, dummy;
            while (c.digits(1, &dummy))
                ++digits;
            if (digits == 0 || digits > 9)
                return false;
        }
    }
    return true;
}

bool parseZone(Cursor &c, bool required)
{
    if (c.atEnd())
        return !required;
    if (c.eat(u'Z'))
        return c.atEnd();
    if (!c.eat(u'+') && !c.eat(u'-'))
        return false;
    int h, m, s;
    if (!c.digits(2, &h) || !c.eat(u':') || !c.digits(2, &m) || h > 23 || m > 59)
        return false;
    if (c.eat(u':') && (!c.digits(2, &s) || s > 59))
        return false;
    return c.atEnd();
}

bool isIPv4(QStringView text)
{
    const auto parts = text.split(u'.');
    if (parts.size() != 4)
        return false;
    for (QStringView p : parts) {
        if (p.isEmpty() || p.size() > 3)
            return false;
        bool ok = false;
        const int v = p.toInt(&ok);
        if (!ok || v < 0 || v > 255 || !p.front().isDigit())
            return false;
    }
    return true;
}

bool isIPv6(QStringView text)
{
    const qsizetype gap = text.indexOf(u"::");
    if (gap >= 0 && text.indexOf(u"::", gap + 1) >= 0)
        return false;
    int groups = 0;
    auto countGroups = [&groups](QStringView part, bool last) {
        if (part.isEmpty())
            return true;
        const auto items = part.split(u':');
        for (qsizetype k = 0; k < items.size(); ++k) {
            QStringView g = items[k];
            if (last && k == items.size() - 1 && g.contains(u'.')) {
                if (!isIPv4(g))
                    return false;
                groups += 2;
                continue;
            }
            if (g.isEmpty() || g.size() > 4)
                return false;
            for (QChar ch : g)
                if (!isxdigit(ch.unicode() < 128 ? ch.unicode() : 'x'))
                    return false;
            ++groups;
        }
        return true;
    };
    if (gap < 0)
        return countGroups(text, true) && groups == 8;
    return countGroups(text.left(gap), false) && countGroups(text.mid(gap + 2), true) && groups < 8;
}

bool isIPAddress(QStringView text)
{
    const qsizetype slash = text.indexOf(u'/');
    QStringView address = slash < 0 ? text : text.left(slash);
    const bool v4 = isIPv4(address);
    if (!v4 && !isIPv6(address))
        return false;
    if (slash < 0)
        return true;
    QStringView prefix = text.mid(slash + 1);
    bool ok = false;
    const int bits = prefix.toInt(&ok);
    return ok && !prefix.isEmpty() && prefix.front().isDigit() && bits >= 0 && bits <= (v4 ? 32 : 128);
}

bool isEmail(QStringView text)
{
    const qsizetype at = text.indexOf(u'@');
    if (at <= 0 || at != text.lastIndexOf(u'@') || at == text.size() - 1)
        return false;
    for (QChar c : text)
        if (c.isSpace())
            return false;
    QStringView domain = text.mid(at + 1);
    const qsizetype dot = domain.lastIndexOf(u'.');
    return dot > 0 && dot < domain.size() - 1 && !domain.contains(u"..");
}

bool isPhone(QStringView text)
{
    int digits = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text[i];
        if (c.isDigit() && c.unicode() <= '9')
            ++digits;
        else if (c == u'+' ? i != 0 : !(c == u' ' || c == u'-' || c == u'(' || c == u')' || c == u'.'))
            return false;
    }
    return digits >= 3 && digits <= 20;
}

bool isJsonText(QStringView text)
{
    // QJsonDocument only takes objects and arrays: wrap the text in a list.
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray('[' + text.toString().toUtf8() + ']'), &error);
    return error.error == QJsonParseError::NoError && doc.array().size() == 1;
}

bool isInt32(double d)
{
    return std::isfinite(d) && d == std::floor(d) && d >= -2147483648.0 && d <= 2147483647.0;
}

bool isSafeInteger(double d)
{
    return std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= 9007199254740991.0;
}

} // namespace

QString jsonText(const QJsonValue &value)
{
    JsonWriter w;
    w.value(value);
    return QString::fromUtf8(w.buffer());
}

bool isValidAwsString(ScalarKind kind, QStringView text)
{
    Cursor c{text};
    switch (kind) {
    case ScalarKind::AWSDate:
        return parseDate(c) && parseZone(c, false);
    case ScalarKind::AWSTime:
        return parseTime(c) && parseZone(c, false);
    case ScalarKind::AWSDateTime:
        return parseDate(c) && c.eat(u'T') && parseTime(c) && parseZone(c, true);
    case ScalarKind::AWSEmail:
        return isEmail(text);
    case ScalarKind::AWSURL: {
        const QUrl url(text.toString(), QUrl::StrictMode);
        return url.isValid() && !url.scheme().isEmpty() && !url.path().contains(u"//");
    }
    case ScalarKind::AWSPhone:
        return isPhone(text);
    case ScalarKind::AWSIPAddress:
        return isIPAddress(text);
    case ScalarKind::AWSJSON:
        return isJsonText(text);
    default:
        return true;
    }
}

bool coerceScalar(const TypeInfo &scalar, const QJsonValue &in, QJsonValue *out, QString *message)
{
    const QString &name = scalar.name;
    switch (scalar.scalar) {
    case ScalarKind::Int:
        if (in.isDouble() && isInt32(in.toDouble())) {
            *out = int(in.toDouble());
            return true;
        }
        *message = in.isDouble() && in.toDouble() == std::floor(in.toDouble())
            ? u"Int cannot represent non 32-bit signed integer value: "_s + jsonText(in)
            : u"Int cannot represent non-integer value: "_s + jsonText(in);
        return false;
    case ScalarKind::Float:
        if (in.isDouble() && std::isfinite(in.toDouble())) {
            *out = in;
            return true;
        }
        *message = u"Float cannot represent non numeric value: "_s + jsonText(in);
        return false;
    case ScalarKind::String:
        if (in.isString()) {
            *out = in;
            return true;
        }
        *message = u"String cannot represent a non string value: "_s + jsonText(in);
        return false;
    case ScalarKind::Boolean:
        if (in.isBool()) {
            *out = in;
            return true;
        }
        *message = u"Boolean cannot represent a non boolean value: "_s + jsonText(in);
        return false;
    case ScalarKind::ID:
        if (in.isString()) {
            *out = in;
            return true;
        }
        if (in.isDouble() && isSafeInteger(in.toDouble())) {
            *out = QString::number(qint64(in.toDouble()));
            return true;
        }
        *message = u"ID cannot represent value: "_s + jsonText(in);
        return false;
    case ScalarKind::AWSTimestamp:
        if (in.isDouble() && isSafeInteger(in.toDouble())) {
            *out = qint64(in.toDouble());
            return true;
        }
        *message = u"AWSTimestamp cannot represent non-integer value: "_s + jsonText(in);
        return false;
    case ScalarKind::AWSDate:
    case ScalarKind::AWSTime:
    case ScalarKind::AWSDateTime:
    case ScalarKind::AWSEmail:
    case ScalarKind::AWSURL:
    case ScalarKind::AWSPhone:
    case ScalarKind::AWSIPAddress:
    case ScalarKind::AWSJSON:
        if (!in.isString()) {
            *message = name + u" cannot represent a non string value: "_s + jsonText(in);
            return false;
        }
        if (!isValidAwsString(scalar.scalar, in.toString())) {
            *message = scalar.scalar == ScalarKind::AWSJSON
                ? QString(u"AWSJSON cannot represent invalid JSON text: "_s + jsonText(in))
                : QString(name + u" cannot represent the invalid value: "_s + jsonText(in));
            return false;
        }
        *out = in;
        return true;
    case ScalarKind::Custom:
        *out = in;
        return true;
    }
    return false;
}

bool coerceVariableValue(const ExecutableSchema &schema, const QJsonValue &in, const gql::TypeRef &type,
                         QJsonValue *out, QString *path, QString *message, QJsonValue *invalid)
{
    *invalid = in;
    if (type.isNonNull()) {
        if (in.isNull() || in.isUndefined()) {
            *message = u"Expected non-nullable type "_s + q(typeName(type)) + u" not to be null."_s;
            return false;
        }
        return coerceVariableValue(schema, in, type.inner(), out, path, message, invalid);
    }
    if (in.isNull() || in.isUndefined()) {
        *out = QJsonValue::Null;
        return true;
    }
    if (type.kind == gql::TypeRef::Kind::List) {
        if (!in.isArray()) {   // a single value becomes a list of one
            QJsonValue item;
            if (!coerceVariableValue(schema, in, type.inner(), &item, path, message, invalid))
                return false;
            *out = QJsonArray{item};
            return true;
        }
        const QJsonArray items = in.toArray();
        QJsonArray result;
        for (qsizetype i = 0; i < items.size(); ++i) {
            QJsonValue item;
            QString inner;
            if (!coerceVariableValue(schema, items.at(i), type.inner(), &item, &inner, message, invalid)) {
                *path = u'[' + QString::number(i) + u']' + (inner.startsWith(u'[') || inner.isEmpty() ? inner : u'.' + inner);
                return false;
            }
            result.append(item);
        }
        *out = result;
        return true;
    }
    const TypeInfo *named = schema.type(type.name);
    if (!named) {
        *message = u"Unknown type "_s + q(type.name) + u'.';
        return false;
    }
    switch (named->kind) {
    case TypeInfo::Kind::Scalar:
        return coerceScalar(*named, in, out, message);
    case TypeInfo::Kind::Enum:
        if (!in.isString()) {
            *message = u"Enum "_s + q(named->name) + u" cannot represent non-string value: "_s + jsonText(in) + u'.';
            return false;
        }
        if (!named->enumValue(in.toString())) {
            *message = u"Value "_s + jsonText(in) + u" does not exist in "_s + q(named->name) + u" enum."_s;
            return false;
        }
        *out = in;
        return true;
    case TypeInfo::Kind::InputObject: {
        if (!in.isObject()) {
            *message = u"Expected type "_s + q(named->name) + u" to be an object."_s;
            return false;
        }
        const QJsonObject object = in.toObject();
        QJsonObject result;
        for (const InputValueInfo &field : named->inputFields) {
            const auto it = object.constFind(field.name);
            if (it == object.constEnd()) {
                if (field.defaultValue) {
                    result.insert(field.name, literalValue(schema, *field.defaultValue, field.type, {}));
                } else if (field.type.isNonNull()) {
                    *invalid = in;
                    *message = u"Field "_s + q(field.name) + u" of required type "_s
                        + q(typeName(field.type)) + u" was not provided."_s;
                    return false;
                }
                continue;
            }
            QJsonValue value;
            QString inner;
            if (!coerceVariableValue(schema, *it, field.type, &value, &inner, message, invalid)) {
                *path = field.name + (inner.startsWith(u'[') || inner.isEmpty() ? inner : u'.' + inner);
                return false;
            }
            result.insert(field.name, value);
        }
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (!named->inputField(it.key())) {
                *invalid = in;
                *message = u"Field "_s + q(it.key()) + u" is not defined by type "_s + q(named->name) + u'.';
                return false;
            }
        }
        *out = result;
        return true;
    }
    default:
        *message = u"Type "_s + q(named->name) + u" is not an input type."_s;
        return false;
    }
}

static void validateLiteral(const ExecutableSchema &schema, const gql::Value &value, const gql::TypeRef &type,
                            const gql::TypeRef &display, const LiteralReporter &report);

void validateLiteral(const ExecutableSchema &schema, const gql::Value &value, const gql::TypeRef &type,
                     const LiteralReporter &report)
{
    validateLiteral(schema, value, type, type, report);
}

// display: the type named in messages (T! where the check is on T).
static void validateLiteral(const ExecutableSchema &schema, const gql::Value &value, const gql::TypeRef &type,
                            const gql::TypeRef &display, const LiteralReporter &report)
{
    using VK = gql::Value::Kind;
    if (value.kind == VK::Variable)
        return;   // VariablesInAllowedPosition checks these
    auto expected = [&](const QString &detail) {
        QString m = u"Expected value of type "_s + q(typeName(display)) + u", found "_s + gql::print(value);
        m += detail.isEmpty() ? u"."_s : u"; "_s + detail;
        report(m, value.loc.at);
    };
    if (type.isNonNull()) {
        if (value.kind == VK::Null) {
            expected({});
            return;
        }
        validateLiteral(schema, value, type.inner(), display, report);
        return;
    }
    if (value.kind == VK::Null)
        return;
    if (type.kind == gql::TypeRef::Kind::List) {
        if (value.kind == VK::List) {
            for (const gql::Value &item : value.list)
                validateLiteral(schema, item, type.inner(), type.inner(), report);
        } else {
            validateLiteral(schema, value, type.inner(), type.inner(), report);
        }
        return;
    }
    const TypeInfo *named = schema.type(type.name);
    if (!named)
        return;   // reported by KnownTypeNames
    switch (named->kind) {
    case TypeInfo::Kind::Scalar: {
        QJsonValue json;
        switch (value.kind) {
        case VK::Int:
            json = value.text.toDouble();
            break;
        case VK::Float:
            json = value.text.toDouble();
            // An Int literal and a Float literal with an integral value differ.
            if (named->scalar == ScalarKind::Int || named->scalar == ScalarKind::ID
                || named->scalar == ScalarKind::AWSTimestamp) {
                QString m = named->scalar == ScalarKind::Int ? u"Int cannot represent non-integer value: "_s
                    : named->scalar == ScalarKind::ID        ? u"ID cannot represent value: "_s
                                                             : u"AWSTimestamp cannot represent non-integer value: "_s;
                expected(m + gql::print(value));
                return;
            }
            break;
        case VK::String: json = value.text; break;
        case VK::Boolean: json = value.boolean; break;
        case VK::Enum:
        case VK::List:
        case VK::Object:
            if (named->scalar == ScalarKind::Custom)
                return;
            expected(named->name + u" cannot represent value: "_s + gql::print(value));
            return;
        default:
            return;
        }
        QJsonValue out;
        QString message;
        if (!coerceScalar(*named, json, &out, &message)) {
            // Messages name the literal as written, not as JSON.
            const qsizetype colon = message.indexOf(u": "_s);
            if (colon > 0)
                message = message.left(colon + 2) + gql::print(value);
            expected(message);
        }
        return;
    }
    case TypeInfo::Kind::Enum:
        if (value.kind != VK::Enum) {
            expected(u"Enum "_s + q(named->name) + u" cannot represent non-enum value: "_s + gql::print(value) + u'.');
        } else if (!named->enumValue(value.text)) {
            expected(u"Value "_s + q(value.text) + u" does not exist in "_s + q(named->name) + u" enum."_s);
        }
        return;
    case TypeInfo::Kind::InputObject: {
        if (value.kind != VK::Object) {
            expected({});
            return;
        }
        for (const gql::ObjectField &f : value.fields) {
            const InputValueInfo *def = named->inputField(f.name);
            if (!def) {
                report(u"Field "_s + q(f.name) + u" is not defined by type "_s + q(named->name) + u'.', f.loc.at);
                continue;
            }
            validateLiteral(schema, f.value, def->type, def->type, report);
        }
        for (const InputValueInfo &def : named->inputFields) {
            if (!def.type.isNonNull() || def.defaultValue)
                continue;
            bool present = false;
            for (const gql::ObjectField &f : value.fields)
                present = present || f.name == def.name;
            if (!present)
                report(u"Field '"_s + named->name + u'.' + def.name + u"' of required type "_s
                           + q(typeName(def.type)) + u" was not provided."_s,
                       value.loc.at);
        }
        return;
    }
    default:
        return;
    }
}

QJsonValue literalValue(const ExecutableSchema &schema, const gql::Value &value, const gql::TypeRef &type,
                        const QJsonObject &variables)
{
    using VK = gql::Value::Kind;
    if (value.kind == VK::Variable) {
        const auto it = variables.constFind(value.text);
        return it == variables.constEnd() ? QJsonValue(QJsonValue::Undefined) : *it;
    }
    if (type.isNonNull())
        return literalValue(schema, value, type.inner(), variables);
    if (value.kind == VK::Null)
        return QJsonValue::Null;
    if (type.kind == gql::TypeRef::Kind::List) {
        QJsonArray result;
        if (value.kind == VK::List) {
            for (const gql::Value &item : value.list) {
                const QJsonValue v = literalValue(schema, item, type.inner(), variables);
                result.append(v.isUndefined() ? QJsonValue() : v);
            }
        } else {
            const QJsonValue v = literalValue(schema, value, type.inner(), variables);
            result.append(v.isUndefined() ? QJsonValue() : v);
        }
        return result;
    }
    const TypeInfo *named = schema.type(type.name);
    if (named && named->kind == TypeInfo::Kind::InputObject && value.kind == VK::Object) {
        QJsonObject result;
        for (const InputValueInfo &def : named->inputFields) {
            const gql::ObjectField *given = nullptr;
            for (const gql::ObjectField &f : value.fields)
                if (f.name == def.name)
                    given = &f;
            QJsonValue v = given ? literalValue(schema, given->value, def.type, variables)
                                 : QJsonValue(QJsonValue::Undefined);
            if (v.isUndefined() && def.defaultValue)
                v = literalValue(schema, *def.defaultValue, def.type, {});
            if (!v.isUndefined())
                result.insert(def.name, v);
        }
        return result;
    }
    switch (value.kind) {
    case VK::Int:
        if (named && (named->scalar == ScalarKind::ID))
            return value.text;
        if (named && named->scalar == ScalarKind::Int)
            return value.text.toInt();
        if (named && named->scalar == ScalarKind::AWSTimestamp)
            return value.text.toLongLong();
        return value.text.toDouble();
    case VK::Float: return value.text.toDouble();
    case VK::String:
    case VK::Enum: return value.text;
    case VK::Boolean: return value.boolean;
    case VK::List: {   // a custom scalar given a list
        QJsonArray a;
        for (const gql::Value &item : value.list)
            a.append(literalValue(schema, item, gql::TypeRef::named(type.name), variables));
        return a;
    }
    case VK::Object: {
        QJsonObject o;
        for (const gql::ObjectField &f : value.fields)
            o.insert(f.name, literalValue(schema, f.value, gql::TypeRef::named(type.name), variables));
        return o;
    }
    default:
        return QJsonValue::Null;
    }
}

bool coerceArguments(const ExecutableSchema &schema, const std::vector<InputValueInfo> &definitions,
                     const gql::List<gql::Argument> &arguments, const QJsonObject &variables,
                     QJsonObject *out, QString *message)
{
    for (const InputValueInfo &def : definitions) {
        const gql::Argument *given = nullptr;
        for (const gql::Argument &a : arguments)
            if (a.name == def.name)
                given = &a;
        QJsonValue v = given ? literalValue(schema, given->value, def.type, variables)
                             : QJsonValue(QJsonValue::Undefined);
        if (v.isUndefined() && def.defaultValue)
            v = literalValue(schema, *def.defaultValue, def.type, {});
        if (v.isUndefined()) {
            if (def.type.isNonNull()) {
                *message = u"Argument "_s + q(def.name) + u" of required type "_s + q(typeName(def.type))
                    + u" was provided the variable '$"_s + (given ? given->value.text : QString())
                    + u"' which was not provided a runtime value."_s;
                return false;
            }
            continue;
        }
        if (v.isNull() && def.type.isNonNull()) {
            *message = u"Argument "_s + q(def.name) + u" of non-null type "_s + q(typeName(def.type))
                + u" must not be null."_s;
            return false;
        }
        out->insert(def.name, v);
    }
    return true;
}

} // namespace ds::server::graphql

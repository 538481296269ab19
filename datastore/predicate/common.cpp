#include "predicate/predicate_p.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

using namespace Qt::StringLiterals;

namespace ds::predicate::detail {

using Op = Predicate::Op;

FieldKind fieldKind(const FieldSchema &field)
{
    FieldKind k;
    k.isList = field.type.isList;
    if (field.isRelation())
        return k;
    switch (field.type.kind) {
    case FieldType::Kind::Enum:
        k.kind = ValueKind::Enum;
        return k;
    case FieldType::Kind::Model:
    case FieldType::Kind::NonModel:
        return k;
    case FieldType::Kind::Scalar:
        break;
    }
    switch (field.type.scalar) {
    case ScalarType::Int:
        k.kind = ValueKind::Int;
        break;
    case ScalarType::AWSTimestamp:
        k.kind = ValueKind::Timestamp;
        break;
    case ScalarType::Float:
        k.kind = ValueKind::Float;
        break;
    case ScalarType::Boolean:
        k.kind = ValueKind::Boolean;
        break;
    case ScalarType::ID:
    case ScalarType::String:
    case ScalarType::AWSDate:
    case ScalarType::AWSTime:
    case ScalarType::AWSDateTime:
    case ScalarType::AWSEmail:
    case ScalarType::AWSJSON:
    case ScalarType::AWSURL:
    case ScalarType::AWSPhone:
    case ScalarType::AWSIPAddress:
        k.kind = ValueKind::String;
        break;
    }
    return k;
}

QList<Op> allowedOps(const FieldKind &kind)
{
    if (kind.kind == ValueKind::Unfilterable)
        return {};
    // Enums have attributeExists too, though AppSync's ModelXInput of an enum
    // has only eq/ne: {"eq": null} reads as it, and toJson() writes it so.
    if (kind.isList)
        return {Op::Contains, Op::NotContains, Op::AttributeExists};
    switch (kind.kind) {
    case ValueKind::String:
        return {Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::Contains, Op::NotContains,
                Op::BeginsWith, Op::Between, Op::In, Op::NotIn, Op::AttributeExists};
    case ValueKind::Int:
    case ValueKind::Timestamp:
    case ValueKind::Float:
        return {Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge, Op::Between, Op::In, Op::NotIn,
                Op::AttributeExists};
    case ValueKind::Boolean:
        return {Op::Eq, Op::Ne, Op::AttributeExists};
    case ValueKind::Enum:
        return {Op::Eq, Op::Ne, Op::In, Op::NotIn, Op::AttributeExists};
    case ValueKind::Unfilterable:
        break;
    }
    return {};
}

bool isAllowed(const FieldKind &kind, Op op)
{
    return allowedOps(kind).contains(op);
}

QString describeType(const FieldSchema &field)
{
    QString base = field.type.kind == FieldType::Kind::Enum ? u"enum "_s + field.type.typeName
                                                             : field.type.typeName;
    if (field.type.isList)
        return u"["_s + base + u"]"_s;
    return base;
}

bool isNullValue(const QVariant &v)
{
    if (!v.isValid() || v.isNull())
        return true;
    if (v.typeId() == QMetaType::QString)
        return v.toString().isNull();
    if (v.typeId() == QMetaType::QByteArray)
        return v.toByteArray().isNull();
    return false;
}

bool isIntegral(const QVariant &v)
{
    switch (v.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Long:
    case QMetaType::ULong:
    case QMetaType::Short:
    case QMetaType::UShort:
        return true;
    default:
        return false;
    }
}

bool isNumber(const QVariant &v)
{
    return isIntegral(v) || v.typeId() == QMetaType::Double || v.typeId() == QMetaType::Float;
}

namespace {

int compareNumbers(const QVariant &a, const QVariant &b)
{
    if (isIntegral(a) && isIntegral(b)) {
        const qint64 x = a.toLongLong();
        const qint64 y = b.toLongLong();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    const double x = a.toDouble();
    const double y = b.toDouble();
    return x < y ? -1 : (x > y ? 1 : 0);
}

} // namespace

bool sameValue(const QVariant &a, const QVariant &b)
{
    const bool an = isNullValue(a);
    const bool bn = isNullValue(b);
    if (an || bn)
        return an == bn;
    if (isNumber(a) || isNumber(b))
        return isNumber(a) && isNumber(b) && compareNumbers(a, b) == 0;
    const bool aList = a.typeId() == QMetaType::QVariantList || a.typeId() == QMetaType::QStringList;
    const bool bList = b.typeId() == QMetaType::QVariantList || b.typeId() == QMetaType::QStringList;
    if (aList || bList) {
        if (!aList || !bList)
            return false;
        const QVariantList x = a.toList();
        const QVariantList y = b.toList();
        if (x.size() != y.size())
            return false;
        for (qsizetype i = 0; i < x.size(); ++i) {
            if (!sameValue(x.at(i), y.at(i)))
                return false;
        }
        return true;
    }
    if (a.typeId() == QMetaType::Bool || b.typeId() == QMetaType::Bool)
        return a.typeId() == b.typeId() && a.toBool() == b.toBool();
    if (a.typeId() == QMetaType::QString && b.typeId() == QMetaType::QString)
        return a.toString() == b.toString();
    return a == b;
}

int compareUtf8(const QString &a, const QString &b)
{
    // UTF-16 order equals code point order except that surrogates (astral
    // characters) sort below U+E000..U+FFFF; UTF-8 byte order is code point order.
    const QByteArray x = a.toUtf8();
    const QByteArray y = b.toUtf8();
    const int c = std::memcmp(x.constData(), y.constData(), size_t(std::min(x.size(), y.size())));
    if (c != 0)
        return c < 0 ? -1 : 1;
    return x.size() < y.size() ? -1 : (x.size() > y.size() ? 1 : 0);
}

std::optional<int> compareValues(const QVariant &value, const QVariant &operand, ValueKind kind)
{
    switch (kind) {
    case ValueKind::String:
    case ValueKind::Enum:
        if (value.typeId() != QMetaType::QString || operand.typeId() != QMetaType::QString)
            return std::nullopt;
        return compareUtf8(value.toString(), operand.toString());
    case ValueKind::Int:
    case ValueKind::Timestamp:
    case ValueKind::Float:
        if (!isNumber(value) || !isNumber(operand))
            return std::nullopt;
        return compareNumbers(value, operand);
    case ValueKind::Boolean: {
        // SQLite keeps Booleans as 0/1.
        const bool vb = value.typeId() == QMetaType::Bool || isIntegral(value);
        const bool ob = operand.typeId() == QMetaType::Bool || isIntegral(operand);
        if (!vb || !ob)
            return std::nullopt;
        const int x = value.toBool() ? 1 : 0;
        const int y = operand.toBool() ? 1 : 0;
        return x - y;
    }
    case ValueKind::Unfilterable:
        break;
    }
    return std::nullopt;
}

bool elementEquals(const QVariant &element, const QVariant &operand, ValueKind kind)
{
    if (isNullValue(element) || isNullValue(operand))
        return false;
    switch (kind) {
    case ValueKind::String:
    case ValueKind::Enum:
        return element.typeId() == QMetaType::QString && operand.typeId() == QMetaType::QString
               && element.toString() == operand.toString();
    case ValueKind::Int:
    case ValueKind::Timestamp:
    case ValueKind::Float:
        return isNumber(element) && isNumber(operand) && compareNumbers(element, operand) == 0;
    case ValueKind::Boolean:
        return element.typeId() == QMetaType::Bool && operand.typeId() == QMetaType::Bool
               && element.toBool() == operand.toBool();
    case ValueKind::Unfilterable:
        break;
    }
    return false;
}

int editDistance(QStringView a, QStringView b)
{
    QList<int> prev(b.size() + 1);
    QList<int> cur(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        prev[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        cur[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

QString closest(QStringView word, const QStringList &candidates)
{
    QString best;
    int bestDistance = std::numeric_limits<int>::max();
    for (const QString &c : candidates) {
        if (c.compare(word, Qt::CaseInsensitive) == 0)
            return c;
        const int d = editDistance(word, c);
        if (d < bestDistance) {
            bestDistance = d;
            best = c;
        }
    }
    const int limit = word.size() <= 3 ? 1 : std::max(2, int(word.size()) / 3);
    return bestDistance <= limit ? best : QString();
}

} // namespace ds::predicate::detail

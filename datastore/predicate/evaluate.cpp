// The in-memory face. Every leaf follows docs/predicates.md ("Null
// semantics"), the same table the SQL face compiles; tst_sql_vs_memory holds
// the two together.
#include "predicate/evaluate.h"

#include "predicate/predicate_p.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace ds::predicate {

using namespace detail;
using Op = Predicate::Op;

namespace {

QVariantList listValue(const QVariant &v)
{
    if (v.typeId() == QMetaType::QVariantList || v.typeId() == QMetaType::QStringList)
        return v.toList();
    if (v.typeId() == QMetaType::QString || v.typeId() == QMetaType::QByteArray) {
        // A list kept as JSON text (as the storage layer keeps it).
        const QJsonDocument doc = QJsonDocument::fromJson(v.toString().toUtf8());
        if (doc.isArray())
            return doc.array().toVariantList();
    }
    return {};
}

bool listContains(const QVariant &list, const QVariant &operand, ValueKind kind)
{
    const QVariantList items = listValue(list);
    for (const QVariant &item : items) {
        if (elementEquals(item, operand, kind))
            return true;
    }
    return false;
}

bool equals(const QVariant &value, const QVariant &operand, ValueKind kind)
{
    const auto c = compareValues(value, operand, kind);
    return c && *c == 0;
}

// A leaf whose operand is null (only the C++ builder can make one): no value
// equals, orders or contains null, so the positive operators are false and
// ne / notContains / notIn are true, in both faces.
bool evaluateLeaf(const Predicate &p, const QVariantMap &record, const FieldSchema &field)
{
    const FieldKind fk = fieldKind(field);
    const QVariant value = record.value(p.field());
    const bool null = isNullValue(value);
    const QVariant &operand = p.value();

    switch (p.op()) {
    case Op::AttributeExists:
        return !null == operand.toBool();
    case Op::Eq:
        return !null && equals(value, operand, fk.kind);
    case Op::Ne:
        return null || !equals(value, operand, fk.kind);
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge: {
        if (null || isNullValue(operand))
            return false;
        const auto c = compareValues(value, operand, fk.kind);
        if (!c)
            return false;
        switch (p.op()) {
        case Op::Lt: return *c < 0;
        case Op::Le: return *c <= 0;
        case Op::Gt: return *c > 0;
        default: return *c >= 0;
        }
    }
    case Op::Between: {
        const QVariantList range = operand.toList();
        if (null || range.size() != 2)
            return false;
        const auto lo = compareValues(value, range.at(0), fk.kind);
        const auto hi = compareValues(value, range.at(1), fk.kind);
        return lo && hi && *lo >= 0 && *hi <= 0;
    }
    case Op::BeginsWith:
        return !null && !isNullValue(operand) && value.typeId() == QMetaType::QString
               && operand.typeId() == QMetaType::QString
               && value.toString().startsWith(operand.toString());
    case Op::Contains:
    case Op::NotContains: {
        bool found = false;
        if (!null && !isNullValue(operand)) {
            if (fk.isList)
                found = listContains(value, operand, fk.kind);
            else
                found = value.typeId() == QMetaType::QString && operand.typeId() == QMetaType::QString
                        && value.toString().contains(operand.toString());
        }
        return p.op() == Op::Contains ? found : !found;
    }
    case Op::In:
    case Op::NotIn: {
        bool found = false;
        if (!null) {
            const QVariantList candidates = operand.toList();
            for (const QVariant &c : candidates) {
                if (!isNullValue(c) && equals(value, c, fk.kind)) {
                    found = true;
                    break;
                }
            }
        }
        return p.op() == Op::In ? found : !found;
    }
    }
    return false;
}

} // namespace

bool evaluate(const Predicate &predicate, const QVariantMap &record, const ModelSchema &model)
{
    switch (predicate.kind()) {
    case Predicate::Kind::All:
        return true;
    case Predicate::Kind::And:
        for (const Predicate &c : predicate.children()) {
            if (!evaluate(c, record, model))
                return false;
        }
        return true;
    case Predicate::Kind::Or:
        for (const Predicate &c : predicate.children()) {
            if (evaluate(c, record, model))
                return true;
        }
        return false;
    case Predicate::Kind::Not:
        return !evaluate(predicate.children().front(), record, model);
    case Predicate::Kind::Comparison:
        break;
    }
    const FieldSchema *field = model.field(predicate.field());
    if (!field)
        return false;   // parse() and fromJson() never produce this; the SQL face gives 0 too
    return evaluateLeaf(predicate, record, *field);
}

} // namespace ds::predicate

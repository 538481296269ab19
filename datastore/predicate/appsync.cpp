// The AppSync face: filter / condition / subscription-filter JSON in both
// directions (PROTOCOL.md section 10; docs/predicates.md, "AppSync JSON").
#include "predicate/appsync.h"

#include "predicate/predicate_p.h"

#include <QJsonArray>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace ds::predicate {

using namespace detail;
using Op = Predicate::Op;
using Kind = Predicate::Kind;

namespace {

const QString kSyntax = u"PredicateSyntax"_s;
const QString kType = u"PredicateType"_s;

// ---- rewrites before printing -----------------------------------------------------

// `in` / `notIn` exist only in the subscription inputs: elsewhere `in` becomes
// an `or` of `eq` and `notIn` an `and` of `ne` (the same records, nulls included).
Predicate expandIn(const Predicate &p)
{
    switch (p.kind()) {
    case Kind::All:
        return p;
    case Kind::Comparison: {
        if (p.op() != Op::In && p.op() != Op::NotIn)
            return p;
        QList<Predicate> leaves;
        const QVariantList values = p.value().toList();
        const bool in = p.op() == Op::In;
        for (const QVariant &v : values)
            leaves.append(Predicate::compare(p.field(), in ? Op::Eq : Op::Ne, v));
        return in ? Predicate::orOf(leaves) : Predicate::andOf(leaves);
    }
    case Kind::Not:
        return Predicate::notOf(expandIn(p.children().front()));
    case Kind::And:
    case Kind::Or: {
        QList<Predicate> children;
        for (const Predicate &c : p.children())
            children.append(expandIn(c));
        return p.kind() == Kind::And ? Predicate::andOf(children) : Predicate::orOf(children);
    }
    }
    return p;
}

// Conditions leave out the primary-key fields (ModelXConditionInput has none):
// their leaves vanish from their groups, as in the JS client. nullopt: nothing left.
std::optional<Predicate> dropFields(const Predicate &p, const QStringList &fields)
{
    switch (p.kind()) {
    case Kind::All:
        return std::nullopt;
    case Kind::Comparison:
        if (fields.contains(p.field()))
            return std::nullopt;
        return p;
    case Kind::Not: {
        auto c = dropFields(p.children().front(), fields);
        if (!c)
            return std::nullopt;
        return Predicate::notOf(*c);
    }
    case Kind::And:
    case Kind::Or: {
        if (p.isNone())
            return p;
        QList<Predicate> children;
        for (const Predicate &c : p.children()) {
            if (auto d = dropFields(c, fields))
                children.append(*d);
        }
        if (children.isEmpty())
            return std::nullopt;
        return p.kind() == Kind::And ? Predicate::andOf(children) : Predicate::orOf(children);
    }
    }
    return std::nullopt;
}

// Subscription filters have no `not` and no attributeExists. Negation is
// pushed down where that is exact (eq/ne, contains/notContains, in/notIn, and
// orderings on required fields); what cannot be said is widened away
// (nullopt = no constraint). The filter may so match more than the predicate;
// the client re-checks every event with evaluate(), as the JS client does.
std::optional<Predicate> forSubscription(const Predicate &p, bool negated, const ModelSchema &model)
{
    switch (p.kind()) {
    case Kind::All:
        return negated ? Predicate::none() : Predicate::all();
    case Kind::Not:
        return forSubscription(p.children().front(), !negated, model);
    case Kind::And:
    case Kind::Or: {
        if (p.isNone())
            return negated ? Predicate::all() : Predicate::none();
        // Under negation an And becomes an Or and vice versa (De Morgan).
        const bool conjunction = (p.kind() == Kind::And) != negated;
        QList<Predicate> children;
        for (const Predicate &c : p.children()) {
            auto s = forSubscription(c, negated, model);
            if (!s) {
                if (!conjunction)
                    return std::nullopt;   // one unconstrained disjunct: all
                continue;                  // a dropped conjunct only widens
            }
            children.append(*s);
        }
        if (children.isEmpty())
            return std::nullopt;
        return conjunction ? Predicate::andOf(children) : Predicate::orOf(children);
    }
    case Kind::Comparison:
        break;
    }
    const FieldSchema *field = model.field(p.field());
    if (!field)
        return std::nullopt;
    const FieldKind fk = fieldKind(*field);
    if (p.op() == Op::AttributeExists)
        return std::nullopt;
    if ((p.op() == Op::Contains || p.op() == Op::NotContains) && fk.isList && fk.kind != ValueKind::String
        && fk.kind != ValueKind::Enum)
        return std::nullopt;   // ModelSubscriptionIntInput & co. have no contains
    if (!negated)
        return p;
    // Required fields the server fills (createdAt, updatedAt) may be null locally.
    const bool neverNull = field->type.isRequired && !field->type.isList && !field->isImplicit
                           && !field->isReadOnly;
    auto flip = [&](Op op) { return Predicate::compare(p.field(), op, p.value()); };
    switch (p.op()) {
    case Op::Eq: return flip(Op::Ne);
    case Op::Ne: return flip(Op::Eq);
    case Op::Contains: return flip(Op::NotContains);
    case Op::NotContains: return flip(Op::Contains);
    case Op::In: return flip(Op::NotIn);
    case Op::NotIn: return flip(Op::In);
    case Op::Lt: if (neverNull) return flip(Op::Ge); break;
    case Op::Le: if (neverNull) return flip(Op::Gt); break;
    case Op::Gt: if (neverNull) return flip(Op::Le); break;
    case Op::Ge: if (neverNull) return flip(Op::Lt); break;
    case Op::Between:
        if (neverNull) {
            const QVariantList range = p.value().toList();
            return Predicate::orOf({Predicate::compare(p.field(), Op::Lt, range.value(0)),
                                    Predicate::compare(p.field(), Op::Gt, range.value(1))});
        }
        break;
    case Op::BeginsWith:
    case Op::AttributeExists:
        break;
    }
    return std::nullopt;
}

// ---- printing JSON -----------------------------------------------------------------

QJsonValue jsonValue(const QVariant &v)
{
    if (isNullValue(v))
        return QJsonValue::Null;
    if (v.typeId() == QMetaType::QVariantList || v.typeId() == QMetaType::QStringList) {
        QJsonArray array;
        const QVariantList list = v.toList();
        for (const QVariant &item : list)
            array.append(jsonValue(item));
        return array;
    }
    if (isIntegral(v))
        return QJsonValue(v.toLongLong());
    return QJsonValue::fromVariant(v);
}

QJsonObject leafJson(const Predicate &p, const ModelSchema &model)
{
    // The input of an enum (ModelPostStatusInput, ...) has no attributeExists:
    // a missing value is {"eq": null}, a present one {"ne": null}.
    if (p.op() == Op::AttributeExists) {
        const FieldSchema *field = model.field(p.field());
        if (field && fieldKind(*field).kind == ValueKind::Enum)
            return QJsonObject{{p.field(), QJsonObject{{p.value().toBool() ? u"ne"_s : u"eq"_s, QJsonValue::Null}}}};
    }
    return QJsonObject{{p.field(), QJsonObject{{Predicate::opName(p.op()), jsonValue(p.value())}}}};
}

QJsonObject nodeJson(const Predicate &p, const ModelSchema &model, bool root);

QJsonObject childJson(const Predicate &c, const ModelSchema &model)
{
    return c.kind() == Kind::Comparison ? leafJson(c, model) : nodeJson(c, model, false);
}

// JS predicateToGraphQLFilter: groups become {"and":[..]} / {"or":[..]} /
// {"not":{..}}; a single-child list group is replaced by its child, except at
// the root where that happens only when the child is itself an and/or.
QJsonObject nodeJson(const Predicate &p, const ModelSchema &model, bool root)
{
    switch (p.kind()) {
    case Kind::All:
        return {};
    case Kind::Comparison:
        return QJsonObject{{u"and"_s, QJsonArray{leafJson(p, model)}}};
    case Kind::Not:
        return QJsonObject{{u"not"_s, childJson(p.children().front(), model)}};
    case Kind::And:
    case Kind::Or:
        break;
    }
    const QString type = p.kind() == Kind::And ? u"and"_s : u"or"_s;
    QJsonArray children;
    for (const Predicate &c : p.children()) {
        const QJsonObject j = childJson(c, model);
        if (!j.isEmpty())
            children.append(j);
    }
    if (children.size() == 1) {
        const QJsonObject only = children.at(0).toObject();
        if (!root || only.contains(u"and"_s) || only.contains(u"or"_s))
            return only;
    }
    return QJsonObject{{type, children}};
}

// ---- reading JSON ------------------------------------------------------------------

class JsonReader
{
public:
    JsonReader(const ModelSchema &model, const Schema &schema) : m_model(model), m_schema(schema) { }

    std::optional<Predicate> object(const QJsonObject &json, const QString &path)
    {
        QList<Predicate> parts;
        for (auto it = json.begin(); it != json.end(); ++it) {
            const QString key = it.key();
            const QString here = path + u'.' + key;
            if (key == u"and" || key == u"or") {
                if (!it.value().isArray())
                    return fail(kSyntax, here + u": expected an array of filters"_s);
                const QJsonArray array = it.value().toArray();
                QList<Predicate> children;
                for (qsizetype i = 0; i < array.size(); ++i) {
                    const QString at = here + u'[' + QString::number(i) + u']';
                    if (!array.at(i).isObject())
                        return fail(kSyntax, at + u": expected a filter object"_s);
                    auto c = object(array.at(i).toObject(), at);
                    if (!c)
                        return std::nullopt;
                    children.append(*c);
                }
                if (key == u"and")
                    parts.append(Predicate::andOf(children));
                else
                    parts.append(children.isEmpty() ? Predicate::none() : Predicate::orOf(children));
                continue;
            }
            if (key == u"not") {
                if (!it.value().isObject())
                    return fail(kSyntax, here + u": expected a filter object"_s);
                auto c = object(it.value().toObject(), here);
                if (!c)
                    return std::nullopt;
                parts.append(Predicate::notOf(*c));
                continue;
            }
            auto leaves = field(key, it.value(), path);
            if (!leaves)
                return std::nullopt;
            parts.append(*leaves);
        }
        return Predicate::andOf(parts);
    }

    Error error;

private:
    std::nullopt_t fail(const QString &code, const QString &message)
    {
        error = Error::validation(code, message);
        return std::nullopt;
    }

    std::optional<Predicate> field(const QString &name, const QJsonValue &value, const QString &path)
    {
        const QString here = path + u'.' + name;
        const FieldSchema *f = m_model.field(name);
        if (!f) {
            QStringList names;
            for (const FieldSchema &fs : m_model.fields)
                names.append(fs.name);
            QString message = here + u": "_s + m_model.name + u" has no field '"_s + name + u"'"_s;
            const QString hint = closest(name, names);
            if (!hint.isEmpty())
                message += u"; did you mean '"_s + hint + u"'?"_s;
            return fail(kType, message);
        }
        const FieldKind fk = fieldKind(*f);
        if (fk.kind == ValueKind::Unfilterable)
            return fail(kType, here + u": "_s + m_model.name + u"."_s + name + u" cannot be used in a filter"_s);
        if (!value.isObject())
            return fail(kSyntax, here + u": expected an object of operators such as {\"eq\": ...}"_s);
        const QJsonObject ops = value.toObject();
        QList<Predicate> leaves;
        for (auto it = ops.begin(); it != ops.end(); ++it) {
            const QString opPath = here + u'.' + it.key();
            const std::optional<Op> op = Predicate::opFromName(it.key());
            if (!op) {
                QString message = opPath + u": unknown operator '"_s + it.key() + u"'"_s;
                if (it.key() == u"attributeType" || it.key() == u"size")
                    message = opPath + u": '"_s + it.key() + u"' is not supported"_s;
                else {
                    QStringList names;
                    for (int i = 0; i <= int(Op::AttributeExists); ++i)
                        names.append(Predicate::opName(Op(i)));
                    const QString hint = closest(it.key(), names);
                    if (!hint.isEmpty())
                        message += u"; did you mean '"_s + hint + u"'?"_s;
                }
                return fail(kType, message);
            }
            // eq/ne null: the attribute is missing / present (null and missing are one).
            if (it.value().isNull() && (*op == Op::Eq || *op == Op::Ne)) {
                leaves.append(Predicate::compare(name, Op::AttributeExists, *op == Op::Ne));
                continue;
            }
            if (!isAllowed(fk, *op)) {
                QStringList allowed;
                const QList<Op> list = allowedOps(fk);
                for (Op o : list)
                    allowed.append(Predicate::opName(o));
                return fail(kType, opPath + u": '"_s + it.key() + u"' cannot be used on "_s + describeType(*f)
                                       + u" field '"_s + name + u"'; it allows "_s + allowed.join(u", "_s));
            }
            std::optional<QVariant> operand;
            switch (*op) {
            case Op::AttributeExists:
                if (!it.value().isBool())
                    return fail(kType, opPath + u": expected true or false"_s);
                operand = it.value().toBool();
                break;
            case Op::Between:
            case Op::In:
            case Op::NotIn: {
                if (!it.value().isArray())
                    return fail(kType, opPath + u": expected an array"_s);
                const QJsonArray array = it.value().toArray();
                if (*op == Op::Between && array.size() != 2)
                    return fail(kType, opPath + u": expected [low, high]"_s);
                QVariantList list;
                for (qsizetype i = 0; i < array.size(); ++i) {
                    auto v = scalar(array.at(i), *f, fk, opPath + u'[' + QString::number(i) + u']');
                    if (!v)
                        return std::nullopt;
                    list.append(*v);
                }
                operand = list;
                break;
            }
            default:
                operand = scalar(it.value(), *f, fk, opPath);
                if (!operand)
                    return std::nullopt;
                break;
            }
            leaves.append(Predicate::compare(name, *op, *operand));
        }
        return Predicate::andOf(leaves);
    }

    std::optional<QVariant> scalar(const QJsonValue &v, const FieldSchema &f, const FieldKind &fk,
                                   const QString &path)
    {
        const QString noun = describeType(f) + u" field '"_s + f.name + u"'"_s;
        switch (fk.kind) {
        case ValueKind::String:
            if (v.isString())
                return QVariant(v.toString());
            return fail(kType, path + u": "_s + noun + u" takes a string"_s);
        case ValueKind::Enum: {
            const EnumSchema *e = m_schema.enumType(f.type.typeName);
            if (v.isString() && e && e->values.contains(v.toString()))
                return QVariant(v.toString());
            return fail(kType, path + u": "_s + noun + u" takes one of "_s
                                   + (e ? e->values.join(u", "_s) : QString()));
        }
        case ValueKind::Boolean:
            if (v.isBool())
                return QVariant(v.toBool());
            return fail(kType, path + u": "_s + noun + u" takes true or false"_s);
        case ValueKind::Float:
            if (v.isDouble())
                return QVariant(v.toDouble());
            return fail(kType, path + u": "_s + noun + u" takes a number"_s);
        case ValueKind::Int:
        case ValueKind::Timestamp: {
            if (!v.isDouble())
                return fail(kType, path + u": "_s + noun + u" takes a whole number"_s);
            const QVariant raw = v.toVariant();
            qint64 n = 0;
            if (isIntegral(raw)) {
                n = raw.toLongLong();
            } else {
                const double d = v.toDouble();
                if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) > 9.2e18)
                    return fail(kType, path + u": "_s + noun + u" takes a whole number"_s);
                n = qint64(d);
            }
            if (fk.kind == ValueKind::Timestamp)
                return QVariant(n);
            if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max())
                return fail(kType, path + u": out of range for "_s + noun + u" (a 32-bit Int)"_s);
            return QVariant(int(n));
        }
        case ValueKind::Unfilterable:
            break;
        }
        return fail(kType, path + u": "_s + noun + u" cannot be used in a filter"_s);
    }

    const ModelSchema &m_model;
    const Schema &m_schema;
};

} // namespace

QJsonObject toJson(const Predicate &predicate, const ModelSchema &model, JsonKind kind)
{
    Predicate p = predicate;
    if (kind != JsonKind::Subscription)
        p = expandIn(p);
    if (kind == JsonKind::Condition) {
        QStringList keys = model.primaryKey;
        for (const FieldSchema &f : model.fields) {
            if (f.isPrimaryKey && !keys.contains(f.name))
                keys.append(f.name);
        }
        auto kept = dropFields(p, keys);
        if (!kept)
            return {};
        p = *kept;
    }
    if (kind == JsonKind::Subscription) {
        auto s = forSubscription(p, false, model);
        if (!s)
            return {};
        p = *s;
    }
    return nodeJson(p, model, true);
}

Result<Predicate> fromJson(const QJsonObject &json, const ModelSchema &model, const Schema &schema)
{
    return fromJson(json, model, schema, u"filter"_s);
}

Result<Predicate> fromJson(const QJsonObject &json, const ModelSchema &model, const Schema &schema,
                           const QString &path)
{
    JsonReader reader(model, schema);
    auto p = reader.object(json, path);
    if (!p)
        return reader.error;
    return *p;
}

} // namespace ds::predicate

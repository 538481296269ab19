#include "graphql/executor_p.h"

#include "graphql/printer.h"
#include "graphql/values_p.h"

#include <QJsonDocument>
#include <QSet>

#include <cmath>
#include <optional>

using namespace Qt::StringLiterals;

namespace ds::server::graphql {

// ---- Planner ---------------------------------------------------------------

Planner::Planner(const ExecutableSchema &schema, const gql::Document &document, const QJsonObject &variables)
    : m_schema(schema), m_document(document), m_variables(variables)
{
}

bool Planner::include(const gql::List<gql::Directive> &directives) const
{
    for (const gql::Directive &d : directives) {
        const bool skip = d.name == u"skip";
        if (!skip && d.name != u"include")
            continue;
        const gql::Argument *arg = d.argument(u"if");
        if (!arg)
            continue;
        const QJsonValue v = literalValue(m_schema, arg->value, gql::TypeRef::named(u"Boolean"_s), m_variables);
        const bool flag = v.toBool(false);
        if (skip ? flag : !flag)
            return false;
    }
    return true;
}

static bool fragmentApplies(const TypeInfo *objectType, const TypeInfo *condition)
{
    return condition && condition->isPossibleType(objectType);
}

void Planner::collect(const gql::List<gql::Selection> &set, const TypeInfo *type, Plan &plan,
                      QHash<QString, size_t> &index, QSet<QString> &visited)
{
    for (const gql::Selection &sel : set) {
        if (!sel.directives.empty() && !include(sel.directives))
            continue;
        switch (sel.kind) {
        case gql::Selection::Kind::Field: {
            const QString &key = sel.responseKey();
            const auto it = index.constFind(key);
            if (it != index.constEnd()) {
                plan[*it].nodes.push_back(&sel);
                break;
            }
            const FieldInfo *def = m_schema.lookupField(type, sel.name);
            if (!def)
                break;   // validation reports it; cannot happen for validated documents
            index.insert(key, plan.size());
            PlanField f;
            f.responseKey = key;
            f.encodedKey = JsonWriter::encodedKey(key);
            f.def = def;
            f.isTypename = def == m_schema.typenameField();
            f.isNonNull = def->type.isNonNull();
            const gql::TypeRef &bare = f.isNonNull ? def->type.inner() : def->type;
            f.isPlainLeaf = bare.kind == gql::TypeRef::Kind::Named && def->namedType->isLeaf();
            f.isEncodable = def->namedType->isLeaf()
                && (f.isPlainLeaf
                    || (bare.kind == gql::TypeRef::Kind::List
                        && (bare.inner().kind == gql::TypeRef::Kind::Named
                            || (bare.inner().isNonNull() && bare.inner().inner().kind == gql::TypeRef::Kind::Named))));
            f.nodes.push_back(&sel);
            plan.push_back(std::move(f));
            break;
        }
        case gql::Selection::Kind::InlineFragment:
            if (sel.typeCondition.isEmpty() || fragmentApplies(type, m_schema.type(sel.typeCondition)))
                collect(sel.selectionSet, type, plan, index, visited);
            break;
        case gql::Selection::Kind::FragmentSpread: {
            if (visited.contains(sel.name))
                break;
            visited.insert(sel.name);
            const gql::FragmentDefinition *f = m_document.fragment(sel.name);
            if (f && fragmentApplies(type, m_schema.type(f->typeCondition)))
                collect(f->selectionSet, type, plan, index, visited);
            break;
        }
        }
    }
}

Plan &Planner::rootPlan(const gql::OperationDefinition &operation, const TypeInfo *root)
{
    if (!m_root) {
        m_root = std::make_unique<Plan>();
        QHash<QString, size_t> index;
        QSet<QString> visited;
        collect(operation.selectionSet, root, *m_root, index, visited);
    }
    return *m_root;
}

Plan &Planner::subPlan(PlanField &field, const TypeInfo *objectType)
{
    for (auto &[type, plan] : field.subPlans)
        if (type == objectType)
            return *plan;
    auto plan = std::make_unique<Plan>();
    QHash<QString, size_t> index;
    QSet<QString> visited;
    for (const gql::Selection *node : field.nodes)
        collect(node->selectionSet, objectType, *plan, index, visited);
    field.subPlans.emplace_back(objectType, std::move(plan));
    return *field.subPlans.back().second;
}

const QJsonObject &Planner::arguments(PlanField &field, QString *error)
{
    if (!field.argumentsDone) {
        field.argumentsDone = true;
        if (!coerceArguments(m_schema, field.def->arguments, field.nodes.front()->arguments, m_variables,
                             &field.arguments, &field.argumentError))
            field.arguments = {};
    }
    if (error)
        *error = field.argumentError;
    return field.arguments;
}

// ---- Executor --------------------------------------------------------------

QJsonArray Executor::path() const
{
    QJsonArray out;
    for (const PathElement &e : m_path) {
        if (e.key)
            out.append(*e.key);
        else
            out.append(qint64(e.index));
    }
    return out;
}

void Executor::fieldError(const QString &message, const PlanField &field)
{
    GraphQLError e;
    e.message = message;
    for (const gql::Selection *node : field.nodes) {
        e.locations.append(node->loc.at);
        break;
    }
    e.path = path();
    m_errors.append(e);
}

QJsonValue Executor::shapeErrorData(PlanField &field, const TypeInfo *parent, const QJsonValue &data)
{
    if ((!data.isObject() && !data.isArray()) || field.def->namedType->isLeaf())
        return data;
    // Complete the value into a scratch writer; whatever errors that raises
    // belong to no response.
    JsonWriter scratch;
    std::swap(m_w, scratch);
    const qsizetype errorCount = m_errors.size();
    const gql::TypeRef &type = field.def->type.isNonNull() ? field.def->type.inner() : field.def->type;
    const bool ok = completeNullable(type, field, parent, Src::fromJson(data));
    std::swap(m_w, scratch);
    const bool clean = ok && m_errors.size() == errorCount;
    m_errors.resize(errorCount);
    if (!clean)
        return data;
    const QJsonDocument shaped = QJsonDocument::fromJson(scratch.buffer());
    if (shaped.isObject())
        return shaped.object();
    if (shaped.isArray())
        return shaped.array();
    return data;
}

void Executor::run(const TypeInfo *root, const std::function<Src(PlanField &)> &resolve)
{
    Plan &plan = m_planner.rootPlan(m_operation.definition(), root);
    m_w.raw("{\"data\":");
    const qsizetype dataStart = m_w.size();
    m_w.raw('{');
    bool ok = true;
    bool first = true;
    for (PlanField &f : plan) {
        if (!first)
            m_w.raw(',');
        first = false;
        m_w.raw(f.encodedKey);
        pushKey(&f.responseKey);
        if (f.isTypename) {
            m_w.string(root->name);
        } else {
            const Src value = resolve(f);
            if (!complete(f.def->type, f, root, value))
                ok = false;
        }
        popPath();
        if (!ok)
            break;
    }
    if (ok) {
        m_w.raw('}');
    } else {
        m_w.truncate(dataStart);
        m_w.null();
    }
    if (!m_errors.isEmpty()) {
        m_w.raw(",\"errors\":");
        writeErrors(m_w, m_errors);
    }
    if (!m_extensions.isEmpty()) {
        m_w.raw(",\"extensions\":");
        m_w.raw(QJsonDocument(m_extensions).toJson(QJsonDocument::Compact));
    }
    m_w.raw('}');
}

bool Executor::complete(const gql::TypeRef &type, PlanField &field, const TypeInfo *parent, const Src &value)
{
    if (type.isNonNull()) {
        if (value.isNull()) {
            fieldError(u"Cannot return null for non-nullable field "_s + parent->name + u'.' + field.def->name + u'.',
                       field);
            return false;
        }
        return completeNullable(type.inner(), field, parent, value);
    }
    const qsizetype start = m_w.size();
    if (value.isNull()) {
        m_w.null();
        return true;
    }
    if (!completeNullable(type, field, parent, value)) {
        m_w.truncate(start);
        m_w.null();
    }
    return true;
}

bool Executor::writeLeaf(const TypeInfo *type, PlanField &field, const QJsonValue &v)
{
    auto fail = [&](const QString &what) {
        fieldError(what + jsonText(v), field);
        return false;
    };
    if (type->kind == TypeInfo::Kind::Enum) {
        if (v.isString() && type->enumValue(v.toString())) {
            m_w.string(v.toString());
            return true;
        }
        return fail(u"Enum '"_s + type->name + u"' cannot represent value: "_s);
    }
    switch (type->scalar) {
    case ScalarKind::Int: {
        const double d = v.isBool() ? double(v.toBool()) : v.toDouble(std::nan(""));
        if (d == std::floor(d) && d >= -2147483648.0 && d <= 2147483647.0) {
            m_w.integer(qint64(d));
            return true;
        }
        return fail(v.isDouble() && d == std::floor(d) ? u"Int cannot represent non 32-bit signed integer value: "_s
                                                        : u"Int cannot represent non-integer value: "_s);
    }
    case ScalarKind::Float:
        if (v.isDouble() && std::isfinite(v.toDouble())) {
            m_w.number(v.toDouble());
            return true;
        }
        return fail(u"Float cannot represent non numeric value: "_s);
    case ScalarKind::Boolean:
        if (v.isBool()) {
            m_w.boolean(v.toBool());
            return true;
        }
        return fail(u"Boolean cannot represent a non boolean value: "_s);
    case ScalarKind::AWSTimestamp:
        if (v.isDouble() && std::isfinite(v.toDouble())) {
            m_w.integer(qint64(v.toDouble()));
            return true;
        }
        return fail(u"AWSTimestamp cannot represent non-integer value: "_s);
    case ScalarKind::String:
    case ScalarKind::ID:
        if (v.isString()) {
            m_w.string(v.toString());
            return true;
        }
        if (v.isDouble() && (type->scalar == ScalarKind::String || v.toDouble() == std::floor(v.toDouble()))) {
            m_w.string(jsonText(v));
            return true;
        }
        if (v.isBool() && type->scalar == ScalarKind::String) {
            m_w.string(v.toBool() ? u"true" : u"false");
            return true;
        }
        return fail(type->name + u" cannot represent value: "_s);
    case ScalarKind::AWSJSON:
        // AppSync returns AWSJSON as JSON text in a string.
        m_w.string(v.isString() ? v.toString() : jsonText(v));
        return true;
    case ScalarKind::Custom:
        m_w.value(v);
        return true;
    default:   // AWSDate, AWSTime, AWSDateTime, AWSEmail, AWSURL, AWSPhone, AWSIPAddress
        if (v.isString()) {
            m_w.string(v.toString());
            return true;
        }
        return fail(type->name + u" cannot represent a non string value: "_s);
    }
}

bool Executor::completeNullable(const gql::TypeRef &type, PlanField &field, const TypeInfo *parent,
                                const Src &value)
{
    if (type.kind == gql::TypeRef::Kind::List) {
        const gql::TypeRef &inner = type.inner();
        m_w.raw('[');
        if (value.kind == Src::Records) {
            const qsizetype n = value.records->size();
            Src item;
            item.kind = Src::Record;
            item.records = value.records;
            for (qsizetype i = 0; i < n; ++i) {
                if (i)
                    m_w.raw(',');
                m_path.push_back({nullptr, i});
                item.row = i;
                const bool ok = complete(inner, field, parent, item);
                m_path.pop_back();
                if (!ok)
                    return false;
            }
        } else if (value.kind == Src::List) {
            for (size_t i = 0; i < value.items.size(); ++i) {
                if (i)
                    m_w.raw(',');
                m_path.push_back({nullptr, qsizetype(i)});
                const bool ok = complete(inner, field, parent, value.items[i]);
                m_path.pop_back();
                if (!ok)
                    return false;
            }
        } else if (value.json.isArray()) {
            const QJsonArray items = value.json.toArray();
            const qsizetype n = items.size();
            Src item;
            for (qsizetype i = 0; i < n; ++i) {
                if (i)
                    m_w.raw(',');
                m_path.push_back({nullptr, i});
                item.json = items.at(i);
                const bool ok = complete(inner, field, parent, item);
                m_path.pop_back();
                if (!ok)
                    return false;
            }
        } else {
            fieldError(u"Expected a list for field '"_s + field.def->name + u"', got "_s + jsonText(value.json) + u'.',
                       field);
            return false;
        }
        m_w.raw(']');
        return true;
    }
    const TypeInfo *named = field.def->namedType;
    if (named->isLeaf()) {
        if (value.kind != Src::Json) {
            fieldError(u"Internal error: no leaf value for field '"_s + field.def->name + u"'."_s, field);
            return false;
        }
        return writeLeaf(named, field, value.json);
    }
    // Composite: find the object type.
    const TypeInfo *object = named;
    if (named->isAbstract()) {
        object = nullptr;
        if (value.kind == Src::Json) {
            const QString typeName = value.json.toObject().value(u"__typename"_s).toString();
            const TypeInfo *t = m_planner.schema().type(typeName);
            if (t && t->kind == TypeInfo::Kind::Object && named->isPossibleType(t))
                object = t;
            else if (typeName.isEmpty() && named->possibleTypes.size() == 1)
                object = named->possibleTypes.front();
        }
        if (!object) {
            fieldError(u"Abstract type '"_s + named->name + u"' must resolve to an Object type at runtime for field '"_s
                           + field.def->name + u"': the value has no valid '__typename'."_s,
                       field);
            return false;
        }
    }
    if (value.kind == Src::Json && !value.json.isObject()) {
        fieldError(u"Expected an object for field '"_s + field.def->name + u"' of type '"_s + named->name
                       + u"', got "_s + jsonText(value.json) + u'.',
                   field);
        return false;
    }
    return writeObject(m_planner.subPlan(field, object), object, value);
}

// The separator and the key of a field of an object; writes __typename
// whole (true: nothing more to write).
bool Executor::writeKey(const PlanField &f, const TypeInfo *type, bool *first)
{
    if (!*first)
        m_w.raw(',');
    *first = false;
    m_w.raw(f.encodedKey);
    if (f.isTypename)
        m_w.string(type->name);
    return f.isTypename;
}

bool Executor::writeObject(Plan &plan, const TypeInfo *type, const Src &value)
{
    if (value.kind == Src::Record)
        return writeRecord(plan, type, value);
    m_w.raw('{');
    bool first = true;
    if (value.kind == Src::Json) {
        const QJsonObject object = value.json.toObject();
        Src child;
        for (PlanField &f : plan) {
            if (writeKey(f, type, &first))
                continue;
            m_path.push_back({&f.responseKey, -1});
            bool ok;
            if (f.isPlainLeaf) {
                const QJsonValue v = object.value(f.def->name);
                if (v.isNull() || v.isUndefined()) {
                    if (f.isNonNull) {
                        fieldError(u"Cannot return null for non-nullable field "_s + type->name + u'.' + f.def->name
                                       + u'.',
                                   f);
                        ok = false;
                    } else {
                        m_w.null();
                        ok = true;
                    }
                } else {
                    const qsizetype start = m_w.size();
                    ok = writeLeaf(f.def->namedType, f, v);
                    if (!ok && !f.isNonNull) {
                        m_w.truncate(start);
                        m_w.null();
                        ok = true;
                    }
                }
            } else if (value.records && f.def->name == u"items") {
                Src items;
                items.kind = Src::Records;
                items.records = value.records;
                ok = complete(f.def->type, f, type, items);
            } else {
                child.json = object.value(f.def->name);
                ok = complete(f.def->type, f, type, child);
            }
            m_path.pop_back();
            if (!ok)
                return false;
        }
    } else {
        for (PlanField &f : plan) {
            if (writeKey(f, type, &first))
                continue;
            m_path.push_back({&f.responseKey, -1});
            const bool ok = complete(f.def->type, f, type, introspect(value, type, f));
            m_path.pop_back();
            if (!ok)
                return false;
        }
    }
    m_w.raw('}');
    return true;
}

// One row of EncodedRecords: the columns of leaf fields are copied as they
// are; any other field (a relation, a nested object, a field without a
// column, a null for a non-null field) is completed from the row's record()
// as JSON.
bool Executor::writeRecord(Plan &plan, const TypeInfo *type, const Src &value)
{
    const EncodedRecords &records = *value.records;
    std::optional<QJsonObject> record;
    Src child;
    m_w.raw('{');
    bool first = true;
    for (PlanField &f : plan) {
        if (writeKey(f, type, &first))
            continue;
        if (f.encodedFor != &records) {
            f.encodedFor = &records;
            f.encodedColumn = f.isEncodable ? records.column(f.def->name) : -1;
        }
        if (f.encodedColumn >= 0) {
            const QByteArrayView text = records.value(value.row, f.encodedColumn);
            if (!f.isNonNull || text != "null") {
                m_w.raw(text);
                continue;
            }
        }
        if (!record)
            record = records.record(value.row);
        child.json = record->value(f.def->name);
        m_path.push_back({&f.responseKey, -1});
        const bool ok = complete(f.def->type, f, type, child);
        m_path.pop_back();
        if (!ok)
            return false;
    }
    m_w.raw('}');
    return true;
}

// ---- Introspection ---------------------------------------------------------

namespace {

QJsonValue text(const QString &s) { return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s); }

Src typeSrc(const ExecutableSchema &schema, const gql::TypeRef &ref)
{
    if (ref.kind == gql::TypeRef::Kind::Named)
        return Src::of(Src::Type, schema.type(ref.name));
    return Src::of(Src::Wrapped, &ref);
}

QString kindName(TypeInfo::Kind kind)
{
    switch (kind) {
    case TypeInfo::Kind::Scalar: return u"SCALAR"_s;
    case TypeInfo::Kind::Object: return u"OBJECT"_s;
    case TypeInfo::Kind::Interface: return u"INTERFACE"_s;
    case TypeInfo::Kind::Union: return u"UNION"_s;
    case TypeInfo::Kind::Enum: return u"ENUM"_s;
    case TypeInfo::Kind::InputObject: return u"INPUT_OBJECT"_s;
    }
    return {};
}

Src inputValues(const std::vector<InputValueInfo> &values, bool includeDeprecated)
{
    Src list;
    list.kind = Src::List;
    for (const InputValueInfo &v : values)
        if (includeDeprecated || !v.isDeprecated)
            list.items.push_back(Src::of(Src::InputValue, &v));
    return list;
}

} // namespace

Src Executor::introspect(const Src &parent, const TypeInfo *, PlanField &field)
{
    const ExecutableSchema &schema = m_planner.schema();
    const QString &name = field.def->name;
    auto includeDeprecated = [&]() { return m_planner.arguments(field, nullptr).value(u"includeDeprecated"_s).toBool(); };
    auto json = [](const QJsonValue &v) { return Src::fromJson(v); };

    switch (parent.kind) {
    case Src::Schema:
        if (name == u"description")
            return json(text(schema.description()));
        if (name == u"types") {
            Src list;
            list.kind = Src::List;
            for (const auto &t : schema.types())
                list.items.push_back(Src::of(Src::Type, t.get()));
            return list;
        }
        if (name == u"queryType")
            return Src::of(Src::Type, schema.queryType());
        if (name == u"mutationType")
            return Src::of(Src::Type, schema.mutationType());
        if (name == u"subscriptionType")
            return Src::of(Src::Type, schema.subscriptionType());
        if (name == u"directives") {
            Src list;
            list.kind = Src::List;
            for (const auto &d : schema.directives())
                list.items.push_back(Src::of(Src::Directive, d.get()));
            return list;
        }
        break;
    case Src::Type: {
        const auto *t = static_cast<const TypeInfo *>(parent.ptr);
        if (name == u"kind")
            return json(kindName(t->kind));
        if (name == u"name")
            return json(t->name);
        if (name == u"description")
            return json(text(t->description));
        if (name == u"specifiedByURL")
            return json(text(t->specifiedByURL));
        if (name == u"fields") {
            if (t->kind != TypeInfo::Kind::Object && t->kind != TypeInfo::Kind::Interface)
                return json(QJsonValue::Null);
            const bool all = includeDeprecated();
            Src list;
            list.kind = Src::List;
            for (const FieldInfo &f : t->fields)
                if (all || !f.isDeprecated)
                    list.items.push_back(Src::of(Src::Field, &f));
            return list;
        }
        if (name == u"interfaces" || name == u"possibleTypes") {
            const bool interfaces = name == u"interfaces";
            if (interfaces ? (t->kind != TypeInfo::Kind::Object && t->kind != TypeInfo::Kind::Interface)
                           : !t->isAbstract())
                return json(QJsonValue::Null);
            Src list;
            list.kind = Src::List;
            for (const TypeInfo *i : interfaces ? t->interfaces : t->possibleTypes)
                list.items.push_back(Src::of(Src::Type, i));
            return list;
        }
        if (name == u"enumValues") {
            if (t->kind != TypeInfo::Kind::Enum)
                return json(QJsonValue::Null);
            const bool all = includeDeprecated();
            Src list;
            list.kind = Src::List;
            for (const EnumValueInfo &v : t->enumValues)
                if (all || !v.isDeprecated)
                    list.items.push_back(Src::of(Src::EnumValue, &v));
            return list;
        }
        if (name == u"inputFields") {
            if (t->kind != TypeInfo::Kind::InputObject)
                return json(QJsonValue::Null);
            return inputValues(t->inputFields, includeDeprecated());
        }
        if (name == u"ofType")
            return json(QJsonValue::Null);
        break;
    }
    case Src::Wrapped: {
        const auto *ref = static_cast<const gql::TypeRef *>(parent.ptr);
        if (name == u"kind")
            return json(ref->isNonNull() ? u"NON_NULL"_s : u"LIST"_s);
        if (name == u"ofType")
            return typeSrc(schema, ref->inner());
        return json(QJsonValue::Null);   // name, description, fields, ... are null on wrappers
    }
    case Src::Field: {
        const auto *f = static_cast<const FieldInfo *>(parent.ptr);
        if (name == u"name")
            return json(f->name);
        if (name == u"description")
            return json(text(f->description));
        if (name == u"args")
            return inputValues(f->arguments, includeDeprecated());
        if (name == u"type")
            return typeSrc(schema, f->type);
        if (name == u"isDeprecated")
            return json(f->isDeprecated);
        if (name == u"deprecationReason")
            return json(f->isDeprecated ? QJsonValue(f->deprecationReason) : QJsonValue());
        break;
    }
    case Src::InputValue: {
        const auto *v = static_cast<const InputValueInfo *>(parent.ptr);
        if (name == u"name")
            return json(v->name);
        if (name == u"description")
            return json(text(v->description));
        if (name == u"type")
            return typeSrc(schema, v->type);
        if (name == u"defaultValue")
            return json(v->defaultValue ? QJsonValue(gql::print(*v->defaultValue)) : QJsonValue());
        if (name == u"isDeprecated")
            return json(v->isDeprecated);
        if (name == u"deprecationReason")
            return json(v->isDeprecated ? QJsonValue(v->deprecationReason) : QJsonValue());
        break;
    }
    case Src::EnumValue: {
        const auto *v = static_cast<const EnumValueInfo *>(parent.ptr);
        if (name == u"name")
            return json(v->name);
        if (name == u"description")
            return json(text(v->description));
        if (name == u"isDeprecated")
            return json(v->isDeprecated);
        if (name == u"deprecationReason")
            return json(v->isDeprecated ? QJsonValue(v->deprecationReason) : QJsonValue());
        break;
    }
    case Src::Directive: {
        const auto *d = static_cast<const DirectiveInfo *>(parent.ptr);
        if (name == u"name")
            return json(d->name);
        if (name == u"description")
            return json(text(d->description));
        if (name == u"isRepeatable")
            return json(d->isRepeatable);
        if (name == u"locations")
            return json(QJsonArray::fromStringList(d->locations));
        if (name == u"args")
            return inputValues(d->arguments, includeDeprecated());
        break;
    }
    case Src::Json:
    case Src::List:
    case Src::Records:
    case Src::Record:
        break;
    }
    return json(QJsonValue::Null);
}

} // namespace ds::server::graphql

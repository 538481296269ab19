// buildApiSchema(): the AppSync schema the Amplify GraphQL transformer (v2,
// conflict detection enabled) generates for a model schema. Rules taken from
// amplify-graphql-model-transformer (graphql-types/common.ts, mutation.ts),
// amplify-graphql-index-transformer (schema.ts) and the reference output in
// shared/protocol/reference/appsync-schema.graphql.

#include "schema/apischema.h"
#include "schema/schemautil_p.h"

#include "graphql/printer.h"

#include <QHash>
#include <QSet>

using namespace Qt::StringLiterals;

namespace ds {

using namespace schema_detail;
namespace gql = graphql;

namespace {

gql::TypeRef named(const QString &name) { return gql::TypeRef::named(name); }
gql::TypeRef nonNull(gql::TypeRef t) { return gql::TypeRef::nonNull(std::move(t)); }
gql::TypeRef listOf(gql::TypeRef t) { return gql::TypeRef::listOf(std::move(t)); }

gql::InputValueDefinition arg(const QString &name, gql::TypeRef type)
{
    gql::InputValueDefinition v;
    v.name = name;
    v.type = std::move(type);
    return v;
}

gql::FieldDefinition field(const QString &name, gql::TypeRef type, gql::List<gql::InputValueDefinition> args = {})
{
    gql::FieldDefinition f;
    f.name = name;
    f.type = std::move(type);
    f.arguments = std::move(args);
    return f;
}

gql::TypeDefinition objectType(const QString &name)
{
    gql::TypeDefinition t;
    t.kind = gql::TypeDefinition::Kind::Object;
    t.name = name;
    return t;
}

gql::TypeDefinition inputType(const QString &name)
{
    gql::TypeDefinition t;
    t.kind = gql::TypeDefinition::Kind::InputObject;
    t.name = name;
    return t;
}

gql::TypeDefinition enumType(const QString &name, const QStringList &values)
{
    gql::TypeDefinition t;
    t.kind = gql::TypeDefinition::Kind::Enum;
    t.name = name;
    for (const QString &v : values) {
        gql::EnumValueDefinition e;
        e.name = v;
        t.enumValues.push_back(e);
    }
    return t;
}

gql::Value stringList(const QStringList &items)
{
    gql::Value v;
    v.kind = gql::Value::Kind::List;
    for (const QString &s : items) {
        gql::Value item;
        item.kind = gql::Value::Kind::String;
        item.text = s;
        v.list.push_back(item);
    }
    return v;
}

// The field's type, with non-model types renamed by `suffix` ("Input").
gql::TypeRef typeRef(const FieldType &t, bool required, const QString &nonModelSuffix = {})
{
    QString name = t.typeName;
    if (t.kind == FieldType::Kind::NonModel)
        name += nonModelSuffix;
    gql::TypeRef ref = named(name);
    if (t.isList) {
        if (t.isListElementRequired)
            ref = nonNull(ref);
        ref = listOf(ref);
    }
    if (required)
        ref = nonNull(ref);
    return ref;
}

QString baseFilterName(const FieldType &t)
{
    return t.kind == FieldType::Kind::Enum ? u"String"_s : filterScalarName(t.scalar);
}

class ApiSchemaGenerator
{
public:
    explicit ApiSchemaGenerator(const Schema &schema) : m_schema(schema) { }
    gql::Document build();

    // The schema's own types whose names the generated types would take.
    QList<SourceError> clashes() const { return m_clashes; }

private:

    void add(gql::TypeDefinition t)
    {
        if (m_emitted.contains(t.name)) {
            noteClash(t.name);
            return;
        }
        m_emitted.insert(t.name);
        m_doc.definitions.emplace_back(std::move(t));
    }
    // A generated type named `name` was not emitted because the name is
    // taken: a clash when it is taken by one of the schema's own types.
    void noteClashIfTaken(const QString &name)
    {
        if (m_emitted.contains(name))
            noteClash(name);
    }
    void noteClash(const QString &name)
    {
        if (m_userPhase || !m_userTypes.contains(name) || m_reported.contains(name))
            return;
        m_reported.insert(name);
        m_clashes.append(SourceError{{}, m_userTypes.value(name),
                                     name + u": the generated AppSync API schema has a type of its own by "
                                            "this name (a connection, input or filter type); rename this one"_s});
    }
    void addDeclarations();
    void addScalarInputs();
    void addModel(const ModelSchema &m);
    void addNonModelInput(const NonModelSchema &n);
    gql::TypeDefinition modelType(const ModelSchema &m);
    QString filterInputFor(const FieldType &t, bool subscription);
    void ensureEnumInput(const FieldType &t, bool subscription);
    std::optional<gql::InputValueDefinition> sortKeyArgument(const ModelSchema &m, const QString &indexName,
                                                             const QStringList &sortKeys);
    gql::List<gql::InputValueDefinition> connectionArgs(const ModelSchema &target, const FieldSchema &f);

    bool isImplicitTimestamp(const ModelSchema &m, const FieldSchema &f) const
    {
        return f.isImplicit && (f.name == m.createdAtField || f.name == m.updatedAtField);
    }
    bool isTimestamp(const ModelSchema &m, const FieldSchema &f) const
    {
        return f.name == m.createdAtField || f.name == m.updatedAtField;
    }
    bool isOwnerField(const ModelSchema &m, const FieldSchema &f) const
    {
        for (const AuthRule &rule : m.authRules) {
            if ((rule.allow == AuthRule::Strategy::Owner && rule.ownerField == f.name)
                || (rule.allow == AuthRule::Strategy::Groups && rule.groupsField == f.name))
                return true;
        }
        return false;
    }
    bool isFilterable(const FieldSchema &f) const
    {
        return !f.isRelation()
               && (f.type.kind == FieldType::Kind::Scalar || f.type.kind == FieldType::Kind::Enum);
    }
    bool hasCustomPrimaryKey(const ModelSchema &m) const
    {
        return m.primaryKey.size() != 1 || m.primaryKey.front() != u"id";
    }

    const Schema &m_schema;
    gql::Document m_doc;
    QSet<QString> m_emitted;
    // The schema's own type names, and whether they are still being added.
    QHash<QString, SourceLocation> m_userTypes;
    bool m_userPhase = true;
    QSet<QString> m_reported;
    QList<SourceError> m_clashes;
    std::vector<gql::TypeDefinition> m_keyInputs;   // emitted last
    gql::List<gql::FieldDefinition> m_indexQueries;   // after the get/list/sync queries
    gql::TypeDefinition m_query = objectType(u"Query"_s);
    gql::TypeDefinition m_mutation = objectType(u"Mutation"_s);
    gql::TypeDefinition m_subscription = objectType(u"Subscription"_s);
};

void ApiSchemaGenerator::addDeclarations()
{
    for (const char *name : {"AWSDate", "AWSTime", "AWSDateTime", "AWSTimestamp", "AWSEmail", "AWSJSON", "AWSURL",
                             "AWSPhone", "AWSIPAddress"}) {
        gql::TypeDefinition s;
        s.kind = gql::TypeDefinition::Kind::Scalar;
        s.name = QString::fromLatin1(name);
        add(s);
    }
    auto directive = [&](const QString &name, gql::List<gql::InputValueDefinition> args, const QStringList &locations) {
        gql::DirectiveDefinition d;
        d.name = name;
        d.arguments = std::move(args);
        d.locations = locations;
        m_doc.definitions.emplace_back(std::move(d));
    };
    const QStringList fieldOrObject = {u"FIELD_DEFINITION"_s, u"OBJECT"_s};
    directive(u"aws_subscribe"_s, {arg(u"mutations"_s, listOf(named(u"String"_s)))}, {u"FIELD_DEFINITION"_s});
    directive(u"aws_auth"_s, {arg(u"cognito_groups"_s, listOf(named(u"String"_s)))}, {u"FIELD_DEFINITION"_s});
    directive(u"aws_api_key"_s, {}, fieldOrObject);
    directive(u"aws_iam"_s, {}, fieldOrObject);
    directive(u"aws_oidc"_s, {}, fieldOrObject);
    directive(u"aws_lambda"_s, {}, fieldOrObject);
    directive(u"aws_cognito_user_pools"_s, {arg(u"cognito_groups"_s, listOf(named(u"String"_s)))}, fieldOrObject);
}

void ApiSchemaGenerator::addScalarInputs()
{
    // makeModelScalarFilterInputObject() for String, Int, Float, Boolean, ID.
    for (const QString &scalar : {u"String"_s, u"Int"_s, u"Float"_s, u"Boolean"_s, u"ID"_s}) {
        const bool stringLike = scalar == u"String" || scalar == u"ID";
        const bool boolean = scalar == u"Boolean";
        for (const bool subscription : {false, true}) {
            gql::TypeDefinition t = inputType(u"Model"_s + (subscription ? u"Subscription"_s : QString()) + scalar
                                              + u"Input"_s);
            const gql::TypeRef s = named(scalar);
            t.inputFields.push_back(arg(u"ne"_s, s));
            t.inputFields.push_back(arg(u"eq"_s, s));
            if (!boolean) {
                for (const QString &op : {u"le"_s, u"lt"_s, u"ge"_s, u"gt"_s})
                    t.inputFields.push_back(arg(op, s));
                if (stringLike) {
                    t.inputFields.push_back(arg(u"contains"_s, s));
                    t.inputFields.push_back(arg(u"notContains"_s, s));
                }
                t.inputFields.push_back(arg(u"between"_s, listOf(s)));
                if (stringLike)
                    t.inputFields.push_back(arg(u"beginsWith"_s, s));
            }
            if (subscription) {
                if (!boolean) {
                    t.inputFields.push_back(arg(u"in"_s, listOf(s)));
                    t.inputFields.push_back(arg(u"notIn"_s, listOf(s)));
                }
            } else {
                t.inputFields.push_back(arg(u"attributeExists"_s, named(u"Boolean"_s)));
                t.inputFields.push_back(arg(u"attributeType"_s, named(u"ModelAttributeTypes"_s)));
                if (stringLike)
                    t.inputFields.push_back(arg(u"size"_s, named(u"ModelSizeInput"_s)));
            }
            add(t);
        }
    }
    add(enumType(u"ModelAttributeTypes"_s, {u"binary"_s, u"binarySet"_s, u"bool"_s, u"list"_s, u"map"_s,
                                            u"number"_s, u"numberSet"_s, u"string"_s, u"stringSet"_s, u"_null"_s}));
    gql::TypeDefinition size = inputType(u"ModelSizeInput"_s);
    for (const QString &op : {u"ne"_s, u"eq"_s, u"le"_s, u"lt"_s, u"ge"_s, u"gt"_s})
        size.inputFields.push_back(arg(op, named(u"Int"_s)));
    size.inputFields.push_back(arg(u"between"_s, listOf(named(u"Int"_s))));
    add(size);
    add(enumType(u"ModelSortDirection"_s, {u"ASC"_s, u"DESC"_s}));
}

void ApiSchemaGenerator::ensureEnumInput(const FieldType &t, bool subscription)
{
    const QString name = filterInputFor(t, subscription);
    if (m_emitted.contains(name)) {
        noteClash(name);
        return;
    }
    gql::TypeDefinition input = inputType(name);
    if (t.isList) {
        input.inputFields.push_back(arg(u"eq"_s, listOf(named(t.typeName))));
        input.inputFields.push_back(arg(u"ne"_s, listOf(named(t.typeName))));
        input.inputFields.push_back(arg(u"contains"_s, named(t.typeName)));
        input.inputFields.push_back(arg(u"notContains"_s, named(t.typeName)));
    } else {
        input.inputFields.push_back(arg(u"eq"_s, named(t.typeName)));
        input.inputFields.push_back(arg(u"ne"_s, named(t.typeName)));
    }
    add(input);
}

QString ApiSchemaGenerator::filterInputFor(const FieldType &t, bool subscription)
{
    const QString prefix = subscription ? u"ModelSubscription"_s : u"Model"_s;
    if (t.kind == FieldType::Kind::Enum) {
        if (t.isList)
            return prefix + t.typeName + u"ListInput"_s;
        return subscription ? u"ModelSubscriptionStringInput"_s : u"Model"_s + t.typeName + u"Input"_s;
    }
    return prefix + filterScalarName(t.scalar) + u"Input"_s;
}

std::optional<gql::InputValueDefinition> ApiSchemaGenerator::sortKeyArgument(const ModelSchema &m,
                                                                             const QString &indexName,
                                                                             const QStringList &sortKeys)
{
    if (sortKeys.isEmpty())
        return std::nullopt;
    if (sortKeys.size() == 1) {
        const FieldSchema *f = m.field(sortKeys.front());
        const QString base = f ? baseFilterName(f->type) : u"String"_s;
        const QString name = u"Model"_s + base + u"KeyConditionInput"_s;
        noteClashIfTaken(name);
        if (!m_emitted.contains(name)) {
            gql::TypeDefinition input = inputType(name);
            const gql::TypeRef s = named(base);
            for (const QString &op : {u"eq"_s, u"le"_s, u"lt"_s, u"ge"_s, u"gt"_s})
                input.inputFields.push_back(arg(op, s));
            input.inputFields.push_back(arg(u"between"_s, listOf(s)));
            if (base == u"String" || base == u"ID")
                input.inputFields.push_back(arg(u"beginsWith"_s, s));
            m_emitted.insert(name);
            m_keyInputs.push_back(input);
        }
        return arg(sortKeys.front(), named(name));
    }
    // Composite sort key: ModelXKeyCompositeKeyConditionInput over ModelXKeyCompositeKeyInput.
    const QString keyName = upperFirst(indexName.isEmpty() ? u"Primary"_s : indexName);
    const QString conditionName = u"Model"_s + m.name + keyName + u"CompositeKeyConditionInput"_s;
    const QString keyInputName = u"Model"_s + m.name + keyName + u"CompositeKeyInput"_s;
    noteClashIfTaken(conditionName);
    noteClashIfTaken(keyInputName);
    if (!m_emitted.contains(conditionName)) {
        gql::TypeDefinition condition = inputType(conditionName);
        const gql::TypeRef k = named(keyInputName);
        for (const QString &op : {u"eq"_s, u"le"_s, u"lt"_s, u"ge"_s, u"gt"_s})
            condition.inputFields.push_back(arg(op, k));
        condition.inputFields.push_back(arg(u"between"_s, listOf(k)));
        condition.inputFields.push_back(arg(u"beginsWith"_s, k));
        gql::TypeDefinition keyInput = inputType(keyInputName);
        for (const QString &name : sortKeys) {
            const FieldSchema *f = m.field(name);
            keyInput.inputFields.push_back(arg(name, named(f ? f->type.typeName : u"String"_s)));
        }
        m_emitted.insert(conditionName);
        m_emitted.insert(keyInputName);
        m_keyInputs.push_back(condition);
        m_keyInputs.push_back(keyInput);
    }
    return arg(camelCase(sortKeys), named(conditionName));
}

gql::List<gql::InputValueDefinition> ApiSchemaGenerator::connectionArgs(const ModelSchema &target,
                                                                           const FieldSchema &f)
{
    gql::List<gql::InputValueDefinition> args;
    // A @hasMany over an index (or the primary key) with more key fields
    // than it binds gets a condition argument for the remaining sort key.
    if (f.relation.kind == RelationKind::HasMany) {
        QStringList key;
        if (f.relation.indexName.isEmpty()) {
            key = target.primaryKey;
        } else {
            for (const IndexSchema &index : target.indexes) {
                if (index.name == f.relation.indexName)
                    key = index.fields;
            }
        }
        const QStringList sortKeys = key.mid(f.relation.fields.size());
        if (!key.isEmpty() && !f.relation.implicitFields) {
            if (auto sk = sortKeyArgument(target, f.relation.indexName, sortKeys))
                args.push_back(*sk);
        }
    }
    args.push_back(arg(u"filter"_s, named(u"Model"_s + target.name + u"FilterInput"_s)));
    args.push_back(arg(u"sortDirection"_s, named(u"ModelSortDirection"_s)));
    args.push_back(arg(u"limit"_s, named(u"Int"_s)));
    args.push_back(arg(u"nextToken"_s, named(u"String"_s)));
    return args;
}

gql::TypeDefinition ApiSchemaGenerator::modelType(const ModelSchema &m)
{
    gql::TypeDefinition t = objectType(m.name);
    for (const FieldSchema &f : m.fields) {
        if (f.relation.kind == RelationKind::HasMany || f.relation.kind == RelationKind::ManyToMany) {
            const QString targetName = f.relation.kind == RelationKind::HasMany ? f.relation.relatedModel
                                                                                 : f.relation.relationName;
            const ModelSchema *target = m_schema.model(targetName);
            if (!target)
                continue;
            t.fields.push_back(field(f.name, named(u"Model"_s + targetName + u"Connection"_s),
                                     connectionArgs(*target, f)));
            continue;
        }
        t.fields.push_back(field(f.name, typeRef(f.type, f.type.isRequired)));
    }
    t.fields.push_back(field(u"_version"_s, nonNull(named(u"Int"_s))));
    t.fields.push_back(field(u"_deleted"_s, named(u"Boolean"_s)));
    t.fields.push_back(field(u"_lastChangedAt"_s, nonNull(named(u"AWSTimestamp"_s))));
    return t;
}

void ApiSchemaGenerator::addNonModelInput(const NonModelSchema &n)
{
    gql::TypeDefinition input = inputType(n.name + u"Input"_s);
    for (const FieldSchema &f : n.fields)
        input.inputFields.push_back(arg(f.name, typeRef(f.type, f.type.isRequired, u"Input"_s)));
    add(input);
}

void ApiSchemaGenerator::addModel(const ModelSchema &m)
{
    const QString filterName = u"Model"_s + m.name + u"FilterInput"_s;
    const QString conditionName = u"Model"_s + m.name + u"ConditionInput"_s;
    const QString subscriptionFilterName = u"ModelSubscription"_s + m.name + u"FilterInput"_s;
    const QString connectionName = u"Model"_s + m.name + u"Connection"_s;

    gql::TypeDefinition connection = objectType(connectionName);
    connection.fields.push_back(field(u"items"_s, nonNull(listOf(named(m.name)))));
    connection.fields.push_back(field(u"nextToken"_s, named(u"String"_s)));
    connection.fields.push_back(field(u"startedAt"_s, named(u"AWSTimestamp"_s)));
    add(connection);

    // Enum filter inputs, then ModelXFilterInput.
    gql::TypeDefinition filter = inputType(filterName);
    for (const FieldSchema &f : m.fields) {
        if (!isFilterable(f) || (f.isImplicit && isOwnerField(m, f)))
            continue;
        if (f.type.kind == FieldType::Kind::Enum)
            ensureEnumInput(f.type, false);
        filter.inputFields.push_back(arg(f.name, named(filterInputFor(f.type, false))));
    }
    filter.inputFields.push_back(arg(u"and"_s, listOf(named(filterName))));
    filter.inputFields.push_back(arg(u"or"_s, listOf(named(filterName))));
    filter.inputFields.push_back(arg(u"not"_s, named(filterName)));
    filter.inputFields.push_back(arg(u"_deleted"_s, named(u"ModelBooleanInput"_s)));
    add(filter);

    // ModelXConditionInput: no primary key fields; the implicit timestamps
    // come after and/or/not/_deleted (the model transformer adds them later).
    gql::TypeDefinition condition = inputType(conditionName);
    auto conditionField = [&](const FieldSchema &f) {
        if (f.name == u"id" && f.type.kind == FieldType::Kind::Scalar && f.type.scalar == ScalarType::ID)
            return;
        if (hasCustomPrimaryKey(m) && f.isPrimaryKey)
            return;
        condition.inputFields.push_back(arg(f.name, named(filterInputFor(f.type, false))));
    };
    for (const FieldSchema &f : m.fields) {
        if (isFilterable(f) && !isImplicitTimestamp(m, f) && !(f.isImplicit && isOwnerField(m, f)))
            conditionField(f);
    }
    condition.inputFields.push_back(arg(u"and"_s, listOf(named(conditionName))));
    condition.inputFields.push_back(arg(u"or"_s, listOf(named(conditionName))));
    condition.inputFields.push_back(arg(u"not"_s, named(conditionName)));
    condition.inputFields.push_back(arg(u"_deleted"_s, named(u"ModelBooleanInput"_s)));
    for (const FieldSchema &f : m.fields) {
        if (isImplicitTimestamp(m, f))
            conditionField(f);
    }
    add(condition);

    // Create / Update / Delete inputs.
    const bool hasMutations = !m.createMutation.isEmpty() || !m.updateMutation.isEmpty()
                              || !m.deleteMutation.isEmpty();
    if (hasMutations) {
        gql::TypeDefinition create = inputType(u"Create"_s + m.name + u"Input"_s);
        gql::TypeDefinition update = inputType(u"Update"_s + m.name + u"Input"_s);
        for (const FieldSchema &f : m.fields) {
            if (f.isRelation() || isImplicitTimestamp(m, f) || (f.isImplicit && isOwnerField(m, f)))
                continue;
            const bool autoId = f.name == u"id" && f.type.kind == FieldType::Kind::Scalar
                                && (f.type.scalar == ScalarType::ID || f.type.scalar == ScalarType::String);
            const bool timestamp = isTimestamp(m, f);
            const bool createRequired = f.type.isRequired && !autoId && !timestamp;
            create.inputFields.push_back(arg(f.name, typeRef(f.type, createRequired, u"Input"_s)));
            const bool updateRequired = m.primaryKey.contains(f.name);
            update.inputFields.push_back(arg(f.name, typeRef(f.type, updateRequired, u"Input"_s)));
        }
        create.inputFields.push_back(arg(u"_version"_s, named(u"Int"_s)));
        update.inputFields.push_back(arg(u"_version"_s, named(u"Int"_s)));
        gql::TypeDefinition del = inputType(u"Delete"_s + m.name + u"Input"_s);
        for (const QString &key : m.primaryKey) {
            const FieldSchema *f = m.field(key);
            del.inputFields.push_back(arg(key, nonNull(named(f ? f->type.typeName : u"ID"_s))));
        }
        del.inputFields.push_back(arg(u"_version"_s, named(u"Int"_s)));
        if (!m.createMutation.isEmpty())
            add(create);
        if (!m.updateMutation.isEmpty())
            add(update);
        if (!m.deleteMutation.isEmpty())
            add(del);
    }

    // ModelSubscriptionXFilterInput: no `not`, enums as strings, no owner fields.
    gql::TypeDefinition subscriptionFilter = inputType(subscriptionFilterName);
    for (const FieldSchema &f : m.fields) {
        if (!isFilterable(f) || isOwnerField(m, f))
            continue;
        if (f.type.kind == FieldType::Kind::Enum && f.type.isList)
            ensureEnumInput(f.type, true);
        subscriptionFilter.inputFields.push_back(arg(f.name, named(filterInputFor(f.type, true))));
    }
    subscriptionFilter.inputFields.push_back(arg(u"and"_s, listOf(named(subscriptionFilterName))));
    subscriptionFilter.inputFields.push_back(arg(u"or"_s, listOf(named(subscriptionFilterName))));
    subscriptionFilter.inputFields.push_back(arg(u"_deleted"_s, named(u"ModelBooleanInput"_s)));
    const bool hasSubscriptions = !m.onCreateSubscription.isEmpty() || !m.onUpdateSubscription.isEmpty()
                                  || !m.onDeleteSubscription.isEmpty();
    if (hasSubscriptions)
        add(subscriptionFilter);

    // Query fields.
    if (!m.getQuery.isEmpty()) {
        gql::List<gql::InputValueDefinition> args;
        for (const QString &key : m.primaryKey) {
            const FieldSchema *f = m.field(key);
            args.push_back(arg(key, nonNull(named(f ? f->type.typeName : u"ID"_s))));
        }
        m_query.fields.push_back(field(m.getQuery, named(m.name), args));
    }
    if (!m.listQuery.isEmpty()) {
        gql::List<gql::InputValueDefinition> args;
        if (hasCustomPrimaryKey(m)) {
            const FieldSchema *f = m.field(m.primaryKey.front());
            args.push_back(arg(m.primaryKey.front(), named(f ? f->type.typeName : u"ID"_s)));
            if (auto sk = sortKeyArgument(m, QString(), m.primaryKey.mid(1)))
                args.push_back(*sk);
        }
        args.push_back(arg(u"filter"_s, named(filterName)));
        args.push_back(arg(u"limit"_s, named(u"Int"_s)));
        args.push_back(arg(u"nextToken"_s, named(u"String"_s)));
        if (hasCustomPrimaryKey(m))
            args.push_back(arg(u"sortDirection"_s, named(u"ModelSortDirection"_s)));
        m_query.fields.push_back(field(m.listQuery, named(connectionName), args));
    }
    if (!m.syncQuery.isEmpty()) {
        m_query.fields.push_back(field(m.syncQuery, named(connectionName),
                                       {arg(u"filter"_s, named(filterName)), arg(u"limit"_s, named(u"Int"_s)),
                                        arg(u"nextToken"_s, named(u"String"_s)),
                                        arg(u"lastSync"_s, named(u"AWSTimestamp"_s))}));
    }
    for (const IndexSchema &index : m.indexes) {
        if (index.queryField.isEmpty())
            continue;
        const FieldSchema *hash = m.field(index.fields.front());
        gql::List<gql::InputValueDefinition> args;
        args.push_back(arg(index.fields.front(), nonNull(named(hash ? hash->type.typeName : u"ID"_s))));
        if (auto sk = sortKeyArgument(m, index.name, index.fields.mid(1)))
            args.push_back(*sk);
        args.push_back(arg(u"sortDirection"_s, named(u"ModelSortDirection"_s)));
        args.push_back(arg(u"filter"_s, named(filterName)));
        args.push_back(arg(u"limit"_s, named(u"Int"_s)));
        args.push_back(arg(u"nextToken"_s, named(u"String"_s)));
        m_indexQueries.push_back(field(index.queryField, named(connectionName), args));
    }

    // Mutations.
    auto mutation = [&](const QString &name, const QString &inputName) {
        if (name.isEmpty())
            return;
        m_mutation.fields.push_back(field(name, named(m.name),
                                          {arg(u"input"_s, nonNull(named(inputName))),
                                           arg(u"condition"_s, named(conditionName))}));
    };
    mutation(m.createMutation, u"Create"_s + m.name + u"Input"_s);
    mutation(m.updateMutation, u"Update"_s + m.name + u"Input"_s);
    mutation(m.deleteMutation, u"Delete"_s + m.name + u"Input"_s);

    // Subscriptions, with an argument per owner field for owner auth.
    QStringList ownerArgs;
    for (const AuthRule &rule : m.authRules) {
        if (rule.allow == AuthRule::Strategy::Owner && !ownerArgs.contains(rule.ownerField))
            ownerArgs.append(rule.ownerField);
    }
    auto subscription = [&](const QString &name, const QString &mutationName) {
        if (name.isEmpty() || mutationName.isEmpty())
            return;
        gql::List<gql::InputValueDefinition> args = {arg(u"filter"_s, named(subscriptionFilterName))};
        for (const QString &owner : std::as_const(ownerArgs))
            args.push_back(arg(owner, named(u"String"_s)));
        gql::FieldDefinition f = field(name, named(m.name), args);
        gql::Directive d;
        d.name = u"aws_subscribe"_s;
        gql::Argument a;
        a.name = u"mutations"_s;
        a.value = stringList({mutationName});
        d.arguments.push_back(a);
        f.directives.push_back(d);
        m_subscription.fields.push_back(f);
    };
    subscription(m.onCreateSubscription, m.createMutation);
    subscription(m.onUpdateSubscription, m.updateMutation);
    subscription(m.onDeleteSubscription, m.deleteMutation);
}

gql::Document ApiSchemaGenerator::build()
{
    addDeclarations();
    for (const EnumSchema &e : m_schema.enums())
        m_userTypes.insert(e.name, e.location);
    for (const ModelSchema &m : m_schema.models())
        m_userTypes.insert(m.name, m.location);
    for (const NonModelSchema &n : m_schema.nonModels())
        m_userTypes.insert(n.name, n.location);
    for (const EnumSchema &e : m_schema.enums())
        add(enumType(e.name, e.values));
    for (const ModelSchema &m : m_schema.models())
        add(modelType(m));
    for (const NonModelSchema &n : m_schema.nonModels()) {
        gql::TypeDefinition t = objectType(n.name);
        for (const FieldSchema &f : n.fields)
            t.fields.push_back(field(f.name, typeRef(f.type, f.type.isRequired)));
        add(t);
    }
    m_userPhase = false;   // from here on, every type is generated
    for (const NonModelSchema &n : m_schema.nonModels())
        addNonModelInput(n);

    gql::TypeDefinition aiError = inputType(u"AmplifyAIConversationTurnErrorInput"_s);
    aiError.inputFields.push_back(arg(u"errorType"_s, nonNull(named(u"String"_s))));
    aiError.inputFields.push_back(arg(u"message"_s, nonNull(named(u"String"_s))));
    add(aiError);

    addScalarInputs();
    for (const ModelSchema &m : m_schema.models())
        addModel(m);

    for (gql::FieldDefinition &f : m_indexQueries)
        m_query.fields.push_back(std::move(f));
    if (!m_query.fields.empty())
        add(m_query);
    if (!m_mutation.fields.empty())
        add(m_mutation);
    if (!m_subscription.fields.empty())
        add(m_subscription);
    for (gql::TypeDefinition &t : m_keyInputs)
        m_doc.definitions.emplace_back(std::move(t));
    return std::move(m_doc);
}

} // namespace

graphql::Document buildApiSchema(const Schema &schema)
{
    ApiSchemaGenerator generator(schema);
    return generator.build();
}

QList<SourceError> apiSchemaNameClashes(const Schema &schema)
{
    ApiSchemaGenerator generator(schema);
    generator.build();
    return generator.clashes();
}

QString apiSchemaSdl(const Schema &schema)
{
    return graphql::print(buildApiSchema(schema));
}

} // namespace ds

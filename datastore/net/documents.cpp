#include "net/documents.h"

#include "graphql/printer.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace ds::net {

namespace {

const QString kOperationName = u"operation"_s;   // JS names every operation literally "operation"

graphql::Selection field(const QString &name, graphql::List<graphql::Selection> children = {})
{
    graphql::Selection s;
    s.kind = graphql::Selection::Kind::Field;
    s.name = name;
    s.selectionSet = std::move(children);
    return s;
}

graphql::Value variable(const QString &name)
{
    graphql::Value v;
    v.kind = graphql::Value::Kind::Variable;
    v.text = name;
    return v;
}

graphql::Argument argument(const QString &name)
{
    graphql::Argument a;
    a.name = name;
    a.value = variable(name);
    return a;
}

graphql::VariableDefinition variableDefinition(const QString &name, const QString &type, bool nonNull)
{
    graphql::VariableDefinition d;
    d.name = name;
    d.type = graphql::TypeRef::named(type);
    if (nonNull)
        d.type = graphql::TypeRef::nonNull(std::move(d.type));
    return d;
}

bool isLeaf(const FieldSchema &f)
{
    return f.type.kind == FieldType::Kind::Scalar || f.type.kind == FieldType::Kind::Enum;
}

graphql::List<graphql::Selection> nonModelSelection(const Schema &schema, const NonModelSchema &type, int depth)
{
    graphql::List<graphql::Selection> out;
    for (const FieldSchema &f : type.fields) {
        if (isLeaf(f)) {
            out.push_back(field(f.name));
        } else if (f.type.kind == FieldType::Kind::NonModel && depth < 16) {
            if (const NonModelSchema *nested = schema.nonModel(f.type.typeName))
                out.push_back(field(f.name, nonModelSelection(schema, *nested, depth + 1)));
        }
    }
    return out;
}

bool isImplicitOwnerField(const ModelSchema &model, const FieldSchema &f)
{
    if (!f.isImplicit)
        return false;
    for (const AuthRule &rule : model.authRules) {
        if (rule.allow == AuthRule::Strategy::Owner && rule.ownerField == f.name)
            return true;
    }
    return false;
}

graphql::Document document(graphql::OperationType type, graphql::List<graphql::VariableDefinition> variables,
                           graphql::Selection root)
{
    graphql::OperationDefinition op;
    op.operation = type;
    op.name = kOperationName;
    op.variables = std::move(variables);
    op.selectionSet.push_back(std::move(root));
    graphql::Document doc;
    doc.definitions.emplace_back(std::move(op));
    return doc;
}

GraphQLRequest request(const graphql::Document &doc, QJsonObject variables, const QString &rootField)
{
    return GraphQLRequest{graphql::print(doc), std::move(variables), rootField};
}

QJsonValue versionValue(std::optional<int> version)
{
    return version ? QJsonValue(*version) : QJsonValue(QJsonValue::Undefined);
}

} // namespace

QJsonObject GraphQLRequest::toJson() const
{
    return QJsonObject{{u"query"_s, query}, {u"variables"_s, variables}};
}

QByteArray GraphQLRequest::toJsonBytes() const
{
    return QJsonDocument(toJson()).toJson(QJsonDocument::Compact);
}

graphql::List<graphql::Selection> modelSelectionSet(const Schema &schema, const ModelSchema &model)
{
    graphql::List<graphql::Selection> out;
    // 1. scalar and enum fields in schema order; 2. the implicit owner field.
    QStringList owners;
    for (const FieldSchema &f : model.fields) {
        if (f.isRelation() || !isLeaf(f))
            continue;
        if (isImplicitOwnerField(model, f))
            owners.append(f.name);
        else
            out.push_back(field(f.name));
    }
    for (const QString &owner : std::as_const(owners))
        out.push_back(field(owner));
    // 3. non-model fields with nested selections.
    for (const FieldSchema &f : model.fields) {
        if (f.isRelation() || f.type.kind != FieldType::Kind::NonModel)
            continue;
        if (const NonModelSchema *type = schema.nonModel(f.type.typeName))
            out.push_back(field(f.name, nonModelSelection(schema, *type, 0)));
    }
    // 4. metadata.
    out.push_back(field(u"_version"_s));
    out.push_back(field(u"_lastChangedAt"_s));
    out.push_back(field(u"_deleted"_s));
    // 5. belongsTo: the parent's key and _deleted.
    for (const FieldSchema &f : model.fields) {
        if (f.relation.kind != RelationKind::BelongsTo)
            continue;
        graphql::List<graphql::Selection> children;
        const ModelSchema *parent = schema.model(f.relation.relatedModel);
        const QStringList key = parent ? parent->primaryKey : QStringList{u"id"_s};
        for (const QString &k : key)
            children.push_back(field(k));
        children.push_back(field(u"_deleted"_s));
        out.push_back(field(f.name, std::move(children)));
    }
    return out;
}

// ---- sync -----------------------------------------------------------------------

graphql::Document syncQueryDocument(const Schema &schema, const ModelSchema &model)
{
    graphql::Selection root = field(model.syncQuery, {field(u"items"_s, modelSelectionSet(schema, model)),
                                                      field(u"nextToken"_s), field(u"startedAt"_s)});
    for (const QString &name : {u"limit"_s, u"nextToken"_s, u"lastSync"_s, u"filter"_s})
        root.arguments.push_back(argument(name));
    return document(graphql::OperationType::Query,
                    {variableDefinition(u"limit"_s, u"Int"_s, false),
                     variableDefinition(u"nextToken"_s, u"String"_s, false),
                     variableDefinition(u"lastSync"_s, u"AWSTimestamp"_s, false),
                     variableDefinition(u"filter"_s, u"Model"_s + model.name + u"FilterInput"_s, false)},
                    std::move(root));
}

GraphQLRequest syncQuery(const Schema &schema, const ModelSchema &model, const SyncQueryArguments &args)
{
    const QJsonObject variables{
        {u"limit"_s, args.limit},
        {u"nextToken"_s, args.nextToken.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(args.nextToken)},
        {u"lastSync"_s, double(args.lastSync)},
        {u"filter"_s, args.filter.isObject() ? args.filter : QJsonValue(QJsonValue::Null)},
    };
    return request(syncQueryDocument(schema, model), variables, model.syncQuery);
}

// ---- mutations --------------------------------------------------------------------

QString operationName(const ModelSchema &model, MutationType type)
{
    switch (type) {
    case MutationType::Create: return model.createMutation;
    case MutationType::Update: return model.updateMutation;
    case MutationType::Delete: return model.deleteMutation;
    }
    return {};
}

QString operationName(const ModelSchema &model, SubscriptionType type)
{
    switch (type) {
    case SubscriptionType::OnCreate: return model.onCreateSubscription;
    case SubscriptionType::OnUpdate: return model.onUpdateSubscription;
    case SubscriptionType::OnDelete: return model.onDeleteSubscription;
    }
    return {};
}

graphql::Document mutationDocument(const Schema &schema, const ModelSchema &model, MutationType type)
{
    static const QString prefixes[] = {u"Create"_s, u"Update"_s, u"Delete"_s};
    const QString inputType = prefixes[int(type)] + model.name + u"Input"_s;
    graphql::Selection root = field(operationName(model, type), modelSelectionSet(schema, model));
    graphql::List<graphql::VariableDefinition> variables{variableDefinition(u"input"_s, inputType, true)};
    root.arguments.push_back(argument(u"input"_s));
    if (type != MutationType::Create) {
        variables.push_back(variableDefinition(u"condition"_s, u"Model"_s + model.name + u"ConditionInput"_s, false));
        root.arguments.push_back(argument(u"condition"_s));
    }
    return document(graphql::OperationType::Mutation, std::move(variables), std::move(root));
}

GraphQLRequest mutation(const Schema &schema, const ModelSchema &model, MutationType type,
                        const QJsonObject &input, const QJsonValue &condition)
{
    QJsonObject variables{{u"input"_s, input}};
    if (type != MutationType::Create)
        variables.insert(u"condition"_s, condition.isObject() ? condition : QJsonValue(QJsonValue::Null));
    return request(mutationDocument(schema, model, type), variables, operationName(model, type));
}

QJsonObject createInput(const ModelSchema &model, const QJsonObject &record)
{
    QJsonObject input;
    for (const FieldSchema &f : model.fields) {
        if (f.isRelation() || f.isReadOnly)
            continue;
        const auto it = record.constFind(f.name);
        if (it == record.constEnd() || it->isUndefined())
            continue;
        if (it->isNull() && isImplicitOwnerField(model, f))
            continue;   // the server fills the owner
        input.insert(f.name, *it);
    }
    return input;
}

QJsonObject updateInput(const ModelSchema &model, const QJsonObject &key, const QJsonObject &changedFields,
                        std::optional<int> version)
{
    QJsonObject input;
    for (const QString &k : model.primaryKey)
        input.insert(k, key.value(k));
    for (auto it = changedFields.constBegin(); it != changedFields.constEnd(); ++it) {
        const FieldSchema *f = model.field(it.key());
        if (f && !f->isRelation() && !f->isReadOnly)
            input.insert(it.key(), it.value());
    }
    if (version)
        input.insert(u"_version"_s, versionValue(version));
    return input;
}

QJsonObject deleteInput(const ModelSchema &model, const QJsonObject &key, std::optional<int> version)
{
    QJsonObject input;
    for (const QString &k : model.primaryKey)
        input.insert(k, key.value(k));
    if (version)
        input.insert(u"_version"_s, versionValue(version));
    return input;
}

// ---- get ------------------------------------------------------------------------------

graphql::Document getQueryDocument(const Schema &schema, const ModelSchema &model)
{
    graphql::Selection root = field(model.getQuery, modelSelectionSet(schema, model));
    root.arguments.push_back(argument(u"id"_s));
    return document(graphql::OperationType::Query, {variableDefinition(u"id"_s, u"ID"_s, true)},
                    std::move(root));
}

GraphQLRequest getQuery(const Schema &schema, const ModelSchema &model, const QString &id)
{
    return request(getQueryDocument(schema, model), QJsonObject{{u"id"_s, id}}, model.getQuery);
}

// ---- subscriptions ----------------------------------------------------------------------

std::optional<OwnerArgument> subscriptionOwnerArgument(const ModelSchema &model, SubscriptionAuthMode mode,
                                                       const QJsonObject &claims)
{
    if (mode != SubscriptionAuthMode::UserPools && mode != SubscriptionAuthMode::Oidc)
        return std::nullopt;
    const AuthRule::Provider provider =
        mode == SubscriptionAuthMode::UserPools ? AuthRule::Provider::UserPools : AuthRule::Provider::Oidc;

    // A user in one of the model's static groups reads everything: no $owner.
    for (const AuthRule &rule : model.authRules) {
        if (rule.allow != AuthRule::Strategy::Groups || rule.groups.isEmpty() || !rule.allows(u"read"))
            continue;
        const QString claim = rule.groupClaim.isEmpty() ? u"cognito:groups"_s : rule.groupClaim;
        const QJsonValue value = claims.value(claim);
        QStringList userGroups;
        if (value.isArray()) {
            const QJsonArray array = value.toArray();
            for (const QJsonValue &g : array)
                userGroups.append(g.toString());
        } else if (value.isString()) {
            userGroups = value.toString().split(u',', Qt::SkipEmptyParts);
        }
        for (const QString &g : std::as_const(userGroups)) {
            if (rule.groups.contains(g.trimmed()))
                return std::nullopt;
        }
    }

    std::optional<OwnerArgument> result;
    for (const AuthRule &rule : model.authRules) {
        if (rule.allow != AuthRule::Strategy::Owner || rule.provider != provider || !rule.allows(u"read"))
            continue;
        if (rule.isOwnerFieldList)
            continue;   // list-of-owners: the server authorizes dynamically, no argument
        const QString identityClaim = rule.identityClaim.isEmpty() ? u"cognito:username"_s : rule.identityClaim;
        QString value;
        if (identityClaim == u"sub::username") {
            const QString sub = claims.value(u"sub"_s).toString();
            const QString user = claims.value(u"cognito:username"_s).toString();
            if (!sub.isEmpty() && !user.isEmpty())
                value = sub + u"::"_s + user;
        } else {
            const QJsonValue v = claims.value(identityClaim);
            value = v.isString() ? v.toString() : v.isDouble() ? QString::number(v.toDouble(), 'g', 17) : QString();
        }
        if (!value.isEmpty())
            result = OwnerArgument{rule.ownerField.isEmpty() ? u"owner"_s : rule.ownerField, value};
    }
    return result;
}

graphql::Document subscriptionDocument(const Schema &schema, const ModelSchema &model, SubscriptionType type,
                                       const SubscriptionArguments &args)
{
    graphql::Selection root = field(operationName(model, type), modelSelectionSet(schema, model));
    graphql::List<graphql::VariableDefinition> variables;
    if (!args.filter.isEmpty()) {
        variables.push_back(variableDefinition(u"filter"_s, u"ModelSubscription"_s + model.name + u"FilterInput"_s,
                                               false));
        root.arguments.push_back(argument(u"filter"_s));
    }
    if (args.owner) {
        variables.push_back(variableDefinition(args.owner->field, u"String"_s, true));
        root.arguments.push_back(argument(args.owner->field));
    }
    return document(graphql::OperationType::Subscription, std::move(variables), std::move(root));
}

GraphQLRequest subscription(const Schema &schema, const ModelSchema &model, SubscriptionType type,
                            const SubscriptionArguments &args)
{
    QJsonObject variables;
    if (!args.filter.isEmpty())
        variables.insert(u"filter"_s, args.filter);
    if (args.owner)
        variables.insert(args.owner->field, args.owner->value);
    return request(subscriptionDocument(schema, model, type, args), variables, operationName(model, type));
}

// ---- realtime messages ------------------------------------------------------------------

QJsonObject startMessage(const QString &id, const GraphQLRequest &subscription, const QJsonObject &authorization)
{
    const QJsonObject payload{
        {u"data"_s, QString::fromUtf8(subscription.toJsonBytes())},
        {u"extensions"_s, QJsonObject{{u"authorization"_s, authorization}}},
    };
    return QJsonObject{{u"id"_s, id}, {u"type"_s, u"start"_s}, {u"payload"_s, payload}};
}

QJsonObject stopMessage(const QString &id)
{
    return QJsonObject{{u"id"_s, id}, {u"type"_s, u"stop"_s}};
}

QJsonObject connectionInitMessage()
{
    return QJsonObject{{u"type"_s, u"connection_init"_s}};
}

} // namespace ds::net

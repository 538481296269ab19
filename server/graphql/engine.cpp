#include "graphql/engine.h"

#include "graphql/executor_p.h"
#include "graphql/logging_p.h"
#include "graphql/values_p.h"

#include <QMutexLocker>

#include <exception>

using namespace Qt::StringLiterals;

namespace ds::server::graphql {

Resolver::~Resolver() = default;
EncodedRecords::~EncodedRecords() = default;

FieldResult FieldResult::error(const QString &errorType, const QString &message, const QJsonValue &data,
                               const QJsonValue &errorInfo)
{
    GraphQLError e;
    e.message = message;
    e.errorType = errorType;
    e.data = data;
    e.errorInfo = errorInfo;
    return {QJsonValue::Null, {e}};
}

// ---- Operation -------------------------------------------------------------

QList<RootField> Operation::rootFields(GraphQLError *error) const
{
    Planner planner(*m_schema, m_document->document(), m_variables);
    const TypeInfo *root = m_schema->rootType(type());
    QList<RootField> out;
    for (PlanField &f : planner.rootPlan(*m_definition, root)) {
        if (f.isTypename)
            continue;
        QString message;
        const QJsonObject &args = planner.arguments(f, &message);
        if (!message.isEmpty()) {
            if (error) {
                *error = GraphQLError::at(message, f.nodes.front()->loc.at);
                error->path = QJsonArray{f.responseKey};
            }
            return {};
        }
        out.append({f.def->name, f.responseKey, args, f.nodes.front()->loc.at, f.def});
    }
    return out;
}

QStringList Operation::selectedFieldNames(const QString &responseKey) const
{
    Planner planner(*m_schema, m_document->document(), m_variables);
    for (PlanField &f : planner.rootPlan(*m_definition, m_schema->rootType(type()))) {
        if (f.responseKey != responseKey)
            continue;
        const TypeInfo *t = f.def->namedType;
        if (t->kind != TypeInfo::Kind::Object)
            return {};
        QStringList names;
        for (const PlanField &sub : planner.subPlan(f, t))
            if (!names.contains(sub.def->name))
                names.append(sub.def->name);
        return names;
    }
    return {};
}

static QJsonValue projectValue(Planner &planner, PlanField &field, const QJsonValue &value)
{
    if (value.isArray()) {
        QJsonArray out;
        for (const QJsonValue &item : value.toArray())
            out.append(projectValue(planner, field, item));
        return out;
    }
    const TypeInfo *named = field.def->namedType;
    if (!value.isObject() || !named->isComposite())
        return value;
    const QJsonObject object = value.toObject();
    const TypeInfo *type = named;
    if (named->isAbstract()) {
        type = planner.schema().type(object.value(u"__typename"_s).toString());
        if (!type || !named->isPossibleType(type))
            return QJsonValue::Null;
    }
    QJsonObject out;
    for (PlanField &f : planner.subPlan(field, type)) {
        const auto it = object.constFind(f.def->name);
        if (it != object.constEnd() && !out.contains(f.def->name))
            out.insert(f.def->name, f.isTypename ? *it : projectValue(planner, f, *it));
    }
    return out;
}

QJsonValue Operation::project(const QString &responseKey, const QJsonValue &value) const
{
    Planner planner(*m_schema, m_document->document(), m_variables);
    for (PlanField &f : planner.rootPlan(*m_definition, m_schema->rootType(type())))
        if (f.responseKey == responseKey)
            return projectValue(planner, f, value);
    return QJsonValue::Null;
}

// ---- Engine ----------------------------------------------------------------

Engine::Engine(std::shared_ptr<const ExecutableSchema> schema, EngineLimits limits)
    : m_schema(std::move(schema)), m_limits(std::move(limits))
{
    Q_ASSERT(m_schema);
}

Engine::~Engine() = default;

int Engine::cachedDocuments() const
{
    QMutexLocker lock(&m_cacheMutex);
    return int(m_cache.size());
}

std::shared_ptr<const PreparedDocument> Engine::document(QByteArrayView query, QList<GraphQLError> *errors) const
{
    const QByteArray key = query.toByteArray();
    {
        QMutexLocker lock(&m_cacheMutex);
        if (auto it = m_cache.constFind(key); it != m_cache.constEnd())
            return *it;
    }
    gql::ParseResult parsed = gql::parse(query, {}, gql::DocumentKind::Any, m_limits.parse);
    if (!parsed.ok()) {
        errors->append(GraphQLError::at(u"Syntax Error: "_s + parsed.error.message, parsed.error.location));
        return nullptr;
    }
    *errors = validate(*m_schema, parsed.document, m_limits.validation);
    if (!errors->isEmpty()) {
        qCDebug(lcServerGraphQL, "request rejected: %s", qPrintable(errors->front().message));
        return nullptr;
    }
    auto doc = std::make_shared<PreparedDocument>();
    doc->m_document = std::move(parsed.document);
    if (m_limits.documentCacheSize > 0) {
        QMutexLocker lock(&m_cacheMutex);
        if (!m_cache.contains(key)) {
            while (m_cacheOrder.size() >= m_limits.documentCacheSize)
                m_cache.remove(m_cacheOrder.takeFirst());
            m_cache.insert(key, doc);
            m_cacheOrder.append(key);
        }
    }
    return doc;
}

PrepareResult Engine::prepare(QByteArrayView query, const QString &operationName, const QJsonObject &variables) const
{
    PrepareResult result;
    std::shared_ptr<const PreparedDocument> doc = document(query, &result.errors);
    if (!doc)
        return result;

    // Select the operation.
    const gql::OperationDefinition *operation = nullptr;
    int count = 0;
    for (const gql::Definition &d : doc->document().definitions) {
        const auto *op = std::get_if<gql::OperationDefinition>(&d);
        if (!op)
            continue;
        ++count;
        if (operationName.isEmpty() ? !operation : op->name == operationName)
            operation = op;
    }
    if (operationName.isEmpty() && count > 1) {
        result.errors.append(GraphQLError::at(u"Must provide operation name if query contains multiple operations."_s, {}));
        return result;
    }
    if (!operation) {
        result.errors.append(GraphQLError::at(
            operationName.isEmpty() ? u"Must provide an operation."_s
                                    : u"Unknown operation named '"_s + operationName + u"'."_s,
            {}));
        return result;
    }

    // Coerce the variables (spec 6.1.2).
    QJsonObject coerced;
    for (const gql::VariableDefinition &v : operation->variables) {
        const QString label = u"Variable '$"_s + v.name + u'\'';
        const auto it = variables.constFind(v.name);
        if (it == variables.constEnd()) {
            if (v.defaultValue)
                coerced.insert(v.name, literalValue(*m_schema, *v.defaultValue, v.type, {}));
            else if (v.type.isNonNull())
                result.errors.append(GraphQLError::at(
                    label + u" of required type '"_s + typeName(v.type) + u"' was not provided."_s, v.loc.at));
            continue;
        }
        if (it->isNull() && v.type.isNonNull()) {
            result.errors.append(GraphQLError::at(
                label + u" of non-null type '"_s + typeName(v.type) + u"' must not be null."_s, v.loc.at));
            continue;
        }
        QJsonValue value, invalid;
        QString path, message;
        if (!coerceVariableValue(*m_schema, *it, v.type, &value, &path, &message, &invalid)) {
            QString where;
            if (!path.isEmpty())
                where = u" at '"_s + v.name + (path.startsWith(u'[') ? path : u'.' + path) + u'\'';
            result.errors.append(GraphQLError::at(
                label + u" got invalid value "_s + jsonText(invalid) + where + u"; "_s + message, v.loc.at));
            continue;
        }
        coerced.insert(v.name, value);
    }
    if (!result.errors.isEmpty())
        return result;

    Operation op;
    op.m_schema = m_schema;
    op.m_document = std::move(doc);
    op.m_definition = operation;
    op.m_variables = std::move(coerced);
    result.operation = std::move(op);
    return result;
}

QByteArray Engine::execute(const Operation &operation, Resolver &resolver, const std::any &context) const
{
    Planner planner(operation.schema(), operation.m_document->document(), operation.variables());
    Executor executor(planner, operation);
    const TypeInfo *root = operation.schema().rootType(operation.type());
    executor.run(root, [&](PlanField &f) -> Src {
        QString argumentError;
        const QJsonObject &arguments = planner.arguments(f, &argumentError);
        if (!argumentError.isEmpty()) {
            executor.fieldError(argumentError, f);
            return Src::fromJson(QJsonValue::Null);
        }
        if (f.def->name == u"__schema")
            return Src::of(Src::Schema, &operation.schema());
        if (f.def->name == u"__type" && f.def == operation.schema().lookupField(root, u"__type")) {
            return Src::of(Src::Type, operation.schema().type(arguments.value(u"name"_s).toString()));
        }
        const gql::Selection *node = f.nodes.front();
        FieldRequest request{operation, operation.type(), f.def->name, f.responseKey, arguments,
                             node->loc.at, context, f.def};
        FieldResult result;
        try {
            result = resolver.resolve(request);
        } catch (const std::exception &e) {
            qCWarning(lcServerGraphQL, "resolver for %s threw: %s", qPrintable(f.def->name), e.what());
            result = FieldResult::error(u"InternalFailure"_s, u"An internal error occurred."_s);
        } catch (...) {
            qCWarning(lcServerGraphQL, "resolver for %s threw", qPrintable(f.def->name));
            result = FieldResult::error(u"InternalFailure"_s, u"An internal error occurred."_s);
        }
        for (auto it = result.extensions.constBegin(); it != result.extensions.constEnd(); ++it) {
            QJsonObject merged = executor.extensions().value(it.key()).toObject();
            const QJsonObject add = it.value().toObject();
            for (auto a = add.constBegin(); a != add.constEnd(); ++a)
                merged.insert(a.key(), a.value());
            executor.extensions().insert(it.key(), add.isEmpty() ? it.value() : QJsonValue(merged));
        }
        for (GraphQLError &e : result.errors) {
            // AppSync filters an error's data by the field's selection set; the
            // Amplify clients build models from it (a nested item with more
            // than the selected fields breaks Amplify JS's conflict handling).
            e.data = executor.shapeErrorData(f, root, e.data);
            if (e.path.isEmpty())
                e.path = executor.path();
            if (e.locations.isEmpty())
                e.locations.append(node->loc.at);
            executor.errors().append(e);
        }
        Src value = Src::fromJson(result.value);
        value.records = std::move(result.items);
        return value;
    });
    return std::move(executor.writer().buffer());
}

QByteArray Engine::execute(QByteArrayView query, const QString &operationName, const QJsonObject &variables,
                           Resolver &resolver, const std::any &context) const
{
    const PrepareResult prepared = prepare(query, operationName, variables);
    if (!prepared.ok())
        return errorResponse(prepared.errors);
    return execute(*prepared.operation, resolver, context);
}

QByteArray Engine::executeEvent(const Operation &subscription, const QJsonValue &payload) const
{
    Planner planner(subscription.schema(), subscription.m_document->document(), subscription.variables());
    Executor executor(planner, subscription);
    executor.run(subscription.schema().rootType(subscription.type()),
                 [&](PlanField &) { return Src::fromJson(payload); });
    return std::move(executor.writer().buffer());
}

} // namespace ds::server::graphql

// The GraphQL engine of datastore-server: parse + validate a request (cached
// per query text), select the operation, coerce its variables, execute it
// over a Resolver and write the response as compact JSON.
//
//   Engine engine(ExecutableSchema::build(ds::buildApiSchema(modelSchema)));
//   QByteArray body = engine.execute(query, operationName, variables, resolver, context);
//
// The resolver is called for root fields only (getPost, syncPosts,
// createPost, ...); it returns the field's value as JSON, which the executor
// completes against the field's type: nested objects are projected onto the
// selection set (aliases, fragments, __typename), non-null violations
// propagate null upwards as the spec says. Introspection (__schema, __type)
// is answered by the engine itself.
//
// Threading: an Engine is immutable apart from its document cache, which is
// locked; execute() may run on any number of threads at once.
#pragma once

#include "graphql/error.h"
#include "graphql/parser.h"
#include "graphql/schema.h"
#include "graphql/validation.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMutex>

#include <any>
#include <functional>
#include <memory>

namespace ds::server::graphql {

struct EngineLimits
{
    gql::ParseLimits parse = defaultParseLimits();
    ValidationLimits validation;
    int documentCacheSize = 512;   // validated documents kept, by query text

    static gql::ParseLimits defaultParseLimits()
    {
        gql::ParseLimits l;
        l.maxDocumentBytes = 1024 * 1024;
        l.maxStringBytes = 256 * 1024;
        l.maxTokens = 100000;
        l.maxDepth = 64;
        return l;
    }
};

// A parsed and validated request document, shared between the requests that
// send the same text.
class PreparedDocument
{
public:
    const gql::Document &document() const { return m_document; }

private:
    friend class Engine;
    gql::Document m_document;
};

class Operation;

// What the resolver gets for one root field.
struct FieldRequest
{
    const Operation &operation;
    gql::OperationType operationType;
    QString fieldName;                 // "syncPosts"
    QString responseKey;               // the alias, or the field name
    QJsonObject arguments;             // coerced; absent arguments left out
    SourceLocation location;
    const std::any &context;           // whatever the caller passed to execute()
    const FieldInfo *field = nullptr;  // the schema field (type, directives such as @aws_subscribe)
};

// Flat records whose values are already compact JSON text, one per column:
// a page read from storage, written into the response by the executor
// without a QJsonObject per record. A column holds a leaf value (string,
// number, boolean, null) or a list of leaf values, as the schema types it;
// everything else (relations, nested objects) comes from record().
class EncodedRecords
{
public:
    virtual ~EncodedRecords();
    virtual qsizetype size() const = 0;
    // The column of a field, or -1 when the field has none (then record()).
    virtual int column(QStringView field) const = 0;
    // JSON text: "null" for null.
    virtual QByteArrayView value(qsizetype row, int column) const = 0;
    // The whole record as JSON, for the fields without a column.
    virtual QJsonObject record(qsizetype row) const = 0;
};

// What a resolver returns: a value (null on failure), and errors, which get
// the field's path and location unless they carry their own.
struct FieldResult
{
    QJsonValue value = QJsonValue::Null;
    QList<GraphQLError> errors;
    // Merged into the response's top-level "extensions" (GraphQL spec 7.1:
    // clients ignore what they do not know), e.g. {"syncTotal": {...}}.
    QJsonObject extensions;
    // For a connection ({items, nextToken, ...}): its items, in place of
    // value["items"].
    std::shared_ptr<const EncodedRecords> items;

    static FieldResult fromValue(QJsonValue value) { return {std::move(value), {}}; }
    // An AppSync-style error: {"message", "errorType", "data", "errorInfo"}.
    static FieldResult error(const QString &errorType, const QString &message,
                             const QJsonValue &data = QJsonValue::Null,
                             const QJsonValue &errorInfo = QJsonValue::Null);
};

class Resolver
{
public:
    virtual ~Resolver();
    virtual FieldResult resolve(const FieldRequest &request) = 0;
};

// A Resolver over a function, for small servers and tests.
class FunctionResolver : public Resolver
{
public:
    using Function = std::function<FieldResult(const FieldRequest &)>;
    explicit FunctionResolver(Function f) : m_function(std::move(f)) {}
    FieldResult resolve(const FieldRequest &request) override { return m_function(request); }

private:
    Function m_function;
};

struct RootField
{
    QString name;
    QString responseKey;
    QJsonObject arguments;   // coerced
    SourceLocation location;
    const FieldInfo *field = nullptr;
};

// One operation of a prepared document with its coerced variables: what
// execute() runs and what the realtime layer keeps for a subscription.
// Cheap to copy; keeps the schema and the document alive.
class Operation
{
public:
    gql::OperationType type() const { return m_definition->operation; }
    QString name() const { return m_definition->name; }
    const gql::OperationDefinition &definition() const { return *m_definition; }
    const QJsonObject &variables() const { return m_variables; }
    const ExecutableSchema &schema() const { return *m_schema; }
    const std::shared_ptr<const ExecutableSchema> &schemaPointer() const { return m_schema; }

    // The root fields after @skip/@include, with coerced arguments. A
    // subscription has exactly one. On an argument error, returns an empty
    // list and sets *error.
    QList<RootField> rootFields(GraphQLError *error = nullptr) const;

    // The schema field names selected under a root field (fragments merged,
    // @skip/@include applied), in selection order; empty for a leaf.
    QStringList selectedFieldNames(const QString &responseKey) const;

    // Keeps only what the root field's selection set selects, recursively,
    // keyed by schema field name (aliases are ignored; __typename is kept
    // when selected and present). For AppSync subscription semantics: project
    // a mutation's result through the mutation's selection, then run the
    // subscription over it with Engine::executeEvent().
    QJsonValue project(const QString &responseKey, const QJsonValue &value) const;

private:
    friend class Engine;
    std::shared_ptr<const ExecutableSchema> m_schema;
    std::shared_ptr<const PreparedDocument> m_document;
    const gql::OperationDefinition *m_definition = nullptr;
    QJsonObject m_variables;
};

struct PrepareResult
{
    std::optional<Operation> operation;
    QList<GraphQLError> errors;   // set when operation is empty

    bool ok() const { return operation.has_value(); }
};

class Engine
{
public:
    explicit Engine(std::shared_ptr<const ExecutableSchema> schema, EngineLimits limits = {});
    ~Engine();

    const ExecutableSchema &schema() const { return *m_schema; }
    const EngineLimits &limits() const { return m_limits; }

    // Parses and validates the query (or takes it from the cache), selects
    // the operation by name (empty: the only one) and coerces the variables.
    PrepareResult prepare(QByteArrayView query, const QString &operationName,
                          const QJsonObject &variables) const;

    // Runs a prepared operation. Returns the response body:
    // {"data":{...}} or {"data":{...},"errors":[...]}, plus "extensions"
    // when a resolver gave some.
    QByteArray execute(const Operation &operation, Resolver &resolver, const std::any &context = {}) const;

    // prepare() + execute(); on a preparation failure, {"errors":[...]}.
    QByteArray execute(QByteArrayView query, const QString &operationName, const QJsonObject &variables,
                       Resolver &resolver, const std::any &context = {}) const;

    // A subscription event: completes payload (the value of the single root
    // field, e.g. the mutation's projected result) against the subscription's
    // selection set: {"data":{"onCreatePost":{...}}}.
    QByteArray executeEvent(const Operation &subscription, const QJsonValue &payload) const;

    // Parsed and validated documents (for tests and metrics).
    int cachedDocuments() const;

private:
    std::shared_ptr<const PreparedDocument> document(QByteArrayView query, QList<GraphQLError> *errors) const;

    std::shared_ptr<const ExecutableSchema> m_schema;
    EngineLimits m_limits;
    mutable QMutex m_cacheMutex;
    mutable QHash<QByteArray, std::shared_ptr<const PreparedDocument>> m_cache;
    mutable QList<QByteArray> m_cacheOrder;
};

} // namespace ds::server::graphql

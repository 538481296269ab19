// Internals of execution: the per-request plan (fields collected and merged
// per selection set and object type, built once per request, reused for
// every item of a list) and the executor that writes the response.
#pragma once

#include "graphql/engine.h"
#include "graphql/jsonwriter_p.h"

#include <deque>

namespace ds::server::graphql {

struct PlanField;
using Plan = std::vector<PlanField>;

struct PlanField
{
    QString responseKey;
    QByteArray encodedKey;   // "key":
    const FieldInfo *def = nullptr;
    bool isTypename = false;
    // The field's type is a leaf (or a non-null leaf): written without recursion.
    bool isPlainLeaf = false;
    bool isNonNull = false;
    // A leaf or a list of leaves: an EncodedRecords column is written as is.
    bool isEncodable = false;
    // The column of this field in `encodedFor` (EncodedRecords::column()).
    const EncodedRecords *encodedFor = nullptr;
    int encodedColumn = -1;
    std::vector<const gql::Selection *> nodes;   // merged fields with this response key

    bool argumentsDone = false;
    QJsonObject arguments;
    QString argumentError;
    std::vector<std::pair<const TypeInfo *, std::unique_ptr<Plan>>> subPlans;
};

class Planner
{
public:
    Planner(const ExecutableSchema &schema, const gql::Document &document, const QJsonObject &variables);

    Plan &rootPlan(const gql::OperationDefinition &operation, const TypeInfo *root);
    Plan &subPlan(PlanField &field, const TypeInfo *objectType);
    const QJsonObject &arguments(PlanField &field, QString *error);
    const ExecutableSchema &schema() const { return m_schema; }
    const QJsonObject &variables() const { return m_variables; }

private:
    bool include(const gql::List<gql::Directive> &directives) const;
    void collect(const gql::List<gql::Selection> &set, const TypeInfo *type, Plan &plan,
                 QHash<QString, size_t> &index, QSet<QString> &visited);
    void finish(Plan &plan);

    const ExecutableSchema &m_schema;
    const gql::Document &m_document;
    const QJsonObject &m_variables;
    std::unique_ptr<Plan> m_root;
};

// A value being completed: JSON from a resolver, or a schema element for
// introspection.
struct Src
{
    // Records: a list of EncodedRecords; Record: one of them (row).
    enum Kind : quint8 { Json, Schema, Type, Wrapped, Field, InputValue, EnumValue, Directive, List, Records, Record };
    Kind kind = Json;
    QJsonValue json;
    const void *ptr = nullptr;
    std::vector<Src> items;
    // Records and Record; for Json, a connection object's "items" (FieldResult::items).
    std::shared_ptr<const EncodedRecords> records;
    qsizetype row = -1;

    static Src fromJson(QJsonValue v)
    {
        Src s;
        s.json = std::move(v);
        return s;
    }
    static Src of(Kind k, const void *p)
    {
        Src s;
        s.kind = k;
        s.ptr = p;
        if (!p) {
            s.kind = Json;
            s.json = QJsonValue::Null;
        }
        return s;
    }
    bool isNull() const { return kind == Json && (json.isNull() || json.isUndefined()); }
};

class Executor
{
public:
    Executor(Planner &planner, const Operation &operation) : m_planner(planner), m_operation(operation) {}

    JsonWriter &writer() { return m_w; }
    QList<GraphQLError> &errors() { return m_errors; }
    QJsonObject &extensions() { return m_extensions; }

    // Runs the root fields; resolve gives each root field's value.
    void run(const TypeInfo *root, const std::function<Src(PlanField &)> &resolve);
    void pushKey(const QString *key) { m_path.push_back({key, -1}); }
    void popPath() { m_path.pop_back(); }
    QJsonArray path() const;
    void fieldError(const QString &message, const PlanField &field);
    // An error's `data` (e.g. the server item of a ConflictUnhandled) shaped by
    // the field's selection set, as AppSync filters it; data that does not fit
    // the field's type is returned unchanged.
    QJsonValue shapeErrorData(PlanField &field, const TypeInfo *parent, const QJsonValue &data);

private:
    bool complete(const gql::TypeRef &type, PlanField &field, const TypeInfo *parent, const Src &value);
    bool completeNullable(const gql::TypeRef &type, PlanField &field, const TypeInfo *parent, const Src &value);
    bool writeLeaf(const TypeInfo *type, PlanField &field, const QJsonValue &value);
    bool writeObject(Plan &plan, const TypeInfo *type, const Src &value);
    bool writeRecord(Plan &plan, const TypeInfo *type, const Src &value);
    bool writeKey(const PlanField &f, const TypeInfo *type, bool *first);
    Src introspect(const Src &parent, const TypeInfo *parentType, PlanField &field);

    struct PathElement
    {
        const QString *key;
        qsizetype index;
    };

    Planner &m_planner;
    const Operation &m_operation;
    JsonWriter m_w;
    QList<GraphQLError> m_errors;
    QJsonObject m_extensions;
    std::vector<PathElement> m_path;
};

} // namespace ds::server::graphql

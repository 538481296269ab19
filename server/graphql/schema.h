// The executable schema: a type-system graphql::Document (for the server, the
// output of ds::buildApiSchema()) indexed once for fast look-ups, with the
// built-in scalars, the standard directives (@skip, @include, @deprecated,
// @specifiedBy) and the introspection types added.
//
// Immutable after build(): share it between threads through the shared_ptr.
#pragma once

#include "graphql/ast.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace ds::server::graphql {

namespace gql = ds::graphql;

struct TypeInfo;

// How values of a scalar are coerced (the AWS scalars are AppSync's).
enum class ScalarKind {
    Int, Float, String, Boolean, ID,
    AWSDate, AWSTime, AWSDateTime, AWSTimestamp, AWSEmail, AWSJSON, AWSURL, AWSPhone, AWSIPAddress,
    Custom,   // any other scalar: values pass through unchanged
};

struct InputValueInfo
{
    QString name;
    QString description;
    gql::TypeRef type;
    const TypeInfo *namedType = nullptr;
    std::optional<gql::Value> defaultValue;
    bool isDeprecated = false;
    QString deprecationReason;
    SourceLocation location;
};

struct FieldInfo
{
    QString name;
    QString description;
    std::vector<InputValueInfo> arguments;
    gql::TypeRef type;
    const TypeInfo *namedType = nullptr;
    gql::List<gql::Directive> directives;   // as declared (@aws_subscribe, ...)
    bool isDeprecated = false;
    QString deprecationReason;
    SourceLocation location;

    const InputValueInfo *argument(QStringView name) const;
    const gql::Directive *directive(QStringView name) const;
};

struct EnumValueInfo
{
    QString name;
    QString description;
    bool isDeprecated = false;
    QString deprecationReason;
};

struct TypeInfo
{
    using Kind = gql::TypeDefinition::Kind;

    Kind kind = Kind::Object;
    QString name;
    QString description;
    ScalarKind scalar = ScalarKind::Custom;   // Kind::Scalar only
    QString specifiedByURL;                   // Kind::Scalar, from @specifiedBy
    std::vector<FieldInfo> fields;            // Object, Interface
    std::vector<InputValueInfo> inputFields;  // InputObject
    std::vector<EnumValueInfo> enumValues;    // Enum
    std::vector<const TypeInfo *> interfaces;     // Object, Interface
    std::vector<const TypeInfo *> possibleTypes;  // Interface, Union: the object types
    gql::List<gql::Directive> directives;
    bool isIntrospection = false;             // __Schema, __Type, ...

    bool isLeaf() const { return kind == Kind::Scalar || kind == Kind::Enum; }
    bool isComposite() const { return kind == Kind::Object || kind == Kind::Interface || kind == Kind::Union; }
    bool isAbstract() const { return kind == Kind::Interface || kind == Kind::Union; }
    bool isInputType() const { return kind == Kind::Scalar || kind == Kind::Enum || kind == Kind::InputObject; }
    bool isOutputType() const { return kind != Kind::InputObject; }

    const FieldInfo *field(QStringView name) const;
    const InputValueInfo *inputField(QStringView name) const;
    const EnumValueInfo *enumValue(QStringView name) const;
    // For an object type: whether it is this type or one of its possible types.
    bool isPossibleType(const TypeInfo *object) const;

private:
    friend class ExecutableSchema;
    QHash<QString, int> m_fieldIndex;
    QHash<QString, int> m_inputFieldIndex;
    QHash<QString, int> m_enumIndex;
};

struct DirectiveInfo
{
    QString name;
    QString description;
    std::vector<InputValueInfo> arguments;
    QStringList locations;
    bool isRepeatable = false;

    const InputValueInfo *argument(QStringView name) const;
};

class ExecutableSchema
{
public:
    // Indexes a type-system document. Returns nullptr and sets *error when a
    // type reference cannot be resolved, a name is defined twice or the
    // schema has no query type.
    static std::shared_ptr<const ExecutableSchema> build(const gql::Document &typeSystem,
                                                         QString *error = nullptr);

    const TypeInfo *type(QStringView name) const;
    const DirectiveInfo *directive(QStringView name) const;
    const TypeInfo *queryType() const { return m_query; }
    const TypeInfo *mutationType() const { return m_mutation; }
    const TypeInfo *subscriptionType() const { return m_subscription; }
    const TypeInfo *rootType(gql::OperationType op) const;
    QString description() const { return m_description; }

    // Every named type, in declaration order (built-in scalars and the
    // introspection types at the end).
    const std::vector<std::unique_ptr<TypeInfo>> &types() const { return m_types; }
    const std::vector<std::unique_ptr<DirectiveInfo>> &directives() const { return m_directives; }
    QStringList typeNames() const;

    // A field of a composite type including the meta fields: __typename on
    // every composite type, __schema and __type on the query type.
    const FieldInfo *lookupField(const TypeInfo *parent, QStringView name) const;
    const FieldInfo *typenameField() const { return &m_typenameField; }

    // The innermost named type of a reference (nullptr when unknown).
    const TypeInfo *namedType(const gql::TypeRef &ref) const { return type(ref.namedType()); }

    ExecutableSchema(const ExecutableSchema &) = delete;
    ExecutableSchema &operator=(const ExecutableSchema &) = delete;
    ~ExecutableSchema();

private:
    ExecutableSchema();
    std::vector<std::unique_ptr<TypeInfo>> m_types;
    std::vector<std::unique_ptr<DirectiveInfo>> m_directives;
    QHash<QString, const TypeInfo *> m_typeIndex;
    QHash<QString, const DirectiveInfo *> m_directiveIndex;
    const TypeInfo *m_query = nullptr;
    const TypeInfo *m_mutation = nullptr;
    const TypeInfo *m_subscription = nullptr;
    QString m_description;
    FieldInfo m_typenameField;
    FieldInfo m_schemaField;
    FieldInfo m_typeField;
};

QString typeName(const gql::TypeRef &ref);   // "[Post!]!"

} // namespace ds::server::graphql

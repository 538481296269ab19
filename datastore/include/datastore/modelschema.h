// The model schema: what an Amplify-style schema.graphql declares (@model
// types, their fields, keys, indexes, relations and auth rules, enums and
// non-model types), plus every name the Amplify GraphQL transformer (v2)
// derives from it: syncPosts, createPost, onCreatePost, ModelPostFilterInput...
//
// Built once from the SDL by Schema::fromGraphQL(), then read-only and safe
// to share between threads.
#pragma once

#include <datastore/sourcelocation.h>

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

namespace ds {

enum class ScalarType {
    ID, String, Int, Float, Boolean,
    AWSDate, AWSTime, AWSDateTime, AWSTimestamp,
    AWSEmail, AWSJSON, AWSURL, AWSPhone, AWSIPAddress,
};

// "AWSDateTime" <-> ScalarType::AWSDateTime.
QString scalarTypeName(ScalarType type);
std::optional<ScalarType> scalarTypeFromName(QStringView name);

struct FieldType
{
    enum class Kind { Scalar, Enum, Model, NonModel };

    Kind kind = Kind::Scalar;
    ScalarType scalar = ScalarType::String;   // Kind::Scalar only
    QString typeName;          // the GraphQL type name: "String", "PostStatus", "Comment", "Address"
    bool isList = false;
    bool isRequired = false;               // T! or [T]!
    bool isListElementRequired = false;    // [T!]

    // The GraphQL spelling: "String!", "[String]", "[Comment!]!".
    QString toGraphQL() const;
    friend bool operator==(const FieldType &, const FieldType &) = default;
};

enum class RelationKind { None, HasMany, HasOne, BelongsTo, ManyToMany };

struct Relation
{
    RelationKind kind = RelationKind::None;
    QString relatedModel;        // the type the field points to
    // BelongsTo/HasOne: the local fields that hold the related model's key.
    // HasMany: the fields of this model's key the children reference.
    QStringList fields;
    QString indexName;           // HasMany: the child's @index; may be empty
    QStringList associatedWith;  // HasMany/HasOne: the child's fields that point back
    QString relationName;        // ManyToMany: the join model's name
    bool implicitFields = false; // true when the transformer adds the key fields itself
    friend bool operator==(const Relation &, const Relation &) = default;
};

struct FieldSchema
{
    QString name;
    FieldType type;
    // Set by the server, never sent in create/update input: the implicit
    // createdAt/updatedAt timestamp fields, and relation fields. (Declared
    // timestamp fields are writable; the server fills them when unset.)
    bool isReadOnly = false;
    // Not declared in schema.graphql; added as the transformer adds it
    // (createdAt, updatedAt, owner fields, implicit relation keys).
    bool isImplicit = false;
    bool isPrimaryKey = false;   // part of the primary key (partition or sort key)
    std::optional<QVariant> defaultValue;   // @default(value: "...") converted to the field's type
    Relation relation;           // kind None for plain fields
    SourceLocation location;

    bool isRelation() const { return relation.kind != RelationKind::None; }
    // Whether the field is stored as a column / sent over the wire: false for
    // HasMany, HasOne and ManyToMany connection fields and for BelongsTo
    // object fields, whose keys live in ordinary fields.
    bool isStored() const { return !isRelation(); }
    friend bool operator==(const FieldSchema &, const FieldSchema &) = default;
};

struct IndexSchema
{
    QString name;                // "byPost"
    QStringList fields;          // partition key field, then sort key fields
    QString queryField;          // "commentsByPostID"; empty when no query is generated
    friend bool operator==(const IndexSchema &, const IndexSchema &) = default;
};

struct AuthRule
{
    enum class Strategy { Public, Private, Owner, Groups, Custom };
    enum class Provider { ApiKey, Iam, UserPools, Oidc, Function };

    Strategy allow = Strategy::Public;
    Provider provider = Provider::ApiKey;      // defaulted per strategy as the transformer does
    QString ownerField;          // Owner: default "owner"
    QString identityClaim;       // Owner: default "sub::username"; Groups: unused
    QString groupClaim;          // Groups: default "cognito:groups"
    QStringList groups;          // static groups
    QString groupsField;         // dynamic groups
    // create, update, delete, read (expanded to get, list, sync, listen, search
    // where the transformer does); all when the rule names none.
    QStringList operations;
    SourceLocation location;

    bool allows(QStringView operation) const;   // "create", "read", "get", "sync", ...
    bool isOwnerFieldList = false;              // the owner field is [String]
    friend bool operator==(const AuthRule &, const AuthRule &) = default;
};

struct ModelSchema
{
    QString name;                // "Post"
    QString pluralName;          // "Posts"
    // Operation names as the transformer derives them; empty when disabled
    // through @model(queries:/mutations:/subscriptions:).
    QString getQuery;            // getPost
    QString listQuery;           // listPosts
    QString syncQuery;           // syncPosts
    QString createMutation;      // createPost
    QString updateMutation;      // updatePost
    QString deleteMutation;      // deletePost
    QString onCreateSubscription;   // onCreatePost
    QString onUpdateSubscription;   // onUpdatePost
    QString onDeleteSubscription;   // onDeletePost

    // Declared fields in schema order, then the implicit ones in the
    // transformer's order (createdAt, updatedAt, owner, relation keys).
    QList<FieldSchema> fields;
    QStringList primaryKey;      // ["id"] or the @primaryKey field and its sortKeyFields
    QList<IndexSchema> indexes;
    QList<AuthRule> authRules;
    QString createdAtField;      // "createdAt"; empty when timestamps disable it
    QString updatedAtField;      // "updatedAt"
    // The join model the transformer generates for a @manyToMany relation
    // (not declared in the SDL; location is that of the first @manyToMany).
    bool isJoinModel = false;
    SourceLocation location;

    const FieldSchema *field(QStringView name) const;
    bool hasField(QStringView name) const { return field(name) != nullptr; }
    // Fields that are stored / sent over the wire (isStored()), in order.
    QList<const FieldSchema *> storedFields() const;
    // Whether the model has an owner rule (Notes are private to their owner).
    bool hasOwnerAuth() const;
    friend bool operator==(const ModelSchema &, const ModelSchema &) = default;
};

struct EnumSchema
{
    QString name;
    QStringList values;
    SourceLocation location;
    friend bool operator==(const EnumSchema &, const EnumSchema &) = default;
};

// A non-model ("custom") type: a structured value stored inside a model field.
struct NonModelSchema
{
    QString name;
    QList<FieldSchema> fields;
    SourceLocation location;

    const FieldSchema *field(QStringView name) const;
    friend bool operator==(const NonModelSchema &, const NonModelSchema &) = default;
};

class Schema
{
public:
    // Builds and validates the schema from SDL. On failure returns nullopt and
    // fills *error with the first problem, located:
    // "schema.graphql:14:3: @index 'byPost' names field 'postId', which Comment does not have".
    static std::optional<Schema> fromGraphQL(QByteArrayView sdl, const QString &sourceName,
                                             SourceError *error);
    // Same, but collects every problem found (at least one on failure).
    static std::optional<Schema> fromGraphQL(QByteArrayView sdl, const QString &sourceName,
                                             QList<SourceError> *errors);

    const QList<ModelSchema> &models() const { return m_models; }
    const QList<EnumSchema> &enums() const { return m_enums; }
    const QList<NonModelSchema> &nonModels() const { return m_nonModels; }

    const ModelSchema *model(QStringView name) const;
    const EnumSchema *enumType(QStringView name) const;
    const NonModelSchema *nonModel(QStringView name) const;

    // A stable hash of the schema's meaning (hex SHA-256 of its normalized
    // SDL): comments and whitespace do not change it; any field, type,
    // directive or argument does.
    QString version() const { return m_version; }

    // The source the schema was built from, verbatim.
    QByteArray source() const { return m_source; }

    // Models ordered so that every model comes after the models its
    // BelongsTo fields point to (parents before children), as the sync engine
    // needs; cycles are broken in schema order.
    QList<const ModelSchema *> topologicallySortedModels() const;

private:
    friend class SchemaBuilder;
    QList<ModelSchema> m_models;
    QList<EnumSchema> m_enums;
    QList<NonModelSchema> m_nonModels;
    QString m_version;
    QByteArray m_source;
};

// The plural the npm `pluralize` package (and so the Amplify transformer)
// gives a word: Post -> Posts, Person -> People, Status -> Statuses,
// Category -> Categories. Keeps the case of the first letter.
QString pluralize(const QString &word);

} // namespace ds

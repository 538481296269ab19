#include "graphql/schema.h"

#include "graphql/logging_p.h"
#include "graphql/parser.h"

using namespace Qt::StringLiterals;

namespace ds::server::graphql {

namespace {

// Built-in definitions, added when the document does not declare them.
constexpr char kBuiltinScalars[] = R"(
"The `Int` scalar type represents non-fractional signed whole numeric values. Int can represent values between -(2^31) and 2^31 - 1."
scalar Int
"The `Float` scalar type represents signed double-precision fractional values as specified by [IEEE 754](https://en.wikipedia.org/wiki/IEEE_floating_point)."
scalar Float
"The `String` scalar type represents textual data, represented as UTF-8 character sequences. The String type is most often used by GraphQL to represent free-form human-readable text."
scalar String
"The `Boolean` scalar type represents `true` or `false`."
scalar Boolean
"The `ID` scalar type represents a unique identifier, often used to refetch an object or as key for a cache. The ID type appears in a JSON response as a String; however, it is not intended to be human-readable. When expected as an input type, any string (such as `\"4\"`) or integer (such as `4`) input value will be accepted as an ID."
scalar ID
)";

constexpr char kBuiltinDirectives[] = R"(
"Directs the executor to include this field or fragment only when the `if` argument is true."
directive @include("Included when true." if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
"Directs the executor to skip this field or fragment when the `if` argument is true."
directive @skip("Skipped when true." if: Boolean!) on FIELD | FRAGMENT_SPREAD | INLINE_FRAGMENT
"Marks an element of a GraphQL schema as no longer supported."
directive @deprecated(
  "Explains why this element was deprecated, usually also including a suggestion for how to access supported similar data. Formatted using the Markdown syntax, as specified by [CommonMark](https://commonmark.org/)."
  reason: String = "No longer supported"
) on FIELD_DEFINITION | ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION | ENUM_VALUE
"Exposes a URL that specifies the behavior of this scalar."
directive @specifiedBy("The URL that specifies the behavior of this scalar." url: String!) on SCALAR
)";

constexpr char kIntrospection[] = R"(
"A GraphQL Schema defines the capabilities of a GraphQL server. It exposes all available types and directives on the server, as well as the entry points for query, mutation, and subscription operations."
type __Schema {
  description: String
  "A list of all types supported by this server."
  types: [__Type!]!
  "The type that query operations will be rooted at."
  queryType: __Type!
  "If this server supports mutation, the type that mutation operations will be rooted at."
  mutationType: __Type
  "If this server support subscription, the type that subscription operations will be rooted at."
  subscriptionType: __Type
  "A list of all directives supported by this server."
  directives: [__Directive!]!
}
"The fundamental unit of any GraphQL Schema is the type. There are many kinds of types in GraphQL as represented by the `__TypeKind` enum."
type __Type {
  kind: __TypeKind!
  name: String
  description: String
  specifiedByURL: String
  fields(includeDeprecated: Boolean = false): [__Field!]
  interfaces: [__Type!]
  possibleTypes: [__Type!]
  enumValues(includeDeprecated: Boolean = false): [__EnumValue!]
  inputFields(includeDeprecated: Boolean = false): [__InputValue!]
  ofType: __Type
}
"An enum describing what kind of type a given `__Type` is."
enum __TypeKind {
  "Indicates this type is a scalar."
  SCALAR
  "Indicates this type is an object. `fields` and `interfaces` are valid fields."
  OBJECT
  "Indicates this type is an interface. `fields`, `interfaces`, and `possibleTypes` are valid fields."
  INTERFACE
  "Indicates this type is a union. `possibleTypes` is a valid field."
  UNION
  "Indicates this type is an enum. `enumValues` is a valid field."
  ENUM
  "Indicates this type is an input object. `inputFields` is a valid field."
  INPUT_OBJECT
  "Indicates this type is a list. `ofType` is a valid field."
  LIST
  "Indicates this type is a non-null. `ofType` is a valid field."
  NON_NULL
}
"Object and Interface types are described by a list of Fields, each of which has a name, potentially a list of arguments, and a return type."
type __Field {
  name: String!
  description: String
  args(includeDeprecated: Boolean = false): [__InputValue!]!
  type: __Type!
  isDeprecated: Boolean!
  deprecationReason: String
}
"Arguments provided to Fields or Directives and the input fields of an InputObject are represented as Input Values which describe their type and optionally a default value."
type __InputValue {
  name: String!
  description: String
  type: __Type!
  "A GraphQL-formatted string representing the default value for this input value."
  defaultValue: String
  isDeprecated: Boolean!
  deprecationReason: String
}
"One possible value for a given Enum. Enum values are unique values, not a placeholder for a string or numeric value. However an Enum value is returned in a JSON response as a string."
type __EnumValue {
  name: String!
  description: String
  isDeprecated: Boolean!
  deprecationReason: String
}
"A Directive provides a way to describe alternate runtime execution and type validation behavior in a GraphQL document."
type __Directive {
  name: String!
  description: String
  isRepeatable: Boolean!
  locations: [__DirectiveLocation!]!
  args(includeDeprecated: Boolean = false): [__InputValue!]!
}
"A Directive can be adjacent to many parts of the GraphQL language, a __DirectiveLocation describes one such possible adjacencies."
enum __DirectiveLocation {
  QUERY
  MUTATION
  SUBSCRIPTION
  FIELD
  FRAGMENT_DEFINITION
  FRAGMENT_SPREAD
  INLINE_FRAGMENT
  VARIABLE_DEFINITION
  SCHEMA
  SCALAR
  OBJECT
  FIELD_DEFINITION
  ARGUMENT_DEFINITION
  INTERFACE
  UNION
  ENUM
  ENUM_VALUE
  INPUT_OBJECT
  INPUT_FIELD_DEFINITION
}
)";

ScalarKind scalarKindOf(QStringView name)
{
    static const QHash<QString, ScalarKind> kinds = {
        {u"Int"_s, ScalarKind::Int}, {u"Float"_s, ScalarKind::Float},
        {u"String"_s, ScalarKind::String}, {u"Boolean"_s, ScalarKind::Boolean},
        {u"ID"_s, ScalarKind::ID}, {u"AWSDate"_s, ScalarKind::AWSDate},
        {u"AWSTime"_s, ScalarKind::AWSTime}, {u"AWSDateTime"_s, ScalarKind::AWSDateTime},
        {u"AWSTimestamp"_s, ScalarKind::AWSTimestamp}, {u"AWSEmail"_s, ScalarKind::AWSEmail},
        {u"AWSJSON"_s, ScalarKind::AWSJSON}, {u"AWSURL"_s, ScalarKind::AWSURL},
        {u"AWSPhone"_s, ScalarKind::AWSPhone}, {u"AWSIPAddress"_s, ScalarKind::AWSIPAddress},
    };
    return kinds.value(name.toString(), ScalarKind::Custom);
}

void readDeprecation(const gql::List<gql::Directive> &directives, bool *deprecated, QString *reason)
{
    for (const gql::Directive &d : directives) {
        if (d.name != u"deprecated")
            continue;
        *deprecated = true;
        const gql::Argument *r = d.argument(u"reason");
        *reason = r && r->value.kind == gql::Value::Kind::String ? r->value.text
                                                                 : u"No longer supported"_s;
    }
}

InputValueInfo inputValueOf(const gql::InputValueDefinition &def)
{
    InputValueInfo info;
    info.name = def.name;
    info.description = def.description;
    info.type = def.type;
    info.defaultValue = def.defaultValue;
    info.location = def.loc.at;
    readDeprecation(def.directives, &info.isDeprecated, &info.deprecationReason);
    return info;
}

FieldInfo fieldOf(const gql::FieldDefinition &def)
{
    FieldInfo info;
    info.name = def.name;
    info.description = def.description;
    for (const gql::InputValueDefinition &a : def.arguments)
        info.arguments.push_back(inputValueOf(a));
    info.type = def.type;
    info.directives = def.directives;
    info.location = def.loc.at;
    readDeprecation(def.directives, &info.isDeprecated, &info.deprecationReason);
    return info;
}

} // namespace

const InputValueInfo *FieldInfo::argument(QStringView name) const
{
    for (const InputValueInfo &a : arguments)
        if (a.name == name)
            return &a;
    return nullptr;
}

const gql::Directive *FieldInfo::directive(QStringView name) const
{
    for (const gql::Directive &d : directives)
        if (d.name == name)
            return &d;
    return nullptr;
}

const InputValueInfo *DirectiveInfo::argument(QStringView name) const
{
    for (const InputValueInfo &a : arguments)
        if (a.name == name)
            return &a;
    return nullptr;
}

const FieldInfo *TypeInfo::field(QStringView name) const
{
    const auto it = m_fieldIndex.constFind(name.toString());
    return it == m_fieldIndex.constEnd() ? nullptr : &fields[size_t(*it)];
}

const InputValueInfo *TypeInfo::inputField(QStringView name) const
{
    const auto it = m_inputFieldIndex.constFind(name.toString());
    return it == m_inputFieldIndex.constEnd() ? nullptr : &inputFields[size_t(*it)];
}

const EnumValueInfo *TypeInfo::enumValue(QStringView name) const
{
    const auto it = m_enumIndex.constFind(name.toString());
    return it == m_enumIndex.constEnd() ? nullptr : &enumValues[size_t(*it)];
}

bool TypeInfo::isPossibleType(const TypeInfo *object) const
{
    if (object == this)
        return true;
    for (const TypeInfo *t : possibleTypes)
        if (t == object)
            return true;
    return false;
}

ExecutableSchema::ExecutableSchema() = default;
ExecutableSchema::~ExecutableSchema() = default;

const TypeInfo *ExecutableSchema::type(QStringView name) const
{
    return m_typeIndex.value(name.toString());
}

const DirectiveInfo *ExecutableSchema::directive(QStringView name) const
{
    return m_directiveIndex.value(name.toString());
}

const TypeInfo *ExecutableSchema::rootType(gql::OperationType op) const
{
    switch (op) {
    case gql::OperationType::Query: return m_query;
    case gql::OperationType::Mutation: return m_mutation;
    case gql::OperationType::Subscription: return m_subscription;
    }
    return nullptr;
}

QStringList ExecutableSchema::typeNames() const
{
    QStringList names;
    for (const auto &t : m_types)
        names.append(t->name);
    return names;
}

const FieldInfo *ExecutableSchema::lookupField(const TypeInfo *parent, QStringView name) const
{
    if (name.startsWith(u"__")) {
        if (name == u"__typename")
            return &m_typenameField;
        if (parent == m_query) {
            if (name == u"__schema")
                return &m_schemaField;
            if (name == u"__type")
                return &m_typeField;
        }
    }
    return parent->field(name);
}

QString typeName(const gql::TypeRef &ref)
{
    switch (ref.kind) {
    case gql::TypeRef::Kind::Named: return ref.name;
    case gql::TypeRef::Kind::List: return u'[' + typeName(ref.inner()) + u']';
    case gql::TypeRef::Kind::NonNull: return typeName(ref.inner()) + u'!';
    }
    return {};
}

std::shared_ptr<const ExecutableSchema> ExecutableSchema::build(const gql::Document &typeSystem,
                                                                 QString *error)
{
    auto fail = [error](const QString &message) -> std::shared_ptr<const ExecutableSchema> {
        if (error)
            *error = message;
        qCWarning(lcServerGraphQL, "cannot build the executable schema: %s", qPrintable(message));
        return nullptr;
    };

    std::shared_ptr<ExecutableSchema> schema(new ExecutableSchema);
    QHash<QString, TypeInfo *> byName;
    QHash<QString, QStringList> unionMembers;
    QHash<QString, QStringList> interfaceNames;
    QString queryName, mutationName, subscriptionName;
    bool hasSchemaDefinition = false;

    auto addDocument = [&](const gql::Document &doc, bool builtin) -> QString {
        for (const gql::Definition &d : doc.definitions) {
            if (const auto *t = std::get_if<gql::TypeDefinition>(&d)) {
                TypeInfo *info = byName.value(t->name);
                if (!t->isExtension) {
                    if (info) {
                        if (builtin)
                            continue;   // the document declares it itself
                        return u"type '"_s + t->name + u"' is defined more than once"_s;
                    }
                    schema->m_types.push_back(std::make_unique<TypeInfo>());
                    info = schema->m_types.back().get();
                    byName.insert(t->name, info);
                    info->kind = t->kind;
                    info->name = t->name;
                    info->description = t->description;
                    info->isIntrospection = t->name.startsWith(u"__");
                } else if (!info) {
                    return u"extension of the undefined type '"_s + t->name + u'\'';
                }
                for (const gql::Directive &dir : t->directives) {
                    info->directives.push_back(dir);
                    if (dir.name == u"specifiedBy") {
                        if (const gql::Argument *url = dir.argument(u"url"))
                            info->specifiedByURL = url->value.text;
                    }
                }
                for (const gql::FieldDefinition &f : t->fields)
                    info->fields.push_back(fieldOf(f));
                for (const gql::InputValueDefinition &f : t->inputFields)
                    info->inputFields.push_back(inputValueOf(f));
                for (const gql::EnumValueDefinition &v : t->enumValues) {
                    EnumValueInfo e;
                    e.name = v.name;
                    e.description = v.description;
                    readDeprecation(v.directives, &e.isDeprecated, &e.deprecationReason);
                    info->enumValues.push_back(e);
                }
                unionMembers[t->name] += t->unionMembers;
                interfaceNames[t->name] += t->interfaces;
            } else if (const auto *dd = std::get_if<gql::DirectiveDefinition>(&d)) {
                if (schema->m_directiveIndex.contains(dd->name)) {
                    if (builtin)
                        continue;
                    return u"directive '@"_s + dd->name + u"' is defined more than once"_s;
                }
                auto info = std::make_unique<DirectiveInfo>();
                info->name = dd->name;
                info->description = dd->description;
                for (const gql::InputValueDefinition &a : dd->arguments)
                    info->arguments.push_back(inputValueOf(a));
                info->locations = dd->locations;
                info->isRepeatable = dd->repeatable;
                schema->m_directiveIndex.insert(info->name, info.get());
                schema->m_directives.push_back(std::move(info));
            } else if (const auto *sd = std::get_if<gql::SchemaDefinition>(&d)) {
                hasSchemaDefinition = true;
                if (!sd->isExtension)
                    schema->m_description = sd->description;
                for (const gql::RootOperationTypeDefinition &r : sd->operationTypes) {
                    QString &slot = r.operation == gql::OperationType::Query ? queryName
                        : r.operation == gql::OperationType::Mutation        ? mutationName
                                                                             : subscriptionName;
                    slot = r.typeName;
                }
            } else {
                return u"a type-system document cannot hold executable definitions"_s;
            }
        }
        return {};
    };

    if (QString message = addDocument(typeSystem, false); !message.isEmpty())
        return fail(message);
    for (const char *builtin : {kBuiltinScalars, kBuiltinDirectives, kIntrospection}) {
        const gql::ParseResult parsed = gql::parse(QByteArrayView(builtin), u"<builtin>"_s,
                                                   gql::DocumentKind::TypeSystem);
        Q_ASSERT(parsed.ok());
        if (QString message = addDocument(parsed.document, true); !message.isEmpty())
            return fail(message);
    }
    for (const auto &t : schema->m_types)
        schema->m_typeIndex.insert(t->name, t.get());

    // Resolve references.
    auto resolveInputValue = [&](InputValueInfo &v, const QString &owner) -> QString {
        v.namedType = schema->m_typeIndex.value(v.type.namedType());
        if (!v.namedType)
            return owner + u'.' + v.name + u" refers to the undefined type '"_s + v.type.namedType() + u'\'';
        if (!v.namedType->isInputType())
            return owner + u'.' + v.name + u" must be an input type, not '"_s + v.type.namedType() + u'\'';
        return {};
    };
    for (const auto &t : schema->m_types) {
        TypeInfo &info = *t;
        if (info.kind == TypeInfo::Kind::Scalar)
            info.scalar = scalarKindOf(info.name);
        for (int i = 0; i < int(info.fields.size()); ++i) {
            FieldInfo &f = info.fields[size_t(i)];
            if (info.m_fieldIndex.contains(f.name))
                return fail(u"field '"_s + info.name + u'.' + f.name + u"' is defined more than once"_s);
            info.m_fieldIndex.insert(f.name, i);
            f.namedType = schema->m_typeIndex.value(f.type.namedType());
            if (!f.namedType)
                return fail(info.name + u'.' + f.name + u" refers to the undefined type '"_s
                            + f.type.namedType() + u'\'');
            if (!f.namedType->isOutputType())
                return fail(info.name + u'.' + f.name + u" must be an output type, not '"_s
                            + f.type.namedType() + u'\'');
            for (InputValueInfo &a : f.arguments)
                if (QString m = resolveInputValue(a, info.name + u'.' + f.name); !m.isEmpty())
                    return fail(m);
        }
        for (int i = 0; i < int(info.inputFields.size()); ++i) {
            InputValueInfo &f = info.inputFields[size_t(i)];
            if (info.m_inputFieldIndex.contains(f.name))
                return fail(u"input field '"_s + info.name + u'.' + f.name + u"' is defined more than once"_s);
            info.m_inputFieldIndex.insert(f.name, i);
            if (QString m = resolveInputValue(f, info.name); !m.isEmpty())
                return fail(m);
        }
        for (int i = 0; i < int(info.enumValues.size()); ++i)
            info.m_enumIndex.insert(info.enumValues[size_t(i)].name, i);
        for (const QString &name : interfaceNames.value(info.name)) {
            const TypeInfo *iface = schema->m_typeIndex.value(name);
            if (!iface || iface->kind != TypeInfo::Kind::Interface)
                return fail(info.name + u" implements '"_s + name + u"', which is not an interface"_s);
            info.interfaces.push_back(iface);
        }
        for (const QString &name : unionMembers.value(info.name)) {
            const TypeInfo *member = schema->m_typeIndex.value(name);
            if (!member || member->kind != TypeInfo::Kind::Object)
                return fail(u"union "_s + info.name + u" has the member '"_s + name + u"', which is not an object type"_s);
            info.possibleTypes.push_back(member);
        }
    }
    for (const auto &t : schema->m_types) {
        if (t->kind != TypeInfo::Kind::Object)
            continue;
        for (const TypeInfo *iface : t->interfaces)
            byName.value(iface->name)->possibleTypes.push_back(t.get());
    }
    for (const auto &d : schema->m_directives)
        for (InputValueInfo &a : d->arguments)
            if (QString m = resolveInputValue(a, u'@' + d->name); !m.isEmpty())
                return fail(m);

    if (!hasSchemaDefinition) {
        queryName = u"Query"_s;
        mutationName = u"Mutation"_s;
        subscriptionName = u"Subscription"_s;
    }
    auto root = [&](const QString &name, bool required, const TypeInfo **slot) -> QString {
        if (name.isEmpty())
            return {};
        const TypeInfo *t = schema->m_typeIndex.value(name);
        if (!t || t->kind != TypeInfo::Kind::Object)
            return required || hasSchemaDefinition
                ? u"the root operation type '"_s + name + u"' is not an object type"_s
                : QString();
        *slot = t;
        return {};
    };
    if (QString m = root(queryName, true, &schema->m_query); !m.isEmpty())
        return fail(m);
    if (QString m = root(mutationName, false, &schema->m_mutation); !m.isEmpty())
        return fail(m);
    if (QString m = root(subscriptionName, false, &schema->m_subscription); !m.isEmpty())
        return fail(m);

    // Meta fields.
    schema->m_typenameField.name = u"__typename"_s;
    schema->m_typenameField.description = u"The name of the current Object type at runtime."_s;
    schema->m_typenameField.type = gql::TypeRef::nonNull(gql::TypeRef::named(u"String"_s));
    schema->m_typenameField.namedType = schema->m_typeIndex.value(u"String"_s);
    schema->m_schemaField.name = u"__schema"_s;
    schema->m_schemaField.description = u"Access the current type schema of this server."_s;
    schema->m_schemaField.type = gql::TypeRef::nonNull(gql::TypeRef::named(u"__Schema"_s));
    schema->m_schemaField.namedType = schema->m_typeIndex.value(u"__Schema"_s);
    schema->m_typeField.name = u"__type"_s;
    schema->m_typeField.description = u"Request the type information of a single type."_s;
    schema->m_typeField.type = gql::TypeRef::named(u"__Type"_s);
    schema->m_typeField.namedType = schema->m_typeIndex.value(u"__Type"_s);
    InputValueInfo nameArg;
    nameArg.name = u"name"_s;
    nameArg.type = gql::TypeRef::nonNull(gql::TypeRef::named(u"String"_s));
    nameArg.namedType = schema->m_typenameField.namedType;
    schema->m_typeField.arguments.push_back(nameArg);

    return schema;
}

} // namespace ds::server::graphql

// Schema::fromGraphQL(): builds the model schema from Amplify-style SDL the
// way the Amplify GraphQL transformer (v2) reads it, and validates it.
//
// Passes:
//  1. collect the type definitions (models, non-model types, enums);
//  2. per model: fields and their types, @model options and derived
//     operation names, @primaryKey, @index, timestamps, @auth and the
//     implicit owner fields, @default;
//  3. relations (@hasMany, then @hasOne, @belongsTo, @manyToMany) with the
//     implicit key fields and join models the transformer adds.
// Every problem is collected with its location; the errors are sorted by
// position so the "first problem" is the earliest one in the source.

#include "schema/modelschema.h"

#include "schema/apischema.h"
#include "schema/schemautil_p.h"

#include "common/logging_p.h"
#include "graphql/parser.h"
#include "graphql/printer.h"

#include <QCryptographicHash>
#include <QHash>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace ds {

using namespace schema_detail;
namespace gql = graphql;

namespace {

const QStringList kModelFieldDirectives = {
    u"primaryKey"_s, u"index"_s, u"hasMany"_s, u"hasOne"_s, u"belongsTo"_s,
    u"manyToMany"_s, u"auth"_s, u"default"_s,
};
const QStringList kModelTypeDirectives = {u"model"_s, u"auth"_s};
const QStringList kReservedFieldNames = {u"_version"_s, u"_deleted"_s, u"_lastChangedAt"_s};
const QStringList kAuthOperations = {
    u"create"_s, u"update"_s, u"delete"_s, u"read"_s,
    u"get"_s, u"list"_s, u"sync"_s, u"listen"_s, u"search"_s,
};

QString valueKindName(const gql::Value &v)
{
    switch (v.kind) {
    case gql::Value::Kind::Variable: return u"a variable"_s;
    case gql::Value::Kind::Int: return u"an Int"_s;
    case gql::Value::Kind::Float: return u"a Float"_s;
    case gql::Value::Kind::String: return u"a String"_s;
    case gql::Value::Kind::Boolean: return u"a Boolean"_s;
    case gql::Value::Kind::Null: return u"null"_s;
    case gql::Value::Kind::Enum: return u"an enum value"_s;
    case gql::Value::Kind::List: return u"a list"_s;
    case gql::Value::Kind::Object: return u"an object"_s;
    }
    return {};
}

const gql::TypeRef &namedRef(const gql::TypeRef &ref)
{
    const gql::TypeRef *r = &ref;
    while (r->kind != gql::TypeRef::Kind::Named && !r->ofType.empty())
        r = &r->ofType.front();
    return *r;
}

bool isStringish(const gql::Value &v)
{
    return v.kind == gql::Value::Kind::String || v.kind == gql::Value::Kind::Enum;
}

} // namespace

class SchemaBuilder
{
public:
    explicit SchemaBuilder(const QString &sourceName) : m_sourceName(sourceName) { }

    std::optional<Schema> build(QByteArrayView sdl, QList<SourceError> *errors);

private:
    struct ModelInfo
    {
        const gql::TypeDefinition *def = nullptr;   // nullptr for join models
    };

    void fail(const SourceLocation &at, const QString &message)
    {
        m_errors.append(SourceError{m_sourceName, at, message});
    }
    void fail(const gql::Loc &loc, const QString &message) { fail(loc.at, message); }

    // Argument helpers: report wrong types and unknown names.
    bool checkArguments(const gql::Directive &d, const QStringList &allowed, const QString &context);
    bool readString(const gql::Value &v, const QString &what, const QString &context, QString *out);
    bool readStringList(const gql::Value &v, const QString &what, const QString &context, QStringList *out);
    // A directive the transformer declares non-repeatable, used twice in one place.
    void checkRepeats(const gql::List<gql::Directive> &directives, const QString &context);

    std::optional<FieldType> resolveType(const gql::TypeRef &ref, const QString &context);
    bool isScalarOrEnum(const FieldType &t) const
    {
        return t.kind == FieldType::Kind::Scalar || t.kind == FieldType::Kind::Enum;
    }

    void collectTypes();
    void buildEnum(const gql::TypeDefinition &def);
    void buildNonModel(const gql::TypeDefinition &def);
    void buildModel(const gql::TypeDefinition &def);
    void readModelOptions(ModelSchema &m, const gql::Directive &d);
    void readPrimaryKey(ModelSchema &m, const gql::TypeDefinition &def);
    void readIndexes(ModelSchema &m, const gql::TypeDefinition &def);
    void readAuth(const gql::Directive &d, const QString &context, const ModelSchema *m, QList<AuthRule> *out);
    void readDefault(FieldSchema &f, const gql::Directive &d, const QString &context);

    void buildRelations();
    void buildHasMany(ModelSchema &m, FieldSchema &f, const gql::FieldDefinition &fd, const gql::Directive &d);
    void buildHasOne(ModelSchema &m, FieldSchema &f, const gql::FieldDefinition &fd, const gql::Directive &d);
    void buildBelongsTo(ModelSchema &m, FieldSchema &f, const gql::FieldDefinition &fd, const gql::Directive &d);
    void buildManyToMany();
    bool checkRelationTarget(const ModelSchema &m, const FieldSchema &f, const gql::FieldDefinition &fd,
                             const QString &directive, bool wantList);
    bool readRelationFields(const ModelSchema &m, const FieldSchema &f, const gql::Directive &d,
                            const QString &directive, QStringList *fields, bool *present);
    const ModelSchema *readKeyedRelation(ModelSchema &m, FieldSchema &f, const gql::FieldDefinition &fd,
                                         const gql::Directive &d, const QString &directive,
                                         Relation *r, bool *hasFields);
    ModelSchema *modelNamed(const QString &name);
    void addImplicitField(ModelSchema &m, const QString &name, FieldType type, const SourceLocation &at);

    QString m_sourceName;
    QList<SourceError> m_errors;
    gql::Document m_doc;
    Schema m_schema;
    QList<ModelInfo> m_modelInfo;   // parallel to m_schema.m_models

    QHash<QString, const gql::TypeDefinition *> m_typeDefs;
    QSet<QString> m_modelNames;
    QSet<QString> m_enumNames;
    QSet<QString> m_nonModelNames;

    struct ManyToManySide
    {
        QString model;
        QString field;
        SourceLocation location;
        SourceLocation relationNameLocation;
    };
    QList<QPair<QString, QList<ManyToManySide>>> m_manyToMany;   // relationName -> sides, in order
};

// ---- argument helpers -------------------------------------------------------

bool SchemaBuilder::checkArguments(const gql::Directive &d, const QStringList &allowed, const QString &context)
{
    bool ok = true;
    QSet<QString> seen;
    for (const gql::Argument &a : d.arguments) {
        if (!allowed.contains(a.name)) {
            fail(a.loc, context + u": @"_s + d.name + u" has no argument '"_s + a.name + u"'"_s);
            ok = false;
        } else if (seen.contains(a.name)) {
            fail(a.loc, context + u": @"_s + d.name + u" has argument '"_s + a.name + u"' twice"_s);
            ok = false;
        }
        seen.insert(a.name);
    }
    return ok;
}

bool SchemaBuilder::readString(const gql::Value &v, const QString &what, const QString &context, QString *out)
{
    if (v.kind != gql::Value::Kind::String) {
        fail(v.loc, context + u": "_s + what + u" must be a String, not "_s + valueKindName(v));
        return false;
    }
    *out = v.text;
    return true;
}

bool SchemaBuilder::readStringList(const gql::Value &v, const QString &what, const QString &context,
                                   QStringList *out)
{
    out->clear();
    if (v.kind == gql::Value::Kind::String) {
        out->append(v.text);
        return true;
    }
    if (v.kind == gql::Value::Kind::List) {
        for (const gql::Value &item : v.list) {
            if (item.kind != gql::Value::Kind::String) {
                fail(item.loc, context + u": "_s + what + u" must be a list of Strings, not contain "_s
                                   + valueKindName(item));
                return false;
            }
            out->append(item.text);
        }
        return true;
    }
    fail(v.loc, context + u": "_s + what + u" must be a list of Strings, not "_s + valueKindName(v));
    return false;
}

// ---- types --------------------------------------------------------------------

std::optional<FieldType> SchemaBuilder::resolveType(const gql::TypeRef &ref, const QString &context)
{
    FieldType t;
    const gql::TypeRef *r = &ref;
    if (r->kind == gql::TypeRef::Kind::NonNull) {
        t.isRequired = true;
        r = &r->inner();
    }
    if (r->kind == gql::TypeRef::Kind::List) {
        t.isList = true;
        r = &r->inner();
        if (r->kind == gql::TypeRef::Kind::NonNull) {
            t.isListElementRequired = true;
            r = &r->inner();
        }
        if (r->kind != gql::TypeRef::Kind::Named) {
            fail(r->loc, context + u": lists of lists are not supported"_s);
            return std::nullopt;
        }
    }
    t.typeName = r->name;
    if (const auto scalar = scalarTypeFromName(r->name)) {
        t.kind = FieldType::Kind::Scalar;
        t.scalar = *scalar;
    } else if (m_enumNames.contains(r->name)) {
        t.kind = FieldType::Kind::Enum;
    } else if (m_modelNames.contains(r->name)) {
        t.kind = FieldType::Kind::Model;
    } else if (m_nonModelNames.contains(r->name)) {
        t.kind = FieldType::Kind::NonModel;
    } else {
        fail(r->loc, context + u": unknown type '"_s + r->name + u"'"_s);
        return std::nullopt;
    }
    return t;
}

void SchemaBuilder::checkRepeats(const gql::List<gql::Directive> &directives, const QString &context)
{
    // @index is repeatable; two relation directives get their own message.
    static const QStringList exempt = {
        u"index"_s, u"hasMany"_s, u"hasOne"_s, u"belongsTo"_s, u"manyToMany"_s,
    };
    QStringList seen;
    for (const gql::Directive &d : directives) {
        if (exempt.contains(d.name))
            continue;
        if (seen.contains(d.name))
            fail(d.loc, context + u": @"_s + d.name + u" can be used only once here"_s);
        seen.append(d.name);
    }
}

void SchemaBuilder::collectTypes()
{
    for (const gql::Definition &definition : m_doc.definitions) {
        const auto *def = std::get_if<gql::TypeDefinition>(&definition);
        if (!def) {
            if (const auto *dd = std::get_if<gql::DirectiveDefinition>(&definition))
                qCDebug(lcSchema) << "ignoring directive definition" << dd->name;
            else if (std::holds_alternative<gql::SchemaDefinition>(definition))
                qCDebug(lcSchema) << "ignoring schema definition";
            continue;
        }
        if (def->isExtension) {
            fail(def->loc, u"extensions of '"_s + def->name + u"' are not supported in a model schema"_s);
            continue;
        }
        if (def->name.startsWith(u"__")) {
            fail(def->loc, def->name + u": names beginning with '__' are reserved for GraphQL introspection"_s);
            continue;
        }
        if (def->kind == gql::TypeDefinition::Kind::Scalar) {
            if (!scalarTypeFromName(def->name))
                fail(def->loc, u"custom scalar '"_s + def->name + u"' is not supported"_s);
            continue;
        }
        if (scalarTypeFromName(def->name)) {
            fail(def->loc, u"type '"_s + def->name + u"' redefines a built-in scalar"_s);
            continue;
        }
        if (m_typeDefs.contains(def->name)) {
            fail(def->loc, u"duplicate type '"_s + def->name + u"'"_s);
            continue;
        }
        switch (def->kind) {
        case gql::TypeDefinition::Kind::Enum:
            m_typeDefs.insert(def->name, def);
            m_enumNames.insert(def->name);
            break;
        case gql::TypeDefinition::Kind::Object:
            if (def->name == u"Query" || def->name == u"Mutation" || def->name == u"Subscription") {
                if (def->directive(u"model")) {
                    fail(def->loc, def->name + u": a @model cannot be named like a root operation type "
                                               "(Query, Mutation, Subscription)"_s);
                    break;
                }
                qCDebug(lcSchema) << "ignoring custom operations type" << def->name;
                break;
            }
            m_typeDefs.insert(def->name, def);
            if (def->directive(u"model"))
                m_modelNames.insert(def->name);
            else
                m_nonModelNames.insert(def->name);
            break;
        default:
            qCDebug(lcSchema) << "ignoring type" << def->name << "(not an object or enum type)";
            break;
        }
    }
}

void SchemaBuilder::buildEnum(const gql::TypeDefinition &def)
{
    EnumSchema e;
    e.name = def.name;
    e.location = def.loc.at;
    for (const gql::EnumValueDefinition &v : def.enumValues) {
        if (e.values.contains(v.name)) {
            fail(v.loc, def.name + u": duplicate enum value '"_s + v.name + u"'"_s);
            continue;
        }
        if (v.name.startsWith(u"__")) {
            fail(v.loc, def.name + u'.' + v.name + u": names beginning with '__' are reserved for GraphQL introspection"_s);
            continue;
        }
        e.values.append(v.name);
    }
    m_schema.m_enums.append(e);
}

void SchemaBuilder::buildNonModel(const gql::TypeDefinition &def)
{
    NonModelSchema n;
    n.name = def.name;
    n.location = def.loc.at;
    for (const gql::FieldDefinition &fd : def.fields) {
        const QString context = def.name + u'.' + fd.name;
        if (n.field(fd.name)) {
            fail(fd.loc, def.name + u": duplicate field '"_s + fd.name + u"'"_s);
            continue;
        }
        if (fd.name.startsWith(u"__")) {
            fail(fd.loc, context + u": names beginning with '__' are reserved for GraphQL introspection"_s);
            continue;
        }
        for (const gql::Directive &d : fd.directives)
            fail(d.loc, context + u": unknown directive @"_s + d.name + u" on a non-model type"_s);
        const auto type = resolveType(fd.type, context);
        if (!type)
            continue;
        if (type->kind == FieldType::Kind::Model) {
            fail(namedRef(fd.type).loc, context + u": non-model type '"_s + def.name
                                            + u"' cannot have a field of model type '"_s + type->typeName + u"'"_s);
            continue;
        }
        FieldSchema f;
        f.name = fd.name;
        f.type = *type;
        f.location = fd.loc.at;
        n.fields.append(f);
    }
    m_schema.m_nonModels.append(n);
}

// ---- models -------------------------------------------------------------------

void SchemaBuilder::buildModel(const gql::TypeDefinition &def)
{
    ModelSchema m;
    m.name = def.name;
    m.location = def.loc.at;
    m.pluralName = pluralize(def.name);
    m.getQuery = camelCase({u"get"_s, def.name});
    m.listQuery = camelCase({u"list"_s, m.pluralName});
    m.syncQuery = camelCase({u"sync"_s, m.pluralName});
    m.createMutation = camelCase({u"create"_s, def.name});
    m.updateMutation = camelCase({u"update"_s, def.name});
    m.deleteMutation = camelCase({u"delete"_s, def.name});
    m.onCreateSubscription = subscriptionName(u"onCreate"_s, def.name);
    m.onUpdateSubscription = subscriptionName(u"onUpdate"_s, def.name);
    m.onDeleteSubscription = subscriptionName(u"onDelete"_s, def.name);
    m.createdAtField = u"createdAt"_s;
    m.updatedAtField = u"updatedAt"_s;

    for (const gql::Directive &d : def.directives) {
        if (!kModelTypeDirectives.contains(d.name))
            fail(d.loc, def.name + u": unknown directive @"_s + d.name + u" on a model"_s);
    }
    checkRepeats(def.directives, def.name);
    if (const gql::Directive *d = def.directive(u"model"))
        readModelOptions(m, *d);

    // Declared fields.
    for (const gql::FieldDefinition &fd : def.fields) {
        const QString context = def.name + u'.' + fd.name;
        if (m.field(fd.name)) {
            fail(fd.loc, def.name + u": duplicate field '"_s + fd.name + u"'"_s);
            continue;
        }
        if (kReservedFieldNames.contains(fd.name)) {
            fail(fd.loc, context + u": the field name '"_s + fd.name + u"' is reserved for sync metadata"_s);
            continue;
        }
        if (fd.name.startsWith(u"__")) {
            fail(fd.loc, context + u": names beginning with '__' are reserved for GraphQL introspection"_s);
            continue;
        }
        if (!fd.arguments.empty())
            fail(fd.arguments.front().loc, context + u": model fields cannot have arguments"_s);
        bool directivesOk = true;
        for (const gql::Directive &d : fd.directives) {
            if (!kModelFieldDirectives.contains(d.name)) {
                fail(d.loc, context + u": unknown directive @"_s + d.name);
                directivesOk = false;
            }
        }
        checkRepeats(fd.directives, context);
        auto type = resolveType(fd.type, context);
        FieldSchema f;
        f.name = fd.name;
        f.location = fd.loc.at;
        if (type)
            f.type = *type;
        if (type && type->kind == FieldType::Kind::Model) {
            static const QStringList relationDirectives = {
                u"hasMany"_s, u"hasOne"_s, u"belongsTo"_s, u"manyToMany"_s,
            };
            int count = 0;
            for (const gql::Directive &d : fd.directives)
                count += relationDirectives.contains(d.name) ? 1 : 0;
            if (count == 0 && directivesOk) {
                fail(fd.loc, context + u": field of model type '"_s + type->typeName
                                 + u"' needs @hasMany, @hasOne, @belongsTo or @manyToMany"_s);
            } else if (count > 1) {
                fail(fd.loc, context + u": only one relation directive is allowed on a field"_s);
            }
            f.isReadOnly = true;
        } else if (type) {
            for (const gql::Directive &d : fd.directives) {
                if (d.name == u"hasMany" || d.name == u"hasOne" || d.name == u"belongsTo"
                    || d.name == u"manyToMany") {
                    fail(d.loc, context + u": @"_s + d.name + u" needs a field of @model type, but '"_s
                                    + type->typeName + u"' is not a model"_s);
                }
            }
        }
        if (const gql::Directive *d = fd.directive(u"default"); d && type)
            readDefault(f, *d, context);
        if (const gql::Directive *d = fd.directive(u"auth")) {
            QList<AuthRule> fieldRules;
            readAuth(*d, context, nullptr, &fieldRules);   // validated; field rules are not modelled
        }
        m.fields.append(f);
    }

    readPrimaryKey(m, def);
    readIndexes(m, def);

    // Timestamps: missing ones are added, read-only. Declared ones stay
    // writable: the transformer puts them in the create/update inputs
    // (CreateUserInput.createdAt), and the server fills them only when unset.
    for (const QString *name : {&m.createdAtField, &m.updatedAtField}) {
        if (name->isEmpty())
            continue;
        if (const FieldSchema *declared = m.field(*name)) {
            // The store and the server write ISO 8601 date-times into it.
            if (declared->type.kind != FieldType::Kind::Scalar || declared->type.isList
                || declared->type.scalar != ScalarType::AWSDateTime) {
                fail(declared->location, m.name + u'.' + *name + u": the "_s
                                             + (name == &m.createdAtField ? u"createdAt"_s : u"updatedAt"_s)
                                             + u" timestamp field must be an AWSDateTime, not "_s
                                             + declared->type.toGraphQL());
            }
        } else {
            FieldType t;
            t.kind = FieldType::Kind::Scalar;
            t.scalar = ScalarType::AWSDateTime;
            t.typeName = u"AWSDateTime"_s;
            t.isRequired = true;
            FieldSchema f;
            f.name = *name;
            f.type = t;
            f.isReadOnly = true;
            f.isImplicit = true;
            f.location = def.loc.at;
            m.fields.append(f);
        }
    }

    // @auth, then the implicit owner / groups fields.
    if (const gql::Directive *d = def.directive(u"auth"))
        readAuth(*d, def.name, &m, &m.authRules);
    for (AuthRule &rule : m.authRules) {
        QString fieldName;
        if (rule.allow == AuthRule::Strategy::Owner)
            fieldName = rule.ownerField;
        else if (rule.allow == AuthRule::Strategy::Groups)
            fieldName = rule.groupsField;
        if (fieldName.isEmpty())
            continue;
        if (const FieldSchema *f = m.field(fieldName)) {
            const bool isString = f->type.kind == FieldType::Kind::Scalar
                                  && (f->type.scalar == ScalarType::String || f->type.scalar == ScalarType::ID);
            if (!isString) {
                const QString what = rule.allow == AuthRule::Strategy::Owner ? u"ownerField"_s : u"groupsField"_s;
                fail(rule.location, def.name + u": @auth "_s + what + u" '"_s + fieldName
                                        + u"' must be a String or [String], not "_s + f->type.toGraphQL());
            }
            if (rule.allow == AuthRule::Strategy::Owner)
                rule.isOwnerFieldList = f->type.isList;
            continue;
        }
        FieldType t;
        t.kind = FieldType::Kind::Scalar;
        t.scalar = ScalarType::String;
        t.typeName = u"String"_s;
        FieldSchema f;
        f.name = fieldName;
        f.type = t;
        f.isImplicit = true;
        f.location = rule.location;
        m.fields.append(f);
    }

    m_schema.m_models.append(m);
    m_modelInfo.append(ModelInfo{&def});
}

void SchemaBuilder::readModelOptions(ModelSchema &m, const gql::Directive &d)
{
    const QString context = m.name;
    checkArguments(d, {u"queries"_s, u"mutations"_s, u"subscriptions"_s, u"timestamps"_s}, context);

    // Reads an {op: "name" | null} object into the given name slots.
    auto readNames = [&](const gql::Argument &a, const QList<QPair<QString, QString *>> &targets) {
        if (a.value.kind == gql::Value::Kind::Null) {
            for (const auto &slot : targets)
                slot.second->clear();
            return;
        }
        if (a.value.kind != gql::Value::Kind::Object) {
            fail(a.value.loc, context + u": @model("_s + a.name + u":) must be an object or null, not "_s
                                  + valueKindName(a.value));
            return;
        }
        for (const gql::ObjectField &of : a.value.fields) {
            QString *slot = nullptr;
            for (const auto &s : targets) {
                if (s.first == of.name)
                    slot = s.second;
            }
            if (!slot) {
                fail(of.loc, context + u": @model("_s + a.name + u":) has no field '"_s + of.name + u"'"_s);
                continue;
            }
            if (of.value.kind == gql::Value::Kind::Null) {
                slot->clear();
            } else if (of.value.kind == gql::Value::Kind::String) {
                *slot = of.value.text;
            } else {
                fail(of.value.loc, context + u": @model("_s + a.name + u": {"_s + of.name
                                       + u"}) must be a String or null, not "_s + valueKindName(of.value));
            }
        }
    };

    for (const gql::Argument &a : d.arguments) {
        if (a.name == u"queries") {
            readNames(a, {{u"get"_s, &m.getQuery}, {u"list"_s, &m.listQuery}, {u"sync"_s, &m.syncQuery}});
        } else if (a.name == u"mutations") {
            readNames(a, {{u"create"_s, &m.createMutation}, {u"update"_s, &m.updateMutation},
                          {u"delete"_s, &m.deleteMutation}});
        } else if (a.name == u"timestamps") {
            readNames(a, {{u"createdAt"_s, &m.createdAtField}, {u"updatedAt"_s, &m.updatedAtField}});
        } else if (a.name == u"subscriptions") {
            if (a.value.kind == gql::Value::Kind::Null) {
                m.onCreateSubscription.clear();
                m.onUpdateSubscription.clear();
                m.onDeleteSubscription.clear();
                continue;
            }
            if (a.value.kind != gql::Value::Kind::Object) {
                fail(a.value.loc, context + u": @model(subscriptions:) must be an object or null, not "_s
                                      + valueKindName(a.value));
                continue;
            }
            for (const gql::ObjectField &of : a.value.fields) {
                QString *slot = nullptr;
                if (of.name == u"onCreate")
                    slot = &m.onCreateSubscription;
                else if (of.name == u"onUpdate")
                    slot = &m.onUpdateSubscription;
                else if (of.name == u"onDelete")
                    slot = &m.onDeleteSubscription;
                if (of.name == u"level") {
                    if (!isStringish(of.value) || (of.value.text != u"off" && of.value.text != u"on"
                                                   && of.value.text != u"public")) {
                        fail(of.value.loc, context + u": @model(subscriptions: {level}) must be off, on or public"_s);
                    } else if (of.value.text == u"off") {
                        m.onCreateSubscription.clear();
                        m.onUpdateSubscription.clear();
                        m.onDeleteSubscription.clear();
                    }
                    continue;
                }
                if (!slot) {
                    fail(of.loc, context + u": @model(subscriptions:) has no field '"_s + of.name + u"'"_s);
                    continue;
                }
                if (of.value.kind == gql::Value::Kind::Null) {
                    slot->clear();
                } else {
                    QStringList names;
                    if (readStringList(of.value, u"@model(subscriptions: {"_s + of.name + u"})"_s, context, &names))
                        *slot = names.value(0);
                }
            }
        }
    }
}

void SchemaBuilder::readPrimaryKey(ModelSchema &m, const gql::TypeDefinition &def)
{
    const gql::FieldDefinition *keyField = nullptr;
    const gql::Directive *keyDirective = nullptr;
    for (const gql::FieldDefinition &fd : def.fields) {
        const gql::Directive *d = fd.directive(u"primaryKey");
        if (!d)
            continue;
        if (keyField) {
            fail(d->loc, m.name + u'.' + fd.name + u": "_s + m.name + u" already has a @primaryKey on '"_s
                             + keyField->name + u"'"_s);
            continue;
        }
        keyField = &fd;
        keyDirective = d;
    }

    QStringList key;
    if (!keyField) {
        const FieldSchema *id = m.field(u"id");
        if (!id) {
            fail(def.loc, m.name + u": a @model needs a primary key: declare 'id: ID!' or use @primaryKey"_s);
            return;
        }
        key.append(u"id"_s);
    } else {
        const QString context = m.name + u'.' + keyField->name;
        checkArguments(*keyDirective, {u"sortKeyFields"_s}, context);
        key.append(keyField->name);
        if (const gql::Argument *a = keyDirective->argument(u"sortKeyFields")) {
            QStringList sortKeys;
            if (readStringList(a->value, u"@primaryKey(sortKeyFields:)"_s, context, &sortKeys)) {
                for (const QString &name : sortKeys) {
                    if (!m.field(name)) {
                        fail(a->value.loc, context + u": @primaryKey(sortKeyFields:) names field '"_s + name
                                               + u"', which "_s + m.name + u" does not have"_s);
                    } else if (key.contains(name)) {
                        fail(a->value.loc, context + u": @primaryKey(sortKeyFields:) names '"_s + name
                                               + u"' twice or names the key field itself"_s);
                    } else {
                        key.append(name);
                    }
                }
            }
        }
    }
    for (const QString &name : std::as_const(key)) {
        for (FieldSchema &f : m.fields) {
            if (f.name != name)
                continue;
            f.isPrimaryKey = true;
            if (!isScalarOrEnum(f.type) || f.type.isList) {
                fail(f.location, m.name + u'.' + f.name + u": a primary key field must be a scalar or enum, not "_s
                                     + f.type.toGraphQL());
            } else if (!f.type.isRequired) {
                fail(f.location, m.name + u'.' + f.name + u": a primary key field must be non-null ("_s
                                     + f.type.toGraphQL() + u"!)"_s);
            }
        }
    }
    m.primaryKey = key;
}

void SchemaBuilder::readIndexes(ModelSchema &m, const gql::TypeDefinition &def)
{
    for (const gql::FieldDefinition &fd : def.fields) {
        const QString context = m.name + u'.' + fd.name;
        const FieldSchema *field = m.field(fd.name);
        for (const gql::Directive &d : fd.directives) {
            if (d.name != u"index")
                continue;
            if (!checkArguments(d, {u"name"_s, u"sortKeyFields"_s, u"queryField"_s}, context))
                continue;
            IndexSchema index;
            index.fields.append(fd.name);
            bool ok = true;
            bool hasName = false;
            bool queryFieldNull = false;
            for (const gql::Argument &a : d.arguments) {
                if (a.name == u"name") {
                    ok = readString(a.value, u"@index(name:)"_s, context, &index.name) && ok;
                    hasName = true;
                } else if (a.name == u"queryField") {
                    if (a.value.kind == gql::Value::Kind::Null)
                        queryFieldNull = true;
                    else
                        ok = readString(a.value, u"@index(queryField:)"_s, context, &index.queryField) && ok;
                } else if (a.name == u"sortKeyFields") {
                    QStringList sortKeys;
                    if (!readStringList(a.value, u"@index(sortKeyFields:)"_s, context, &sortKeys)) {
                        ok = false;
                        continue;
                    }
                    for (const QString &name : sortKeys) {
                        const FieldSchema *sf = m.field(name);
                        const QString indexName = hasName ? index.name : QString();
                        if (!sf) {
                            fail(a.value.loc, context + u": @index(sortKeyFields:) names field '"_s + name
                                                  + u"', which "_s + m.name + u" does not have"_s);
                            ok = false;
                        } else if (name == fd.name) {
                            fail(a.value.loc, context + u": @index field '"_s + name + u"' cannot reference itself"_s);
                            ok = false;
                        } else if (!isScalarOrEnum(sf->type) || sf->type.isList) {
                            fail(a.value.loc, context + u": @index sort key field '"_s + name
                                                  + u"' must be a scalar or enum, not "_s + sf->type.toGraphQL());
                            ok = false;
                        } else {
                            index.fields.append(name);
                        }
                    }
                }
            }
            if (field && (!isScalarOrEnum(field->type) || field->type.isList)) {
                fail(d.loc, context + u": @index field must be a scalar or enum, not "_s + field->type.toGraphQL());
                ok = false;
            }
            if (!ok)
                continue;
            if (!hasName)
                index.name = indexQueryName(m.name, index.fields);
            if (!queryFieldNull && index.queryField.isEmpty())
                index.queryField = indexQueryName(m.name, index.fields);
            bool duplicate = false;
            for (const IndexSchema &other : std::as_const(m.indexes))
                duplicate = duplicate || other.name == index.name;
            if (duplicate) {
                fail(d.loc, context + u": "_s + m.name + u" already has an index named '"_s + index.name + u"'"_s);
                continue;
            }
            m.indexes.append(index);
        }
    }
}

void SchemaBuilder::readAuth(const gql::Directive &d, const QString &context, const ModelSchema *m,
                             QList<AuthRule> *out)
{
    if (!checkArguments(d, {u"rules"_s}, context))
        return;
    const gql::Argument *rulesArg = d.argument(u"rules");
    if (!rulesArg) {
        fail(d.loc, context + u": @auth needs 'rules'"_s);
        return;
    }
    gql::List<gql::Value> rules;
    if (rulesArg->value.kind == gql::Value::Kind::List) {
        rules = rulesArg->value.list;
    } else if (rulesArg->value.kind == gql::Value::Kind::Object) {
        rules.push_back(rulesArg->value);   // input coercion: a single rule for a list
    } else {
        fail(rulesArg->value.loc, context + u": @auth(rules:) must be a list of rules, not "_s
                                      + valueKindName(rulesArg->value));
        return;
    }

    static const QStringList strategies = {u"public"_s, u"private"_s, u"owner"_s, u"groups"_s, u"custom"_s};
    static const QStringList providers = {u"apiKey"_s, u"iam"_s, u"userPools"_s, u"oidc"_s, u"function"_s};

    for (const gql::Value &ruleValue : rules) {
        if (ruleValue.kind != gql::Value::Kind::Object) {
            fail(ruleValue.loc, context + u": an @auth rule must be an object, not "_s + valueKindName(ruleValue));
            continue;
        }
        AuthRule rule;
        rule.location = ruleValue.loc.at;
        bool ok = true;
        bool hasAllow = false;
        bool hasProvider = false;
        bool hasGroups = false;
        SourceLocation providerLoc;
        SourceLocation groupsLoc;
        QString providerName;
        for (const gql::ObjectField &of : ruleValue.fields) {
            const gql::Value &v = of.value;
            if (of.name == u"allow") {
                hasAllow = true;
                if (!isStringish(v)) {
                    fail(v.loc, context + u": @auth allow must be a strategy name, not "_s + valueKindName(v));
                    ok = false;
                    continue;
                }
                const qsizetype i = strategies.indexOf(v.text);
                if (i < 0) {
                    fail(v.loc, context + u": unknown @auth strategy '"_s + v.text
                                    + u"' (expected public, private, owner, groups or custom)"_s);
                    ok = false;
                    continue;
                }
                rule.allow = static_cast<AuthRule::Strategy>(i);
            } else if (of.name == u"provider") {
                if (!isStringish(v)) {
                    fail(v.loc, context + u": @auth provider must be a provider name, not "_s + valueKindName(v));
                    ok = false;
                    continue;
                }
                const qsizetype i = providers.indexOf(v.text);
                if (i < 0) {
                    fail(v.loc, context + u": unknown @auth provider '"_s + v.text
                                    + u"' (expected apiKey, iam, userPools, oidc or function)"_s);
                    ok = false;
                    continue;
                }
                hasProvider = true;
                providerLoc = v.loc.at;
                providerName = v.text;
                rule.provider = static_cast<AuthRule::Provider>(i);
            } else if (of.name == u"ownerField") {
                ok = readString(v, u"@auth ownerField"_s, context, &rule.ownerField) && ok;
            } else if (of.name == u"identityClaim") {
                ok = readString(v, u"@auth identityClaim"_s, context, &rule.identityClaim) && ok;
            } else if (of.name == u"groupClaim") {
                ok = readString(v, u"@auth groupClaim"_s, context, &rule.groupClaim) && ok;
            } else if (of.name == u"groupsField") {
                ok = readString(v, u"@auth groupsField"_s, context, &rule.groupsField) && ok;
            } else if (of.name == u"groups") {
                hasGroups = true;
                groupsLoc = of.loc.at;
                ok = readStringList(v, u"@auth groups"_s, context, &rule.groups) && ok;
            } else if (of.name == u"operations") {
                gql::List<gql::Value> ops = v.kind == gql::Value::Kind::List ? v.list : gql::List<gql::Value>{v};
                if (ops.empty()) {
                    fail(v.loc, context + u": an @auth rule with no operations allows nothing (leave "
                                          "'operations' out to allow all of them)"_s);
                    ok = false;
                }
                for (const gql::Value &op : ops) {
                    if (!isStringish(op)) {
                        fail(op.loc, context + u": @auth operations must be operation names, not "_s
                                         + valueKindName(op));
                        ok = false;
                    } else if (!kAuthOperations.contains(op.text)) {
                        fail(op.loc, context + u": unknown @auth operation '"_s + op.text
                                         + u"' (expected create, update, delete, read, get, list, sync, listen or search)"_s);
                        ok = false;
                    } else if (!rule.operations.contains(op.text)) {
                        rule.operations.append(op.text);
                    }
                }
            } else {
                fail(of.loc, context + u": an @auth rule has no field '"_s + of.name + u"'"_s);
                ok = false;
            }
        }
        if (!hasAllow) {
            fail(ruleValue.loc, context + u": an @auth rule needs 'allow'"_s);
            continue;
        }
        if (!ok)
            continue;

        using S = AuthRule::Strategy;
        using P = AuthRule::Provider;
        const QString strategyName = strategies.at(static_cast<int>(rule.allow));
        QList<P> valid;
        switch (rule.allow) {
        case S::Public: valid = {P::ApiKey, P::Iam}; break;
        case S::Private: valid = {P::UserPools, P::Oidc, P::Iam}; break;
        case S::Owner: valid = {P::UserPools, P::Oidc}; break;
        case S::Groups: valid = {P::UserPools, P::Oidc}; break;
        case S::Custom: valid = {P::Function}; break;
        }
        if (!hasProvider) {
            rule.provider = valid.front();
        } else if (!valid.contains(rule.provider)) {
            QStringList names;
            for (P p : std::as_const(valid))
                names.append(providers.at(static_cast<int>(p)));
            fail(providerLoc, context + u": @auth provider '"_s + providerName + u"' is not valid for '"_s
                                  + strategyName + u"' rules (use "_s + names.join(u" or "_s) + u")"_s);
            continue;
        }
        if (rule.allow == S::Owner) {
            if (hasGroups || !rule.groupsField.isEmpty()) {
                fail(hasGroups ? groupsLoc : rule.location,
                     context + u": an owner @auth rule cannot have groups or groupsField"_s);
                continue;
            }
            if (!rule.groupClaim.isEmpty()) {
                fail(rule.location, context + u": an owner @auth rule cannot have groupClaim (it is for groups rules)"_s);
                continue;
            }
            if (rule.ownerField.isEmpty())
                rule.ownerField = u"owner"_s;
            if (rule.identityClaim.isEmpty())
                rule.identityClaim = u"sub::username"_s;
        } else if (rule.allow == S::Groups) {
            if (rule.groups.isEmpty() && rule.groupsField.isEmpty()) {
                fail(rule.location, context + u": a groups @auth rule needs 'groups' or 'groupsField'"_s);
                continue;
            }
            if (hasGroups && !rule.groupsField.isEmpty()) {
                fail(groupsLoc, context + u": a groups @auth rule has either static 'groups' or a dynamic "
                                          "'groupsField', not both"_s);
                continue;
            }
            if (!rule.ownerField.isEmpty()) {
                fail(rule.location, context + u": a groups @auth rule cannot have ownerField"_s);
                continue;
            }
            // As the transformer: the user name is the only identity a groups rule may name.
            if (!rule.identityClaim.isEmpty() && rule.identityClaim != u"cognito:username") {
                fail(rule.location, context + u": identityClaim is for owner @auth rules"_s);
                continue;
            }
            if (rule.groupClaim.isEmpty())
                rule.groupClaim = u"cognito:groups"_s;
        } else if (!rule.ownerField.isEmpty() || hasGroups || !rule.groupsField.isEmpty()) {
            fail(rule.location, context + u": a "_s + strategyName
                                    + u" @auth rule cannot have ownerField, groups or groupsField"_s);
            continue;
        } else if (!rule.identityClaim.isEmpty() || !rule.groupClaim.isEmpty()) {
            fail(rule.location, context + u": a "_s + strategyName
                                    + u" @auth rule cannot have identityClaim or groupClaim"_s);
            continue;
        }
        if (rule.operations.isEmpty())
            rule.operations = {u"create"_s, u"update"_s, u"delete"_s, u"read"_s};
        Q_UNUSED(m);
        out->append(rule);
    }
}

void SchemaBuilder::readDefault(FieldSchema &f, const gql::Directive &d, const QString &context)
{
    if (!checkArguments(d, {u"value"_s}, context))
        return;
    const gql::Argument *a = d.argument(u"value");
    if (!a) {
        fail(d.loc, context + u": @default needs 'value'"_s);
        return;
    }
    QString text;
    if (!readString(a->value, u"@default(value:)"_s, context, &text))
        return;
    if (f.type.isList || !isScalarOrEnum(f.type)) {
        fail(d.loc, context + u": @default needs a scalar or enum field, not "_s + f.type.toGraphQL());
        return;
    }
    auto invalid = [&] {
        fail(a->value.loc, context + u": @default value '"_s + text + u"' is not a valid "_s + f.type.typeName);
    };
    if (f.type.kind == FieldType::Kind::Enum) {
        const EnumSchema *e = nullptr;
        for (const EnumSchema &candidate : std::as_const(m_schema.m_enums)) {
            if (candidate.name == f.type.typeName)
                e = &candidate;
        }
        if (e && !e->values.contains(text))
            return invalid();
        f.defaultValue = QVariant(text);
        return;
    }
    bool ok = true;
    switch (f.type.scalar) {
    case ScalarType::Int:
    case ScalarType::AWSTimestamp: {
        const qlonglong v = text.toLongLong(&ok);
        if (!ok)
            return invalid();
        f.defaultValue = QVariant(v);
        break;
    }
    case ScalarType::Float: {
        const double v = text.toDouble(&ok);
        if (!ok)
            return invalid();
        f.defaultValue = QVariant(v);
        break;
    }
    case ScalarType::Boolean:
        if (text != u"true" && text != u"false")
            return invalid();
        f.defaultValue = QVariant(text == u"true");
        break;
    default:
        f.defaultValue = QVariant(text);
        break;
    }
}

// ---- relations ------------------------------------------------------------------

ModelSchema *SchemaBuilder::modelNamed(const QString &name)
{
    for (ModelSchema &m : m_schema.m_models) {
        if (m.name == name)
            return &m;
    }
    return nullptr;
}

void SchemaBuilder::addImplicitField(ModelSchema &m, const QString &name, FieldType type, const SourceLocation &at)
{
    if (m.hasField(name))
        return;
    FieldSchema f;
    f.name = name;
    f.type = type;
    f.isImplicit = true;
    f.location = at;
    m.fields.append(f);
}

bool SchemaBuilder::checkRelationTarget(const ModelSchema &m, const FieldSchema &f, const gql::FieldDefinition &fd,
                                        const QString &directive, bool wantList)
{
    Q_UNUSED(m);
    if (f.type.kind != FieldType::Kind::Model)
        return false;   // reported in buildModel
    if (wantList && !f.type.isList) {
        fail(fd.loc, m.name + u'.' + f.name + u": @"_s + directive + u" field must be a list, like ["_s
                         + f.type.typeName + u"]"_s);
        return false;
    }
    if (!wantList && f.type.isList) {
        fail(fd.loc, m.name + u'.' + f.name + u": @"_s + directive + u" field cannot be a list"_s);
        return false;
    }
    return true;
}

bool SchemaBuilder::readRelationFields(const ModelSchema &m, const FieldSchema &f, const gql::Directive &d,
                                       const QString &directive, QStringList *fields, bool *present)
{
    *present = false;
    const gql::Argument *a = d.argument(u"fields");
    if (!a)
        return true;
    *present = true;
    const QString context = m.name + u'.' + f.name;
    if (!readStringList(a->value, u"@"_s + directive + u"(fields:)"_s, context, fields))
        return false;
    if (fields->isEmpty()) {
        fail(a->value.loc, context + u": @"_s + directive + u"(fields:) is empty"_s);
        return false;
    }
    for (const QString &name : std::as_const(*fields)) {
        const FieldSchema *local = m.field(name);
        if (!local) {
            fail(a->value.loc, context + u": @"_s + directive + u"(fields:) names field '"_s + name + u"', which "_s
                                   + m.name + u" does not have"_s);
            return false;
        }
        if (!isScalarOrEnum(local->type) || local->type.isList) {
            fail(a->value.loc, context + u": @"_s + directive + u"(fields:) field '"_s + name
                                   + u"' must be a scalar or enum, not "_s + local->type.toGraphQL());
            return false;
        }
    }
    return true;
}

void SchemaBuilder::buildHasMany(ModelSchema &m, FieldSchema &f, const gql::FieldDefinition &fd, const gql::Directive &d)
{
    const QString context = m.name + u'.' + f.name;
    if (!checkArguments(d, {u"indexName"_s, u"fields"_s, u"limit"_s}, context)
        || !checkRelationTarget(m, f, fd, u"hasMany"_s, true))
        return;
    ModelSchema *child = modelNamed(f.type.typeName);
    if (!child)
        return;
    Relation r;
    r.kind = RelationKind::HasMany;
    r.relatedModel = child->name;
    bool hasFields = false;
    if (!readRelationFields(m, f, d, u"hasMany"_s, &r.fields, &hasFields))
        return;
    if (const gql::Argument *a = d.argument(u"limit"); a && a->value.kind != gql::Value::Kind::Int) {
        fail(a->value.loc, context + u": @hasMany(limit:) must be an Int, not "_s + valueKindName(a->value));
        return;
    }
    if (const gql::Argument *a = d.argument(u"indexName")) {
        if (!readString(a->value, u"@hasMany(indexName:)"_s, context, &r.indexName))
            return;
        const IndexSchema *index = nullptr;
        for (const IndexSchema &candidate : std::as_const(child->indexes)) {
            if (candidate.name == r.indexName)
                index = &candidate;
        }
        if (!index) {
            fail(a->value.loc, context + u": @hasMany(indexName:) names index '"_s + r.indexName + u"', which "_s
                                   + child->name + u" does not have"_s);
            return;
        }
        r.associatedWith = index->fields;
    } else if (hasFields) {
        r.associatedWith = child->primaryKey;
    }
    if (hasFields) {
        if (r.fields.size() > r.associatedWith.size()) {
            fail(d.loc, context + u": @hasMany(fields:) has "_s + QString::number(r.fields.size())
                            + u" fields but the key it queries on "_s + child->name + u" has "_s
                            + QString::number(r.associatedWith.size()));
            return;
        }
        r.associatedWith = r.associatedWith.mid(0, r.fields.size());
    } else if (r.indexName.isEmpty()) {
        // The transformer adds "<parent><Field><Key>" fields to the child
        // and a GSI "gsi-<Parent>.<field>" on them.
        r.implicitFields = true;
        r.fields = m.primaryKey;
        for (const QString &keyName : std::as_const(m.primaryKey)) {
            const FieldSchema *key = m.field(keyName);
            FieldType t = key ? key->type : FieldType{};
            t.isRequired = false;
            const QString name = camelCase({m.name, f.name, keyName});
            addImplicitField(*child, name, t, f.location);
            r.associatedWith.append(name);
        }
        r.indexName = u"gsi-"_s + m.name + u'.' + f.name;
        child->indexes.append(IndexSchema{r.indexName, r.associatedWith, QString()});
    } else {
        r.fields = m.primaryKey.mid(0, r.associatedWith.size());
    }
    f.relation = r;
}

// The shared first half of @hasOne and @belongsTo: arguments, target type,
// the related model and the optional `fields`, whose count must match the
// related model's primary key. Returns the related model, or nullptr after
// reporting the problem.
const ModelSchema *SchemaBuilder::readKeyedRelation(ModelSchema &m, FieldSchema &f,
                                                    const gql::FieldDefinition &fd,
                                                    const gql::Directive &d, const QString &directive,
                                                    Relation *r, bool *hasFields)
{
    const QString context = m.name + u'.' + f.name;
    if (!checkArguments(d, {u"fields"_s}, context) || !checkRelationTarget(m, f, fd, directive, false))
        return nullptr;
    const ModelSchema *related = modelNamed(f.type.typeName);
    if (!related)
        return nullptr;
    r->relatedModel = related->name;
    if (!readRelationFields(m, f, d, directive, &r->fields, hasFields))
        return nullptr;
    if (*hasFields && r->fields.size() != related->primaryKey.size()) {
        fail(d.loc, context + u": @"_s + directive + u"(fields:) has "_s + QString::number(r->fields.size())
                        + u" fields but the primary key of "_s + related->name + u" has "_s
                        + QString::number(related->primaryKey.size()));
        return nullptr;
    }
    return related;
}

void SchemaBuilder::buildHasOne(ModelSchema &m, FieldSchema &f, const gql::FieldDefinition &fd, const gql::Directive &d)
{
    Relation r;
    r.kind = RelationKind::HasOne;
    bool hasFields = false;
    const ModelSchema *related = readKeyedRelation(m, f, fd, d, u"hasOne"_s, &r, &hasFields);
    if (!related)
        return;
    r.associatedWith = related->primaryKey;
    if (!hasFields) {
        r.implicitFields = true;
        const QStringList relatedKey = related->primaryKey;
        QList<FieldType> types;
        for (const QString &keyName : relatedKey) {
            const FieldSchema *key = related->field(keyName);
            FieldType t = key ? key->type : FieldType{};
            t.isRequired = false;
            types.append(t);
        }
        for (qsizetype i = 0; i < relatedKey.size(); ++i) {
            const QString name = camelCase({m.name, f.name, relatedKey.at(i)});
            addImplicitField(m, name, types.at(i), f.location);
            r.fields.append(name);
        }
    }
    // m.fields may have grown: look the field up again before writing.
    for (FieldSchema &target : m.fields) {
        if (target.name == f.name)
            target.relation = r;
    }
}

void SchemaBuilder::buildBelongsTo(ModelSchema &m, FieldSchema &f, const gql::FieldDefinition &fd,
                                   const gql::Directive &d)
{
    Relation r;
    r.kind = RelationKind::BelongsTo;
    bool hasFields = false;
    const ModelSchema *related = readKeyedRelation(m, f, fd, d, u"belongsTo"_s, &r, &hasFields);
    if (!related)
        return;
    if (!hasFields) {
        r.implicitFields = true;
        // A @hasMany without fields on the parent already added the key
        // fields to this model: the @belongsTo uses them.
        for (const FieldSchema &pf : related->fields) {
            if (pf.relation.kind == RelationKind::HasMany && pf.relation.relatedModel == m.name
                && pf.relation.implicitFields) {
                r.fields = pf.relation.associatedWith;
                break;
            }
        }
        if (r.fields.isEmpty()) {
            const QStringList relatedKey = related->primaryKey;
            QList<FieldType> types;
            for (const QString &keyName : relatedKey) {
                const FieldSchema *key = related->field(keyName);
                FieldType t = key ? key->type : FieldType{};
                t.isRequired = false;
                types.append(t);
            }
            for (qsizetype i = 0; i < relatedKey.size(); ++i) {
                const QString name = camelCase({m.name, f.name, relatedKey.at(i)});
                addImplicitField(m, name, types.at(i), f.location);
                r.fields.append(name);
            }
        }
    }
    for (FieldSchema &target : m.fields) {
        if (target.name == f.name)
            target.relation = r;
    }
}

void SchemaBuilder::buildRelations()
{
    // hasMany first (it adds key fields to children that @belongsTo reuses),
    // then hasOne, belongsTo; manyToMany last (it adds join models).
    static const QStringList order = {u"hasMany"_s, u"hasOne"_s, u"belongsTo"_s, u"manyToMany"_s};
    for (const QString &directive : order) {
        for (qsizetype mi = 0; mi < m_modelInfo.size(); ++mi) {
            const gql::TypeDefinition *def = m_modelInfo.at(mi).def;
            if (!def)
                continue;
            for (const gql::FieldDefinition &fd : def->fields) {
                const gql::Directive *d = fd.directive(directive);
                if (!d)
                    continue;
                ModelSchema &m = m_schema.m_models[mi];
                qsizetype fi = -1;
                for (qsizetype i = 0; i < m.fields.size(); ++i) {
                    if (m.fields.at(i).name == fd.name && !m.fields.at(i).isImplicit)
                        fi = i;
                }
                if (fi < 0)
                    continue;
                FieldSchema f = m.fields.at(fi);
                if (directive == u"hasMany") {
                    buildHasMany(m, f, fd, *d);
                    m.fields[fi].relation = f.relation;
                } else if (directive == u"hasOne") {
                    buildHasOne(m, f, fd, *d);
                } else if (directive == u"belongsTo") {
                    buildBelongsTo(m, f, fd, *d);
                } else {
                    const QString context = m.name + u'.' + fd.name;
                    if (!checkArguments(*d, {u"relationName"_s, u"limit"_s}, context)
                        || !checkRelationTarget(m, f, fd, u"manyToMany"_s, true))
                        continue;
                    const gql::Argument *a = d->argument(u"relationName");
                    if (!a) {
                        fail(d->loc, context + u": @manyToMany needs 'relationName'"_s);
                        continue;
                    }
                    QString relationName;
                    if (!readString(a->value, u"@manyToMany(relationName:)"_s, context, &relationName))
                        continue;
                    if (f.type.typeName == m.name) {
                        fail(d->loc, context + u": @manyToMany between a model and itself is not supported"_s);
                        continue;
                    }
                    auto it = std::find_if(m_manyToMany.begin(), m_manyToMany.end(),
                                           [&](const auto &entry) { return entry.first == relationName; });
                    if (it == m_manyToMany.end()) {
                        m_manyToMany.append({relationName, {}});
                        it = m_manyToMany.end() - 1;
                    }
                    it->second.append(ManyToManySide{m.name, fd.name, fd.loc.at, a->value.loc.at});
                }
            }
        }
    }
    buildManyToMany();
}

void SchemaBuilder::buildManyToMany()
{
    for (const auto &[relationName, sides] : std::as_const(m_manyToMany)) {
        const ManyToManySide &first = sides.front();
        if (sides.size() != 2) {
            const ManyToManySide &where = sides.size() > 2 ? sides.at(2) : first;
            fail(where.relationNameLocation,
                 where.model + u'.' + where.field + u": @manyToMany(relationName: \""_s + relationName
                     + (sides.size() > 2 ? u"\") is used by more than two fields"_s
                                         : u"\") needs a matching @manyToMany field on the related model"_s));
            continue;
        }
        const ManyToManySide &second = sides.at(1);
        if (first.model == second.model) {
            fail(second.relationNameLocation, second.model + u'.' + second.field + u": @manyToMany(relationName: \""_s
                                                  + relationName + u"\") links "_s + first.model + u" to itself"_s);
            continue;
        }
        if (m_typeDefs.contains(relationName) || modelNamed(relationName)) {
            fail(first.relationNameLocation, first.model + u'.' + first.field + u": @manyToMany relationName '"_s
                                                 + relationName + u"' is already the name of a type"_s);
            continue;
        }
        ModelSchema *a = modelNamed(first.model);
        ModelSchema *b = modelNamed(second.model);
        if (!a || !b)
            continue;
        const FieldSchema *fa = a->field(first.field);
        const FieldSchema *fb = b->field(second.field);
        if (!fa || !fb || fa->type.typeName != b->name || fb->type.typeName != a->name) {
            fail(second.relationNameLocation, second.model + u'.' + second.field + u": @manyToMany(relationName: \""_s
                                                  + relationName + u"\") fields must point at each other's models"_s);
            continue;
        }

        ModelSchema join;
        join.name = relationName;
        join.isJoinModel = true;
        join.location = first.location;
        join.pluralName = pluralize(relationName);
        join.getQuery = camelCase({u"get"_s, relationName});
        join.listQuery = camelCase({u"list"_s, join.pluralName});
        join.syncQuery = camelCase({u"sync"_s, join.pluralName});
        join.createMutation = camelCase({u"create"_s, relationName});
        join.updateMutation = camelCase({u"update"_s, relationName});
        join.deleteMutation = camelCase({u"delete"_s, relationName});
        join.onCreateSubscription = subscriptionName(u"onCreate"_s, relationName);
        join.onUpdateSubscription = subscriptionName(u"onUpdate"_s, relationName);
        join.onDeleteSubscription = subscriptionName(u"onDelete"_s, relationName);
        join.createdAtField = u"createdAt"_s;
        join.updatedAtField = u"updatedAt"_s;

        FieldSchema id;
        id.name = u"id"_s;
        id.type.kind = FieldType::Kind::Scalar;
        id.type.scalar = ScalarType::ID;
        id.type.typeName = u"ID"_s;
        id.type.isRequired = true;
        id.isPrimaryKey = true;
        id.location = first.location;
        join.fields.append(id);
        join.primaryKey = {u"id"_s};

        // <model>Id key fields (one per primary key field of each side),
        // each side indexed by "by<Model>".
        QStringList keyFields[2];
        const ModelSchema *sideModels[2] = {a, b};
        for (int s = 0; s < 2; ++s) {
            const ModelSchema *side = sideModels[s];
            for (const QString &keyName : side->primaryKey) {
                FieldSchema k;
                k.name = lowerFirst(side->name) + upperFirst(keyName);
                if (const FieldSchema *key = side->field(keyName))
                    k.type = key->type;
                k.type.isRequired = true;
                k.location = first.location;
                join.fields.append(k);
                keyFields[s].append(k.name);
            }
            join.indexes.append(IndexSchema{u"by"_s + side->name, keyFields[s],
                                            indexQueryName(relationName, keyFields[s])});
        }
        for (int s = 0; s < 2; ++s) {
            const ModelSchema *side = sideModels[s];
            FieldSchema rel;
            rel.name = lowerFirst(side->name);
            rel.type.kind = FieldType::Kind::Model;
            rel.type.typeName = side->name;
            rel.type.isRequired = true;
            rel.isReadOnly = true;
            rel.location = first.location;
            rel.relation.kind = RelationKind::BelongsTo;
            rel.relation.relatedModel = side->name;
            rel.relation.fields = keyFields[s];
            join.fields.append(rel);
        }
        for (const QString &name : {join.createdAtField, join.updatedAtField}) {
            FieldSchema t;
            t.name = name;
            t.type.kind = FieldType::Kind::Scalar;
            t.type.scalar = ScalarType::AWSDateTime;
            t.type.typeName = u"AWSDateTime"_s;
            t.type.isRequired = true;
            t.isReadOnly = true;
            t.isImplicit = true;
            t.location = first.location;
            join.fields.append(t);
        }
        for (const AuthRule &rule : a->authRules + b->authRules) {
            if (!join.authRules.contains(rule))
                join.authRules.append(rule);
        }

        for (int s = 0; s < 2; ++s) {
            ModelSchema *side = s == 0 ? a : b;
            const QString fieldName = s == 0 ? first.field : second.field;
            for (FieldSchema &target : side->fields) {
                if (target.name != fieldName)
                    continue;
                target.relation.kind = RelationKind::ManyToMany;
                target.relation.relatedModel = (s == 0 ? b : a)->name;
                target.relation.relationName = relationName;
                target.relation.fields = side->primaryKey;
                target.relation.associatedWith = keyFields[s];
                target.relation.indexName = u"by"_s + side->name;
                target.relation.implicitFields = true;
            }
        }
        m_schema.m_models.append(join);
        m_modelInfo.append(ModelInfo{nullptr});
    }
}

// ---- driver ---------------------------------------------------------------------

std::optional<Schema> SchemaBuilder::build(QByteArrayView sdl, QList<SourceError> *errors)
{
    gql::ParseResult parsed = gql::parse(sdl, m_sourceName, gql::DocumentKind::TypeSystem);
    if (!parsed.ok()) {
        if (errors)
            errors->append(parsed.error);
        return std::nullopt;
    }
    m_doc = std::move(parsed.document);
    m_schema.m_source = sdl.toByteArray();
    m_schema.m_version = QString::fromLatin1(
        QCryptographicHash::hash(gql::print(m_doc).toUtf8(), QCryptographicHash::Sha256).toHex());

    collectTypes();
    for (const gql::Definition &definition : m_doc.definitions) {
        const auto *def = std::get_if<gql::TypeDefinition>(&definition);
        if (!def || def->isExtension || m_typeDefs.value(def->name) != def)
            continue;
        if (m_enumNames.contains(def->name))
            buildEnum(*def);
    }
    for (const gql::Definition &definition : m_doc.definitions) {
        const auto *def = std::get_if<gql::TypeDefinition>(&definition);
        if (!def || def->isExtension || m_typeDefs.value(def->name) != def)
            continue;
        if (m_nonModelNames.contains(def->name))
            buildNonModel(*def);
        else if (m_modelNames.contains(def->name))
            buildModel(*def);
    }
    buildRelations();

    // Only a schema that is otherwise valid can be turned into the API schema.
    if (m_errors.isEmpty()) {
        for (const SourceError &clash : apiSchemaNameClashes(m_schema))
            fail(clash.location, clash.message);
    }

    if (!m_errors.isEmpty()) {
        std::stable_sort(m_errors.begin(), m_errors.end(), [](const SourceError &x, const SourceError &y) {
            if (x.location.line != y.location.line)
                return x.location.line < y.location.line;
            return x.location.column < y.location.column;
        });
        if (errors)
            errors->append(m_errors);
        return std::nullopt;
    }
    return std::move(m_schema);
}

std::optional<Schema> Schema::fromGraphQL(QByteArrayView sdl, const QString &sourceName, QList<SourceError> *errors)
{
    SchemaBuilder builder(sourceName);
    return builder.build(sdl, errors);
}

std::optional<Schema> Schema::fromGraphQL(QByteArrayView sdl, const QString &sourceName, SourceError *error)
{
    QList<SourceError> errors;
    auto schema = fromGraphQL(sdl, sourceName, &errors);
    if (!schema && error)
        *error = errors.value(0);
    return schema;
}

} // namespace ds

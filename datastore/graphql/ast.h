// The GraphQL abstract syntax tree (GraphQL spec, October 2021 edition).
//
// Plain value types: copyable, comparable, no parent pointers. Every node
// carries the SourceLocation of its first token. Equality (operator==)
// compares structure and values only; locations never take part, so that
// parse(print(parse(x))) == parse(x) holds.
//
// Names are QString (GraphQL names are ASCII). Literal numbers keep their
// source text, so printing never changes a number's spelling.
#pragma once

#include "common/sourcelocation.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <variant>
#include <vector>

namespace ds::graphql {

// Locations compare equal whatever they hold: see the header comment.
struct Loc
{
    SourceLocation at;
    friend bool operator==(const Loc &, const Loc &) { return true; }
};

struct ObjectField;

struct Value
{
    enum class Kind { Variable, Int, Float, String, Boolean, Null, Enum, List, Object };

    Kind kind = Kind::Null;
    // Variable: the name without '$'; Int/Float: the literal as written;
    // String: the decoded string; Enum: the enum value's name.
    QString text;
    bool boolean = false;
    // String only: written as a """block string""" (the printer keeps the form).
    // Not part of equality.
    bool block = false;
    std::vector<Value> list;           // Kind::List
    std::vector<ObjectField> fields;   // Kind::Object, in source order
    Loc loc;

    friend bool operator==(const Value &a, const Value &b);
};

struct ObjectField
{
    QString name;
    Value value;
    Loc loc;
    friend bool operator==(const ObjectField &, const ObjectField &) = default;
};

// A type reference: Named, [Inner] or Inner!.
struct TypeRef
{
    enum class Kind { Named, List, NonNull };

    Kind kind = Kind::Named;
    QString name;                 // Named only
    std::vector<TypeRef> ofType;  // List and NonNull: exactly one element
    Loc loc;

    bool isNonNull() const { return kind == Kind::NonNull; }
    bool isList() const;          // [T] or [T]!
    const TypeRef &inner() const { return ofType.front(); }
    const QString &namedType() const;   // the innermost name: "Post" for [Post!]!

    static TypeRef named(const QString &name);
    static TypeRef listOf(TypeRef inner);
    static TypeRef nonNull(TypeRef inner);

    friend bool operator==(const TypeRef &, const TypeRef &) = default;
};

struct Argument
{
    QString name;
    Value value;
    Loc loc;
    friend bool operator==(const Argument &, const Argument &) = default;
};

struct Directive
{
    QString name;                  // without '@'
    std::vector<Argument> arguments;
    Loc loc;

    const Argument *argument(QStringView name) const;
    friend bool operator==(const Directive &, const Directive &) = default;
};

// ---- executable definitions ------------------------------------------------

enum class OperationType { Query, Mutation, Subscription };

struct Selection
{
    enum class Kind { Field, FragmentSpread, InlineFragment };

    Kind kind = Kind::Field;
    QString alias;                 // Field only; empty when there is none
    QString name;                  // Field: field name; FragmentSpread: fragment name
    QString typeCondition;         // InlineFragment only; may be empty
    std::vector<Argument> arguments;   // Field only
    std::vector<Directive> directives;
    std::vector<Selection> selectionSet;   // Field (may be empty) and InlineFragment
    Loc loc;

    const QString &responseKey() const { return alias.isEmpty() ? name : alias; }
    friend bool operator==(const Selection &, const Selection &) = default;
};

struct VariableDefinition
{
    QString name;                  // without '$'
    TypeRef type;
    std::optional<Value> defaultValue;
    std::vector<Directive> directives;
    Loc loc;
    friend bool operator==(const VariableDefinition &, const VariableDefinition &) = default;
};

struct OperationDefinition
{
    OperationType operation = OperationType::Query;
    QString name;                  // empty for an anonymous operation
    // True for the shorthand "{ ... }" form (anonymous query, no variables or
    // directives). Not part of equality.
    bool shorthand = false;
    std::vector<VariableDefinition> variables;
    std::vector<Directive> directives;
    std::vector<Selection> selectionSet;
    Loc loc;

    friend bool operator==(const OperationDefinition &a, const OperationDefinition &b);
};

struct FragmentDefinition
{
    QString name;
    QString typeCondition;
    std::vector<Directive> directives;
    std::vector<Selection> selectionSet;
    Loc loc;
    friend bool operator==(const FragmentDefinition &, const FragmentDefinition &) = default;
};

// ---- type system definitions and extensions ---------------------------------

struct InputValueDefinition
{
    QString description;
    QString name;
    TypeRef type;
    std::optional<Value> defaultValue;
    std::vector<Directive> directives;
    Loc loc;

    const Directive *directive(QStringView name) const;
    friend bool operator==(const InputValueDefinition &, const InputValueDefinition &) = default;
};

struct FieldDefinition
{
    QString description;
    QString name;
    std::vector<InputValueDefinition> arguments;
    TypeRef type;
    std::vector<Directive> directives;
    Loc loc;

    const Directive *directive(QStringView name) const;
    const InputValueDefinition *argument(QStringView name) const;
    friend bool operator==(const FieldDefinition &, const FieldDefinition &) = default;
};

struct EnumValueDefinition
{
    QString description;
    QString name;
    std::vector<Directive> directives;
    Loc loc;
    friend bool operator==(const EnumValueDefinition &, const EnumValueDefinition &) = default;
};

struct RootOperationTypeDefinition
{
    OperationType operation = OperationType::Query;
    QString typeName;
    Loc loc;
    friend bool operator==(const RootOperationTypeDefinition &, const RootOperationTypeDefinition &) = default;
};

// "schema { ... }" or "extend schema ...".
struct SchemaDefinition
{
    bool isExtension = false;
    QString description;           // definitions only
    std::vector<Directive> directives;
    std::vector<RootOperationTypeDefinition> operationTypes;
    Loc loc;
    friend bool operator==(const SchemaDefinition &, const SchemaDefinition &) = default;
};

// A scalar, object, interface, union, enum or input object type definition,
// or an extension of one ("extend type Post { ... }").
struct TypeDefinition
{
    enum class Kind { Scalar, Object, Interface, Union, Enum, InputObject };

    Kind kind = Kind::Object;
    bool isExtension = false;
    QString description;           // definitions only
    QString name;
    QStringList interfaces;        // Object and Interface: "implements A & B"
    std::vector<Directive> directives;
    std::vector<FieldDefinition> fields;             // Object and Interface
    std::vector<InputValueDefinition> inputFields;   // InputObject
    QStringList unionMembers;                        // Union
    std::vector<EnumValueDefinition> enumValues;     // Enum
    Loc loc;

    const Directive *directive(QStringView name) const;
    const FieldDefinition *field(QStringView name) const;
    const InputValueDefinition *inputField(QStringView name) const;
    friend bool operator==(const TypeDefinition &, const TypeDefinition &) = default;
};

struct DirectiveDefinition
{
    QString description;
    QString name;                  // without '@'
    std::vector<InputValueDefinition> arguments;
    bool repeatable = false;
    QStringList locations;         // "FIELD_DEFINITION", "OBJECT", ...
    Loc loc;
    friend bool operator==(const DirectiveDefinition &, const DirectiveDefinition &) = default;
};

using Definition = std::variant<OperationDefinition, FragmentDefinition, SchemaDefinition,
                                TypeDefinition, DirectiveDefinition>;

struct Document
{
    std::vector<Definition> definitions;

    // Convenience look-ups over the definitions (first match; nullptr if none).
    const TypeDefinition *typeDefinition(QStringView name) const;   // definitions, not extensions
    const OperationDefinition *operation(QStringView name = {}) const;   // empty name: the only/first one
    const FragmentDefinition *fragment(QStringView name) const;

    friend bool operator==(const Document &, const Document &) = default;
};

QStringView operationTypeName(OperationType op);   // "query", "mutation", "subscription"

} // namespace ds::graphql

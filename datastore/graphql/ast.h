// The GraphQL abstract syntax tree (GraphQL spec, October 2021 edition).
//
// Plain value types: copyable, comparable, no parent pointers. Every node
// carries the SourceLocation of its first token. Equality (operator==)
// compares structure and values only; locations never take part, so that
// parse(print(parse(x))) == parse(x) holds.
//
// Names are QString (GraphQL names are ASCII). Literal numbers keep their
// source text, so printing never changes a number's spelling.
//
// Lists are List<T>: a std::vector whose storage the parser takes from an
// arena shared by the whole parsed document (one bump allocation per list
// instead of a malloc, and no free per list). Everything else gets ordinary
// heap storage: a default-constructed List, a copy of any List (copies never
// share an arena), and lists built by code outside the parser. An arena lives
// as long as any list still uses it, so a node moved out of a document stays
// valid after the document is gone.
#pragma once

#include "common/sourcelocation.h"

#include <QString>
#include <QStringList>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace ds::graphql {

namespace detail {

// Memory for the lists of one parsed document: chunks handed out by a bump
// pointer and released all together when the last list using them goes.
// Reference-counted by the AstAllocators that point at it. Neither allocation
// nor the count is synchronised while the parser fills the arena; seal()
// (called before the document is returned) makes the count atomic and any
// later allocation, by code that grows a list of a parsed document, take a
// lock.
class AstArena
{
public:
    static AstArena *create();

    // While the parser fills the arena only its thread can see it: the count
    // changes without a locked instruction until seal().
    void ref() noexcept
    {
        if (m_sealed.load(std::memory_order_relaxed)) [[unlikely]]
            m_refs.fetch_add(1, std::memory_order_relaxed);
        else
            m_refs.store(m_refs.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }
    void deref() noexcept
    {
        if (!m_sealed.load(std::memory_order_relaxed)) {
            const int refs = m_refs.load(std::memory_order_relaxed) - 1;
            m_refs.store(refs, std::memory_order_relaxed);
            if (refs == 0)
                destroy();
        } else if (m_refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            destroy();
        }
    }

    void *allocate(std::size_t bytes, std::size_t align)
    {
        if (m_sealed.load(std::memory_order_relaxed)) [[unlikely]]
            return allocateLocked(bytes, align);
        return allocateUnlocked(bytes, align);
    }
    void seal() noexcept { m_sealed.store(true, std::memory_order_release); }

    AstArena(const AstArena &) = delete;
    AstArena &operator=(const AstArena &) = delete;

private:
    struct Chunk;

    AstArena() = default;
    ~AstArena();
    void destroy() noexcept;
    void *allocateUnlocked(std::size_t bytes, std::size_t align)
    {
        const std::uintptr_t p = (m_next + (align - 1)) & ~std::uintptr_t(align - 1);
        if (p + bytes <= m_end && p >= m_next) [[likely]] {
            m_next = p + bytes;
            return reinterpret_cast<void *>(p);
        }
        return allocateSlow(bytes, align);
    }
    void *allocateSlow(std::size_t bytes, std::size_t align);
    // A new chunk of at least bytes (HugeChunkBytes if huge): its first
    // usable byte; *end is past its last.
    std::uintptr_t newChunk(std::size_t bytes, bool huge, std::uintptr_t *end);
    void *allocateLocked(std::size_t bytes, std::size_t align);

    std::atomic<int> m_refs{0};
    std::atomic<bool> m_sealed{false};
    std::uintptr_t m_next = 0;
    std::uintptr_t m_end = 0;
    Chunk *m_chunks = nullptr;
    std::size_t m_nextChunkSize = 0;
    std::size_t m_total = 0;   // bytes of all chunks
    std::mutex m_lock;   // only once sealed
};

} // namespace detail

// The allocator of List<T>: takes storage from an AstArena, or from the heap
// when it has none (the default).
template<typename T>
class AstAllocator
{
public:
    using value_type = T;
    using propagate_on_container_move_assignment = std::true_type;
    using propagate_on_container_swap = std::true_type;
    using propagate_on_container_copy_assignment = std::false_type;
    using is_always_equal = std::false_type;

    AstAllocator() noexcept = default;
    explicit AstAllocator(detail::AstArena *arena) noexcept : m_arena(arena)
    {
        if (m_arena)
            m_arena->ref();
    }
    AstAllocator(const AstAllocator &other) noexcept : AstAllocator(other.m_arena) {}
    template<typename U>
    AstAllocator(const AstAllocator<U> &other) noexcept : AstAllocator(other.arena()) {}
    AstAllocator(AstAllocator &&other) noexcept : m_arena(std::exchange(other.m_arena, nullptr)) {}
    AstAllocator &operator=(const AstAllocator &other) noexcept
    {
        AstAllocator copy(other);
        std::swap(m_arena, copy.m_arena);
        return *this;
    }
    AstAllocator &operator=(AstAllocator &&other) noexcept
    {
        std::swap(m_arena, other.m_arena);
        return *this;
    }
    ~AstAllocator()
    {
        if (m_arena)
            m_arena->deref();
    }

    T *allocate(std::size_t n)
    {
        if (m_arena)
            return static_cast<T *>(m_arena->allocate(n * sizeof(T), alignof(T)));
        return std::allocator<T>().allocate(n);
    }
    void deallocate(T *p, std::size_t n) noexcept
    {
        if (!m_arena)
            std::allocator<T>().deallocate(p, n);
        // Arena storage goes back when the arena does.
    }

    // A copied list gets heap storage: copies never keep an arena alive.
    AstAllocator select_on_container_copy_construction() const noexcept { return {}; }

    detail::AstArena *arena() const noexcept { return m_arena; }

    friend bool operator==(const AstAllocator &a, const AstAllocator &b) noexcept
    {
        return a.m_arena == b.m_arena;
    }

private:
    detail::AstArena *m_arena = nullptr;
};

template<typename T>
using List = std::vector<T, AstAllocator<T>>;

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
    List<Value> list;                //  Kind::List
    List<ObjectField> fields;        //  Kind::Object, in source order
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
    List<TypeRef> ofType;         // List and NonNull: exactly one element
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
    List<Argument> arguments;
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
    List<Argument> arguments;    // Field only
    List<Directive> directives;
    List<Selection> selectionSet;    // Field (may be empty) and InlineFragment
    Loc loc;

    const QString &responseKey() const { return alias.isEmpty() ? name : alias; }
    friend bool operator==(const Selection &, const Selection &) = default;
};

struct VariableDefinition
{
    QString name;                  // without '$'
    TypeRef type;
    std::optional<Value> defaultValue;
    List<Directive> directives;
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
    List<VariableDefinition> variables;
    List<Directive> directives;
    List<Selection> selectionSet;
    Loc loc;

    friend bool operator==(const OperationDefinition &a, const OperationDefinition &b);
};

struct FragmentDefinition
{
    QString name;
    QString typeCondition;
    List<Directive> directives;
    List<Selection> selectionSet;
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
    List<Directive> directives;
    Loc loc;

    const Directive *directive(QStringView name) const;
    friend bool operator==(const InputValueDefinition &, const InputValueDefinition &) = default;
};

struct FieldDefinition
{
    QString description;
    QString name;
    List<InputValueDefinition> arguments;
    TypeRef type;
    List<Directive> directives;
    Loc loc;

    const Directive *directive(QStringView name) const;
    const InputValueDefinition *argument(QStringView name) const;
    friend bool operator==(const FieldDefinition &, const FieldDefinition &) = default;
};

struct EnumValueDefinition
{
    QString description;
    QString name;
    List<Directive> directives;
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
    List<Directive> directives;
    List<RootOperationTypeDefinition> operationTypes;
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
    List<Directive> directives;
    List<FieldDefinition> fields;             // Object and Interface
    List<InputValueDefinition> inputFields;   // InputObject
    QStringList unionMembers;                        // Union
    List<EnumValueDefinition> enumValues;     // Enum
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
    List<InputValueDefinition> arguments;
    bool repeatable = false;
    QStringList locations;         // "FIELD_DEFINITION", "OBJECT", ...
    Loc loc;
    friend bool operator==(const DirectiveDefinition &, const DirectiveDefinition &) = default;
};

using Definition = std::variant<OperationDefinition, FragmentDefinition, SchemaDefinition,
                                TypeDefinition, DirectiveDefinition>;

struct Document
{
    List<Definition> definitions;

    // Convenience look-ups over the definitions (first match; nullptr if none).
    const TypeDefinition *typeDefinition(QStringView name) const;   // definitions, not extensions
    const OperationDefinition *operation(QStringView name = {}) const;   // empty name: the only/first one
    const FragmentDefinition *fragment(QStringView name) const;

    friend bool operator==(const Document &, const Document &) = default;
};

QStringView operationTypeName(OperationType op);   // "query", "mutation", "subscription"

} // namespace ds::graphql

#include "graphql/ast.h"

#include "graphql/tuning_p.h"

#include <algorithm>
#include <cstdlib>

#ifdef Q_OS_LINUX
#include <sys/mman.h>
#endif

using namespace Qt::StringLiterals;

namespace ds::graphql {

namespace detail {

namespace {

using tuning::kArenaFirstChunkBytes;
using tuning::kArenaHugeChunkBytes;
using tuning::kArenaLargeBytes;
using tuning::kArenaMaxChunkBytes;

constexpr std::size_t alignUp(std::size_t n, std::size_t align) { return (n + align - 1) & ~(align - 1); }

} // namespace

struct AstArena::Chunk
{
    Chunk *previous;
    void *mapping;   // mmap()ed region to unmap, or nullptr for malloc()
    std::size_t mappingBytes;
};

AstArena *AstArena::create()
{
    return new AstArena;
}

AstArena::~AstArena()
{
    for (Chunk *c = m_chunks; c;) {
        Chunk *previous = c->previous;
#ifdef Q_OS_LINUX
        if (c->mapping)
            munmap(c->mapping, c->mappingBytes);
        else
#endif
            std::free(c);
        c = previous;
    }
}

void AstArena::destroy() noexcept
{
    delete this;
}

std::uintptr_t AstArena::newChunk(std::size_t bytes, bool huge, std::uintptr_t *end)
{
    const std::size_t header = alignUp(sizeof(Chunk), alignof(std::max_align_t));
#ifdef Q_OS_LINUX
    if (huge) {
        // Whole huge pages: map one more than needed and keep the 2 MB-aligned
        // part, so that the kernel can back it with huge pages.
        const std::size_t size = alignUp(header + bytes, kArenaHugeChunkBytes);
        const std::size_t length = size + kArenaHugeChunkBytes;
        void *map = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (map != MAP_FAILED) {
            const std::uintptr_t base = reinterpret_cast<std::uintptr_t>(map);
            const std::uintptr_t aligned = alignUp(base, kArenaHugeChunkBytes);
            if (aligned > base)
                munmap(map, aligned - base);
            const std::uintptr_t tail = aligned + size;
            if (base + length > tail)
                munmap(reinterpret_cast<void *>(tail), base + length - tail);
            madvise(reinterpret_cast<void *>(aligned), size, MADV_HUGEPAGE);
            auto *chunk = reinterpret_cast<Chunk *>(aligned);
            chunk->previous = m_chunks;
            chunk->mapping = chunk;
            chunk->mappingBytes = size;
            m_chunks = chunk;
            m_total += size;
            *end = aligned + size;
            return aligned + header;
        }
    }
#else
    Q_UNUSED(huge);
#endif
    auto *chunk = static_cast<Chunk *>(std::malloc(header + bytes));
    if (!chunk)
        throw std::bad_alloc();
    chunk->previous = m_chunks;
    chunk->mapping = nullptr;
    chunk->mappingBytes = 0;
    m_chunks = chunk;
    m_total += header + bytes;
    const std::uintptr_t first = reinterpret_cast<std::uintptr_t>(chunk) + header;
    *end = first + bytes;
    return first;
}

void *AstArena::allocateSlow(std::size_t bytes, std::size_t align)
{
    std::uintptr_t end;
    if (bytes + align > kArenaMaxChunkBytes / 4 && m_total < kArenaLargeBytes) {
        // The current chunk stays in use.
        return reinterpret_cast<void *>(alignUp(newChunk(bytes + align, false, &end), align));
    }
    std::size_t size;
    if (m_total >= kArenaLargeBytes) {
        size = kArenaHugeChunkBytes;
    } else {
        m_nextChunkSize = m_nextChunkSize ? std::min(m_nextChunkSize * 2, kArenaMaxChunkBytes) : kArenaFirstChunkBytes;
        size = m_nextChunkSize;
    }
    if (bytes + align > size / 2) {
        return reinterpret_cast<void *>(
            alignUp(newChunk(bytes + align, size == kArenaHugeChunkBytes, &end), align));
    }
    m_next = newChunk(size, size == kArenaHugeChunkBytes, &end);
    m_end = end;
    return allocateUnlocked(bytes, align);
}

void *AstArena::allocateLocked(std::size_t bytes, std::size_t align)
{
    const std::lock_guard locker(m_lock);
    return allocateUnlocked(bytes, align);
}

} // namespace detail

bool operator==(const Value &a, const Value &b)
{
    // 'block' only records how a string was written; 'loc' never compares.
    return a.kind == b.kind && a.text == b.text && a.boolean == b.boolean && a.list == b.list
        && a.fields == b.fields;
}

bool operator==(const OperationDefinition &a, const OperationDefinition &b)
{
    // 'shorthand' only records how the operation was written.
    return a.operation == b.operation && a.name == b.name && a.variables == b.variables
        && a.directives == b.directives && a.selectionSet == b.selectionSet;
}

bool TypeRef::isList() const
{
    if (kind == Kind::List)
        return true;
    return kind == Kind::NonNull && !ofType.empty() && ofType.front().kind == Kind::List;
}

const QString &TypeRef::namedType() const
{
    const TypeRef *t = this;
    while (t->kind != Kind::Named && !t->ofType.empty())
        t = &t->ofType.front();
    return t->name;
}

TypeRef TypeRef::named(const QString &name)
{
    TypeRef t;
    t.kind = Kind::Named;
    t.name = name;
    return t;
}

TypeRef TypeRef::listOf(TypeRef inner)
{
    TypeRef t;
    t.kind = Kind::List;
    t.ofType.push_back(std::move(inner));
    return t;
}

TypeRef TypeRef::nonNull(TypeRef inner)
{
    TypeRef t;
    t.kind = Kind::NonNull;
    t.ofType.push_back(std::move(inner));
    return t;
}

namespace {
template<typename T>
const T *findByName(const List<T> &items, QStringView name)
{
    for (const T &item : items) {
        if (item.name == name)
            return &item;
    }
    return nullptr;
}
} // namespace

const Argument *Directive::argument(QStringView name) const
{
    return findByName(arguments, name);
}

const Directive *InputValueDefinition::directive(QStringView name) const
{
    return findByName(directives, name);
}

const Directive *FieldDefinition::directive(QStringView name) const
{
    return findByName(directives, name);
}

const InputValueDefinition *FieldDefinition::argument(QStringView name) const
{
    return findByName(arguments, name);
}

const Directive *TypeDefinition::directive(QStringView name) const
{
    return findByName(directives, name);
}

const FieldDefinition *TypeDefinition::field(QStringView name) const
{
    return findByName(fields, name);
}

const InputValueDefinition *TypeDefinition::inputField(QStringView name) const
{
    return findByName(inputFields, name);
}

const TypeDefinition *Document::typeDefinition(QStringView name) const
{
    for (const Definition &d : definitions) {
        if (const auto *t = std::get_if<TypeDefinition>(&d); t && !t->isExtension && t->name == name)
            return t;
    }
    return nullptr;
}

const OperationDefinition *Document::operation(QStringView name) const
{
    for (const Definition &d : definitions) {
        if (const auto *op = std::get_if<OperationDefinition>(&d); op && (name.isEmpty() || op->name == name))
            return op;
    }
    return nullptr;
}

const FragmentDefinition *Document::fragment(QStringView name) const
{
    for (const Definition &d : definitions) {
        if (const auto *f = std::get_if<FragmentDefinition>(&d); f && f->name == name)
            return f;
    }
    return nullptr;
}

QStringView operationTypeName(OperationType op)
{
    switch (op) {
    case OperationType::Query:
        return u"query";
    case OperationType::Mutation:
        return u"mutation";
    case OperationType::Subscription:
        return u"subscription";
    }
    return u"query";
}

} // namespace ds::graphql

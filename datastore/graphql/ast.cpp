#include "graphql/ast.h"

using namespace Qt::StringLiterals;

namespace ds::graphql {

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
const T *findByName(const std::vector<T> &items, QStringView name)
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

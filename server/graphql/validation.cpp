#include "graphql/validation.h"

#include "graphql/values_p.h"

#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace ds::server::graphql {

namespace {

QString q(const QString &name) { return u'\'' + name + u'\''; }

int editDistance(const QString &a, const QString &b)
{
    if (a == b)
        return 0;
    const QString la = a.toLower(), lb = b.toLower();
    if (la == lb)
        return 1;
    std::vector<int> prev(size_t(lb.size() + 1)), cur(size_t(lb.size() + 1));
    for (qsizetype j = 0; j <= lb.size(); ++j)
        prev[size_t(j)] = int(j);
    for (qsizetype i = 1; i <= la.size(); ++i) {
        cur[0] = int(i);
        for (qsizetype j = 1; j <= lb.size(); ++j) {
            const int cost = la[i - 1] == lb[j - 1] ? 0 : 1;
            cur[size_t(j)] = std::min({prev[size_t(j)] + 1, cur[size_t(j - 1)] + 1, prev[size_t(j - 1)] + cost});
        }
        std::swap(prev, cur);
    }
    return prev[size_t(lb.size())];
}

struct VariableUsage
{
    QString name;
    const gql::TypeRef *type = nullptr;   // the position's type; nullptr when unknown
    bool hasLocationDefault = false;
    SourceLocation at;
};

// Per operation or fragment: what it uses directly.
struct Scope
{
    std::vector<VariableUsage> usages;
    QStringList spreads;
};

bool typesOverlap(const TypeInfo *a, const TypeInfo *b)
{
    if (a == b)
        return true;
    if (!a->isAbstract())
        return b->isPossibleType(a);
    if (!b->isAbstract())
        return a->isPossibleType(b);
    for (const TypeInfo *t : a->possibleTypes)
        if (b->isPossibleType(t))
            return true;
    return false;
}

bool typeCompatible(const gql::TypeRef &variable, const gql::TypeRef &location)
{
    if (location.isNonNull()) {
        return variable.isNonNull() && typeCompatible(variable.inner(), location.inner());
    }
    if (variable.isNonNull())
        return typeCompatible(variable.inner(), location);
    if (location.kind == gql::TypeRef::Kind::List)
        return variable.kind == gql::TypeRef::Kind::List && typeCompatible(variable.inner(), location.inner());
    if (variable.kind == gql::TypeRef::Kind::List)
        return false;
    return variable.name == location.name;
}

// Whether two output types could both produce the same response shape.
bool sameShape(const gql::TypeRef &a, const gql::TypeRef &b, const ExecutableSchema &schema)
{
    if (a.kind != b.kind)
        return false;
    if (a.kind != gql::TypeRef::Kind::Named)
        return sameShape(a.inner(), b.inner(), schema);
    const TypeInfo *ta = schema.type(a.name), *tb = schema.type(b.name);
    if (ta && tb && (ta->isLeaf() || tb->isLeaf()))
        return ta == tb;
    return true;
}

bool sameArguments(const gql::List<gql::Argument> &a, const gql::List<gql::Argument> &b)
{
    if (a.size() != b.size())
        return false;
    for (const gql::Argument &x : a) {
        bool found = false;
        for (const gql::Argument &y : b)
            if (x.name == y.name && x.value == y.value)
                found = true;
        if (!found)
            return false;
    }
    return true;
}

struct LimitExceeded
{
    GraphQLError error;
};

class Validator
{
public:
    Validator(const ExecutableSchema &schema, const gql::Document &doc, const ValidationLimits &limits)
        : m_schema(schema), m_doc(doc), m_limits(limits)
    {
    }

    QList<GraphQLError> run();

private:
    void error(const QString &message, SourceLocation at, SourceLocation second = {})
    {
        if (m_errors.size() >= m_limits.maxErrors) {
            m_aborted = true;
            return;
        }
        GraphQLError e = GraphQLError::at(message, at);
        if (second.isValid())
            e.locations.append(second);
        m_errors.append(e);
        if (m_errors.size() >= m_limits.maxErrors) {
            m_errors.append(GraphQLError::at(
                u"Too many validation errors, error limit reached. Validation aborted."_s, {}));
            m_aborted = true;
        }
    }

    void selectionSet(const gql::List<gql::Selection> &set, const TypeInfo *parent, int depth);
    void field(const gql::Selection &sel, const TypeInfo *parent, int depth);
    void directives(const gql::List<gql::Directive> &list, const QString &location);
    void arguments(const gql::List<gql::Argument> &given, const std::vector<InputValueInfo> &defs,
                   const QString &owner, bool isDirective, SourceLocation at, const QString &name);
    void variableUsages(const gql::Value &value, const gql::TypeRef *type, bool hasDefault);
    void overlaps(const gql::List<gql::Selection> &set, const TypeInfo *parent);
    void collect(const gql::List<gql::Selection> &set, const TypeInfo *parent,
                 QHash<QString, std::vector<std::pair<const TypeInfo *, const gql::Selection *>>> *byKey,
                 QStringList *order, QSet<QString> *visited);
    const TypeInfo *typeCondition(const QString &name, SourceLocation at, const QString &fragmentName);
    void metrics(const gql::List<gql::Selection> &set, int depth, qint64 *maxDepth, qint64 *fields,
                 QSet<QString> *stack);
    qint64 rootFieldCount(const gql::List<gql::Selection> &set, QSet<QString> *stack);
    void fragmentCycles();

    const ExecutableSchema &m_schema;
    const gql::Document &m_doc;
    const ValidationLimits &m_limits;
    QList<GraphQLError> m_errors;
    bool m_aborted = false;
    QHash<QString, const gql::FragmentDefinition *> m_fragments;
    Scope *m_scope = nullptr;
    QHash<QString, Scope> m_fragmentScopes;
    QHash<QString, std::pair<qint64, qint64>> m_fragmentMetrics;   // depth, fields
    QHash<QString, qint64> m_fragmentRootFields;
};

const TypeInfo *Validator::typeCondition(const QString &name, SourceLocation at, const QString &fragmentName)
{
    const TypeInfo *t = m_schema.type(name);
    if (!t) {
        error(u"Unknown type "_s + q(name) + u'.' + didYouMean(suggestionList(name, m_schema.typeNames())), at);
        return nullptr;
    }
    if (!t->isComposite()) {
        error(fragmentName.isEmpty()
                  ? QString(u"Fragment cannot condition on non composite type "_s + q(name) + u'.')
                  : QString(u"Fragment "_s + q(fragmentName) + u" cannot condition on non composite type "_s + q(name) + u'.'),
              at);
        return nullptr;
    }
    return t;
}

void Validator::metrics(const gql::List<gql::Selection> &set, int depth, qint64 *maxDepth, qint64 *fields,
                        QSet<QString> *stack)
{
    for (const gql::Selection &sel : set) {
        switch (sel.kind) {
        case gql::Selection::Kind::Field: {
            *fields = std::min<qint64>(*fields + 1, qint64(1) << 40);
            *maxDepth = std::max<qint64>(*maxDepth, depth + 1);
            if (!sel.selectionSet.empty())
                metrics(sel.selectionSet, depth + 1, maxDepth, fields, stack);
            break;
        }
        case gql::Selection::Kind::InlineFragment:
            metrics(sel.selectionSet, depth, maxDepth, fields, stack);
            break;
        case gql::Selection::Kind::FragmentSpread: {
            const gql::FragmentDefinition *f = m_fragments.value(sel.name);
            if (!f || stack->contains(sel.name))
                break;
            auto it = m_fragmentMetrics.constFind(sel.name);
            if (it == m_fragmentMetrics.constEnd()) {
                qint64 d = 0, n = 0;
                stack->insert(sel.name);
                metrics(f->selectionSet, 0, &d, &n, stack);
                stack->remove(sel.name);
                it = m_fragmentMetrics.insert(sel.name, {d, n});
            }
            *maxDepth = std::max<qint64>(*maxDepth, depth + it->first);
            *fields = std::min<qint64>(*fields + it->second, qint64(1) << 40);
            break;
        }
        }
    }
}

// Fields of a selection set at its own level (fragments expanded): for the
// root, how many resolver calls one request makes.
qint64 Validator::rootFieldCount(const gql::List<gql::Selection> &set, QSet<QString> *stack)
{
    qint64 n = 0;
    for (const gql::Selection &sel : set) {
        switch (sel.kind) {
        case gql::Selection::Kind::Field:
            ++n;
            break;
        case gql::Selection::Kind::InlineFragment:
            n += rootFieldCount(sel.selectionSet, stack);
            break;
        case gql::Selection::Kind::FragmentSpread: {
            const gql::FragmentDefinition *f = m_fragments.value(sel.name);
            if (!f || stack->contains(sel.name))
                break;
            auto it = m_fragmentRootFields.constFind(sel.name);
            if (it == m_fragmentRootFields.constEnd()) {
                stack->insert(sel.name);
                const qint64 count = rootFieldCount(f->selectionSet, stack);
                stack->remove(sel.name);
                it = m_fragmentRootFields.insert(sel.name, count);
            }
            n += *it;
            break;
        }
        }
        n = std::min<qint64>(n, qint64(1) << 40);
    }
    return n;
}

void Validator::directives(const gql::List<gql::Directive> &list, const QString &location)
{
    QSet<QString> seen;
    for (const gql::Directive &d : list) {
        const DirectiveInfo *def = m_schema.directive(d.name);
        if (!def) {
            error(u"Unknown directive '@"_s + d.name + u"'."_s, d.loc.at);
            for (const gql::Argument &a : d.arguments)
                variableUsages(a.value, nullptr, false);
            continue;
        }
        if (!def->locations.contains(location))
            error(u"Directive '@"_s + d.name + u"' may not be used on "_s + location + u'.', d.loc.at);
        if (!def->isRepeatable) {
            if (seen.contains(d.name))
                error(u"The directive '@"_s + d.name + u"' can only be used once at this location."_s, d.loc.at);
            seen.insert(d.name);
        }
        arguments(d.arguments, def->arguments, u'@' + d.name, true, d.loc.at, d.name);
    }
}

void Validator::arguments(const gql::List<gql::Argument> &given, const std::vector<InputValueInfo> &defs,
                          const QString &owner, bool isDirective, SourceLocation at, const QString &name)
{
    QSet<QString> seen;
    for (const gql::Argument &a : given) {
        if (seen.contains(a.name))
            error(u"There can be only one argument named "_s + q(a.name) + u'.', a.loc.at);
        seen.insert(a.name);
        const InputValueInfo *def = nullptr;
        for (const InputValueInfo &d : defs)
            if (d.name == a.name)
                def = &d;
        if (!def) {
            QStringList names;
            for (const InputValueInfo &d : defs)
                names.append(d.name);
            error(u"Unknown argument "_s + q(a.name) + (isDirective ? u" on directive '"_s : u" on field '"_s)
                      + owner + u"'."_s + didYouMean(suggestionList(a.name, names)),
                  a.loc.at);
            variableUsages(a.value, nullptr, false);
            continue;
        }
        validateLiteral(m_schema, a.value, def->type,
                        [this](const QString &message, SourceLocation loc) { error(message, loc); });
        variableUsages(a.value, &def->type, def->defaultValue.has_value());
    }
    for (const InputValueInfo &d : defs) {
        if (!d.type.isNonNull() || d.defaultValue || seen.contains(d.name))
            continue;
        error((isDirective ? u"Directive '@"_s : u"Field '"_s) + name + u"' argument "_s + q(d.name)
                  + u" of type "_s + q(typeName(d.type)) + u" is required, but it was not provided."_s,
              at);
    }
}

void Validator::variableUsages(const gql::Value &value, const gql::TypeRef *type, bool hasDefault)
{
    using VK = gql::Value::Kind;
    switch (value.kind) {
    case VK::Variable:
        m_scope->usages.push_back({value.text, type, hasDefault, value.loc.at});
        break;
    case VK::List: {
        const gql::TypeRef *inner = nullptr;
        if (type) {
            const gql::TypeRef *t = type->isNonNull() ? &type->inner() : type;
            inner = t->kind == gql::TypeRef::Kind::List ? &t->inner() : nullptr;
        }
        for (const gql::Value &item : value.list)
            variableUsages(item, inner, false);
        break;
    }
    case VK::Object: {
        const TypeInfo *named = type ? m_schema.type(type->namedType()) : nullptr;
        const bool isList = type && (type->isNonNull() ? type->inner() : *type).kind == gql::TypeRef::Kind::List;
        for (const gql::ObjectField &f : value.fields) {
            const InputValueInfo *def = named && !isList ? named->inputField(f.name) : nullptr;
            variableUsages(f.value, def ? &def->type : nullptr, def && def->defaultValue);
        }
        break;
    }
    default:
        break;
    }
}

void Validator::field(const gql::Selection &sel, const TypeInfo *parent, int depth)
{
    const FieldInfo *def = parent ? m_schema.lookupField(parent, sel.name) : nullptr;
    if (parent && !def) {
        QStringList names;
        if (parent->kind != TypeInfo::Kind::Union)
            for (const FieldInfo &f : parent->fields)
                names.append(f.name);
        error(u"Cannot query field "_s + q(sel.name) + u" on type "_s + q(parent->name) + u'.'
                  + didYouMean(suggestionList(sel.name, names)),
              sel.loc.at);
    }
    if (def) {
        arguments(sel.arguments, def->arguments, parent->name + u'.' + sel.name, false, sel.loc.at, sel.name);
    } else {
        for (const gql::Argument &a : sel.arguments)
            variableUsages(a.value, nullptr, false);
    }
    directives(sel.directives, u"FIELD"_s);

    const TypeInfo *child = def ? def->namedType : nullptr;
    if (child) {
        if (child->isLeaf() && !sel.selectionSet.empty()) {
            error(u"Field "_s + q(sel.name) + u" must not have a selection since type "_s + q(typeName(def->type))
                      + u" has no subfields."_s,
                  sel.loc.at);
            return;
        }
        if (!child->isLeaf() && sel.selectionSet.empty()) {
            error(u"Field "_s + q(sel.name) + u" of type "_s + q(typeName(def->type))
                      + u" must have a selection of subfields. Did you mean '"_s + sel.name + u" { ... }'?"_s,
                  sel.loc.at);
            return;
        }
    }
    if (!sel.selectionSet.empty())
        selectionSet(sel.selectionSet, child, depth + 1);
}

void Validator::selectionSet(const gql::List<gql::Selection> &set, const TypeInfo *parent, int depth)
{
    for (const gql::Selection &sel : set) {
        if (m_aborted)
            return;
        switch (sel.kind) {
        case gql::Selection::Kind::Field:
            field(sel, parent, depth);
            break;
        case gql::Selection::Kind::InlineFragment: {
            const TypeInfo *t = parent;
            if (!sel.typeCondition.isEmpty()) {
                t = typeCondition(sel.typeCondition, sel.loc.at, {});
                if (t && parent && !typesOverlap(t, parent))
                    error(u"Fragment cannot be spread here as objects of type "_s + q(parent->name)
                              + u" can never be of type "_s + q(t->name) + u'.',
                          sel.loc.at);
            }
            directives(sel.directives, u"INLINE_FRAGMENT"_s);
            selectionSet(sel.selectionSet, t, depth);
            break;
        }
        case gql::Selection::Kind::FragmentSpread: {
            directives(sel.directives, u"FRAGMENT_SPREAD"_s);
            m_scope->spreads.append(sel.name);
            const gql::FragmentDefinition *f = m_fragments.value(sel.name);
            if (!f) {
                error(u"Unknown fragment "_s + q(sel.name) + u'.', sel.loc.at);
                break;
            }
            const TypeInfo *t = m_schema.type(f->typeCondition);
            if (t && t->isComposite() && parent && !typesOverlap(t, parent))
                error(u"Fragment "_s + q(sel.name) + u" cannot be spread here as objects of type "_s
                          + q(parent->name) + u" can never be of type "_s + q(t->name) + u'.',
                      sel.loc.at);
            break;
        }
        }
    }
    if (parent && !m_aborted)
        overlaps(set, parent);
}

void Validator::collect(const gql::List<gql::Selection> &set, const TypeInfo *parent,
                        QHash<QString, std::vector<std::pair<const TypeInfo *, const gql::Selection *>>> *byKey,
                        QStringList *order, QSet<QString> *visited)
{
    for (const gql::Selection &sel : set) {
        switch (sel.kind) {
        case gql::Selection::Kind::Field: {
            auto &list = (*byKey)[sel.responseKey()];
            if (list.empty())
                order->append(sel.responseKey());
            list.emplace_back(parent, &sel);
            break;
        }
        case gql::Selection::Kind::InlineFragment: {
            const TypeInfo *t = sel.typeCondition.isEmpty() ? parent : m_schema.type(sel.typeCondition);
            if (t && t->isComposite())
                collect(sel.selectionSet, t, byKey, order, visited);
            break;
        }
        case gql::Selection::Kind::FragmentSpread: {
            if (visited->contains(sel.name))
                break;
            visited->insert(sel.name);
            const gql::FragmentDefinition *f = m_fragments.value(sel.name);
            const TypeInfo *t = f ? m_schema.type(f->typeCondition) : nullptr;
            if (t && t->isComposite())
                collect(f->selectionSet, t, byKey, order, visited);
            break;
        }
        }
    }
}

void Validator::overlaps(const gql::List<gql::Selection> &set, const TypeInfo *parent)
{
    bool hasFragments = false;
    int fields = 0;
    for (const gql::Selection &sel : set) {
        hasFragments = hasFragments || sel.kind != gql::Selection::Kind::Field;
        ++fields;
    }
    if (!hasFragments && fields < 2)
        return;
    QHash<QString, std::vector<std::pair<const TypeInfo *, const gql::Selection *>>> byKey;
    QStringList order;
    QSet<QString> visited;
    collect(set, parent, &byKey, &order, &visited);
    for (const QString &key : std::as_const(order)) {
        const auto &list = byKey[key];
        if (list.size() < 2)
            continue;
        const auto &[firstParent, first] = list.front();
        const FieldInfo *firstDef = m_schema.lookupField(firstParent, first->name);
        for (size_t i = 1; i < list.size(); ++i) {
            const auto &[otherParent, other] = list[i];
            const FieldInfo *otherDef = m_schema.lookupField(otherParent, other->name);
            const bool sameParent = firstParent == otherParent || firstParent->kind != TypeInfo::Kind::Object
                || otherParent->kind != TypeInfo::Kind::Object;
            QString reason;
            if (sameParent && first->name != other->name)
                reason = q(first->name) + u" and "_s + q(other->name) + u" are different fields"_s;
            else if (sameParent && !sameArguments(first->arguments, other->arguments))
                reason = u"they have differing arguments"_s;
            else if (firstDef && otherDef && !sameShape(firstDef->type, otherDef->type, m_schema))
                reason = u"they return conflicting types "_s + q(typeName(firstDef->type)) + u" and "_s
                    + q(typeName(otherDef->type));
            if (!reason.isEmpty()) {
                error(u"Fields "_s + q(key) + u" conflict because "_s + reason
                          + u". Use different aliases on the fields to fetch both if this was intentional."_s,
                      first->loc.at, other->loc.at);
                break;
            }
        }
    }
}

void Validator::fragmentCycles()
{
    // Depth-first search over the spreads of each fragment.
    QSet<QString> done;
    for (const gql::Definition &d : m_doc.definitions) {
        const auto *f = std::get_if<gql::FragmentDefinition>(&d);
        if (!f || done.contains(f->name))
            continue;
        QStringList path;
        std::vector<const gql::Selection *> spreadPath;
        QHash<QString, int> onPath;
        std::function<void(const QString &)> visit = [&](const QString &name) {
            if (done.contains(name))
                return;
            done.insert(name);
            onPath.insert(name, int(spreadPath.size()));
            const gql::FragmentDefinition *frag = m_fragments.value(name);
            std::function<void(const gql::List<gql::Selection> &)> walk =
                [&](const gql::List<gql::Selection> &set) {
                    for (const gql::Selection &sel : set) {
                        if (sel.kind == gql::Selection::Kind::FragmentSpread) {
                            if (!m_fragments.contains(sel.name))
                                continue;
                            const auto cycle = onPath.constFind(sel.name);
                            spreadPath.push_back(&sel);
                            if (cycle == onPath.constEnd()) {
                                visit(sel.name);
                            } else {
                                QStringList via;
                                for (size_t k = size_t(*cycle); k + 1 < spreadPath.size(); ++k)
                                    via.append(q(spreadPath[k]->name));
                                error(u"Cannot spread fragment "_s + q(sel.name) + u" within itself"_s
                                          + (via.isEmpty() ? QString() : u" via "_s + via.join(u", "_s)) + u'.',
                                      spreadPath[size_t(*cycle)]->loc.at);
                            }
                            spreadPath.pop_back();
                        } else if (sel.kind == gql::Selection::Kind::InlineFragment) {
                            walk(sel.selectionSet);
                        }
                        // Fields' sub-selections are walked too: a cycle through them also never ends.
                        if (sel.kind == gql::Selection::Kind::Field)
                            walk(sel.selectionSet);
                    }
                };
            if (frag)
                walk(frag->selectionSet);
            onPath.remove(name);
        };
        visit(f->name);
    }
}

QList<GraphQLError> Validator::run()
{
    // Executable definitions only; fragment and operation names.
    std::vector<const gql::OperationDefinition *> operations;
    QHash<QString, const gql::OperationDefinition *> operationNames;
    int anonymous = 0;
    for (const gql::Definition &d : m_doc.definitions) {
        if (const auto *op = std::get_if<gql::OperationDefinition>(&d)) {
            operations.push_back(op);
            if (op->name.isEmpty()) {
                ++anonymous;
            } else if (const auto *prev = operationNames.value(op->name)) {
                error(u"There can be only one operation named "_s + q(op->name) + u'.', prev->loc.at, op->loc.at);
            } else {
                operationNames.insert(op->name, op);
            }
        } else if (const auto *f = std::get_if<gql::FragmentDefinition>(&d)) {
            if (const auto *prev = m_fragments.value(f->name))
                error(u"There can be only one fragment named "_s + q(f->name) + u'.', prev->loc.at, f->loc.at);
            else
                m_fragments.insert(f->name, f);
        } else {
            QString name;
            SourceLocation at;
            if (const auto *t = std::get_if<gql::TypeDefinition>(&d)) {
                name = t->name;
                at = t->loc.at;
            } else if (const auto *dd = std::get_if<gql::DirectiveDefinition>(&d)) {
                name = u'@' + dd->name;
                at = dd->loc.at;
            } else if (const auto *s = std::get_if<gql::SchemaDefinition>(&d)) {
                name = u"schema"_s;
                at = s->loc.at;
            }
            error(u"The "_s + q(name) + u" definition is not executable."_s, at);
        }
    }
    if (!m_errors.isEmpty())
        return m_errors;
    if (operations.empty()) {
        error(u"The document contains no operation."_s, {});
        return m_errors;
    }
    if (anonymous > 0 && operations.size() > 1) {
        for (const gql::OperationDefinition *op : operations)
            if (op->name.isEmpty())
                error(u"This anonymous operation must be the only defined operation."_s, op->loc.at);
    }

    // Limits first: a hostile document stops here, before the heavier rules.
    for (const gql::OperationDefinition *op : operations) {
        qint64 depth = 0, fields = 0;
        QSet<QString> stack;
        metrics(op->selectionSet, 0, &depth, &fields, &stack);
        const QString kind = op->operation == gql::OperationType::Query ? u"Query"_s
            : op->operation == gql::OperationType::Mutation              ? u"Mutation"_s
                                                                         : u"Subscription"_s;
        if (depth > m_limits.maxDepth)
            return {GraphQLError::at(kind + u" depth "_s + QString::number(depth)
                                         + u" exceeds the maximum allowed depth of "_s
                                         + QString::number(m_limits.maxDepth) + u'.',
                                     op->loc.at)};
        QSet<QString> rootStack;
        if (const qint64 roots = rootFieldCount(op->selectionSet, &rootStack); roots > m_limits.maxRootFields)
            return {GraphQLError::at(kind + u" selects "_s + (roots >= (qint64(1) << 40) ? u"too many"_s : QString::number(roots))
                                         + u" root fields, more than the maximum of "_s
                                         + QString::number(m_limits.maxRootFields) + u" per request."_s,
                                     op->loc.at)};
        if (fields > m_limits.maxFields)
            return {GraphQLError::at(kind + u" selects "_s + (fields >= (qint64(1) << 40) ? u"too many"_s : QString::number(fields))
                                         + u" fields, more than the maximum of "_s
                                         + QString::number(m_limits.maxFields) + u'.',
                                     op->loc.at)};
    }

    // Fragment definitions, each once.
    for (const gql::Definition &d : m_doc.definitions) {
        const auto *f = std::get_if<gql::FragmentDefinition>(&d);
        if (!f || m_fragments.value(f->name) != f)
            continue;
        m_scope = &m_fragmentScopes[f->name];
        const TypeInfo *t = typeCondition(f->typeCondition, f->loc.at, f->name);
        directives(f->directives, u"FRAGMENT_DEFINITION"_s);
        selectionSet(f->selectionSet, t, 0);
        if (m_aborted)
            return m_errors;
    }
    fragmentCycles();

    // Operations.
    QSet<QString> usedFragments;
    for (const gql::OperationDefinition *op : operations) {
        Scope scope;
        m_scope = &scope;
        const QString kind = operationTypeName(op->operation).toString();
        const TypeInfo *root = m_schema.rootType(op->operation);
        if (!root)
            error(u"Schema is not configured to execute "_s + kind + u" operation."_s, op->loc.at);

        QHash<QString, const gql::VariableDefinition *> variables;
        for (const gql::VariableDefinition &v : op->variables) {
            if (variables.contains(v.name)) {
                error(u"There can be only one variable named '$"_s + v.name + u"'."_s, variables.value(v.name)->loc.at,
                      v.loc.at);
                continue;
            }
            variables.insert(v.name, &v);
            const TypeInfo *t = m_schema.type(v.type.namedType());
            if (!t) {
                error(u"Unknown type "_s + q(v.type.namedType()) + u'.'
                          + didYouMean(suggestionList(v.type.namedType(), m_schema.typeNames())),
                      v.type.loc.at);
            } else if (!t->isInputType()) {
                error(u"Variable '$"_s + v.name + u"' cannot be non-input type "_s + q(typeName(v.type)) + u'.',
                      v.type.loc.at);
            } else if (v.defaultValue) {
                validateLiteral(m_schema, *v.defaultValue, v.type,
                                [this](const QString &message, SourceLocation loc) { error(message, loc); });
            }
            directives(v.directives, u"VARIABLE_DEFINITION"_s);
        }
        directives(op->directives, kind.toUpper());
        selectionSet(op->selectionSet, root, 0);
        if (m_aborted)
            return m_errors;

        if (op->operation == gql::OperationType::Subscription && root) {
            QHash<QString, std::vector<std::pair<const TypeInfo *, const gql::Selection *>>> byKey;
            QStringList order;
            QSet<QString> visited;
            collect(op->selectionSet, root, &byKey, &order, &visited);
            if (order.size() > 1) {
                const auto &extra = byKey[order.at(1)].front().second;
                error(op->name.isEmpty() ? u"Anonymous Subscription must select only one top level field."_s
                                         : u"Subscription "_s + q(op->name) + u" must select only one top level field."_s,
                      extra->loc.at);
            }
        }

        // Variables used through the fragments this operation reaches.
        std::vector<const VariableUsage *> usages;
        for (const VariableUsage &u : scope.usages)
            usages.push_back(&u);
        QStringList queue = scope.spreads;
        QSet<QString> reached;
        while (!queue.isEmpty()) {
            const QString name = queue.takeFirst();
            if (reached.contains(name) || !m_fragments.contains(name))
                continue;
            reached.insert(name);
            const Scope &fs = m_fragmentScopes[name];
            for (const VariableUsage &u : fs.usages)
                usages.push_back(&u);
            queue += fs.spreads;
        }
        usedFragments += reached;

        QSet<QString> used;
        for (const VariableUsage *u : usages) {
            used.insert(u->name);
            const gql::VariableDefinition *v = variables.value(u->name);
            if (!v) {
                error(op->name.isEmpty() ? QString(u"Variable '$"_s + u->name + u"' is not defined."_s)
                                         : QString(u"Variable '$"_s + u->name + u"' is not defined by operation "_s
                                                   + q(op->name) + u'.'),
                      u->at, op->loc.at);
                continue;
            }
            if (!u->type)
                continue;
            const TypeInfo *vt = m_schema.type(v->type.namedType());
            if (!vt || !vt->isInputType())
                continue;
            const gql::TypeRef *location = u->type;
            const gql::TypeRef *variableType = &v->type;
            bool ok;
            if (location->isNonNull() && !variableType->isNonNull()) {
                const bool hasNonNullDefault = v->defaultValue && v->defaultValue->kind != gql::Value::Kind::Null;
                ok = (hasNonNullDefault || u->hasLocationDefault) && typeCompatible(*variableType, location->inner());
            } else {
                ok = typeCompatible(*variableType, *location);
            }
            if (!ok)
                error(u"Variable '$"_s + u->name + u"' of type "_s + q(typeName(v->type))
                          + u" used in position expecting type "_s + q(typeName(*location)) + u'.',
                      v->loc.at, u->at);
        }
        for (const gql::VariableDefinition &v : op->variables) {
            if (!used.contains(v.name))
                error(op->name.isEmpty() ? QString(u"Variable '$"_s + v.name + u"' is never used."_s)
                                         : QString(u"Variable '$"_s + v.name + u"' is never used in operation "_s
                                                   + q(op->name) + u'.'),
                      v.loc.at);
        }
        m_scope = nullptr;
        if (m_aborted)
            return m_errors;
    }

    for (const gql::Definition &d : m_doc.definitions) {
        const auto *f = std::get_if<gql::FragmentDefinition>(&d);
        if (f && !usedFragments.contains(f->name))
            error(u"Fragment "_s + q(f->name) + u" is never used."_s, f->loc.at);
    }
    return m_errors;
}

} // namespace

QStringList suggestionList(const QString &input, const QStringList &options)
{
    const int threshold = int(input.size() * 0.4) + 1;
    std::vector<std::pair<int, QString>> ranked;
    for (const QString &option : options) {
        const int d = editDistance(input, option);
        if (d <= std::max(threshold, 1))
            ranked.emplace_back(d, option);
    }
    std::sort(ranked.begin(), ranked.end());
    QStringList out;
    for (const auto &r : ranked)
        out.append(r.second);
    return out;
}

QString didYouMean(const QStringList &suggestions)
{
    if (suggestions.isEmpty())
        return {};
    QStringList quoted;
    for (qsizetype i = 0; i < std::min<qsizetype>(5, suggestions.size()); ++i)
        quoted.append(q(suggestions.at(i)));
    QString list;
    if (quoted.size() == 1)
        list = quoted.front();
    else if (quoted.size() == 2)
        list = quoted.at(0) + u" or "_s + quoted.at(1);
    else
        list = quoted.mid(0, quoted.size() - 1).join(u", "_s) + u", or "_s + quoted.back();
    return u" Did you mean "_s + list + u'?';
}

QList<GraphQLError> validate(const ExecutableSchema &schema, const gql::Document &document,
                             const ValidationLimits &limits)
{
    Validator v(schema, document, limits);
    return v.run();
}

} // namespace ds::server::graphql

// ds::Predicate: shared immutable nodes, canonicalizing factories and the
// combinators. See predicate.h and docs/predicates.md ("Canonical form").
#include <datastore/predicate.h>

#include "predicate/predicate_p.h"

#include <array>

using namespace Qt::StringLiterals;

namespace ds {

struct Predicate::Node
{
    Kind kind = Kind::All;
    QString field;
    Op op = Op::Eq;
    QVariant value;
    QList<Predicate> children;
};

namespace {

struct OpNameEntry
{
    Predicate::Op op;
    QStringView name;
};

constexpr std::array<OpNameEntry, 13> kOpNames{{
    {Predicate::Op::Eq, u"eq"},
    {Predicate::Op::Ne, u"ne"},
    {Predicate::Op::Lt, u"lt"},
    {Predicate::Op::Le, u"le"},
    {Predicate::Op::Gt, u"gt"},
    {Predicate::Op::Ge, u"ge"},
    {Predicate::Op::Contains, u"contains"},
    {Predicate::Op::NotContains, u"notContains"},
    {Predicate::Op::BeginsWith, u"beginsWith"},
    {Predicate::Op::Between, u"between"},
    {Predicate::Op::In, u"in"},
    {Predicate::Op::NotIn, u"notIn"},
    {Predicate::Op::AttributeExists, u"attributeExists"},
}};

const QString &emptyString()
{
    static const QString s;
    return s;
}

const QVariant &nullVariant()
{
    static const QVariant v;
    return v;
}

const QList<Predicate> &noChildren()
{
    static const QList<Predicate> list;
    return list;
}

bool isEmptyOr(const Predicate &p)
{
    return p.kind() == Predicate::Kind::Or && p.children().isEmpty();
}

} // namespace

Predicate::Predicate()
{
    static const std::shared_ptr<const Node> all = std::make_shared<const Node>();
    m_node = all;
}

Predicate::Predicate(std::shared_ptr<const Node> node) : m_node(std::move(node)) { }

Predicate Predicate::all()
{
    return Predicate();
}

Predicate Predicate::compare(QString field, Op op, QVariant value)
{
    auto node = std::make_shared<Node>();
    node->kind = Kind::Comparison;
    node->field = std::move(field);
    node->op = op;
    node->value = std::move(value);
    return Predicate(std::move(node));
}

Predicate Predicate::andOf(QList<Predicate> children)
{
    QList<Predicate> flat;
    flat.reserve(children.size());
    for (const Predicate &c : children) {
        if (c.kind() == Kind::All)
            continue;                     // identity of And
        if (isEmptyOr(c))
            return c;                     // absorbing element
        if (c.kind() == Kind::And)
            flat.append(c.children());
        else
            flat.append(c);
    }
    if (flat.isEmpty())
        return all();
    if (flat.size() == 1)
        return flat.front();
    auto node = std::make_shared<Node>();
    node->kind = Kind::And;
    node->children = std::move(flat);
    return Predicate(std::move(node));
}

Predicate Predicate::orOf(QList<Predicate> children)
{
    QList<Predicate> flat;
    flat.reserve(children.size());
    for (const Predicate &c : children) {
        if (c.kind() == Kind::All)
            return c;                     // absorbing element
        if (c.kind() == Kind::Or)
            flat.append(c.children());    // an empty Or (none) vanishes here
        else
            flat.append(c);
    }
    if (flat.size() == 1)
        return flat.front();
    auto node = std::make_shared<Node>();
    node->kind = Kind::Or;
    node->children = std::move(flat);
    return Predicate(std::move(node));
}

Predicate Predicate::notOf(Predicate child)
{
    auto node = std::make_shared<Node>();
    node->kind = Kind::Not;
    node->children = {std::move(child)};
    return Predicate(std::move(node));
}

Predicate::Kind Predicate::kind() const
{
    return m_node->kind;
}

const QString &Predicate::field() const
{
    return m_node->kind == Kind::Comparison ? m_node->field : emptyString();
}

Predicate::Op Predicate::op() const
{
    return m_node->op;
}

const QVariant &Predicate::value() const
{
    return m_node->kind == Kind::Comparison ? m_node->value : nullVariant();
}

const QList<Predicate> &Predicate::children() const
{
    return m_node->kind == Kind::Comparison || m_node->kind == Kind::All ? noChildren()
                                                                           : m_node->children;
}

Predicate Predicate::none()
{
    auto node = std::make_shared<Node>();
    node->kind = Kind::Or;
    return Predicate(std::move(node));
}

bool Predicate::isNone() const
{
    return isEmptyOr(*this);
}

QString Predicate::opName(Op op)
{
    for (const OpNameEntry &e : kOpNames) {
        if (e.op == op)
            return e.name.toString();
    }
    return QString();
}

std::optional<Predicate::Op> Predicate::opFromName(QStringView name)
{
    for (const OpNameEntry &e : kOpNames) {
        if (e.name == name)
            return e.op;
    }
    return std::nullopt;
}

bool operator==(const Predicate &a, const Predicate &b)
{
    if (a.m_node == b.m_node)
        return true;
    if (a.kind() != b.kind())
        return false;
    switch (a.kind()) {
    case Predicate::Kind::All:
        return true;
    case Predicate::Kind::Comparison:
        return a.field() == b.field() && a.op() == b.op()
               && predicate::detail::sameValue(a.value(), b.value());
    case Predicate::Kind::And:
    case Predicate::Kind::Or:
    case Predicate::Kind::Not:
        return a.children() == b.children();
    }
    return false;
}

Predicate operator&&(const Predicate &a, const Predicate &b)
{
    return Predicate::andOf({a, b});
}

Predicate operator||(const Predicate &a, const Predicate &b)
{
    return Predicate::orOf({a, b});
}

Predicate operator!(const Predicate &p)
{
    if (p.isAll())
        return Predicate::none();
    if (p.isNone())
        return Predicate::all();
    if (p.kind() == Predicate::Kind::Not)
        return p.children().front();
    return Predicate::notOf(p);
}

} // namespace ds

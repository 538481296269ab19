// ds::Predicate: one immutable predicate AST shared by every face of the
// predicate engine (text syntax, C++ builder, AppSync filter JSON, SQL,
// in-memory evaluation; see datastore/predicate/).
//
//   Post::RATING.gt(5) && (Post::TITLE.beginsWith(u"This"_s) || Post::STATUS.eq(PostStatus::Published))
//   !Post::RATING.lt(3)
//   Predicate::all()
//
// Values are held in their wire form (see modelcodec.h): enums as their
// GraphQL names, AWSDate/AWSDateTime as ISO text, numbers as int/qint64/double.
// Cheap to copy (shared, immutable nodes); safe to share between threads.
//
// Canonical form (kept by the factories, so structural == is meaningful and
// print()/parse() round-trip): andOf() and orOf() flatten nested groups of
// their own kind and return their only child unwrapped; all() is dropped from
// an And and absorbs an Or; none() (the empty Or) absorbs an And and vanishes
// from an Or; andOf({}) is all(). notOf() builds a Not node as asked, while
// operator! simplifies: !all() is none(), !none() is all(), !!p is p.
// Null and missing values: docs/predicates.md ("Null semantics").
#pragma once

#include <datastore/global.h>

#include <QList>
#include <QString>
#include <QVariant>

#include <memory>
#include <optional>

namespace ds {

class DATASTORE_EXPORT Predicate
{
public:
    enum class Kind {
        All,          // matches every record
        Comparison,   // field op value
        And,          // all children (at least two; andOf({}) is all())
        Or,           // any child (at least two, or none: the empty Or matches nothing)
        Not,          // negates its one child
    };

    enum class Op {
        Eq, Ne, Lt, Le, Gt, Ge,
        Contains, NotContains, BeginsWith,
        Between,          // value: QVariantList{low, high}, inclusive
        In, NotIn,        // value: QVariantList of candidates
        AttributeExists,  // value: bool
    };

    Predicate();   // all()
    static Predicate all();
    static Predicate compare(QString field, Op op, QVariant value);
    static Predicate andOf(QList<Predicate> children);
    static Predicate orOf(QList<Predicate> children);
    static Predicate notOf(Predicate child);
    // Matches nothing: the empty Or. Text "none".
    static Predicate none();

    Kind kind() const;
    bool isAll() const { return kind() == Kind::All; }
    bool isNone() const;

    // Comparison only.
    const QString &field() const;
    Op op() const;
    const QVariant &value() const;

    // And, Or: the operands; Not: its one operand.
    const QList<Predicate> &children() const;

    // "eq", "beginsWith", "attributeExists": the AppSync names.
    static QString opName(Op op);
    static std::optional<Op> opFromName(QStringView name);

    // Structural equality (same tree, same values).
    friend DATASTORE_EXPORT bool operator==(const Predicate &a, const Predicate &b);

    // Combinators. `a && b` flattens nested Ands; all() is the identity of &&.
    friend DATASTORE_EXPORT Predicate operator&&(const Predicate &a, const Predicate &b);
    friend DATASTORE_EXPORT Predicate operator||(const Predicate &a, const Predicate &b);
    friend DATASTORE_EXPORT Predicate operator!(const Predicate &p);

private:
    struct Node;
    explicit Predicate(std::shared_ptr<const Node> node);
    std::shared_ptr<const Node> m_node;
};

} // namespace ds

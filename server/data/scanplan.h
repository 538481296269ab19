// ScanPlan: which index serves a base scan (sync and list queries) of one
// model with one filter, decided from the schema's index definitions alone,
// so every store (SQLite, PostgreSQL) gets the same answer and tests can
// check it without a database.
//
//   planBaseScan(User, lastName == "Doe" and createdAt > "2020-10-10")
//     -> Index "byLastName" [lastName, createdAt]: lastName eq, createdAt range;
//        keyset order lastName, createdAt, id
//   planBaseScan(Post, rating > 5)                 -> Scan (no index on rating)
//   planBaseScan(User, lastName == "A" or ...)     -> Scan (no top-level constraint)
//
// The rule: only the top-level conjunction counts (the filter itself, or the
// children of a top-level `and`). An index (the primary key, then each
// @index in schema order) is usable when those conjuncts fix a prefix of its
// fields with `eq` and/or constrain the next field with a range (lt, le, gt,
// ge, between, beginsWith). The index fixing the most leading fields wins,
// then one with a range after them, then the primary key, then schema order.
// `ne`, `contains`, `notContains`, `attributeExists`, `in`/`notIn`, `or` and
// `not` never select an index: they cannot be answered from one contiguous
// run of index entries in keyset order.
//
// The keyset order of an index plan is the index's fields, then the primary
// key fields not among them: the order in which the index (which in SQLite
// ends with the primary key; PgStore builds it so, NULLs first) already
// holds its entries, so no page sorts. Fields fixed by `eq` are constant over the matching rows; the
// store may leave them out of the keyset comparison (fixedFields).
//
// Threading: pure functions over immutable values.
#pragma once

#include <datastore/modelschema.h>
#include <datastore/predicate.h>

#include <QJsonObject>
#include <QStringList>
#include <QVariantList>

#include <functional>

namespace ds::server::data {

struct ScanPlan
{
    enum class Kind {
        Scan,    // the whole table in primary-key order, the filter on every row
        Index,   // a range of one index (an @index, or the primary key)
    };
    // The name of the primary key as an index in plans ("index":"primaryKey").
    static constexpr QStringView kPrimaryKey = u"primaryKey";

    Kind kind = Kind::Scan;
    QString index;              // @index name or kPrimaryKey; empty for a scan
    QStringList indexFields;    // that index's fields (partition key, sort keys)
    QStringList fixedFields;    // leading index fields the filter fixes with eq
    QString rangeField;         // the next index field, constrained by a range; may be empty
    QStringList orderFields;    // the keyset order: index fields + primary key; a scan: the primary key
    QString reason;             // one line for people: why this plan

    bool usesIndex() const { return kind == Kind::Index; }
    bool isPrimaryKey() const { return kind == Kind::Index && index == kPrimaryKey; }
    // The fields the access path reads by (fixedFields, then rangeField).
    QStringList constrainedFields() const;
    // "index byLastName (lastName eq, createdAt range)" / "scan (...)".
    QString describe() const;
    // {"plan":"index"|"scan","index","fields","fixed","range","order","reason"}.
    QJsonObject toJson() const;
};

// The top-level conjuncts of a filter: the children of an And, the filter
// itself when it is a comparison, nothing otherwise.
QList<Predicate> topLevelConjuncts(const Predicate &filter);

// The plan of a base scan of `model` filtered by `filter` (see the rule above).
ScanPlan planBaseScan(const ModelSchema &model, const Predicate &filter);

// The smallest string greater than every string that starts with prefix in
// code point (UTF-8 byte) order; empty when there is none (an empty prefix,
// or one made only of U+10FFFF). Stores use it to turn beginsWith into an
// index range: prefix <= value < prefixUpperBound(prefix).
QString prefixUpperBound(const QString &prefix);

// How one store writes the SQL of keysetCondition().
struct KeysetSql
{
    // The placeholder of values[i] at one place of the text, its binding
    // appended as the dialect needs (SQLite: "?" and a binding per use;
    // PostgreSQL: "$n", bound once and reused). Called in text order.
    std::function<QString(qsizetype i)> mark;
    QString columnPrefix;          // before columns of the exact form (SQLite "+": no OR index lookups)
    QString falseLiteral;          // "0" (SQLite), "FALSE" (PostgreSQL)
    // Without a leading never-NULL run, bound the first column alone where
    // the position implies one (ascending after a value: >= it; descending
    // after NULL: IS NULL), so the index can seek (PostgreSQL).
    bool boundFirstColumn = false;
};

// "After `values` in the order of `fields`" (ascending: NULLs first;
// descending: NULLs last), exact with NULLs, where a row-value comparison
// with a NULL is NULL. The row-value form (which both engines seek an index
// by) whenever it is exact: no NULL in the position and, when descending, no
// column that may hold NULL. Otherwise a seekable bound on the leading
// never-NULL columns, then the exact column-by-column form.
QString keysetCondition(const QStringList &fields, const QVariantList &values, bool descending,
                        const std::function<bool(const QString &)> &neverNull, const KeysetSql &sql);

} // namespace ds::server::data

// The AppSync face: GraphQL filter / condition JSON (PROTOCOL.md section 10)
// in both directions.
#pragma once

#include <datastore/modelschema.h>
#include <datastore/predicate.h>
#include <datastore/result.h>

#include <QJsonObject>

namespace ds::predicate {

enum class JsonKind {
    Filter,         // ModelXFilterInput: sync / list queries
    Condition,      // ModelXConditionInput: mutations (primary-key fields dropped)
    Subscription,   // ModelSubscriptionXFilterInput (no `not`)
};

// all() gives an empty object; callers send null instead where the protocol wants it.
// Filter / Condition: `in` becomes an `or` of `eq`, `notIn` an `and` of `ne`
// (those inputs have no in/notIn). Condition: primary-key leaves are left out.
// Subscription: no `not` and no attributeExists; negation is pushed down where
// exact, and what cannot be said is left out, so the filter may match MORE
// than the predicate: re-check events with evaluate(). An empty object then
// means "subscribe without a filter". none() gives {"or":[]}.
// See docs/predicates.md, "AppSync JSON".
QJsonObject toJson(const Predicate &predicate, const ModelSchema &model, JsonKind kind);

// Reads filter/condition JSON as a client or the server receives it; unknown
// fields or operators are Validation errors (code PredicateType, or
// PredicateSyntax for a wrong shape) whose message starts with the JSON path:
// "filter.and[1].ratng: Post has no field 'ratng'; did you mean 'rating'?".
// JSON numbers become the field's type (Int: int, AWSTimestamp: qint64,
// Float: double); {"eq": null} / {"ne": null} read as attributeExists false / true.
Result<Predicate> fromJson(const QJsonObject &json, const ModelSchema &model, const Schema &schema);
// Same, with the path's root named (e.g. "condition"; default "filter").
Result<Predicate> fromJson(const QJsonObject &json, const ModelSchema &model, const Schema &schema,
                           const QString &path);

} // namespace ds::predicate

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
QJsonObject toJson(const Predicate &predicate, const ModelSchema &model, JsonKind kind);

// Reads filter/condition JSON as a client or the server receives it; unknown
// fields or operators are Validation errors naming the JSON path.
Result<Predicate> fromJson(const QJsonObject &json, const ModelSchema &model, const Schema &schema);

} // namespace ds::predicate

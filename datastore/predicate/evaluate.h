// The in-memory face: evaluates a predicate on one record (QVariantMap in
// wire form). Null and missing-attribute semantics are exactly those of the
// SQL face (a property test holds the two together).
#pragma once

#include <datastore/modelschema.h>
#include <datastore/predicate.h>

#include <QVariantMap>

namespace ds::predicate {

bool evaluate(const Predicate &predicate, const QVariantMap &record, const ModelSchema &model);

} // namespace ds::predicate

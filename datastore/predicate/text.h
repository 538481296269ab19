// The text face of the predicate engine: the syntax people type in the
// sync-expression editor, the CLI and config files.
//
//   rating > 5 and (title beginsWith "This" or status == PUBLISHED)
//   rating between 1 and 5        status in [DRAFT, PUBLISHED]
//   tags contains "qt"            not (rating < 3)        all
//
// The grammar is documented in docs/predicates.md. Parsing type-checks against
// the model: unknown field (with a did-you-mean hint), operator not valid for
// the field's type, literal of the wrong type, enum value not in the enum.
// print() gives text that parses back to an equal Predicate.
#pragma once

#include <datastore/error.h>
#include <datastore/modelschema.h>
#include <datastore/predicate.h>
#include <datastore/result.h>

namespace ds::predicate {

// Errors are Validation errors with code "PredicateSyntax" or
// "PredicateType", the 1-based column in location(), and a message such as
// "Post has no field 'ratng'; did you mean 'rating'?".
Result<Predicate> parse(QStringView text, const ModelSchema &model, const Schema &schema);

QString print(const Predicate &predicate);

} // namespace ds::predicate

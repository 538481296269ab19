// Validation of a request document against an executable schema (GraphQL
// spec section 5, the rules that matter in practice), plus limits on depth
// and size that cut hostile documents off with a clear error.
#pragma once

#include "graphql/error.h"
#include "graphql/schema.h"

namespace ds::server::graphql {

struct ValidationLimits
{
    int maxDepth = 32;        // nesting of field selection sets, fragments expanded
    int maxFields = 10000;    // field selections, fragments expanded at every spread
    int maxRootFields = 50;   // root fields of one operation (each one a resolver call, e.g. a sync page)
    int maxErrors = 100;      // validation stops after this many errors
};

// Every problem found, in document order; empty when the document is valid.
// When a limit is exceeded, that error alone is returned.
QList<GraphQLError> validate(const ExecutableSchema &schema, const gql::Document &document,
                             const ValidationLimits &limits = {});

// "Did you mean 'a', 'b', or 'c'?" ranking (by edit distance), for messages.
QStringList suggestionList(const QString &input, const QStringList &options);
QString didYouMean(const QStringList &suggestions);   // "" or " Did you mean ...?"

} // namespace ds::server::graphql

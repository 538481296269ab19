// The AppSync API schema (SDL) that an Amplify backend with conflict
// detection enabled exposes for a model schema: model types with _version,
// _deleted and _lastChangedAt, connections with startedAt, create/update/
// delete inputs, filter/condition/subscription-filter inputs, the scalar
// filter inputs, Query (get, list, sync, index queries), Mutation and
// Subscription. The server validates requests against it and serves it
// through introspection.
#pragma once

#include "graphql/ast.h"
#include "schema/modelschema.h"

namespace ds {

// The API schema as an AST (AWS scalars declared as scalars, the
// @aws_subscribe directive declared, so the document validates on its own).
graphql::Document buildApiSchema(const Schema &schema);

// The same, printed.
QString apiSchemaSdl(const Schema &schema);

// The schema's own types (models, non-models, enums) whose names the API
// schema also generates: a type named ModelPostConnection, CreatePostInput or
// ModelStringInput, or AddressInput beside a non-model Address. The API
// schema cannot hold both; Schema::fromGraphQL() refuses such a schema with
// these errors, located at the schema's type (without a source name).
QList<SourceError> apiSchemaNameClashes(const Schema &schema);

} // namespace ds

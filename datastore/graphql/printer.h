// Prints any AST back to valid GraphQL. parse(print(doc)) == doc for every
// document the parser accepts. Output is indented with two spaces, one
// definition per paragraph, like graphql-js's print().
#pragma once

#include "graphql/ast.h"

namespace ds::graphql {

QString print(const Document &document);
QString print(const Definition &definition);
QString print(const Value &value);
QString print(const TypeRef &type);
QString print(const List<Selection> &selectionSet);

// A GraphQL string literal for text: "..." with escapes, never a block string.
QString quoted(QStringView text);

} // namespace ds::graphql

// GraphQL lexer + recursive-descent parser for executable documents and the
// type-system language (GraphQL spec, October 2021 edition).
//
// Input is UTF-8. Hostile input gets a located error, never a crash: nesting
// depth, document size, token count and string length are bounded by
// ParseLimits. Thread-safe: parse() keeps no state between calls.
#pragma once

#include "graphql/ast.h"

#include <QByteArrayView>

namespace ds::graphql {

struct ParseLimits
{
    qsizetype maxDocumentBytes = 64 * 1024 * 1024;
    qsizetype maxStringBytes = 16 * 1024 * 1024;   // one string or block string literal
    qsizetype maxTokens = 4 * 1024 * 1024;
    int maxDepth = 128;   // nesting of selection sets, lists, objects and type wrappers together
                          // (capped at 1000 whatever the value, to protect the stack)
};

struct ParseResult
{
    Document document;
    SourceError error;   // isNull() when the parse succeeded

    bool ok() const { return error.isNull(); }
};

// What a document may contain.
enum class DocumentKind {
    Any,          // executable and type-system definitions mixed
    Executable,   // operations and fragments only (a request)
    TypeSystem,   // schema, types, directives and extensions only (an SDL file)
};

// Parses a whole document. sourceName goes into error messages
// ("schema.graphql:12:7: expected ':' after field name 'title'").
ParseResult parse(QByteArrayView utf8, const QString &sourceName = {},
                  DocumentKind kind = DocumentKind::Any, const ParseLimits &limits = {});

// Parses a single value literal ("[1, 2]", "{a: $x}") or type reference
// ("[Post!]!"), for tools and tests.
std::optional<Value> parseValue(QByteArrayView utf8, SourceError *error = nullptr,
                                const ParseLimits &limits = {});
std::optional<TypeRef> parseType(QByteArrayView utf8, SourceError *error = nullptr,
                                 const ParseLimits &limits = {});

} // namespace ds::graphql

// datastore-codegen's generator: a ds::Schema -> the C++ source of typed model
// classes (models.h, models.cpp). Pure functions of the schema, so the same
// schema always gives byte-identical files.
#pragma once

#include <datastore/modelschema.h>

#include <QString>

namespace ds::codegen {

struct Options
{
    QString nameSpace;      // C++ namespace for everything generated; empty: global
    QString sourceName;     // the schema's file name, for the header comment
};

struct GeneratedFiles
{
    QString header;         // models.h
    QString source;         // models.cpp
};

// What would not compile as C++, located in the schema: two fields of a type
// whose query-field constants (and setters) coincide ("rating" and "RATING"),
// enum values that give the same enumerator, type names that are C++
// keywords or taken by the generated code (ModelProvider), non-model types
// that hold each other by value (A { b: B } B { a: A }; through a list is
// fine). Empty when the schema can be generated.
QList<SourceError> checkNames(const Schema &schema, const QString &sourceName);

// Whether `ns` can be the C++ namespace of the generated code: identifiers
// (not keywords) joined by "::", like "app" or "my::models".
bool isValidNamespace(QStringView ns);

// Call checkNames() first: generate() assumes a schema it accepts.
GeneratedFiles generate(const Schema &schema, const Options &options);

// Naming rules shared with the tests.
QString constantName(QStringView fieldName);    // "postID" -> "POST_ID"
QString enumeratorName(QStringView value);      // "IN_PROGRESS" -> "InProgress"
QString memberName(QStringView fieldName);      // C++ keywords get a trailing '_'

} // namespace ds::codegen

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

GeneratedFiles generate(const Schema &schema, const Options &options);

// Naming rules shared with the tests.
QString constantName(QStringView fieldName);    // "postID" -> "POST_ID"
QString enumeratorName(QStringView value);      // "IN_PROGRESS" -> "InProgress"
QString memberName(QStringView fieldName);      // C++ keywords get a trailing '_'

} // namespace ds::codegen

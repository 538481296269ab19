// The SQL face: a WHERE clause with bound parameters only (never a value
// spliced into the text), for SQLite (the client store, the server's default)
// and PostgreSQL (the server's scale-out store). The dialect is a small seam.
//
// Storage layout it assumes (datastore/storage): one column per stored field,
// named after the field and quoted; String-like scalars, enums, AWSDate,
// AWSTime and AWSDateTime as TEXT; Int and AWSTimestamp as INTEGER; Float as
// REAL; Boolean as INTEGER 0/1; lists, non-model values and AWSJSON as JSON
// text; null and a missing attribute both as SQL NULL.
#pragma once

#include <datastore/modelschema.h>
#include <datastore/predicate.h>

#include <QString>
#include <QVariantList>

#include <functional>

namespace ds::predicate {

enum class SqlDialect { SQLite, PostgreSQL };

struct SqlOptions
{
    SqlDialect dialect = SqlDialect::SQLite;
    // The SQL expression of a field; default: the quoted field name ("title").
    // The server maps fields onto its own columns through this.
    std::function<QString(const FieldSchema &field)> column;
    // PostgreSQL placeholders are numbered: the first one is $<firstParameter>.
    int firstParameter = 1;
};

struct SqlFragment
{
    QString sql;              // "(\"rating\" > ? AND ...)"; "1" for all()
    QVariantList bindings;    // in placeholder order
};

SqlFragment toSql(const Predicate &predicate, const ModelSchema &model,
                  const SqlOptions &options = {});

} // namespace ds::predicate

// Input coercion (GraphQL spec 3.5 and 6.1.2): scalars including AppSync's
// AWS scalars, enums, input objects and lists, from JSON variables and from
// literals in the document.
#pragma once

#include "graphql/schema.h"

#include <QJsonObject>
#include <QJsonValue>

#include <functional>

namespace ds::server::graphql {

// Coerces one scalar value from JSON. On failure returns false and sets
// *message ("Int cannot represent non-integer value: 1.5").
bool coerceScalar(const TypeInfo &scalar, const QJsonValue &in, QJsonValue *out, QString *message);

// Whether text is valid for the AWS scalar (formats only; the JSON kind is
// checked by coerceScalar()).
bool isValidAwsString(ScalarKind kind, QStringView text);

// A variable value from JSON against its declared type. On failure returns
// false; *message is the reason and *path the place inside the value
// ("input.tags[0]"; empty for the value itself) and *invalid the value found
// there.
bool coerceVariableValue(const ExecutableSchema &schema, const QJsonValue &in, const gql::TypeRef &type,
                         QJsonValue *out, QString *path, QString *message, QJsonValue *invalid);

// Checks a literal against an input type, reporting each problem with its
// location (ValuesOfCorrectType). Variables inside the literal are not
// checked here.
using LiteralReporter = std::function<void(const QString &message, SourceLocation at)>;
void validateLiteral(const ExecutableSchema &schema, const gql::Value &value, const gql::TypeRef &type,
                     const LiteralReporter &report);

// A validated literal as JSON, variables substituted. Returns an undefined
// QJsonValue for a variable that has no value (absent, not null).
QJsonValue literalValue(const ExecutableSchema &schema, const gql::Value &value, const gql::TypeRef &type,
                        const QJsonObject &variables);

// Argument values of a field or directive (CoerceArgumentValues): defaults
// applied, absent arguments left out. On failure returns false with *message.
bool coerceArguments(const ExecutableSchema &schema, const std::vector<InputValueInfo> &definitions,
                     const gql::List<gql::Argument> &arguments, const QJsonObject &variables,
                     QJsonObject *out, QString *message);

// Compact JSON text of a value, for messages.
QString jsonText(const QJsonValue &value);

} // namespace ds::server::graphql

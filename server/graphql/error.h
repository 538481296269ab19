// A GraphQL error as it goes over the wire: the spec's message, locations and
// path, plus AppSync's extras (errorType, data, errorInfo), which AppSync puts
// at the top level of each error object (PROTOCOL.md 1.7).
#pragma once

#include <datastore/sourcelocation.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

namespace ds::server::graphql {

struct GraphQLError
{
    QString message;
    QList<SourceLocation> locations;
    // Response path: field names (strings) and list indices (numbers); empty
    // when the error is not tied to a field (validation, variables).
    QJsonArray path;
    // AppSync: "ConflictUnhandled", "Unauthorized", ... Empty for plain
    // GraphQL errors; when set, data and errorInfo are written too (null if
    // undefined), as AppSync does.
    QString errorType;
    QJsonValue data = QJsonValue::Undefined;
    QJsonValue errorInfo = QJsonValue::Undefined;

    static GraphQLError at(const QString &message, SourceLocation location)
    {
        GraphQLError e;
        e.message = message;
        if (location.isValid())
            e.locations.append(location);
        return e;
    }

    QJsonObject toJson() const;
    // Compact JSON text of toJson(), keys in the order message, locations,
    // path, errorType, data, errorInfo.
    QByteArray toJsonText() const;
};

// {"errors":[...]} as compact JSON: the response for a request that failed
// before execution (parse, validation, variable coercion).
QByteArray errorResponse(const QList<GraphQLError> &errors);

} // namespace ds::server::graphql

#include "graphql/error.h"

#include "graphql/jsonwriter_p.h"

using namespace Qt::StringLiterals;

namespace ds::server::graphql {

QJsonObject GraphQLError::toJson() const
{
    QJsonObject o;
    o.insert(u"message"_s, message);
    if (!locations.isEmpty()) {
        QJsonArray locs;
        for (const SourceLocation &l : locations)
            locs.append(QJsonObject{{u"line"_s, l.line}, {u"column"_s, l.column}});
        o.insert(u"locations"_s, locs);
    }
    if (!path.isEmpty())
        o.insert(u"path"_s, path);
    if (!errorType.isEmpty()) {
        o.insert(u"errorType"_s, errorType);
        o.insert(u"data"_s, data.isUndefined() ? QJsonValue() : data);
        o.insert(u"errorInfo"_s, errorInfo.isUndefined() ? QJsonValue() : errorInfo);
    }
    return o;
}

static void writeError(JsonWriter &w, const GraphQLError &e)
{
    w.raw("{\"message\":");
    w.string(e.message);
    if (!e.locations.isEmpty()) {
        w.raw(",\"locations\":[");
        bool first = true;
        for (const SourceLocation &l : e.locations) {
            if (!first)
                w.raw(',');
            first = false;
            w.raw("{\"line\":");
            w.integer(l.line);
            w.raw(",\"column\":");
            w.integer(l.column);
            w.raw('}');
        }
        w.raw(']');
    }
    if (!e.path.isEmpty()) {
        w.raw(",\"path\":");
        w.array(e.path);
    }
    if (!e.errorType.isEmpty()) {
        w.raw(",\"errorType\":");
        w.string(e.errorType);
        w.raw(",\"data\":");
        w.value(e.data);
        w.raw(",\"errorInfo\":");
        w.value(e.errorInfo);
    }
    w.raw('}');
}

QByteArray GraphQLError::toJsonText() const
{
    JsonWriter w;
    writeError(w, *this);
    return w.buffer();
}

void writeErrors(JsonWriter &w, const QList<GraphQLError> &errors)
{
    w.raw('[');
    bool first = true;
    for (const GraphQLError &e : errors) {
        if (!first)
            w.raw(',');
        first = false;
        writeError(w, e);
    }
    w.raw(']');
}

QByteArray errorResponse(const QList<GraphQLError> &errors)
{
    JsonWriter w;
    w.raw("{\"errors\":");
    writeErrors(w, errors);
    w.raw('}');
    return w.buffer();
}

} // namespace ds::server::graphql

// A place in a source text, for AST nodes and error messages.
#pragma once

#include <QString>

namespace ds {

// 1-based line and column; the column counts Unicode code points from the
// start of the line. A default-constructed location (0:0) means "unknown".
struct SourceLocation
{
    int line = 0;
    int column = 0;

    bool isValid() const { return line > 0; }
    friend bool operator==(const SourceLocation &, const SourceLocation &) = default;
};

// An error found in a source text: "schema.graphql:12:7: expected ':' ...".
struct SourceError
{
    QString sourceName;   // file name or a label such as "<request>"; may be empty
    SourceLocation location;
    QString message;

    bool isNull() const { return message.isEmpty(); }

    // "name:line:column: message", leaving out the parts that are unknown.
    QString toString() const
    {
        QString out = sourceName;
        if (location.isValid()) {
            if (!out.isEmpty())
                out += u':';
            out += QString::number(location.line) + u':' + QString::number(location.column);
        }
        if (!out.isEmpty())
            out += QStringLiteral(": ");
        return out + message;
    }
};

} // namespace ds

// The one error type of the public API: a value, never an exception.
#pragma once

#include <datastore/global.h>
#include <datastore/sourcelocation.h>

#include <QMetaType>
#include <QObject>
#include <QString>

namespace ds {

class DATASTORE_EXPORT Error
{
    Q_GADGET
    Q_PROPERTY(Domain domain READ domain CONSTANT)
    Q_PROPERTY(QString code READ code CONSTANT)
    Q_PROPERTY(QString message READ message CONSTANT)
    Q_PROPERTY(bool transient READ isTransient CONSTANT)
    Q_PROPERTY(bool isNull READ isNull CONSTANT)

public:
    enum class Domain { None, Storage, Network, GraphQL, Conflict, Auth, Validation };
    Q_ENUM(Domain)

    Error() = default;
    Error(Domain domain, QString code, QString message, bool transient = false)
        : m_domain(domain), m_code(std::move(code)), m_message(std::move(message)),
          m_transient(transient) {}

    static Error validation(QString code, QString message, SourceLocation location = {})
    {
        Error e(Domain::Validation, std::move(code), std::move(message));
        e.m_location = location;
        return e;
    }

    Domain domain() const { return m_domain; }
    // A stable machine-readable code: "UnknownField", "ConflictUnhandled", ...
    QString code() const { return m_code; }
    // A sentence for people, naming what and where.
    QString message() const { return m_message; }
    // Where in a source text (a predicate, a schema, a GraphQL document), if anywhere.
    SourceLocation location() const { return m_location; }
    void setLocation(SourceLocation location) { m_location = location; }
    // True when retrying the same operation later may succeed (network down,
    // server busy); drives the sync engine's retry.
    bool isTransient() const { return m_transient; }
    bool isNull() const { return m_domain == Domain::None; }

    QString toString() const;

    friend bool operator==(const Error &, const Error &) = default;

private:
    Domain m_domain = Domain::None;
    QString m_code;
    QString m_message;
    SourceLocation m_location;
    bool m_transient = false;
};

} // namespace ds

Q_DECLARE_METATYPE(ds::Error)

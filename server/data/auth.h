// Callers, tokens and @auth decisions of the data plane.
//
//   Caller        who sent a request: an API key (grants `public` rules with
//                 provider apiKey) or a signed-in user (userPools: `private`,
//                 `owner`, `groups` rules), with username, sub and groups.
//   TokenCodec    HS256 JWTs: base64url(header).base64url(claims).base64url(sig);
//                 the signature is checked in constant time, then alg, exp.
//   decideAccess  the transformer's semantics for one model and operation
//                 (create, update, delete, get, list, sync, listen): allowed
//                 outright, allowed only for the caller's own items (owner
//                 rules: field + accepted values), or denied.
//
// Owner values: the server writes the username into an absent owner field;
// reads and writes accept username, sub and "sub::username" (what the
// Amplify transformer stores for identityClaim "sub::username").
//
// Threading: all of it is immutable or value types; safe on any thread.
#pragma once

#include <datastore/modelschema.h>

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace ds::server::data {

struct Caller
{
    enum class Kind { System, ApiKey, User };
    Kind kind = Kind::System;    // System: in-process callers, no @auth checks
    QString username;
    QString sub;
    QStringList groups;          // cognito:groups
    QJsonObject claims;          // all claims of the token
    bool admin = false;          // member of --admin-group: every rule passes

    static Caller apiKey()
    {
        Caller c;
        c.kind = Kind::ApiKey;
        return c;
    }
    bool isUser() const { return kind == Kind::User; }
    // The values of the identity claim (e.g. "sub::username", "username",
    // "sub", "email") that an owner field may hold for this caller; the first
    // is what a create writes.
    QStringList ownerValues(const QString &identityClaim) const;
    // The groups named by a groups claim ("cognito:groups" by default).
    QStringList groupsFromClaim(const QString &groupClaim) const;
};

class TokenCodec
{
public:
    TokenCodec() = default;
    explicit TokenCodec(QByteArray key) : m_key(std::move(key)) {}

    QByteArray sign(const QJsonObject &claims) const;
    // The claims of a valid, unexpired token; nullopt and *why otherwise.
    std::optional<QJsonObject> verify(QByteArrayView token, qint64 nowSeconds, QString *why) const;

private:
    QByteArray m_key;
};

// "Bearer <jwt>" or "<jwt>" -> the token.
QByteArray tokenFromAuthorization(QByteArrayView header);

struct OwnerConstraint
{
    QString field;               // ownerField
    QStringList values;          // accepted values (the caller's identities)
    bool isList = false;         // [String] owner field
};

struct AccessDecision
{
    bool allowed = false;
    // Non-empty: allowed only for items whose owner field (any of these)
    // holds one of the caller's identities.
    QList<OwnerConstraint> owners;

    bool restricted() const { return allowed && !owners.isEmpty(); }
    // Whether item satisfies one of the owner constraints.
    bool owns(const QJsonObject &item) const;
};

// operation: create, update, delete, get, list, sync, listen.
AccessDecision decideAccess(const ModelSchema &model, QStringView operation, const Caller &caller);

// AppSync's message for a denied field: "Not Authorized to access <field> on type <Type>".
QString notAuthorizedMessage(const QString &field, const QString &type);

} // namespace ds::server::data

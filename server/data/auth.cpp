#include "data/auth.h"
#include "http/constanttime.h"

#include "data/auth_tuning_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>

using namespace Qt::StringLiterals;

namespace ds::server::data {

namespace {

constexpr auto kB64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

std::optional<QByteArray> fromB64Url(QByteArrayView text)
{
    QByteArray::FromBase64Result r = QByteArray::fromBase64Encoding(
        text.toByteArray(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!r)
        return std::nullopt;
    return std::move(r.decoded);
}

std::optional<QJsonObject> jsonObject(QByteArrayView text)
{
    const std::optional<QByteArray> raw = fromB64Url(text);
    if (!raw)
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(*raw, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

bool hasProvider(const AuthRule &rule, const Caller &caller)
{
    if (caller.kind == Caller::Kind::ApiKey)
        return rule.provider == AuthRule::Provider::ApiKey;
    return rule.provider == AuthRule::Provider::UserPools || rule.provider == AuthRule::Provider::Oidc;
}

} // namespace

QStringList Caller::ownerValues(const QString &identityClaim) const
{
    if (!isUser())
        return {};
    QStringList values;
    if (identityClaim.isEmpty() || identityClaim == u"sub::username" || identityClaim == u"username"
        || identityClaim == u"cognito:username") {
        values = {username, sub, sub % u"::"_s % username};
    } else if (identityClaim == u"sub") {
        values = {sub, sub % u"::"_s % username, username};
    } else {
        const QJsonValue v = claims.value(identityClaim);
        if (v.isString() && !v.toString().isEmpty())
            values.append(v.toString());
    }
    values.removeAll(QString());
    values.removeDuplicates();
    return values;
}

QStringList Caller::groupsFromClaim(const QString &groupClaim) const
{
    if (groupClaim.isEmpty() || groupClaim == u"cognito:groups")
        return groups;
    QStringList result;
    const QJsonValue v = claims.value(groupClaim);
    if (v.isString())
        result.append(v.toString());
    const QJsonArray list = v.toArray();
    for (const QJsonValue &g : list)
        result.append(g.toString());
    return result;
}

QByteArray TokenCodec::sign(const QJsonObject &claims) const
{
    const QByteArray header = QJsonDocument(QJsonObject{{u"alg"_s, u"HS256"_s}, {u"typ"_s, u"JWT"_s}})
                                  .toJson(QJsonDocument::Compact).toBase64(kB64Url);
    const QByteArray payload = QJsonDocument(claims).toJson(QJsonDocument::Compact).toBase64(kB64Url);
    const QByteArray signingInput = header + '.' + payload;
    const QByteArray signature =
        QMessageAuthenticationCode::hash(signingInput, m_key, QCryptographicHash::Sha256).toBase64(kB64Url);
    return signingInput + '.' + signature;
}

std::optional<QJsonObject> TokenCodec::verify(QByteArrayView token, qint64 nowSeconds, QString *why) const
{
    auto fail = [why](const QString &message) {
        if (why)
            *why = message;
        return std::nullopt;
    };
    if (token.isEmpty())
        return fail(u"The token is empty"_s);
    if (token.size() > auth_tuning::kMaxTokenBytes || m_key.isEmpty())
        return fail(u"Invalid token"_s);
    const qsizetype firstDot = token.indexOf('.');
    const qsizetype lastDot = token.lastIndexOf('.');
    if (firstDot <= 0 || lastDot <= firstDot || token.sliced(firstDot + 1, lastDot - firstDot - 1).contains('.'))
        return fail(u"Invalid token: not a JWT"_s);
    const QByteArrayView signingInput = token.first(lastDot);
    const std::optional<QByteArray> signature = fromB64Url(token.sliced(lastDot + 1));
    const QByteArray expected =
        QMessageAuthenticationCode::hash(signingInput.toByteArray(), m_key, QCryptographicHash::Sha256);
    if (!signature || !equalConstantTime(*signature, expected))
        return fail(u"Invalid token: bad signature"_s);
    const std::optional<QJsonObject> header = jsonObject(token.first(firstDot));
    if (!header || header->value(u"alg"_s).toString() != u"HS256")
        return fail(u"Invalid token: unsupported header"_s);
    const std::optional<QJsonObject> claims = jsonObject(token.sliced(firstDot + 1, lastDot - firstDot - 1));
    if (!claims)
        return fail(u"Invalid token: malformed claims"_s);
    const QJsonValue exp = claims->value(u"exp"_s);
    if (!exp.isDouble())
        return fail(u"Invalid token: no expiry"_s);
    if (qint64(exp.toDouble()) <= nowSeconds)
        return fail(u"Token has expired."_s);
    return claims;
}

QByteArray tokenFromAuthorization(QByteArrayView header)
{
    QByteArrayView v = header.trimmed();
    if (v.size() > 7 && QByteArrayView(v.first(7)).compare("bearer ", Qt::CaseInsensitive) == 0)
        v = v.sliced(7).trimmed();
    return v.toByteArray();
}

bool AccessDecision::owns(const QJsonObject &item) const
{
    for (const OwnerConstraint &o : owners) {
        const QJsonValue v = item.value(o.field);
        if (v.isString() && o.values.contains(v.toString()))
            return true;
        if (v.isArray()) {
            const QJsonArray list = v.toArray();
            for (const QJsonValue &e : list) {
                if (e.isString() && o.values.contains(e.toString()))
                    return true;
            }
        }
    }
    return false;
}

AccessDecision decideAccess(const ModelSchema &model, QStringView operation, const Caller &caller)
{
    AccessDecision decision;
    // In-process callers, and models without @auth (the API's default mode).
    if (caller.kind == Caller::Kind::System || model.authRules.isEmpty()) {
        decision.allowed = true;
        return decision;
    }
    if (caller.isUser() && caller.admin) {
        decision.allowed = true;
        return decision;
    }
    for (const AuthRule &rule : model.authRules) {
        if (!hasProvider(rule, caller) || !rule.allows(operation))
            continue;
        switch (rule.allow) {
        case AuthRule::Strategy::Public:
        case AuthRule::Strategy::Private:
            decision.allowed = true;
            decision.owners.clear();
            return decision;
        case AuthRule::Strategy::Groups: {
            if (!caller.isUser() || rule.groups.isEmpty())
                break;   // dynamic groups (groupsField): not supported, deny
            const QStringList mine = caller.groupsFromClaim(rule.groupClaim);
            for (const QString &g : rule.groups) {
                if (mine.contains(g)) {
                    decision.allowed = true;
                    decision.owners.clear();
                    return decision;
                }
            }
            break;
        }
        case AuthRule::Strategy::Owner: {
            if (!caller.isUser())
                break;
            OwnerConstraint o;
            o.field = rule.ownerField.isEmpty() ? u"owner"_s : rule.ownerField;
            o.values = caller.ownerValues(rule.identityClaim);
            o.isList = rule.isOwnerFieldList;
            if (!o.values.isEmpty())
                decision.owners.append(o);
            break;
        }
        case AuthRule::Strategy::Custom:
            break;
        }
    }
    decision.allowed = !decision.owners.isEmpty();
    return decision;
}

QString notAuthorizedMessage(const QString &field, const QString &type)
{
    return u"Not Authorized to access "_s % field % u" on type "_s % type;
}

} // namespace ds::server::data

#include "realtime/realtimehub.h"
#include "http/constanttime.h"

#include "data/changefeed.h"
#include "data/filterlimits.h"
#include "graphql/engine.h"
#include "http/httprequest.h"
#include "realtime/logging_p.h"

#include <datastore/modelschema.h>
#include <datastore/predicate.h>
#include "predicate/appsync.h"
#include "predicate/evaluate.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QRegularExpression>
#include <QSet>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <optional>
#include <unordered_map>

using namespace Qt::StringLiterals;

namespace ds::server {

namespace {

namespace gql = ds::graphql;
namespace tuning = realtime::tuning;

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// A JSON string literal with its quotes.
QString jsonString(const QString &text)
{
    const QByteArray array = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(array.mid(1, array.size() - 2));
}

// {"type":"<type>","id":"<id>"[,"payload":<payload>]}: type first, as AppSync writes it.
QString frame(QLatin1StringView type, const QString &id, const QString &payload = {})
{
    QString text = u"{\"type\":\""_s + type + u'"';
    if (!id.isNull())
        text += u",\"id\":"_s + jsonString(id);
    if (!payload.isEmpty())
        text += u",\"payload\":"_s + payload;
    return text + u'}';
}

QJsonObject appSyncError(const QString &errorType, const QString &message)
{
    return QJsonObject{{u"errorType"_s, errorType}, {u"message"_s, message}};
}

QString errorsPayload(const QJsonArray &errors)
{
    return compact(QJsonObject{{u"errors"_s, errors}});
}

std::optional<QJsonObject> decodeAuthObject(QByteArrayView text, bool urlAlphabet)
{
    // Both alphabets are tried: clients differ, and padding may be missing.
    const auto first = urlAlphabet ? QByteArray::Base64UrlEncoding : QByteArray::Base64Encoding;
    const auto second = urlAlphabet ? QByteArray::Base64Encoding : QByteArray::Base64UrlEncoding;
    for (const auto alphabet : {first, second}) {
        const auto decoded = QByteArray::fromBase64Encoding(text.toByteArray(),
                                                             alphabet | QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            continue;
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(decoded.decoded, &error);
        if (error.error == QJsonParseError::NoError && doc.isObject())
            return doc.object();
    }
    return std::nullopt;
}

enum class HandshakeStyle { Subprotocol, QueryString, Headers, None };

struct Handshake
{
    HandshakeStyle style = HandshakeStyle::None;
    QJsonObject auth;
    bool malformed = false;
};

// The three handshake styles of PROTOCOL.md 5.2, in order of precedence.
Handshake readHandshake(const HttpRequest &upgrade)
{
    Handshake h;
    for (const QByteArray &protocol : upgrade.headers.listValues("sec-websocket-protocol")) {
        if (protocol.startsWith("header-")) {
            h.style = HandshakeStyle::Subprotocol;
            if (auto auth = decodeAuthObject(QByteArrayView(protocol).sliced(7), true))
                h.auth = *auth;
            else
                h.malformed = true;
            return h;
        }
    }
    if (upgrade.query.hasQueryItem(u"header"_s)) {
        h.style = HandshakeStyle::QueryString;
        const QString value = upgrade.query.queryItemValue(u"header"_s, QUrl::FullyDecoded);
        if (auto auth = decodeAuthObject(value.toLatin1(), false))
            h.auth = *auth;
        else
            h.malformed = true;
        return h;
    }
    static const std::pair<const char *, QString> names[] = {
        {"host", u"host"_s},
        {"x-api-key", u"x-api-key"_s},
        {"authorization", u"Authorization"_s},
        {"x-amz-date", u"x-amz-date"_s},
        {"x-amz-security-token", u"X-Amz-Security-Token"_s},
    };
    for (const auto &[header, key] : names) {
        if (upgrade.headers.contains(header))
            h.auth.insert(key, QString::fromUtf8(upgrade.headers.value(header)));
    }
    if (h.auth.contains(u"x-api-key"_s) || h.auth.contains(u"Authorization"_s))
        h.style = HandshakeStyle::Headers;
    return h;
}

// Auth objects are header maps: look keys up case-insensitively.
QString headerValue(const QJsonObject &headers, QStringView name)
{
    for (auto it = headers.constBegin(); it != headers.constEnd(); ++it) {
        if (it.key().compare(name, Qt::CaseInsensitive) == 0)
            return it.value().toString();
    }
    return {};
}

bool containsKey(const QJsonValue &value, QStringView key)
{
    if (value.isObject()) {
        const QJsonObject o = value.toObject();
        for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
            if (it.key() == key || containsKey(it.value(), key))
                return true;
        }
    } else if (value.isArray()) {
        for (const QJsonValue &v : value.toArray()) {
            if (containsKey(v, key))
                return true;
        }
    }
    return false;
}

// AppSync (graphql-java) words an unknown input field in variables as
// "The variables input contains a field name 'not' that is not defined for
// input object type 'ModelSubscriptionPostFilterInput' "; clients match it
// (JS falls back to client-side filtering on it). The engine says
// 'Field "not" is not defined by type "X".'
void rewordUnknownInputField(graphql::GraphQLError *error)
{
    static const QRegularExpression field(u"Field ['\"](\\w+)['\"] is not defined by type ['\"](\\w+)['\"]"_s);
    static const QRegularExpression variable(u"^Variable '\\$?(\\w+)'"_s);
    const QRegularExpressionMatch m = field.match(error->message);
    const QRegularExpressionMatch v = variable.match(error->message);
    if (!m.hasMatch() || !v.hasMatch())   // literals in the document keep the validation message
        return;
    error->message = u"Variable '"_s + v.captured(1)
        + u"' has an invalid value: The variables input contains a field name '"_s + m.captured(1)
        + u"' that is not defined for input object type '"_s + m.captured(2) + u"' "_s;
}

AuthRule::Provider toRuleProvider(RealtimeAuthResult::Provider provider)
{
    switch (provider) {
    case RealtimeAuthResult::Provider::ApiKey: return AuthRule::Provider::ApiKey;
    case RealtimeAuthResult::Provider::UserPools: return AuthRule::Provider::UserPools;
    case RealtimeAuthResult::Provider::Oidc: return AuthRule::Provider::Oidc;
    case RealtimeAuthResult::Provider::Lambda: return AuthRule::Provider::Function;
    case RealtimeAuthResult::Provider::Iam: return AuthRule::Provider::Iam;
    }
    return AuthRule::Provider::ApiKey;
}

// Whether an item's field value equals an argument (a list field: contains it).
bool valueMatches(const QJsonValue &itemValue, const QJsonValue &argument)
{
    if (itemValue.isArray())
        return itemValue.toArray().contains(argument);
    return itemValue == argument;
}

} // namespace

// ---------------------------------------------------------------------------

struct Connection;
struct Subscription;

// Subscriptions that are identical for fan-out: same document, variables and
// injected owner restriction. An event is matched and serialized once per group.
struct Group
{
    QString key;
    graphql::Operation operation;
    QString fieldName;                 // onCreatePost
    QStringList mutations;             // from @aws_subscribe
    const ModelSchema *model = nullptr;
    std::optional<Predicate> filter;   // the filter argument
    // Basic filtering: supplied non-filter arguments must equal the item's fields.
    QList<QPair<QString, QJsonValue>> argumentMatches;
    // Owner-only access without an owner argument: the item's owner field must
    // hold one of these values.
    QString ownerField;
    QStringList ownerValues;
    QSet<Subscription *> members;
};

struct Subscription
{
    Connection *connection = nullptr;
    QString id;
    QString dataPrefix;   // {"type":"data","id":"<id>","payload":
    std::shared_ptr<Group> group;
};

struct Connection
{
    QPointer<QWebSocket> socket;
    RealtimeAuthResult auth;
    bool initialized = false;
    bool refused = false;
    QTimer *initTimer = nullptr;
    std::unordered_map<QString, std::unique_ptr<Subscription>> subscriptions;
};

class RealtimeHubPrivate
{
public:
    RealtimeHubPrivate(RealtimeHub *q, const graphql::Engine &engine, const ds::Schema &schema,
                       RealtimeAuthenticator authenticator, RealtimeOptions options)
        : q(q), engine(engine), schema(schema), authenticator(std::move(authenticator)),
          options(options)
    {
    }

    ~RealtimeHubPrivate()
    {
        // Subscriptions first: the last one of a group takes it out of the index.
        connections.clear();
    }

    void onText(Connection *c, const QString &text);
    void onBinary(Connection *c);
    void onDisconnected(QWebSocket *socket);
    void refuse(Connection *c, const RealtimeAuthResult &auth);
    void connectionInit(Connection *c);
    void start(Connection *c, const QJsonObject &message);
    void stop(Connection *c, const QString &id);
    void sendError(Connection *c, const QString &id, const QJsonArray &errors);
    void sendError(Connection *c, const QString &id, const QString &errorType, const QString &message)
    {
        sendError(c, id, QJsonArray{appSyncError(errorType, message)});
    }
    void send(Connection *c, const QString &text)
    {
        if (c->socket && c->socket->state() == QAbstractSocket::ConnectedState)
            c->socket->sendTextMessage(text);
    }
    std::shared_ptr<Group> groupFor(const QString &key);
    void removeSubscription(Subscription *s);
    void sendKeepAlives();
    void deliver(const ServerChange &change);

    RealtimeHub *q;
    const graphql::Engine &engine;
    const ds::Schema &schema;
    RealtimeAuthenticator authenticator;
    RealtimeOptions options;
    QTimer keepAlive;
    std::unordered_map<QWebSocket *, std::unique_ptr<Connection>> connections;
    QHash<QString, std::weak_ptr<Group>> groups;          // by key
    QHash<QString, QList<Group *>> groupsByMutation;      // the fan-out index
    int subscriptionCount = 0;
    RealtimeHub::Stats stats;
};

// ---------------------------------------------------------------------------

RealtimeHub::RealtimeHub(const graphql::Engine &engine, const ds::Schema &modelSchema, ChangeFeed *feed,
                         RealtimeAuthenticator authenticator, RealtimeOptions options, QObject *parent)
    : QObject(parent),
      d(std::make_unique<RealtimeHubPrivate>(this, engine, modelSchema, std::move(authenticator), options))
{
    d->keepAlive.setInterval(options.keepAliveInterval);
    connect(&d->keepAlive, &QTimer::timeout, this, [this] { d->sendKeepAlives(); });
    if (feed)
        connect(feed, &ChangeFeed::published, this, &RealtimeHub::deliver);
}

RealtimeHub::~RealtimeHub()
{
    for (auto &[socket, connection] : d->connections) {
        if (connection->socket) {
            connection->socket->disconnect(this);
            connection->socket->abort();   // deleted with its parent, this hub
        }
    }
}

RealtimeAuthenticator RealtimeHub::apiKeyAuthenticator(const QStringList &keys)
{
    QList<QByteArray> accepted;
    for (const QString &key : keys)
        accepted.append(key.toUtf8());
    return [accepted](const QJsonObject &headers) {
        const QByteArray key = headerValue(headers, u"x-api-key").toUtf8();
        bool match = false;
        for (const QByteArray &candidate : accepted)
            match = equalConstantTime(key, candidate) || match;
        if (!key.isEmpty() && match)
            return RealtimeAuthResult::allowed(RealtimeAuthResult::Provider::ApiKey);
        RealtimeAuthResult denied = RealtimeAuthResult::denied();
        if (key.isEmpty() && !headerValue(headers, u"Authorization").isEmpty())
            denied.message = u"Only API key authorization is configured on this server."_s;
        return denied;
    };
}

WebSocketRoute RealtimeHub::route(const std::shared_ptr<RealtimeHub> &hub, const QString &path)
{
    WebSocketRoute route;
    route.path = path;
    route.subprotocols = {u"graphql-ws"_s};
    route.handler = hub;
    return route;
}

void RealtimeHub::handleWebSocket(QWebSocket *socket, const HttpRequest &upgradeRequest)
{
    socket->setParent(this);
    auto owned = std::make_unique<Connection>();
    Connection *c = owned.get();
    c->socket = socket;
    d->connections.emplace(socket, std::move(owned));

    connect(socket, &QWebSocket::textMessageReceived, this,
            [this, c](const QString &text) { d->onText(c, text); });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this, c] { d->onBinary(c); });
    // Queued: never drop a connection while a fan-out loop is sending to it.
    connect(socket, &QWebSocket::disconnected, this, [this, socket] { d->onDisconnected(socket); },
            Qt::QueuedConnection);

    if (int(d->connections.size()) > d->options.maxConnections) {
        RealtimeAuthResult full;
        full.errorType = u"LimitExceededError"_s;
        full.message = u"Too many realtime connections"_s;
        full.errorCode = 429;
        d->refuse(c, full);
        return;
    }

    const Handshake handshake = readHandshake(upgradeRequest);
    RealtimeAuthResult auth;
    if (handshake.malformed) {
        auth.errorType = u"BadRequestException"_s;
        auth.message = u"The handshake header is not base64-encoded JSON."_s;
        auth.errorCode = 400;
    } else {
        auth = d->authenticator ? d->authenticator(handshake.auth) : RealtimeAuthResult::denied();
    }
    qCDebug(lcServerRealtime) << "connection from" << upgradeRequest.peerAddress.toString()
                              << "handshake style" << int(handshake.style) << "auth" << auth.ok;
    if (!auth.ok) {
        d->refuse(c, auth);
        return;
    }
    c->auth = auth;
    c->initTimer = new QTimer(socket);
    c->initTimer->setSingleShot(true);
    connect(c->initTimer, &QTimer::timeout, this, [c] {
        if (!c->initialized && c->socket) {
            qCDebug(lcServerRealtime) << "no connection_init in time; closing";
            c->socket->close(QWebSocketProtocol::CloseCodePolicyViolated, u"connection_init timeout"_s);
        }
    });
    c->initTimer->start(d->options.connectionInitTimeout);
}

void RealtimeHubPrivate::refuse(Connection *c, const RealtimeAuthResult &auth)
{
    c->refused = true;
    QJsonObject error = appSyncError(auth.errorType, auth.message);
    error.insert(u"errorCode"_s, auth.errorCode);
    send(c, frame("connection_error"_L1, QString(), errorsPayload(QJsonArray{error})));
    if (c->socket)
        c->socket->close(QWebSocketProtocol::CloseCodeNormal, auth.errorType);
}

void RealtimeHubPrivate::onBinary(Connection *c)
{
    if (c->refused)
        return;
    sendError(c, QString(), u"BadRequestException"_s, u"Binary messages are not supported; send JSON text."_s);
}

void RealtimeHubPrivate::onText(Connection *c, const QString &text)
{
    if (c->refused)
        return;
    const qsizetype bytes = text.size() * 3 > options.maxMessageBytes ? text.toUtf8().size() : text.size();
    if (bytes > options.maxMessageBytes) {
        sendError(c, QString(), u"LimitExceededError"_s,
                  u"Message of %1 bytes exceeds the limit of %2 bytes"_s.arg(bytes).arg(options.maxMessageBytes));
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        sendError(c, QString(), u"BadRequestException"_s, u"Message is not a JSON object"_s);
        return;
    }
    const QJsonObject message = doc.object();
    const QJsonValue idValue = message.value(u"id"_s);
    const QString id = idValue.isString() ? idValue.toString() : QString();
    const QString type = message.value(u"type"_s).toString();
    if (type == u"connection_init") {
        connectionInit(c);
    } else if (type == u"start") {
        start(c, message);
    } else if (type == u"stop") {
        stop(c, id);
    } else if (type == u"ka") {
        // Some clients echo keep-alives: nothing to do.
    } else {
        sendError(c, id, u"UnsupportedOperation"_s,
                  (type.isEmpty() ? u"unknown"_s : type) + u" not supported through the realtime channel"_s);
    }
}

void RealtimeHubPrivate::connectionInit(Connection *c)
{
    c->initialized = true;
    if (c->initTimer)
        c->initTimer->stop();
    send(c, frame("connection_ack"_L1, QString(),
                  u"{\"connectionTimeoutMs\":"_s + QString::number(tuning::kConnectionTimeoutMs) + u'}'));
    send(c, frame("ka"_L1, QString()));
    if (!keepAlive.isActive())
        keepAlive.start();
}

void RealtimeHubPrivate::sendKeepAlives()
{
    const QString ka = frame("ka"_L1, QString());
    bool any = false;
    for (const auto &[socket, c] : connections) {
        if (c->initialized && !c->refused) {
            send(c.get(), ka);
            any = true;
        }
    }
    if (!any)
        keepAlive.stop();
}

void RealtimeHubPrivate::sendError(Connection *c, const QString &id, const QJsonArray &errors)
{
    send(c, frame("error"_L1, id, errorsPayload(errors)));
}

void RealtimeHubPrivate::start(Connection *c, const QJsonObject &message)
{
    const QJsonValue idValue = message.value(u"id"_s);
    if (!idValue.isString() || idValue.toString().isEmpty()) {
        sendError(c, QString(), u"BadRequestException"_s, u"A start message needs a string id"_s);
        return;
    }
    const QString id = idValue.toString();
    if (id.size() > tuning::kMaxIdLength) {
        sendError(c, QString(), u"BadRequestException"_s, u"Subscription id is too long"_s);
        return;
    }
    if (c->subscriptions.count(id)) {
        sendError(c, id, u"DuplicatedOperationError"_s, u"Duplicate subscription id: "_s + id);
        return;
    }
    if (qsizetype(c->subscriptions.size()) >= options.maxSubscriptionsPerConnection) {
        sendError(c, id, u"MaxSubscriptionsReachedError"_s,
                  u"Max number of %1 subscriptions reached"_s.arg(options.maxSubscriptionsPerConnection));
        return;
    }
    if (!c->initialized) {   // connection_init is optional (AppSync doc)
        c->initialized = true;
        if (c->initTimer)
            c->initTimer->stop();
        if (!keepAlive.isActive())
            keepAlive.start();
    }

    const QJsonObject payload = message.value(u"payload"_s).toObject();
    QJsonParseError parseError;
    const QJsonDocument dataDoc = QJsonDocument::fromJson(payload.value(u"data"_s).toString().toUtf8(), &parseError);
    if (!payload.value(u"data"_s).isString() || parseError.error != QJsonParseError::NoError || !dataDoc.isObject()) {
        sendError(c, id, u"BadRequestException"_s,
                  u"payload.data must be a JSON string holding {\"query\",\"variables\"}"_s);
        return;
    }
    const QJsonObject data = dataDoc.object();
    const QString query = data.value(u"query"_s).toString();
    const QJsonObject variables = data.value(u"variables"_s).toObject();
    const QString operationName = data.value(u"operationName"_s).toString();
    if (query.isEmpty()) {
        sendError(c, id, u"UnsupportedOperation"_s, u"unknown not supported through the realtime channel"_s);
        return;
    }

    // Auth per start (the handshake's when the start carries none).
    RealtimeAuthResult auth = c->auth;
    const QJsonValue authorization = payload.value(u"extensions"_s).toObject().value(u"authorization"_s);
    if (authorization.isObject()) {
        auth = authenticator ? authenticator(authorization.toObject()) : RealtimeAuthResult::denied();
        if (!auth.ok) {
            sendError(c, id, auth.errorType, auth.message);
            return;
        }
    }

    const QByteArray queryUtf8 = query.toUtf8();
    graphql::PrepareResult prepared = engine.prepare(queryUtf8, operationName, variables);
    if (!prepared.ok()) {
        QJsonArray errors;
        for (graphql::GraphQLError &e : prepared.errors) {
            rewordUnknownInputField(&e);
            errors.append(e.toJson());
        }
        sendError(c, id, errors);
        return;
    }
    const graphql::Operation &operation = *prepared.operation;
    if (operation.type() != gql::OperationType::Subscription) {
        const QString kind = operation.type() == gql::OperationType::Query ? u"query"_s : u"mutation"_s;
        sendError(c, id, u"UnsupportedOperation"_s, kind + u" not supported through the realtime channel"_s);
        return;
    }
    graphql::GraphQLError argumentError;
    const QList<graphql::RootField> roots = operation.rootFields(&argumentError);
    if (roots.size() != 1 || !roots.front().field) {
        if (argumentError.message.isEmpty())
            argumentError.message = u"A subscription selects exactly one root field"_s;
        rewordUnknownInputField(&argumentError);
        sendError(c, id, QJsonArray{argumentError.toJson()});
        return;
    }
    const graphql::RootField &root = roots.front();
    const QString notAuthorized = u"Not Authorized to access "_s + root.name + u" on type Subscription"_s;

    QStringList mutations;
    if (const gql::Directive *subscribe = root.field->directive(u"aws_subscribe")) {
        if (const gql::Argument *list = subscribe->argument(u"mutations")) {
            for (const gql::Value &v : list->value.list)
                mutations.append(v.text);
        }
    }
    const ModelSchema *model = root.field->namedType ? schema.model(root.field->namedType->name) : nullptr;

    // Filter (AppSync enhanced filtering). `not` is no field of the
    // ModelSubscription*FilterInput types; an inline one fails validation
    // above, a variables one coercion; this catches what slips through.
    std::optional<Predicate> filter;
    const QJsonValue filterArgument = root.arguments.value(u"filter"_s);
    if (filterArgument.isObject() && !filterArgument.toObject().isEmpty()) {
        const QString inputType = root.field->argument(u"filter") && root.field->argument(u"filter")->namedType
            ? root.field->argument(u"filter")->namedType->name : u"filter"_s;
        if (containsKey(filterArgument, u"not")) {
            sendError(c, id, QJsonArray{QJsonObject{
                {u"message"_s, QString(u"Variable 'filter' has an invalid value: The variables input contains a field name "
                                       "'not' that is not defined for input object type '"_s + inputType + u"' "_s)}}});
            return;
        }
        if (!model) {
            sendError(c, id, u"BadRequestException"_s, root.name + u" does not support filters"_s);
            return;
        }
        if (const QString tooBig = data::checkFilterLimits(filterArgument, u"filter"_s, data::FilterLimits::defaults());
            !tooBig.isEmpty()) {
            sendError(c, id, u"BadRequestException"_s, tooBig);
            return;
        }
        Result<Predicate> parsed = predicate::fromJson(filterArgument.toObject(), *model, schema);
        if (!parsed) {
            sendError(c, id, QJsonArray{QJsonObject{{u"message"_s, parsed.error().message()}}});
            return;
        }
        filter = *std::move(parsed);
    }

    // Arguments other than filter: AppSync's basic filtering.
    QList<QPair<QString, QJsonValue>> argumentMatches;
    for (auto it = root.arguments.constBegin(); it != root.arguments.constEnd(); ++it) {
        if (it.key() != u"filter" && !it.value().isNull())
            argumentMatches.append({it.key(), it.value()});
    }

    // Model auth: some rule for the caller's provider must allow listening;
    // with only owner rules, the caller sees its own items.
    QString ownerField;
    QStringList ownerValues;
    if (model && !model->authRules.isEmpty()) {
        const AuthRule::Provider provider = toRuleProvider(auth.provider);
        bool open = false;
        const AuthRule *ownerRule = nullptr;
        for (const AuthRule &rule : model->authRules) {
            if (rule.provider != provider || !rule.allows(u"listen"))
                continue;
            if (rule.allow == AuthRule::Strategy::Owner)
                ownerRule = ownerRule ? ownerRule : &rule;
            else
                open = true;
        }
        if (!open) {
            QStringList identities = auth.identityAliases;
            if (!auth.identity.isEmpty())
                identities.prepend(auth.identity);
            if (!ownerRule || identities.isEmpty()) {
                sendError(c, id, u"Unauthorized"_s, notAuthorized);
                return;
            }
            const QJsonValue ownerArgument = root.arguments.value(ownerRule->ownerField);
            if (ownerArgument.isString()) {
                if (!identities.contains(ownerArgument.toString())) {
                    sendError(c, id, u"Unauthorized"_s, notAuthorized);
                    return;
                }
            } else {
                ownerField = ownerRule->ownerField;
                ownerValues = identities;
            }
        }
    }

    // Group identical subscriptions.
    QString key = query + u'\x1f' + operationName + u'\x1f' + compact(variables);
    if (!ownerField.isEmpty())
        key += u'\x1f' + ownerField + u'=' + ownerValues.join(u'\x1e');
    std::shared_ptr<Group> group = groupFor(key);
    if (group->fieldName.isEmpty()) {   // new group
        group->operation = operation;
        group->fieldName = root.name;
        group->mutations = mutations;
        group->model = model;
        group->filter = std::move(filter);
        group->argumentMatches = argumentMatches;
        group->ownerField = ownerField;
        group->ownerValues = ownerValues;
        for (const QString &mutation : std::as_const(group->mutations))
            groupsByMutation[mutation].append(group.get());
    }

    auto subscription = std::make_unique<Subscription>();
    subscription->connection = c;
    subscription->id = id;
    subscription->dataPrefix = u"{\"type\":\"data\",\"id\":"_s + jsonString(id) + u",\"payload\":"_s;
    subscription->group = group;
    group->members.insert(subscription.get());
    c->subscriptions.emplace(id, std::move(subscription));
    ++subscriptionCount;
    qCDebug(lcServerRealtime) << "start" << id << root.name << "on" << mutations;
    send(c, frame("start_ack"_L1, id));
}

std::shared_ptr<Group> RealtimeHubPrivate::groupFor(const QString &key)
{
    if (std::shared_ptr<Group> existing = groups.value(key).lock())
        return existing;
    auto group = std::shared_ptr<Group>(new Group, [this](Group *g) {
        // Last member gone: out of the index.
        for (const QString &mutation : std::as_const(g->mutations)) {
            auto it = groupsByMutation.find(mutation);
            if (it != groupsByMutation.end()) {
                it->removeOne(g);
                if (it->isEmpty())
                    groupsByMutation.erase(it);
            }
        }
        groups.remove(g->key);
        delete g;
    });
    group->key = key;
    groups.insert(key, group);
    return group;
}

void RealtimeHubPrivate::removeSubscription(Subscription *s)
{
    s->group->members.remove(s);
    --subscriptionCount;
}

void RealtimeHubPrivate::stop(Connection *c, const QString &id)
{
    auto it = c->subscriptions.find(id);
    if (it != c->subscriptions.end()) {
        removeSubscription(it->second.get());
        c->subscriptions.erase(it);
    }
    // Unknown ids are completed too: stop is idempotent for clients.
    send(c, frame("complete"_L1, id));
}

void RealtimeHubPrivate::onDisconnected(QWebSocket *socket)
{
    auto it = connections.find(socket);
    if (it == connections.end())
        return;
    for (auto &[id, s] : it->second->subscriptions)
        removeSubscription(s.get());
    it->second->subscriptions.clear();
    connections.erase(it);
    socket->deleteLater();
}

void RealtimeHubPrivate::deliver(const ServerChange &change)
{
    ++stats.changes;
    const auto indexed = groupsByMutation.constFind(change.mutationField);
    if (indexed == groupsByMutation.constEnd())
        return;
    QElapsedTimer timer;
    timer.start();

    // The mutation's selection: fields it did not select come out null.
    QJsonObject projected;
    if (change.selectedFields.isEmpty()) {
        projected = change.item;
    } else {
        for (const QString &field : change.selectedFields) {
            const auto it = change.item.constFind(field);
            if (it != change.item.constEnd())
                projected.insert(field, *it);
        }
    }
    std::optional<QVariantMap> record;   // for predicate evaluation, made once when needed

    // Copy: sending may (in theory) re-enter and change the index.
    const QList<Group *> targets = *indexed;
    quint64 frames = 0;
    for (Group *group : targets) {
        if (group->members.isEmpty())
            continue;
        bool match = true;
        for (const auto &[name, value] : std::as_const(group->argumentMatches)) {
            if (!valueMatches(change.item.value(name), value)) {
                match = false;
                break;
            }
        }
        if (match && !group->ownerField.isEmpty()) {
            const QJsonValue owner = change.item.value(group->ownerField);
            match = std::any_of(group->ownerValues.cbegin(), group->ownerValues.cend(),
                                [&](const QString &v) { return valueMatches(owner, v); });
        }
        if (match && group->filter && group->model) {
            if (!record)
                record = change.item.toVariantMap();
            match = predicate::evaluate(*group->filter, *record, *group->model);
        }
        if (!match)
            continue;
        ++stats.serializations;
        const QString body = QString::fromUtf8(engine.executeEvent(group->operation, projected));
        const QList<Subscription *> members = group->members.values();
        for (Subscription *s : members) {
            send(s->connection, s->dataPrefix + body + u'}');
            ++frames;
        }
    }
    stats.frames += frames;
    qCDebug(lcServerRealtime) << change.mutationField << "->" << frames << "frames in" << timer.nsecsElapsed() / 1000
                              << "us";
}

void RealtimeHub::deliver(const ServerChange &change)
{
    d->deliver(change);
}

void RealtimeHub::closeAll()
{
    for (const auto &[socket, c] : d->connections) {
        if (c->socket)
            c->socket->close(QWebSocketProtocol::CloseCodeGoingAway, u"Server shutting down"_s);
    }
}

bool RealtimeHub::hasOpenSockets() const
{
    return std::any_of(d->connections.cbegin(), d->connections.cend(), [](const auto &entry) {
        return entry.second->socket && entry.second->socket->state() != QAbstractSocket::UnconnectedState;
    });
}

int RealtimeHub::connectionCount() const
{
    return int(d->connections.size());
}

int RealtimeHub::subscriptionCount() const
{
    return d->subscriptionCount;
}

RealtimeHub::Stats RealtimeHub::stats() const
{
    return d->stats;
}

} // namespace ds::server

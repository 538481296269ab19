// Test helper (not a test class) for the realtime hub tests: an in-process
// HttpServer on 127.0.0.1:0 with a RealtimeHub over the models/schema.graphql
// engine and a ChangeFeed the test publishes into, and a graphql-ws client
// that records what it receives.
#pragma once

#include "data/changefeed.h"
#include "graphql/engine.h"
#include "http/httpserver.h"
#include "realtime/realtimehub.h"
#include "schema/apischema.h"

#include <datastore/modelschema.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

#include <memory>
#include <optional>

namespace rttest {

inline constexpr char kApiKey[] = "da2-interopcapturekey0000000";

inline QJsonObject apiKeyAuth(const QByteArray &key = kApiKey)
{
    return QJsonObject{{QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                       {QStringLiteral("x-amz-date"), QStringLiteral("20261124T212254Z")},
                       {QStringLiteral("x-api-key"), QString::fromLatin1(key)}};
}

inline QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// header-<base64url JSON, no padding>: what current amplify-js offers.
inline QString headerProtocol(const QJsonObject &auth)
{
    return QStringLiteral("header-")
        + QString::fromLatin1(compact(auth).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

class Fixture
{
public:
    // Returns an error message, empty on success.
    QString start(ds::server::RealtimeOptions options = {})
    {
        QFile file(QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"));
        if (!file.open(QIODevice::ReadOnly))
            return QStringLiteral("cannot read models/schema.graphql");
        ds::SourceError error;
        auto parsed = ds::Schema::fromGraphQL(file.readAll(), QStringLiteral("schema.graphql"), &error);
        if (!parsed)
            return error.toString();
        model = std::make_unique<ds::Schema>(*parsed);
        auto executable = ds::server::graphql::ExecutableSchema::build(ds::buildApiSchema(*model));
        if (!executable)
            return QStringLiteral("cannot build the executable schema");
        engine = std::make_unique<ds::server::graphql::Engine>(executable);
        feed = std::make_unique<ds::server::ChangeFeed>();
        hub = std::make_shared<ds::server::RealtimeHub>(
            *engine, *model, feed.get(),
            authenticator ? authenticator
                          : ds::server::RealtimeHub::apiKeyAuthenticator({QString::fromLatin1(kApiKey)}),
            options);
        server = std::make_unique<ds::server::HttpServer>();
        server->router().addWebSocketRoute(ds::server::RealtimeHub::route(hub));
        if (!server->listen(QHostAddress::LocalHost, 0))
            return server->errorString();
        return {};
    }

    ~Fixture()
    {
        server.reset();
        hub.reset();
    }

    QUrl url(const QString &query = {}) const
    {
        QUrl u;
        u.setScheme(QStringLiteral("ws"));
        u.setHost(QStringLiteral("127.0.0.1"));
        u.setPort(server->serverPort());
        u.setPath(QStringLiteral("/graphql/realtime"));
        if (!query.isEmpty())
            u.setQuery(query);
        return u;
    }

    // Set before start() to replace the API key check.
    ds::server::RealtimeAuthenticator authenticator;
    std::unique_ptr<ds::Schema> model;
    std::unique_ptr<ds::server::graphql::Engine> engine;
    std::unique_ptr<ds::server::ChangeFeed> feed;
    std::shared_ptr<ds::server::RealtimeHub> hub;
    std::unique_ptr<ds::server::HttpServer> server;
};

// A graphql-ws client recording every text frame.
class Client
{
public:
    Client()
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket,
                         [this](const QString &text) { frames.append(text); });
        QObject::connect(&socket, &QWebSocket::disconnected, &socket, [this] { closed = true; });
    }

    // Opens with graphql-ws plus the given extra subprotocols (and query, raw
    // headers); waits until connected or refused.
    bool open(const Fixture &f, const QStringList &extraProtocols, const QString &query = {},
              const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        QNetworkRequest request(f.url(query));
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        QWebSocketHandshakeOptions options;
        options.setSubprotocols(QStringList{QStringLiteral("graphql-ws")} + extraProtocols);
        socket.open(request, options);
        return QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState || closed; },
                               10000)
            && socket.state() == QAbstractSocket::ConnectedState;
    }

    bool openWithApiKey(const Fixture &f) { return open(f, {headerProtocol(apiKeyAuth())}); }

    void send(const QJsonObject &message) { socket.sendTextMessage(QString::fromUtf8(compact(message))); }
    void sendText(const QString &text) { socket.sendTextMessage(text); }

    // The first frame from index `from` on whose type is `type` (and id, when
    // given); waits up to timeoutMs.
    std::optional<QJsonObject> waitFor(const QString &type, const QString &id = {}, int timeoutMs = 5000,
                                       qsizetype *index = nullptr)
    {
        std::optional<QJsonObject> found;
        (void)QTest::qWaitFor([&] {
            for (qsizetype i = m_seen; i < frames.size(); ++i) {
                const QJsonObject o = QJsonDocument::fromJson(frames.at(i).toUtf8()).object();
                if (o.value(QStringLiteral("type")).toString() == type
                    && (id.isEmpty() || o.value(QStringLiteral("id")).toString() == id)) {
                    found = o;
                    if (index)
                        *index = i;
                    return true;
                }
            }
            return false;
        }, timeoutMs);
        return found;
    }

    bool init(int timeoutMs = 5000)
    {
        send(QJsonObject{{QStringLiteral("type"), QStringLiteral("connection_init")}});
        return waitFor(QStringLiteral("connection_ack"), {}, timeoutMs).has_value();
    }

    // A start message as amplify-js sends it.
    static QJsonObject startMessage(const QString &id, const QString &query, const QJsonObject &variables = {},
                                    const QJsonObject &auth = apiKeyAuth())
    {
        const QJsonObject data{{QStringLiteral("query"), query}, {QStringLiteral("variables"), variables}};
        QJsonObject authorization = auth;
        authorization.insert(QStringLiteral("x-amz-user-agent"), QStringLiteral("aws-amplify/6.22.1 datastore/1 framework/100"));
        return QJsonObject{
            {QStringLiteral("id"), id},
            {QStringLiteral("type"), QStringLiteral("start")},
            {QStringLiteral("payload"),
             QJsonObject{{QStringLiteral("data"), QString::fromUtf8(compact(data))},
                         {QStringLiteral("extensions"), QJsonObject{{QStringLiteral("authorization"), authorization}}}}}};
    }

    // Sends start and waits for start_ack or error; returns the answer.
    QJsonObject subscribe(const QString &id, const QString &query, const QJsonObject &variables = {})
    {
        const qsizetype before = frames.size();
        send(startMessage(id, query, variables));
        QJsonObject answer;
        (void)QTest::qWaitFor([&] {
            for (qsizetype i = before; i < frames.size(); ++i) {
                const QJsonObject o = QJsonDocument::fromJson(frames.at(i).toUtf8()).object();
                if (o.value(QStringLiteral("id")).toString() == id) {
                    answer = o;
                    return true;
                }
            }
            return false;
        }, 5000);
        return answer;
    }

    // Frames of type data for id.
    QStringList dataFrames(const QString &id) const
    {
        QStringList out;
        for (const QString &text : frames) {
            const QJsonObject o = QJsonDocument::fromJson(text.toUtf8()).object();
            if (o.value(QStringLiteral("type")).toString() == QStringLiteral("data")
                && o.value(QStringLiteral("id")).toString() == id)
                out.append(text);
        }
        return out;
    }

    // Skip what was received so far in later waitFor() calls.
    void markSeen() { m_seen = frames.size(); }

    QWebSocket socket;
    QStringList frames;
    bool closed = false;

private:
    qsizetype m_seen = 0;
};

// The selection set amplify-js sends for Post (transcript, first start).
inline const QString kPostFields = QStringLiteral(
    "id\n    title\n    content\n    rating\n    status\n    tags\n    createdAt\n    updatedAt\n    _version\n"
    "    _lastChangedAt\n    _deleted");

inline QString postSubscription(const QString &field, bool withFilter = false)
{
    return (withFilter ? QStringLiteral("subscription operation($filter: ModelSubscriptionPostFilterInput) {\n  ")
                       : QStringLiteral("subscription operation {\n  "))
        + field + (withFilter ? QStringLiteral("(filter: $filter)") : QString()) + QStringLiteral(" {\n    ")
        + kPostFields + QStringLiteral("\n  }\n}\n");
}

inline QJsonObject post(const QString &id, const QString &title, int rating, const QString &status = QStringLiteral("DRAFT"))
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("title"), title},
                       {QStringLiteral("content"), QStringLiteral("first content")},
                       {QStringLiteral("rating"), rating},
                       {QStringLiteral("status"), status},
                       {QStringLiteral("tags"), QJsonArray{QStringLiteral("a"), QStringLiteral("b")}},
                       {QStringLiteral("createdAt"), QStringLiteral("2026-11-24T21:22:58.200Z")},
                       {QStringLiteral("updatedAt"), QStringLiteral("2026-11-24T21:22:58.200Z")},
                       {QStringLiteral("_version"), 1},
                       {QStringLiteral("_lastChangedAt"), qint64(1795555378200)},
                       {QStringLiteral("_deleted"), false}};
}

inline ds::server::ServerChange change(const QString &mutation, const QJsonObject &item,
                                       const QStringList &selected = {})
{
    ds::server::ServerChange c;
    c.model = QStringLiteral("Post");
    c.operation = mutation.startsWith(QStringLiteral("create")) ? ds::server::ServerChange::Operation::Create
        : mutation.startsWith(QStringLiteral("update"))        ? ds::server::ServerChange::Operation::Update
                                                                : ds::server::ServerChange::Operation::Delete;
    c.mutationField = mutation;
    c.item = item;
    c.selectedFields = selected;
    return c;
}

} // namespace rttest

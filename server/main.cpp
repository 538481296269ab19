// datastore-server: an AppSync-compatible GraphQL + realtime sync server.
//
// GET /healthz; POST /graphql: the GraphQL engine over the data plane
// (server/data: SQLite or PostgreSQL store, versioned writes, delta sync, conflicts), run
// on worker threads; /graphql/realtime accepting graphql-ws WebSockets with
// connection_init -> connection_ack and periodic ka (placeholder hub);
// POST /admin/explain for admin keys (--admin-key): the plan of a sync.
#include "data/adminendpoint.h"
#include "data/authservice.h"
#include "data/changefeed.h"
#include "data/clock.h"
#include "data/dataservice.h"
#include "data/pgchangebridge.h"
#include "data/graphqlendpoint.h"
#include "data/auth_tuning_p.h"
#include "data/tuning_p.h"
#include "graphql/engine.h"
#include "http/httpserver.h"
#include "http/logging_p.h"
#include "http/terminationnotifier.h"
#include "realtime/realtimehub.h"
#include "schema/apischema.h"

#include <datastore/modelschema.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QRegularExpression>
#include <QSslConfiguration>
#include <QTimer>
#include <QWebSocket>

#include <chrono>
#include <cstdio>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

struct Options
{
    QString schemaFile;
    ds::server::data::DatabaseSpec database;   // --db
    QHostAddress host = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 8080;
    QStringList apiKeys;
    QStringList adminKeys;
    QString tlsCertificate;
    QString tlsKey;
    std::chrono::milliseconds keepAliveInterval = 60s;
    qint64 maxBodyBytes = ds::server::tuning::kMaxBodyBytes;
    std::chrono::milliseconds deltaTtl = ds::server::data::tuning::kDefaultDeltaTtl;
    std::chrono::milliseconds tombstoneTtl = ds::server::data::tuning::kDefaultTombstoneTtl;
    std::chrono::milliseconds sweepInterval = ds::server::data::tuning::kDefaultSweepInterval;
    QStringList conflict;   // --conflict values, parsed once the schema is loaded
    qint64 clockOffsetMs = 0;
    QString seed;
    std::chrono::milliseconds tokenTtl = ds::server::data::auth_tuning::kDefaultTokenTtl;
    std::chrono::milliseconds refreshTtl = ds::server::data::auth_tuning::kDefaultRefreshTtl;
    QString adminGroup;
    QHash<QString, QStringList> userGroups;
};

// "60s", "500ms", "2m", "1h", "30d", "1.5s"; a bare number is seconds.
bool parseDuration(const QString &text, std::chrono::milliseconds *out, bool allowNegative = false)
{
    static const QRegularExpression re(u"^\\s*(-?\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?\\s*$"_s);
    const QRegularExpressionMatch m = re.match(text);
    if (!m.hasMatch())
        return false;
    const double value = m.captured(1).toDouble();
    const QString unit = m.captured(2);
    const double factor = unit == u"ms" ? 1.0 : unit == u"m" ? 60000.0 : unit == u"h" ? 3600000.0
                        : unit == u"d" ? 86400000.0 : 1000.0;
    const double ms = value * factor;
    if ((!allowNegative && ms < 1) || ms > 24.0 * 3600000.0 * 365 * 10 || ms < -24.0 * 3600000.0 * 365 * 10)
        return false;
    *out = std::chrono::milliseconds(qint64(ms));
    return true;
}

// Returns an error message, or an empty string when the options are fine.
QString parseOptions(const QCoreApplication &app, Options *options)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(u"AppSync-compatible GraphQL and realtime sync server"_s);
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption schema(u"schema"_s, u"Amplify schema.graphql to serve (required)."_s, u"file"_s);
    const QCommandLineOption db(u"db"_s,
                                u"Database: sqlite:FILE or FILE (default: datastore-server.sqlite in the "
                                "current directory), or postgres://user[:password]@host:port/dbname "
                                "(several instances may share one)."_s,
                                u"database"_s);
    const QCommandLineOption host(u"host"_s, u"Address to listen on (default 127.0.0.1)."_s, u"address"_s,
                                  u"127.0.0.1"_s);
    const QCommandLineOption port(u"port"_s, u"Port to listen on; 0 picks a free one (default 8080)."_s,
                                  u"port"_s, u"8080"_s);
    const QCommandLineOption apiKey(u"api-key"_s, u"Accepted API key (x-api-key); repeatable."_s, u"key"_s);
    const QCommandLineOption adminKey(u"admin-key"_s,
                                      u"Admin key (x-api-key) for /admin/* such as POST /admin/explain; repeatable. "
                                      "API keys are not admin keys."_s,
                                      u"key"_s);
    const QCommandLineOption tlsCert(u"tls-cert"_s, u"PEM certificate (chain) for https/wss."_s, u"file"_s);
    const QCommandLineOption tlsKey(u"tls-key"_s, u"PEM private key for https/wss."_s, u"file"_s);
    const QCommandLineOption ka(u"ka-interval"_s, u"Realtime keep-alive interval, e.g. 60s, 500ms (default 60s)."_s,
                                u"duration"_s, u"60s"_s);
    const QCommandLineOption maxBody(u"max-body-size"_s, u"Largest request body in bytes (default 1048576)."_s,
                                     u"bytes"_s);
    const QCommandLineOption deltaTtl(u"delta-ttl"_s, u"Delta Sync table retention (default 30m)."_s,
                                      u"duration"_s, u"30m"_s);
    const QCommandLineOption tombstoneTtl(u"tombstone-ttl"_s, u"How long deleted items stay as tombstones (default 30d)."_s,
                                          u"duration"_s, u"30d"_s);
    const QCommandLineOption sweep(u"sweep-interval"_s,
                                   u"How often expired delta rows and tombstones are deleted (default 60s)."_s,
                                   u"duration"_s, u"60s"_s);
    const QCommandLineOption conflict(u"conflict"_s,
                                      u"Conflict resolution: automerge (default), optimistic or custom:FILE.js; "
                                      "Model=MODE for one model. Repeatable."_s,
                                      u"mode"_s);
    const QCommandLineOption clockOffset(u"clock-offset"_s,
                                         u"Shift the server clock, e.g. -31m or 2h (tests of TTLs)."_s, u"duration"_s);
    const QCommandLineOption seed(u"seed"_s, u"Fill an empty database with demo data: demo."_s, u"name"_s);
    const QCommandLineOption tokenTtl(u"token-ttl"_s, u"Lifetime of issued id/access tokens (default 1h)."_s,
                                      u"duration"_s, u"1h"_s);
    const QCommandLineOption refreshTtl(u"refresh-ttl"_s, u"Lifetime of refresh tokens (default 30d)."_s,
                                        u"duration"_s, u"30d"_s);
    const QCommandLineOption adminGroup(u"admin-group"_s,
                                        u"Members of this group (cognito:groups) pass every @auth rule."_s, u"name"_s);
    const QCommandLineOption userGroup(u"user-group"_s,
                                       u"USER=GROUP: put a user in a group (its tokens carry it); repeatable."_s,
                                       u"user=group"_s);
    parser.addOptions({schema, db, host, port, apiKey, adminKey, tlsCert, tlsKey, ka, maxBody, deltaTtl, tombstoneTtl, sweep,
                       conflict, clockOffset, seed, tokenTtl, refreshTtl, adminGroup, userGroup});
    parser.process(app);  // --help, --version and unknown options exit here

    if (!parser.positionalArguments().isEmpty())
        return u"unexpected argument: %1"_s.arg(parser.positionalArguments().constFirst());
    options->schemaFile = parser.value(schema);
    if (options->schemaFile.isEmpty())
        return u"--schema FILE is required"_s;
    if (!QFileInfo(options->schemaFile).isReadable())
        return u"cannot read the schema file %1"_s.arg(options->schemaFile);
    if (const QString value = parser.value(db); value.isEmpty()) {
        options->database = ds::server::data::DatabaseSpec::sqlite(QDir::current().filePath(u"datastore-server.sqlite"_s));
    } else {
        QString error;
        const std::optional<ds::server::data::DatabaseSpec> spec = ds::server::data::DatabaseSpec::parse(value, &error);
        if (!spec)
            return u"--db: "_s % error;
        options->database = *spec;
    }

    const QString hostText = parser.value(host);
    if (hostText == u"localhost")
        options->host = QHostAddress(QHostAddress::LocalHost);
    else if (!options->host.setAddress(hostText))
        return u"--host: not an IP address: %1"_s.arg(hostText);

    bool ok = false;
    const uint portValue = parser.value(port).toUInt(&ok);
    if (!ok || portValue > 65535)
        return u"--port: not a port number: %1"_s.arg(parser.value(port));
    options->port = quint16(portValue);

    options->apiKeys = parser.values(apiKey);
    options->adminKeys = parser.values(adminKey);
    for (const QString &key : std::as_const(options->adminKeys)) {
        if (key.size() < 8)
            return u"--admin-key: a key of at least 8 characters, please"_s;
        if (options->apiKeys.contains(key))
            return u"--admin-key: an admin key must not also be an --api-key"_s;
    }
    options->tlsCertificate = parser.value(tlsCert);
    options->tlsKey = parser.value(tlsKey);
    if (options->tlsCertificate.isEmpty() != options->tlsKey.isEmpty())
        return u"--tls-cert and --tls-key go together"_s;
    if (!parseDuration(parser.value(ka), &options->keepAliveInterval))
        return u"--ka-interval: not a duration: %1"_s.arg(parser.value(ka));
    if (parser.isSet(maxBody)) {
        options->maxBodyBytes = parser.value(maxBody).toLongLong(&ok);
        if (!ok || options->maxBodyBytes < 0)
            return u"--max-body-size: not a byte count: %1"_s.arg(parser.value(maxBody));
    }
    if (!parseDuration(parser.value(deltaTtl), &options->deltaTtl))
        return u"--delta-ttl: not a duration: %1"_s.arg(parser.value(deltaTtl));
    if (!parseDuration(parser.value(tombstoneTtl), &options->tombstoneTtl))
        return u"--tombstone-ttl: not a duration: %1"_s.arg(parser.value(tombstoneTtl));
    if (!parseDuration(parser.value(sweep), &options->sweepInterval))
        return u"--sweep-interval: not a duration: %1"_s.arg(parser.value(sweep));
    options->conflict = parser.values(conflict);
    if (parser.isSet(clockOffset)) {
        std::chrono::milliseconds offset{0};
        if (!parseDuration(parser.value(clockOffset), &offset, true))
            return u"--clock-offset: not a duration: %1"_s.arg(parser.value(clockOffset));
        options->clockOffsetMs = offset.count();
    }
    options->seed = parser.value(seed);
    if (!parseDuration(parser.value(tokenTtl), &options->tokenTtl) || options->tokenTtl < 1s)
        return u"--token-ttl: not a duration of at least 1s: %1"_s.arg(parser.value(tokenTtl));
    if (!parseDuration(parser.value(refreshTtl), &options->refreshTtl) || options->refreshTtl < 1s)
        return u"--refresh-ttl: not a duration of at least 1s: %1"_s.arg(parser.value(refreshTtl));
    options->adminGroup = parser.value(adminGroup);
    const QStringList memberships = parser.values(userGroup);
    for (const QString &value : memberships) {
        const qsizetype eq = value.indexOf(u'=');
        if (eq <= 0 || eq == value.size() - 1)
            return u"--user-group: expected USER=GROUP: %1"_s.arg(value);
        options->userGroups[value.left(eq)].append(value.mid(eq + 1));
    }
    return {};
}

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// Stand-in for the realtime hub: acknowledges connection_init, sends ka,
// refuses subscriptions.
class PlaceholderRealtime final : public ds::server::WebSocketHandler
{
public:
    explicit PlaceholderRealtime(std::chrono::milliseconds keepAlive) : m_keepAlive(keepAlive) {}

    void handleWebSocket(QWebSocket *socket, const ds::server::HttpRequest &) override
    {
        m_sockets.append(socket);
        QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        QObject::connect(socket, &QWebSocket::textMessageReceived, socket,
                         [this, socket](const QString &text) { onMessage(socket, text); });
    }

    void closeAll()
    {
        for (const QPointer<QWebSocket> &socket : std::as_const(m_sockets)) {
            if (socket)
                socket->close(QWebSocketProtocol::CloseCodeGoingAway, u"Server shutting down"_s);
        }
    }

    bool hasOpenSockets()
    {
        m_sockets.removeIf([](const QPointer<QWebSocket> &s) {
            return !s || s->state() == QAbstractSocket::UnconnectedState;
        });
        return !m_sockets.isEmpty();
    }

private:
    void onMessage(QWebSocket *socket, const QString &text)
    {
        const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
        const QString type = message.value(u"type"_s).toString();
        const QJsonValue id = message.value(u"id"_s);
        if (type == u"connection_init") {
            socket->sendTextMessage(compact({{u"type"_s, u"connection_ack"_s},
                                             {u"payload"_s, QJsonObject{{u"connectionTimeoutMs"_s, 300000}}}}));
            if (!socket->findChild<QTimer *>(u"ka"_s, Qt::FindDirectChildrenOnly)) {
                auto *timer = new QTimer(socket);
                timer->setObjectName(u"ka"_s);
                QObject::connect(timer, &QTimer::timeout, socket, [socket] {
                    socket->sendTextMessage(compact({{u"type"_s, u"ka"_s}}));
                });
                timer->start(m_keepAlive);
                socket->sendTextMessage(compact({{u"type"_s, u"ka"_s}}));
            }
        } else if (type == u"start") {
            const QJsonObject error{{u"errorType"_s, u"NotImplemented"_s},
                                    {u"message"_s, u"Subscriptions are not implemented yet"_s}};
            socket->sendTextMessage(compact({{u"id"_s, id}, {u"type"_s, u"error"_s},
                                             {u"payload"_s, QJsonObject{{u"errors"_s, QJsonArray{error}}}}}));
        } else if (type == u"stop") {
            socket->sendTextMessage(compact({{u"id"_s, id}, {u"type"_s, u"complete"_s}}));
        } else {
            const QJsonObject error{{u"errorType"_s, u"BadRequestException"_s},
                                    {u"message"_s, u"Unknown message type"_s}};
            socket->sendTextMessage(compact({{u"type"_s, u"error"_s},
                                             {u"payload"_s, QJsonObject{{u"errors"_s, QJsonArray{error}}}}}));
        }
    }

    std::chrono::milliseconds m_keepAlive;
    QList<QPointer<QWebSocket>> m_sockets;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"datastore-server"_s);
    QCoreApplication::setApplicationVersion(u"0.1.0"_s);

    Options options;
    if (const QString error = parseOptions(app, &options); !error.isEmpty()) {
        std::fprintf(stderr, "datastore-server: %s\n", qPrintable(error));
        return 2;
    }

    // The model schema and the API schema the engine serves.
    QFile schemaFile(options.schemaFile);
    if (!schemaFile.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "datastore-server: cannot read %s\n", qPrintable(options.schemaFile));
        return 2;
    }
    ds::SourceError schemaError;
    std::optional<ds::Schema> modelSchema =
        ds::Schema::fromGraphQL(schemaFile.readAll(), QFileInfo(options.schemaFile).fileName(), &schemaError);
    if (!modelSchema) {
        std::fprintf(stderr, "datastore-server: %s\n", qPrintable(schemaError.toString()));
        return 2;
    }
    QString apiError;
    auto apiSchema = ds::server::graphql::ExecutableSchema::build(ds::buildApiSchema(*modelSchema), &apiError);
    if (!apiSchema) {
        std::fprintf(stderr, "datastore-server: API schema: %s\n", qPrintable(apiError));
        return 2;
    }
    auto engine = std::make_shared<const ds::server::graphql::Engine>(apiSchema);

    // The data plane: store, resolvers, worker threads; every committed
    // mutation is published on the change feed.
    ds::server::ChangeFeed changeFeed;
    auto dataConfig = std::make_shared<ds::server::data::DataConfig>();
    dataConfig->schema = std::make_shared<const ds::Schema>(std::move(*modelSchema));
    dataConfig->clock = std::make_shared<ds::server::data::SystemClock>(options.clockOffsetMs);
    dataConfig->deltaTtl = options.deltaTtl;
    dataConfig->tombstoneTtl = options.tombstoneTtl;
    dataConfig->changeFeed = &changeFeed;
    for (const QString &value : std::as_const(options.conflict)) {
        if (const QString error = dataConfig->conflict.parse(value, *dataConfig->schema); !error.isEmpty()) {
            std::fprintf(stderr, "datastore-server: --conflict: %s\n", qPrintable(error));
            return 2;
        }
    }
    ds::server::data::DataServiceOptions dataOptions;
    dataOptions.database = options.database;
    dataOptions.sweepInterval = options.sweepInterval;
    dataOptions.workers = ds::server::data::tuning::kWorkerThreads;
    dataOptions.seed = options.seed;
    ds::server::data::DataService data(dataConfig, dataOptions);
    if (const ds::Result<void> started = data.start(); !started) {
        std::fprintf(stderr, "datastore-server: database %s: %s\n", qPrintable(options.database.displayName()),
                     qPrintable(started.error().message()));
        return 1;
    }
    // Several instances on one PostgreSQL database: their change feeds are
    // one (LISTEN/NOTIFY), so a subscriber anywhere sees every mutation.
    std::unique_ptr<ds::server::data::PgChangeBridge> changeBridge;
    if (options.database.isPostgres()) {
        changeBridge = std::make_unique<ds::server::data::PgChangeBridge>(options.database, dataConfig->schema,
                                                                          &changeFeed);
        if (const ds::Result<void> started = changeBridge->start(); !started) {
            std::fprintf(stderr, "datastore-server: change notifications on %s: %s\n",
                         qPrintable(options.database.displayName()), qPrintable(started.error().message()));
            return 1;
        }
    }

    // Users (/auth/*) and their tokens (Authorization on /graphql and realtime).
    ds::server::data::AuthOptions authOptions;
    authOptions.database = options.database;
    authOptions.tokenTtl = options.tokenTtl;
    authOptions.refreshTtl = options.refreshTtl;
    authOptions.adminGroup = options.adminGroup;
    authOptions.extraGroups = options.userGroups;
    authOptions.pbkdf2Iterations = ds::server::data::auth_tuning::kPbkdf2Iterations;
    ds::server::data::AuthService auth(authOptions, dataConfig->clock);
    if (const ds::Result<void> started = auth.start(); !started) {
        std::fprintf(stderr, "datastore-server: auth store %s: %s\n", qPrintable(options.database.displayName()),
                     qPrintable(started.error().message()));
        return 1;
    }

    ds::server::HttpServer server;
    ds::server::HttpLimits limits;
    limits.maxBodyBytes = options.maxBodyBytes;
    server.setLimits(limits);
    if (!options.tlsCertificate.isEmpty()) {
        bool ok = false;
        QString error;
        const QSslConfiguration tls = ds::server::HttpServer::loadTlsConfiguration(
            options.tlsCertificate, options.tlsKey, &ok, &error);
        if (!ok) {
            std::fprintf(stderr, "datastore-server: TLS: %s\n", qPrintable(error));
            return 2;
        }
        server.setTlsConfiguration(tls);
    }

    ds::server::Router &routes = server.router();
    routes.addRoute("GET", u"/healthz"_s, [](const ds::server::HttpRequest &, ds::server::HttpResponder r) {
        r.respond(200, QJsonObject{{u"status"_s, u"ok"_s}});
    });
    routes.addRoute("POST", u"/graphql"_s,
                    std::make_shared<ds::server::data::GraphQLEndpoint>(engine, &data, options.apiKeys, &auth));
    auth.addRoutes(routes);
    // Admin: how a sync would read (index or scan), for --admin-key holders and --admin-group users.
    routes.addRoute("POST", ds::server::data::AdminEndpoint::explainPath(),
                    std::make_shared<ds::server::data::AdminEndpoint>(&data, options.adminKeys, options.apiKeys, &auth));
    // The realtime hub: AppSync graphql-ws on /graphql/realtime, fed by the change feed.
    ds::server::RealtimeOptions realtimeOptions;
    realtimeOptions.keepAliveInterval = options.keepAliveInterval;
    // Handshake and start auth: a JWT in Authorization is a user (identity:
    // username; sub and sub::username as aliases), anything else the API keys.
    ds::server::RealtimeAuthenticator realtimeAuth =
        [apiKeys = ds::server::RealtimeHub::apiKeyAuthenticator(options.apiKeys),
         &auth](const QJsonObject &headers) {
        QString authorization;
        for (auto it = headers.begin(); it != headers.end(); ++it) {
            if (it.key().compare(u"authorization", Qt::CaseInsensitive) == 0)
                authorization = it.value().toString();
        }
        bool apiKey = false;
        for (auto it = headers.begin(); it != headers.end(); ++it)
            apiKey = apiKey || it.key().compare(u"x-api-key", Qt::CaseInsensitive) == 0;
        if (authorization.isEmpty() || apiKey)
            return apiKeys(headers);
        QString why;
        const std::optional<ds::server::data::Caller> user = auth.authenticate(authorization.toUtf8(), &why);
        if (!user) {
            ds::server::RealtimeAuthResult denied = ds::server::RealtimeAuthResult::denied();
            denied.message = why;
            return denied;
        }
        ds::server::RealtimeAuthResult result = ds::server::RealtimeAuthResult::allowed(
            ds::server::RealtimeAuthResult::Provider::UserPools, user->username);
        result.identityAliases = user->ownerValues(u"sub::username"_s);
        result.identityAliases.removeAll(user->username);
        return result;
    };
    auto realtime = std::make_shared<ds::server::RealtimeHub>(
        *engine, *dataConfig->schema, &changeFeed, std::move(realtimeAuth), realtimeOptions);
    routes.addWebSocketRoute(ds::server::RealtimeHub::route(realtime));

    // Graceful stop: no new connections, answers in flight finish, WebSockets
    // get a going-away close, then exit 0.
    ds::server::TerminationNotifier termination;
    bool stopping = false;
    bool drained = false;
    QTimer exitPoll;
    exitPoll.setInterval(20ms);
    QObject::connect(&exitPoll, &QTimer::timeout, &app, [&] {
        if (drained && !realtime->hasOpenSockets())
            QCoreApplication::exit(0);
    });
    QObject::connect(&termination, &ds::server::TerminationNotifier::terminationRequested, &app,
                     [&](const QString &name) {
        if (stopping) {
            qCInfo(lcServer) << "second" << name << "- exiting now";
            QCoreApplication::exit(0);
            return;
        }
        stopping = true;
        qCInfo(lcServer).noquote() << name << "received, shutting down";
        realtime->closeAll();
        server.shutdown();
        exitPoll.start();
        QTimer::singleShot(ds::server::tuning::kShutdownGrace + 1s, &app, [] { QCoreApplication::exit(0); });
    });
    QObject::connect(&server, &ds::server::HttpServer::drained, &app, [&] { drained = true; });

    if (!server.listen(options.host, options.port)) {
        std::fprintf(stderr, "datastore-server: cannot listen on %s:%u: %s\n",
                     qPrintable(options.host.toString()), unsigned(options.port),
                     qPrintable(server.errorString()));
        return 1;
    }
    qCInfo(lcServer).noquote() << "schema" << options.schemaFile << "| database" << options.database.displayName()
                               << "|" << options.apiKeys.size() << "API key(s) | ka every"
                               << options.keepAliveInterval.count() << "ms";
    std::printf("listening on %s\n", qPrintable(server.baseUrl().toString()));
    std::fflush(stdout);
    return app.exec();
}

#include "sync.h"

#include <datastore/datastore.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaEnum>
#include <QTimer>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <optional>

using namespace Qt::StringLiterals;

namespace {

// ---- platform seam: SIGINT / SIGTERM -----------------------------------------
// The handler only records the signal; a timer on the event loop reads it.

volatile std::sig_atomic_t g_signal = 0;

extern "C" void onTerminationSignal(int sig)
{
    g_signal = sig;
}

void installTerminationHandlers()
{
    std::signal(SIGINT, onTerminationSignal);
    std::signal(SIGTERM, onTerminationSignal);
}

QString signalName(int sig)
{
    if (sig == SIGINT)
        return u"SIGINT"_s;
    if (sig == SIGTERM)
        return u"SIGTERM"_s;
    return u"signal "_s + QString::number(sig);
}

// ---- output ----------------------------------------------------------------------

// Set once the last line ("done", "stopped", a timeout's "error") is out:
// events still queued when the loop exits are not printed after it.
bool g_closed = false;

void printEvent(const QString &name, QJsonObject fields = {})
{
    if (g_closed)
        return;
    fields.insert(u"ts"_s, QDateTime::currentMSecsSinceEpoch());
    // "event" first, for people reading the stream; the rest as QJsonObject orders it.
    const QByteArray rest = QJsonDocument(fields).toJson(QJsonDocument::Compact);
    QByteArray line = "{\"event\":" + QJsonDocument(QJsonArray{name}).toJson(QJsonDocument::Compact).mid(1);
    line.chop(1);   // the array's closing bracket
    line += ',' + rest.mid(1) + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}

QJsonObject errorJson(const ds::Error &error)
{
    const QMetaEnum domains = QMetaEnum::fromType<ds::Error::Domain>();
    QJsonObject o{{u"domain"_s, QString::fromLatin1(domains.valueToKey(int(error.domain())))},
                  {u"code"_s, error.code()},
                  {u"message"_s, error.message()},
                  {u"transient"_s, error.isTransient()}};
    if (error.location().isValid()) {
        o.insert(u"line"_s, error.location().line);
        o.insert(u"column"_s, error.location().column);
    }
    return o;
}

int usageError(const QString &message)
{
    std::fprintf(stderr, "datastore sync: %s\n", qUtf8Printable(message));
    return 2;
}

// "Post: rating > 5" -> its model and predicate, or a message naming the
// expression and line:column (with the text and a caret under the column).
struct ParsedExpression
{
    QString model;
    ds::Predicate predicate;
};

std::optional<ParsedExpression> parseExpression(const ds::DataStore &store, const QString &argument,
                                                QString *message)
{
    const QString context = u"--sync-expression '"_s + argument + u"'"_s;
    const qsizetype colon = argument.indexOf(u':');
    if (colon <= 0) {
        *message = context + u": expected 'Model: expression', e.g. 'Post: rating > 5'"_s;
        return std::nullopt;
    }
    const QString model = argument.left(colon).trimmed();
    if (!store.schema().model(model)) {
        *message = context + u": the schema has no model '"_s + model + u"'"_s;
        return std::nullopt;
    }
    const QString text = argument.mid(colon + 1).trimmed();
    const ds::Result<ds::Predicate> parsed = store.parsePredicate(model, text);
    if (!parsed) {
        const ds::SourceLocation at = parsed.error().location();
        if (!at.isValid()) {
            *message = context + u": "_s + parsed.error().message();
            return std::nullopt;
        }
        *message = context + u": "_s + QString::number(at.line) + u':' + QString::number(at.column) + u": "_s
            + parsed.error().message();
        const QStringList lines = text.split(u'\n');
        if (at.line <= lines.size()) {
            *message += u"\n  "_s + lines.at(at.line - 1) + u"\n  "_s
                + QString(qMax(0, at.column - 1), u' ') + u'^';
        }
        return std::nullopt;
    }
    return ParsedExpression{model, *parsed};
}

template<typename T>
T await(QFuture<T> future)
{
    while (!future.isFinished())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return future.result();
}

} // namespace

int runSyncCommand(const SyncCommand &command)
{
    // Configuration first: nothing is opened or started when it is bad.
    if (command.configFile.isEmpty())
        return usageError(u"--config amplifyconfiguration.json is required"_s);
    if (command.databaseFile.isEmpty())
        return usageError(u"--db FILE is required"_s);
    ds::Result<ds::SyncConfiguration> config = ds::SyncConfiguration::fromFile(command.configFile);
    if (!config)
        return usageError(config.error().message());
    if (!config->isEnabled())
        return usageError(command.configFile + u": no GraphQL endpoint (api.plugins.awsAPIPlugin)"_s);

    QString schemaPath = command.schemaFile;
    if (schemaPath.isEmpty()) {
        schemaPath = QFileInfo(command.configFile).dir().filePath(u"schema.graphql"_s);
        if (!QFile::exists(schemaPath))
            return usageError(u"--schema FILE is required (there is no schema.graphql beside "_s
                              + command.configFile + u")"_s);
    }
    QFile schemaFile(schemaPath);
    if (!schemaFile.open(QIODevice::ReadOnly))
        return usageError(schemaPath + u": "_s + schemaFile.errorString());
    ds::SourceError schemaError;
    std::optional<ds::Schema> schema = ds::Schema::fromGraphQL(schemaFile.readAll(), schemaPath, &schemaError);
    if (!schema)
        return usageError(schemaError.toString());

    if (!command.caFile.isEmpty()) {
        if (!QFileInfo(command.caFile).isReadable())
            return usageError(command.caFile + u": cannot read the CA certificate file"_s);
        config->caCertificateFile = command.caFile;
    }

    ds::DataStore store(std::move(*schema));
    for (const QString &argument : command.expressions) {
        QString message;
        std::optional<ParsedExpression> e = parseExpression(store, argument, &message);
        if (!e)
            return usageError(message);
        const bool taken = std::any_of(config->syncExpressions().cbegin(), config->syncExpressions().cend(),
                                       [&](const ds::SyncConfiguration::Expression &x) { return x.model == e->model; });
        if (taken)
            return usageError(u"--sync-expression '"_s + argument + u"': a second expression for "_s + e->model
                              + u" (one per model)"_s);
        config->addSyncExpression(e->model, e->predicate);
    }

    if (const ds::Result<void> opened = await(store.open(command.databaseFile)); !opened) {
        std::fprintf(stderr, "datastore sync: %s: %s\n", qUtf8Printable(command.databaseFile),
                     qUtf8Printable(opened.error().message()));
        return 1;
    }
    config->pageSize = qBound(1, config->pageSize, 1000);
    store.configureSync(*config);

    const bool once = command.mode == SyncCommand::Mode::Once;
    QEventLoop loop;
    // The exit status once decided. Everything may happen while start() is
    // awaited, before loop.exec() runs (an exit() before exec() is lost).
    std::optional<int> exitStatus;
    auto exitWith = [&](int status) {
        exitStatus = status;
        loop.exit(status);
    };
    bool queriesReady = false;
    int errors = 0;
    bool finishing = false;

    // --once: give up when nothing has happened for the timeout (no
    // connection, no page, no outbox progress).
    QTimer idle;
    idle.setSingleShot(true);
    idle.setTimerType(Qt::PreciseTimer);
    idle.setInterval(qMax(1, command.timeoutSeconds) * 1000);
    auto progressed = [&] {
        if (once)
            idle.start();
    };

    // Called on outboxStatus(isEmpty) after syncQueriesReady: the engine
    // reports the outbox when it starts draining it after the sync queries,
    // and again after each mutation it processed (after that mutation's
    // outboxMutationProcessed), so the last one is in.
    auto finishOnce = [&] {
        if (finishing)
            return;
        finishing = true;
        idle.stop();
        QJsonObject records;
        for (const ds::ModelSchema &m : store.schema().models()) {
            const ds::Result<qint64> n = await(store.count(m.name));
            records.insert(m.name, n ? QJsonValue(double(*n)) : QJsonValue());
        }
        await(store.stop());
        printEvent(u"done"_s, {{u"records"_s, records},
                               {u"errors"_s, errors},
                               {u"lastSyncedAt"_s, store.lastSyncedAt().toString(Qt::ISODateWithMs)}});
        g_closed = true;
        exitWith(0);
    };

    QObject::connect(&store, &ds::DataStore::networkStatus, &loop, [&](bool active) {
        progressed();
        printEvent(u"networkStatus"_s, {{u"active"_s, active}});
    });
    QObject::connect(&store, &ds::DataStore::subscriptionsEstablished, &loop, [&] {
        progressed();
        printEvent(u"subscriptionsEstablished"_s);
    });
    QObject::connect(&store, &ds::DataStore::syncQueriesStarted, &loop, [&](const QStringList &models) {
        progressed();
        printEvent(u"syncQueriesStarted"_s, {{u"models"_s, QJsonArray::fromStringList(models)}});
    });
    QObject::connect(&store, &ds::DataStore::modelSynced, &loop,
                     [&](const QString &model, bool isFull, bool isDelta, int created, int updated, int deleted,
                         int evicted) {
        progressed();
        printEvent(u"modelSynced"_s, {{u"model"_s, model},
                                      {u"isFullSync"_s, isFull},
                                      {u"isDeltaSync"_s, isDelta},
                                      {u"new"_s, created},
                                      {u"updated"_s, updated},
                                      {u"deleted"_s, deleted},
                                      {u"evicted"_s, evicted}});
    });
    QObject::connect(&store, &ds::DataStore::syncQueriesReady, &loop, [&] {
        progressed();
        printEvent(u"syncQueriesReady"_s);
        queriesReady = true;
    });
    QObject::connect(&store, &ds::DataStore::ready, &loop, [&] {
        progressed();
        printEvent(u"ready"_s);
    });
    QObject::connect(&store, &ds::DataStore::outboxMutationEnqueued, &loop,
                     [&](const QString &model, const QVariantMap &element) {
        printEvent(u"outboxMutationEnqueued"_s, {{u"model"_s, model},
                                                 {u"element"_s, QJsonObject::fromVariantMap(element)}});
    });
    QObject::connect(&store, &ds::DataStore::outboxMutationProcessed, &loop,
                     [&](const QString &model, const QVariantMap &element) {
        progressed();
        printEvent(u"outboxMutationProcessed"_s, {{u"model"_s, model},
                                                  {u"element"_s, QJsonObject::fromVariantMap(element)}});
    });
    QObject::connect(&store, &ds::DataStore::outboxStatus, &loop, [&](bool isEmpty) {
        progressed();
        printEvent(u"outboxStatus"_s, {{u"isEmpty"_s, isEmpty}});
        if (once && queriesReady && isEmpty)
            finishOnce();
    });
    QObject::connect(&store, &ds::DataStore::conditionalSaveFailed, &loop,
                     [&](const QString &model, const QVariantMap &element, const ds::Error &error) {
        progressed();
        printEvent(u"conditionalSaveFailed"_s, {{u"model"_s, model},
                                                {u"element"_s, QJsonObject::fromVariantMap(element)},
                                                {u"error"_s, errorJson(error)}});
    });
    QObject::connect(&store, &ds::DataStore::outboxMutationFailed, &loop,
                     [&](const QString &model, const QString &operation, const QVariantMap &element,
                         const ds::Error &error) {
        progressed();
        ++errors;
        printEvent(u"outboxMutationFailed"_s, {{u"model"_s, model},
                                               {u"operation"_s, operation},
                                               {u"element"_s, QJsonObject::fromVariantMap(element)},
                                               {u"error"_s, errorJson(error)}});
    });
    QObject::connect(&store, &ds::DataStore::syncErrorOccurred, &loop,
                     [&](const QString &model, const ds::Error &error) {
        ++errors;
        printEvent(u"syncErrorOccurred"_s, {{u"model"_s, model}, {u"error"_s, errorJson(error)}});
    });
    QObject::connect(&store, &ds::DataStore::errorOccurred, &loop, [&](const ds::Error &error) {
        ++errors;
        printEvent(u"error"_s, errorJson(error));
    });
    QObject::connect(&store, &ds::DataStore::syncProgressChanged, &loop, progressed);

    QObject::connect(&idle, &QTimer::timeout, &loop, [&] {
        const QString message = u"no progress for "_s + QString::number(command.timeoutSeconds) + u" s: "_s
            + (store.isOnline() ? u"the sync did not finish"_s
                                : u"cannot reach "_s + config->endpoint.toString());
        if (finishing)
            return;
        finishing = true;
        printEvent(u"error"_s, {{u"code"_s, u"Timeout"_s}, {u"message"_s, message}});
        g_closed = true;
        std::fprintf(stderr, "datastore sync: %s\n", qUtf8Printable(message));
        await(store.stop());
        exitWith(1);
    });

    installTerminationHandlers();
    QTimer signalPoll;
    QObject::connect(&signalPoll, &QTimer::timeout, &loop, [&] {
        if (g_signal == 0 || finishing)
            return;
        finishing = true;
        const QString name = signalName(g_signal);
        idle.stop();
        await(store.stop());
        printEvent(u"stopped"_s, {{u"signal"_s, name}, {u"pendingMutations"_s, store.pendingMutations()}});
        g_closed = true;
        exitWith(once ? 1 : 0);
    });
    signalPoll.start(50);

    progressed();
    const ds::Result<void> started = await(store.start());
    if (!started) {
        // The "error" line came with errorOccurred.
        std::fprintf(stderr, "datastore sync: %s\n", qUtf8Printable(started.error().message()));
        return started.error().domain() == ds::Error::Domain::Validation ? 2 : 1;
    }
    if (exitStatus)
        return *exitStatus;
    return loop.exec();
}

// datastore: the admin CLI of a local Qt DataStore database.
//
//   datastore --db FILE --schema SCHEMA <command> [arguments]
//
//   query  MODEL [EXPR] [--sort "rating desc"] [--limit N] [--page N]   records as JSON lines
//   count  MODEL [EXPR]                                                 number of matching records
//   get    MODEL ID                                                     one record as JSON
//   save   MODEL JSON [--if EXPR]                                       create or update
//   delete MODEL ID [--if EXPR]                                         delete one record
//   delete MODEL --where EXPR                                           delete every match
//   explain MODEL EXPR          the parsed predicate, its AppSync filter JSON, SQL and plan
//   outbox                      pending mutations as JSON lines
//   models                      the schema's models and their fields
//   sync --config amplifyconfiguration.json [--sync-expression 'Post: rating > 5' ...]
//        [--ca-file cert.pem] [--once | --watch] [--timeout SECONDS]
//                               runs the sync engine, hub events as JSON lines (sync.h)
//
// The database must have been made for SCHEMA (its tables are never migrated:
// a mismatch is an error, "SchemaMismatch"); only save creates a new file.
// Errors go to stderr with exit status 1 (2 for usage errors).

#include "sync.h"

#include <datastore/datastore.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

template<typename T>
T await(QFuture<T> future)
{
    while (!future.isFinished())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return future.result();
}

void out(const QByteArray &line)
{
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fputc('\n', stdout);
}

int fail(const QString &message, int code = 1)
{
    std::fprintf(stderr, "datastore: %s\n", qUtf8Printable(message));
    return code;
}

int fail(const ds::Error &error, const QString &context = {})
{
    QString text = error.message();
    if (error.location().isValid())
        text = u"column "_s + QString::number(error.location().column) + u": "_s + text;
    if (!context.isEmpty())
        text = context + u": "_s + text;
    return fail(text);
}

QByteArray json(const QVariantMap &record)
{
    return QJsonDocument(QJsonObject::fromVariantMap(record)).toJson(QJsonDocument::Compact);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"datastore"_s);

    QCommandLineParser cli;
    cli.setApplicationDescription(u"Inspect and edit a local Qt DataStore database.\n\n"
                                  "Commands:\n"
                                  "  query MODEL [EXPR] [--sort S] [--limit N] [--page N]\n"
                                  "  count MODEL [EXPR]\n"
                                  "  get MODEL ID\n"
                                  "  save MODEL JSON [--if EXPR]\n"
                                  "  delete MODEL ID [--if EXPR] | delete MODEL --where EXPR\n"
                                  "  explain MODEL EXPR\n"
                                  "  outbox\n"
                                  "  models\n"
                                  "  sync --config FILE [--sync-expression 'Model: EXPR' ...] [--ca-file PEM]\n"
                                  "       [--once | --watch] [--timeout SECONDS]\n"
                                  "       (--schema defaults to schema.graphql beside the config file)"_s);
    cli.addHelpOption();
    const QCommandLineOption dbOption(u"db"_s, u"The database file."_s, u"file"_s);
    const QCommandLineOption schemaOption(u"schema"_s, u"The schema.graphql of the app."_s, u"file"_s);
    const QCommandLineOption sortOption(u"sort"_s, u"Sort order, e.g. \"rating desc, title\"."_s, u"spec"_s);
    const QCommandLineOption limitOption(u"limit"_s, u"At most N records."_s, u"n"_s);
    const QCommandLineOption pageOption(u"page"_s, u"Page number (0-based) of --limit records."_s, u"n"_s, u"0"_s);
    const QCommandLineOption ifOption(u"if"_s, u"Condition the current record must meet."_s, u"expr"_s);
    const QCommandLineOption whereOption(u"where"_s, u"Delete every record that matches."_s, u"expr"_s);
    const QCommandLineOption configOption(u"config"_s, u"sync: the amplifyconfiguration.json."_s, u"file"_s);
    const QCommandLineOption expressionOption(u"sync-expression"_s,
                                              u"sync: \"Model: predicate\", once per model (repeatable)."_s,
                                              u"expr"_s);
    const QCommandLineOption caOption(u"ca-file"_s, u"sync: extra trusted CA certificates (PEM)."_s, u"file"_s);
    const QCommandLineOption onceOption(u"once"_s, u"sync: exit once synced and the outbox is empty (default)."_s);
    const QCommandLineOption watchOption(u"watch"_s, u"sync: keep syncing until SIGINT/SIGTERM."_s);
    const QCommandLineOption timeoutOption(u"timeout"_s,
                                           u"sync --once: give up after this many seconds without progress (default 30)."_s,
                                           u"seconds"_s, u"30"_s);
    cli.addOptions({dbOption, schemaOption, sortOption, limitOption, pageOption, ifOption, whereOption,
                    configOption, expressionOption, caOption, onceOption, watchOption, timeoutOption});
    cli.addPositionalArgument(u"command"_s, u"What to do (see above)."_s);
    cli.process(app);

    const QStringList args = cli.positionalArguments();
    if (args.isEmpty())
        return fail(u"no command given; see --help"_s, 2);
    if (args.first() == u"sync") {
        if (args.size() > 1)
            return fail(u"sync takes no arguments; see --help"_s, 2);
        if (cli.isSet(onceOption) && cli.isSet(watchOption))
            return fail(u"--once and --watch exclude each other"_s, 2);
        SyncCommand command;
        command.configFile = cli.value(configOption);
        command.databaseFile = cli.value(dbOption);
        command.schemaFile = cli.value(schemaOption);
        command.expressions = cli.values(expressionOption);
        command.caFile = cli.value(caOption);
        command.mode = cli.isSet(watchOption) ? SyncCommand::Mode::Watch : SyncCommand::Mode::Once;
        bool ok = false;
        command.timeoutSeconds = cli.value(timeoutOption).toInt(&ok);
        if (!ok || command.timeoutSeconds <= 0)
            return fail(u"--timeout needs a positive number of seconds"_s, 2);
        return runSyncCommand(command);
    }
    if (!cli.isSet(schemaOption))
        return fail(u"--schema FILE is required"_s, 2);

    QFile schemaFile(cli.value(schemaOption));
    if (!schemaFile.open(QIODevice::ReadOnly))
        return fail(schemaFile.fileName() + u": "_s + schemaFile.errorString());
    ds::SourceError schemaError;
    auto schema = ds::Schema::fromGraphQL(schemaFile.readAll(), schemaFile.fileName(), &schemaError);
    if (!schema)
        return fail(schemaError.toString());

    const QString command = args.first();
    if (command == u"models") {
        for (const ds::ModelSchema &m : schema->models()) {
            QJsonArray fields;
            for (const ds::FieldSchema &f : m.fields) {
                if (f.isStored())
                    fields.append(QString(f.name + u": "_s + f.type.toGraphQL()));
            }
            out(QJsonDocument(QJsonObject{{u"model"_s, m.name},
                                          {u"syncQuery"_s, m.syncQuery},
                                          {u"primaryKey"_s, QJsonArray::fromStringList(m.primaryKey)},
                                          {u"fields"_s, fields}})
                    .toJson(QJsonDocument::Compact));
        }
        return 0;
    }

    // The arguments each command takes after its name: {at least, at most}.
    static const QHash<QString, std::pair<int, int>> arity{
        {u"query"_s, {1, 2}}, {u"count"_s, {1, 2}}, {u"get"_s, {2, 2}}, {u"save"_s, {2, 2}},
        {u"delete"_s, {1, 2}}, {u"explain"_s, {2, 2}}, {u"outbox"_s, {0, 0}},
    };
    const auto expected = arity.constFind(command);
    if (expected == arity.cend())
        return fail(u"unknown command '"_s + command + u"'; see --help"_s, 2);
    if (const int given = int(args.size()) - 1; given > expected->second) {
        return fail(command + u": unexpected argument '"_s + args.at(expected->second + 1)
                        + u"' (quote a predicate or JSON that contains spaces)"_s, 2);
    }
    // An option the command does not take would be ignored: refuse it.
    static const QHash<QString, QStringList> options{
        {u"query"_s, {u"sort"_s, u"limit"_s, u"page"_s}}, {u"save"_s, {u"if"_s}}, {u"delete"_s, {u"if"_s, u"where"_s}},
    };
    for (const QCommandLineOption &option : {sortOption, limitOption, pageOption, ifOption, whereOption, configOption,
                                             expressionOption, caOption, onceOption, watchOption, timeoutOption}) {
        const QString name = option.names().first();
        if (cli.isSet(option) && !options.value(command).contains(name))
            return fail(command + u" does not take --"_s + name + u"; see --help"_s, 2);
    }
    if (!cli.isSet(dbOption))
        return fail(u"--db FILE is required"_s, 2);
    // Every storage failure comes back as the error this tool prints; the
    // library's log line of it would say the same thing twice.
    QLoggingCategory::setFilterRules(u"ds.storage.warning=false"_s);
    // Only save creates a database: reading or deleting from a mistyped path
    // must not leave an empty store behind and report nothing found.
    const QString dbPath = cli.value(dbOption);
    if (command != u"save" && dbPath != u":memory:" && !QFileInfo::exists(dbPath))
        return fail(dbPath + u": no such database (only save creates one)"_s);
    ds::DataStore store(std::move(*schema));
    // The file belongs to an app: a --schema that does not match its tables
    // is an error, never a migration (which could drop the app's data).
    if (const auto opened = await(store.open(dbPath, ds::DataStore::SchemaPolicy::RequireMatch)); !opened)
        return fail(opened.error());   // its message starts with the file's path

    auto needArgs = [&](int n) { return args.size() >= n; };
    auto predicateArg = [&](int index, ds::Predicate &p) -> bool {
        if (args.size() <= index)
            return true;
        auto parsed = store.parsePredicate(args.at(1), args.at(index));
        if (!parsed) {
            fail(parsed.error(), u"predicate"_s);
            return false;
        }
        p = *parsed;
        return true;
    };
    auto conditionOption = [&](const QCommandLineOption &option, ds::Predicate &p) -> bool {
        if (!cli.isSet(option))
            return true;
        auto parsed = store.parsePredicate(args.at(1), cli.value(option));
        if (!parsed) {
            fail(parsed.error(), u"--"_s + option.names().first());
            return false;
        }
        p = *parsed;
        return true;
    };

    if (command == u"query") {
        if (!needArgs(2))
            return fail(u"usage: query MODEL [EXPR] [--sort S] [--limit N] [--page N]"_s, 2);
        ds::Predicate predicate;
        if (!predicateArg(2, predicate))
            return 1;
        QList<ds::SortBy> sort;
        if (cli.isSet(sortOption)) {
            auto parsed = store.parseSort(args.at(1), cli.value(sortOption));
            if (!parsed)
                return fail(parsed.error(), u"--sort"_s);
            sort = *parsed;
        }
        ds::Paging paging;
        if (cli.isSet(pageOption) && !cli.isSet(limitOption))
            return fail(u"--page needs --limit (the page size)"_s, 2);
        if (cli.isSet(limitOption)) {
            bool ok = false;
            paging.limit = cli.value(limitOption).toInt(&ok);
            if (!ok || paging.limit < 0)
                return fail(u"--limit needs a non-negative number"_s, 2);
            paging.page = cli.value(pageOption).toInt(&ok);
            if (!ok || paging.page < 0)
                return fail(u"--page needs a non-negative number"_s, 2);
        }
        const auto records = await(store.query(args.at(1), predicate, sort, paging));
        if (!records)
            return fail(records.error());
        for (const QVariantMap &r : *records)
            out(json(r));
        return 0;
    }

    if (command == u"count") {
        if (!needArgs(2))
            return fail(u"usage: count MODEL [EXPR]"_s, 2);
        ds::Predicate predicate;
        if (!predicateArg(2, predicate))
            return 1;
        const auto n = await(store.count(args.at(1), predicate));
        if (!n)
            return fail(n.error());
        out(QByteArray::number(*n));
        return 0;
    }

    if (command == u"get") {
        if (!needArgs(3))
            return fail(u"usage: get MODEL ID"_s, 2);
        const auto record = await(store.get(args.at(1), args.at(2)));
        if (!record)
            return fail(record.error());
        if (!record->has_value())
            return fail(args.at(1) + u" '"_s + args.at(2) + u"' does not exist"_s);
        out(json(**record));
        return 0;
    }

    if (command == u"save") {
        if (!needArgs(3))
            return fail(u"usage: save MODEL JSON [--if EXPR]"_s, 2);
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(args.at(2).toUtf8(), &error);
        if (error.error != QJsonParseError::NoError)
            return fail(u"JSON at offset "_s + QString::number(error.offset) + u": "_s + error.errorString());
        if (!doc.isObject())
            return fail(u"the record must be a JSON object"_s);
        ds::Predicate condition;
        if (!conditionOption(ifOption, condition))
            return 1;
        const auto saved = await(store.save(args.at(1), doc.object().toVariantMap(), condition));
        if (!saved)
            return fail(saved.error());
        out(json(*saved));
        return 0;
    }

    if (command == u"delete") {
        if (cli.isSet(whereOption)) {
            if (!needArgs(2) || args.size() > 2 || cli.isSet(ifOption))
                return fail(u"usage: delete MODEL --where EXPR (no ID, no --if)"_s, 2);
            ds::Predicate where;
            if (!conditionOption(whereOption, where))
                return 1;
            const auto removed = await(store.removeWhere(args.at(1), where));
            if (!removed)
                return fail(removed.error());
            for (const QVariantMap &r : *removed)
                out(json(r));
            return 0;
        }
        if (!needArgs(3))
            return fail(u"usage: delete MODEL ID [--if EXPR]"_s, 2);
        ds::Predicate condition;
        if (!conditionOption(ifOption, condition))
            return 1;
        const auto removed = await(store.remove(args.at(1), args.at(2), condition));
        if (!removed)
            return fail(removed.error());
        out(json(*removed));
        return 0;
    }

    if (command == u"explain") {
        if (!needArgs(3))
            return fail(u"usage: explain MODEL EXPR"_s, 2);
        ds::Predicate predicate;
        if (!predicateArg(2, predicate))
            return 1;
        const auto plan = await(store.explain(args.at(1), predicate));
        if (!plan)
            return fail(plan.error());
        QJsonArray bindings;
        for (const QVariant &b : plan->bindings)
            bindings.append(QJsonValue::fromVariant(b));
        out(QJsonDocument(QJsonObject{
                              {u"predicate"_s, plan->predicate},
                              {u"filter"_s, QJsonDocument::fromJson(plan->filterJson.toUtf8()).object()},
                              {u"sql"_s, plan->sql},
                              {u"bindings"_s, bindings},
                              {u"plan"_s, QJsonArray::fromStringList(plan->plan)},
                              {u"access"_s, plan->usesIndex ? u"index"_s : u"scan"_s},
                          })
                .toJson(QJsonDocument::Indented));
        return 0;
    }

    if (command == u"outbox") {
        const auto entries = await(store.pendingMutationList());
        if (!entries)
            return fail(entries.error());
        for (const ds::PendingMutation &m : *entries) {
            QJsonObject o{{u"id"_s, m.id},
                          {u"model"_s, m.model},
                          {u"recordId"_s, m.recordId},
                          {u"type"_s, m.type},
                          {u"data"_s, QJsonObject::fromVariantMap(m.data)},
                          {u"createdAt"_s, m.createdAt},
                          {u"attempts"_s, m.attempts}};
            if (!m.condition.isEmpty())
                o.insert(u"condition"_s, QJsonDocument::fromJson(m.condition.toUtf8()).object());
            if (!m.lastError.isEmpty())
                o.insert(u"lastError"_s, m.lastError);
            out(QJsonDocument(o).toJson(QJsonDocument::Compact));
        }
        return 0;
    }

    return fail(u"unknown command '"_s + command + u"'; see --help"_s, 2);
}

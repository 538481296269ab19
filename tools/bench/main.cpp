// datastore-bench: the project's performance figures, as JSON on stdout.
//
//   datastore-bench [--filter REGEX] [--repeat N] [--size-mb N]   micro benchmarks
//   datastore-bench local --records N                              the offline store
//   datastore-bench server --records N                             datastore-server over HTTP / WebSocket
//   datastore-bench sync --records N                               DataStore clients syncing with datastore-server
//
// Each benchmark runs its body N times (after one warm-up run) and reports
// min / median / max wall time in milliseconds plus throughput where it has
// one. Performance targets are read off this output, never asserted in unit
// tests. Later issues add storage, sync and server benchmarks here.

#include "local.h"
#include "server.h"
#include "sync.h"

#include "graphql/parser.h"
#include "graphql/printer.h"
#include "schema/apischema.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSysInfo>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

struct Benchmark
{
    QString name;
    QString description;
    qint64 bytes = 0;      // input size, for MB/s; 0 when not meaningful
    qint64 items = 0;      // items per run, for items/s; 0 when not meaningful
    // One run. What it returns is destroyed after the clock stops: a parse
    // benchmark times building the AST, not freeing it.
    std::function<std::shared_ptr<void>()> body;
};

QJsonObject measure(const Benchmark &b, int repeat)
{
    b.body();   // warm-up
    QList<double> ms;
    for (int i = 0; i < repeat; ++i) {
        QElapsedTimer t;
        t.start();
        std::shared_ptr<void> result = b.body();
        ms.append(double(t.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    const double median = ms[ms.size() / 2];
    QJsonObject out{
        {u"name"_s, b.name},
        {u"description"_s, b.description},
        {u"runs"_s, repeat},
        {u"min_ms"_s, ms.first()},
        {u"median_ms"_s, median},
        {u"max_ms"_s, ms.last()},
    };
    if (b.bytes > 0) {
        out.insert(u"bytes"_s, b.bytes);
        out.insert(u"mb_per_s"_s, double(b.bytes) / (1024.0 * 1024.0) / (median / 1000.0));
    }
    if (b.items > 0) {
        out.insert(u"items"_s, b.items);
        out.insert(u"items_per_s"_s, double(b.items) / (median / 1000.0));
    }
    return out;
}

// A realistic GraphQL document of about `targetBytes`: SDL types with
// directives and descriptions, plus DataStore-style operations with
// variables, nested selections, fragments and object literals.
QByteArray mixedDocument(qsizetype targetBytes)
{
    QByteArray doc;
    doc.reserve(targetBytes + 4096);
    for (int i = 0; doc.size() < targetBytes; ++i) {
        const QByteArray n = QByteArray::number(i);
        doc += "\"\"\"\nA post type number " + n + ".\n  Indented line.\n\"\"\"\n"
               "type Post" + n + " @model @auth(rules: [{ allow: public }, { allow: owner, ownerField: \"owner\" }]) {\n"
               "  id: ID!\n  title: String! @default(value: \"untitled\")\n  content: String\n"
               "  rating: Int\n  status: PostStatus\n  tags: [String!]\n"
               "  comments: [Comment] @hasMany(indexName: \"byPost\", fields: [\"id\"])\n"
               "  createdAt: AWSDateTime!\n}\n\n"
               "query operation" + n + "($limit: Int = 100, $nextToken: String, $lastSync: AWSTimestamp, $filter: ModelPostFilterInput) {\n"
               "  syncPosts(limit: $limit, nextToken: $nextToken, lastSync: $lastSync, filter: $filter) {\n"
               "    items { id title content rating status tags createdAt updatedAt _version _lastChangedAt _deleted "
               "blog { id _deleted } ...extra" + n + " }\n    nextToken\n    startedAt\n  }\n"
               "  other: listPosts(filter: {and: [{rating: {gt: 5}}, {title: {beginsWith: \"This \\u00e9\"}}, "
               "{status: {eq: PUBLISHED}}, {rating: {between: [1, 5.5e3]}}]}) { items { id } }\n}\n\n"
               "fragment extra" + n + " on Post { owner ... on Post @include(if: true) { comments { items { id } } } }\n\n";
    }
    return doc;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"datastore-bench"_s);

    QCommandLineParser cli;
    cli.setApplicationDescription(u"Runs Qt DataStore's benchmarks and prints JSON."_s);
    cli.addHelpOption();
    const QCommandLineOption filter(u"filter"_s, u"Only benchmarks whose name matches."_s, u"regex"_s);
    const QCommandLineOption repeat(u"repeat"_s, u"Timed runs per benchmark (default 20)."_s,
                                    u"n"_s, u"20"_s);
    const QCommandLineOption sizeMb(u"size-mb"_s, u"Size of the GraphQL parse input (default 1)."_s,
                                    u"n"_s, u"1"_s);
    const QCommandLineOption schemaFile(u"schema"_s, u"Schema for the schema benchmarks."_s,
                                        u"file"_s, QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"));
    const QCommandLineOption recordsOption(u"records"_s, u"local, server, sync: number of records (default 100000)."_s,
                                           u"n"_s, u"100000"_s);
    cli.addOptions({filter, repeat, sizeMb, schemaFile, recordsOption});
    cli.addPositionalArgument(u"suite"_s, u"\"local\" for the offline store, \"server\" for datastore-server, \"sync\" for clients syncing with it; none for the micro benchmarks."_s);
    cli.process(app);

    const int runs = std::max(1, cli.value(repeat).toInt());
    const QRegularExpression only(cli.isSet(filter) ? cli.value(filter) : u".*"_s);
    if (!only.isValid()) {
        std::fprintf(stderr, "datastore-bench: bad --filter: %s\n", qPrintable(only.errorString()));
        return 2;
    }

    bool recordsOk = false;
    const int recordCount = cli.value(recordsOption).toInt(&recordsOk);
    if (!recordsOk || recordCount < 10) {
        std::fprintf(stderr, "datastore-bench: --records needs a whole number of at least 10, got \"%s\"\n",
                     qPrintable(cli.value(recordsOption)));
        return 2;
    }

    const QStringList suites = cli.positionalArguments();
    if (!suites.isEmpty() && suites.first() == u"local") {
        ds::SourceError error;
        QFile file(cli.value(schemaFile));
        if (!file.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "datastore-bench: cannot read %s\n", qPrintable(file.fileName()));
            return 1;
        }
        const auto schema = ds::Schema::fromGraphQL(file.readAll(), file.fileName(), &error);
        if (!schema) {
            std::fprintf(stderr, "datastore-bench: %s\n", qPrintable(error.toString()));
            return 1;
        }
        const QJsonObject result = runLocalBenchmark(*schema, recordCount);
        std::fputs(QJsonDocument(result).toJson(QJsonDocument::Indented).constData(), stdout);
        return result.contains(u"error"_s) ? 1 : 0;
    }
    if (!suites.isEmpty() && (suites.first() == u"server" || suites.first() == u"sync")) {
        const QString binary = QCoreApplication::applicationDirPath() + u"/datastore-server"_s;
        if (!QFile::exists(binary)) {
            std::fprintf(stderr, "datastore-bench: %s not found (build the datastore-server target)\n",
                         qPrintable(binary));
            return 1;
        }
        const int records = recordCount;
        const QJsonObject result = suites.first() == u"server"
            ? runServerBenchmark(binary, cli.value(schemaFile), records)
            : runSyncBenchmark(binary, cli.value(schemaFile), records);
        std::fputs(QJsonDocument(result).toJson(QJsonDocument::Indented).constData(), stdout);
        return result.contains(u"error"_s) ? 1 : 0;
    }
    if (!suites.isEmpty()) {
        std::fprintf(stderr, "datastore-bench: unknown suite %s\n", qPrintable(suites.first()));
        return 2;
    }

    const QByteArray doc = mixedDocument(qsizetype(cli.value(sizeMb).toDouble() * 1024 * 1024));
    const auto parsedDoc = ds::graphql::parse(doc);
    if (!parsedDoc.ok()) {
        std::fprintf(stderr, "datastore-bench: the generated document does not parse: %s\n",
                     qPrintable(parsedDoc.error.toString()));
        return 1;
    }
    const QByteArray sdl = readFile(cli.value(schemaFile));
    ds::SourceError schemaError;
    const auto schema = ds::Schema::fromGraphQL(sdl, cli.value(schemaFile), &schemaError);
    if (!schema) {
        std::fprintf(stderr, "datastore-bench: %s\n", qPrintable(schemaError.toString()));
        return 1;
    }

    // About 1 MB of the API schema generated for the app's models: SDL as a
    // server loads it.
    QByteArray apiSdl;
    {
        const QByteArray one = ds::apiSchemaSdl(*schema).toUtf8();
        const qsizetype target = qsizetype(cli.value(sizeMb).toDouble() * 1024 * 1024);
        while (apiSdl.size() < target)
            apiSdl += one;
    }

    const QList<Benchmark> benchmarks = {
        {u"graphql.parse"_s, u"Parse a dense mixed SDL + operations document (AST freed untimed)"_s, doc.size(), 0,
         [&] {
             auto r = std::make_shared<ds::graphql::ParseResult>(ds::graphql::parse(doc));
             if (!r->ok())
                 qFatal("parse failed");
             return std::shared_ptr<void>(r);
         }},
        {u"graphql.parse.apiSchema"_s, u"Parse 1 MB of AppSync API schema SDL (AST freed untimed)"_s, apiSdl.size(), 0,
         [&] {
             auto r = std::make_shared<ds::graphql::ParseResult>(ds::graphql::parse(apiSdl));
             if (!r->ok())
                 qFatal("parse failed");
             return std::shared_ptr<void>(r);
         }},
        {u"graphql.parseAndFree"_s, u"Parse the mixed document and free the AST, both timed"_s, doc.size(), 0,
         [&] {
             if (!ds::graphql::parse(doc).ok())
                 qFatal("parse failed");
             return std::shared_ptr<void>();
         }},
        {u"graphql.print"_s, u"Print the parsed mixed document back to GraphQL"_s, doc.size(), 0,
         [&] {
             const QString text = ds::graphql::print(parsedDoc.document);
             if (text.isEmpty())
                 qFatal("print failed");
             return std::shared_ptr<void>();
         }},
        {u"schema.build"_s, u"Build and validate the model schema from SDL"_s, sdl.size(), 0,
         [&] {
             ds::SourceError e;
             if (!ds::Schema::fromGraphQL(sdl, u"schema.graphql"_s, &e))
                 qFatal("schema failed");
             return std::shared_ptr<void>();
         }},
        {u"schema.apiSchema"_s, u"Generate and print the AppSync API schema"_s, 0, 0,
         [&] {
             if (ds::apiSchemaSdl(*schema).isEmpty())
                 qFatal("api schema failed");
             return std::shared_ptr<void>();
         }},
    };

    QJsonArray results;
    for (const Benchmark &b : benchmarks) {
        if (only.match(b.name).hasMatch())
            results.append(measure(b, runs));
    }
    const QJsonObject out{
        {u"tool"_s, u"datastore-bench"_s},
        {u"machine"_s, QJsonObject{{u"cpu"_s, QSysInfo::currentCpuArchitecture()},
                                   {u"cores"_s, QThread::idealThreadCount()},
                                   {u"os"_s, QSysInfo::prettyProductName()},
                                   {u"qt"_s, QString::fromLatin1(qVersion())}}},
        {u"benchmarks"_s, results},
    };
    std::fputs(QJsonDocument(out).toJson(QJsonDocument::Indented).constData(), stdout);
    return 0;
}

// datastore-codegen SCHEMA -o OUTDIR [--namespace NS] [--api-schema FILE]
//
// Turns an Amplify-style schema.graphql into typed C++ model classes
// (OUTDIR/models.h, OUTDIR/models.cpp) and, with --api-schema, writes the
// AppSync API schema that a conflict-detection-enabled backend exposes.
// A bad schema exits 1 with "file:line:column: message" lines on stderr.
// Files are only rewritten when their content changes, so builds stay incremental.

#include "codegen/generator.h"
#include "common/logging_p.h"
#include "schema/apischema.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

void printErr(const QString &text)
{
    std::fputs(qUtf8Printable(text), stderr);
    std::fputc('\n', stderr);
}

bool writeIfChanged(const QString &path, const QString &content)
{
    const QByteArray bytes = content.toUtf8();
    QFile existing(path);
    if (existing.open(QIODevice::ReadOnly) && existing.readAll() == bytes) {
        qCDebug(lcCodegen).noquote() << path << "is up to date";
        return true;
    }
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes) != bytes.size() || !out.commit()) {
        printErr(path + u": cannot write: "_s + out.errorString());
        return false;
    }
    qCDebug(lcCodegen).noquote() << u"wrote %1 (%2 bytes)"_s.arg(path).arg(bytes.size());
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"datastore-codegen"_s);

    QCommandLineParser cli;
    cli.setApplicationDescription(
        u"Generates typed C++ model classes from an Amplify-style schema.graphql."_s);
    cli.addHelpOption();
    cli.addPositionalArgument(u"schema"_s, u"The schema.graphql to read."_s);
    const QCommandLineOption outDir({u"o"_s, u"output"_s},
                                    u"Directory for models.h and models.cpp."_s, u"dir"_s);
    const QCommandLineOption nameSpace(u"namespace"_s,
                                       u"C++ namespace of the generated code."_s, u"ns"_s);
    const QCommandLineOption apiSchema(u"api-schema"_s,
                                       u"Also write the AppSync API schema (SDL) to this file."_s,
                                       u"file"_s);
    cli.addOptions({outDir, nameSpace, apiSchema});
    cli.process(app);

    const QStringList args = cli.positionalArguments();
    if (args.size() != 1 || (!cli.isSet(outDir) && !cli.isSet(apiSchema))) {
        printErr(u"usage: datastore-codegen SCHEMA -o OUTDIR [--namespace NS] [--api-schema FILE]"_s);
        return 2;
    }

    if (cli.isSet(nameSpace) && !ds::codegen::isValidNamespace(cli.value(nameSpace))) {
        printErr(u"datastore-codegen: --namespace '"_s + cli.value(nameSpace)
                 + u"' is not a C++ namespace name (identifiers joined by '::', not keywords)"_s);
        return 2;
    }

    const QString schemaPath = args.first();
    QFile file(schemaPath);
    if (!file.open(QIODevice::ReadOnly)) {
        printErr(schemaPath + u": cannot read: "_s + file.errorString());
        return 1;
    }
    const QByteArray sdl = file.readAll();

    QList<ds::SourceError> errors;
    const auto schema = ds::Schema::fromGraphQL(sdl, schemaPath, &errors);
    if (!schema) {
        for (const ds::SourceError &error : std::as_const(errors))
            printErr(error.toString());
        return 1;
    }

    if (const QList<ds::SourceError> nameErrors = ds::codegen::checkNames(*schema, schemaPath);
        !nameErrors.isEmpty() && cli.isSet(outDir)) {
        for (const ds::SourceError &error : nameErrors)
            printErr(error.toString());
        return 1;
    }
    if (cli.isSet(outDir)) {
        const QString dir = cli.value(outDir);
        if (!QDir().mkpath(dir)) {
            printErr(dir + u": cannot create the directory"_s);
            return 1;
        }
        ds::codegen::Options options;
        options.nameSpace = cli.value(nameSpace);
        options.sourceName = QFileInfo(schemaPath).fileName();
        const auto files = ds::codegen::generate(*schema, options);
        if (!writeIfChanged(dir + u"/models.h"_s, files.header)
            || !writeIfChanged(dir + u"/models.cpp"_s, files.source))
            return 1;
    }
    if (cli.isSet(apiSchema) && !writeIfChanged(cli.value(apiSchema), ds::apiSchemaSdl(*schema)))
        return 1;
    return 0;
}

// Helpers shared by the storage test suites (header-only).
#pragma once

#include "predicate/appsync.h"
#include "predicate/evaluate.h"
#include "predicate/text.h"
#include "storage/storage.h"

#include <QFile>
#include <QTest>

#include <optional>

namespace storagetest {

inline QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

inline std::optional<ds::Schema> schemaFrom(const QByteArray &sdl)
{
    ds::SourceError error;
    auto schema = ds::Schema::fromGraphQL(sdl, QStringLiteral("test.graphql"), &error);
    if (!schema)
        qWarning().noquote() << error.toString();
    return schema;
}

inline ds::Schema appSchema()
{
    return *schemaFrom(readFile(QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql")));
}

inline ds::Schema kitchenSchema()
{
    return *schemaFrom(readFile(QStringLiteral(DS_TEST_DATA_DIR "/kitchen.graphql")));
}

inline ds::Predicate parse(const ds::Schema &schema, const QString &model, const QString &text)
{
    auto p = ds::predicate::parse(text, *schema.model(model), schema);
    if (!p) {
        qWarning().noquote() << p.error().message();
        return ds::Predicate::orOf({});
    }
    return *p;
}

inline QString errorText(const ds::Error &e)
{
    return e.code() + QStringLiteral(": ") + e.message();
}

} // namespace storagetest

// Inside a transaction body: return the error of a failed call.
#define DS_TRY(result)                                                                    \
    do {                                                                                  \
        if (const auto r_ = (result); !r_)                                                \
            return r_.error();                                                            \
    } while (false)

// QCOMPARE-friendly printing of a failed Result.
#define DS_VERIFY_OK(result)                                                              \
    do {                                                                                  \
        const auto &r_ = (result);                                                        \
        if (!r_)                                                                          \
            QFAIL(qPrintable(storagetest::errorText(r_.error())));                        \
    } while (false)

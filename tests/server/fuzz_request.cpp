// libFuzzer target for the request path of POST /graphql (built with
// -DDS_FUZZ=ON and clang): any body, run through GraphQLEndpoint::answer()
// as an API key, a user or an admin (by the input's length), over the app's
// schema and a temporary SQLite store (requestharness.h),
// must answer a JSON object with "data" or non-empty "errors"; a crash, a
// sanitizer report or anything else aborts.
#include "requestharness.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

dstest::RequestHarness *harness()
{
    static dstest::RequestHarness *h = [] {
        auto *created = new dstest::RequestHarness;   // lives until exit, as libFuzzer's process does
        if (const QString error = created->open(); !error.isEmpty()) {
            std::fprintf(stderr, "harness: %s\n", qPrintable(error));
            std::abort();
        }
        return created;
    }();
    return h;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv);   // QtSql loads its driver through the application
    harness();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));
    // The caller, from the input's length: an API key, a user (owner rows in
    // SQL), an admin user.
    using ds::server::data::Caller;
    static const QList<Caller> callers = [] {
        QList<Caller> list{Caller::apiKey()};
        for (const char *name : {"alice", "root"}) {
            Caller user;
            user.kind = Caller::Kind::User;
            user.username = QString::fromLatin1(name);
            user.sub = QLatin1StringView("sub-") + user.username;
            user.admin = user.username == QLatin1StringView("root");
            list.append(user);
        }
        return list;
    }();
    const QByteArray answer = harness()->answer(body, callers.at(qsizetype(size % 3)));
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(answer, &error);
    const QJsonObject o = document.object();
    const bool valid = error.error == QJsonParseError::NoError && document.isObject()
        && (o.contains(QLatin1StringView("data"))
            || (o.value(QLatin1StringView("errors")).isArray() && !o.value(QLatin1StringView("errors")).toArray().isEmpty()));
    if (!valid) {
        std::fprintf(stderr, "invalid answer: %s\n", answer.left(2000).constData());
        std::abort();
    }
    return 0;
}

#include "benchsupport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace dsbench {

namespace {

constexpr int kSeedBatch = 50;           // createPost fields per seeding request (the server allows 50 root fields)
constexpr int kSeedInFlight = 16;        // seeding requests in flight

} // namespace

// The JS client's selection set for Post (PROTOCOL 1.2; tst_realtime_endtoend).
const QString kFields = u"{\n    id\n    title\n    content\n    rating\n    status\n    tags\n    createdAt\n"
                        "    updatedAt\n    _version\n    _lastChangedAt\n    _deleted\n  }"_s;

QString syncDocument()
{
    return u"query operation($limit: Int, $nextToken: String, $lastSync: AWSTimestamp, "
           "$filter: ModelPostFilterInput) {\n  syncPosts(limit: $limit, nextToken: $nextToken, "
           "lastSync: $lastSync, filter: $filter) {\n    items "_s
        + kFields + u"\n    nextToken\n    startedAt\n  }\n}\n"_s;
}

QString createDocument()
{
    return u"mutation operation($input: CreatePostInput!) {\n  createPost(input: $input) "_s + kFields + u"\n}\n"_s;
}

QString updateDocument()
{
    return u"mutation operation($input: UpdatePostInput!, $condition: ModelPostConditionInput) {\n"
           "  updatePost(input: $input, condition: $condition) "_s
        + kFields + u"\n}\n"_s;
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray requestBody(const QString &query, const QJsonObject &variables)
{
    return compact(QJsonObject{{u"query"_s, query}, {u"variables"_s, variables}});
}

// Processes events until pred() or timeoutMs; false on timeout.
bool waitUntil(const std::function<bool()> &pred, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    QTimer wake;
    wake.start(20);
    while (!pred()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    }
    return true;
}

// VmRSS of pid in KiB; nullopt where /proc is not available.
std::optional<qint64> residentKiB(qint64 pid)
{
    QFile f(u"/proc/"_s + QString::number(pid) + u"/status"_s);
    if (!f.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("VmRSS:")) {
            const QList<QByteArray> parts = line.mid(6).simplified().split(' ');
            bool ok = false;
            const qint64 kib = parts.value(0).toLongLong(&ok);
            if (ok)
                return kib;
        }
    }
    return std::nullopt;
}

double percentile(std::vector<double> sorted, double p)
{
    if (sorted.empty())
        return 0;
    std::sort(sorted.begin(), sorted.end());
    // nearest rank
    const double rank = std::ceil(p * double(sorted.size()));
    const size_t index = rank < 1 ? 0 : std::min(sorted.size() - 1, size_t(rank) - 1);
    return sorted[index];
}

QString postId(int i)
{
    return u"bench-"_s + QString::number(i).rightJustified(8, u'0');
}

// Parses a GraphQL answer; sets *error to the first error message if any.
QJsonObject parseAnswer(QNetworkReply *reply, QString *error)
{
    const QByteArray body = reply->readAll();
    if (reply->error() != QNetworkReply::NoError) {
        *error = u"HTTP: "_s + reply->errorString();
        return {};
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (!doc.isObject()) {
        *error = u"bad JSON answer: "_s + parseError.errorString();
        return {};
    }
    const QJsonObject o = doc.object();
    const QJsonArray errors = o.value(u"errors"_s).toArray();
    if (!errors.isEmpty())
        *error = errors.first().toObject().value(u"message"_s).toString();
    return o.value(u"data"_s).toObject();
}

// ---- seeding ------------------------------------------------------------------

QJsonObject seed(Bench &bench, QNetworkAccessManager &nam, int records, QString *error)
{
    QElapsedTimer timer;
    timer.start();
    int nextRecord = 0;
    int inFlight = 0;
    int done = 0;
    int requests = 0;
    std::function<void()> launch = [&] {
        while (inFlight < kSeedInFlight && nextRecord < records && error->isEmpty()) {
            QString doc = u"mutation seed {\n"_s;
            const int first = nextRecord;
            const int last = std::min(records, first + kSeedBatch);
            for (int i = first; i < last; ++i) {
                doc += u"  m"_s + QString::number(i - first) + u": createPost(input: {id: \""_s + postId(i)
                    + u"\", title: \"Post "_s + QString::number(i) + u"\", content: \"Seeded by datastore-bench\", "
                    "rating: "_s + QString::number(i % 10) + u", status: PUBLISHED, tags: [\"bench\"]}) { id }\n"_s;
            }
            doc += u"}\n"_s;
            nextRecord = last;
            ++inFlight;
            ++requests;
            QNetworkReply *reply = nam.post(bench.graphqlRequest(), requestBody(doc, {}));
            const int count = last - first;
            QObject::connect(reply, &QNetworkReply::finished, reply, [&, reply, count] {
                reply->deleteLater();
                --inFlight;
                QString e;
                parseAnswer(reply, &e);
                if (!e.isEmpty() && error->isEmpty())
                    *error = u"seeding: "_s + e;
                done += count;
                launch();
            });
        }
    };
    launch();
    const bool finished = waitUntil([&] { return (done >= records && inFlight == 0) || (!error->isEmpty() && inFlight == 0); },
                                    30 * 60 * 1000);
    if (!finished && error->isEmpty())
        *error = u"seeding timed out"_s;
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    const QString method = u"batched createPost over HTTP: "_s + QString::number(kSeedBatch)
        + u" aliased root fields per request, "_s + QString::number(kSeedInFlight) + u" requests in flight"_s;
    return QJsonObject{{u"seed_method"_s, method},
                       {u"seed_records"_s, done},
                       {u"seed_requests"_s, requests},
                       {u"seed_seconds"_s, seconds},
                       {u"seed_records_per_s"_s, double(done) / seconds}};
}

} // namespace dsbench

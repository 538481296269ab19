// ds::SyncProcessor: the sync queries of one sync round (PROTOCOL.md 1.3,
// 2.4-2.5, 6.3 step 5, 6.4, 7.1). For each model, parents before children
// (Schema::topologicallySortedModels), it pages through syncX with the
// GraphQLClient and applies every page through Storage::mergeRemote() (the
// one ingestion path: records with pending outbox entries stay untouched),
// one transaction per page together with the sync metadata.
//
//   base  when the model has no lastFullSync, the full-sync interval has
//         passed, or its sync expression differs from the persisted one:
//         lastSync 0; after every applied page the nextToken and startedAt
//         are persisted, so an interrupted base sync (crash, network cut,
//         server restart) resumes from the page after the last applied one;
//   delta otherwise: lastSync = the stored lastSync (the server's startedAt
//         of the last completed round).
//   Page until nextToken is null or maxRecords are in (limit = min(remaining,
//   pageSize)); then lastSync = startedAt (and lastFullSync on base), the
//   resume token cleared, in the transaction of the last page.
//
// The next page is requested before the current one is applied, so fetching
// and writing overlap; the page is applied once that request is on the wire
// (or its answer came first). A page received but not yet applied when the
// round ends (cancel, error) is dropped: a base sync resumes from the last
// applied one.
//
// Errors: a network (transient) error or a storage error ends the round
// (finished(error)); the caller retries later (with net::Backoff). A GraphQL
// or auth error on a model's page is reported (errorOccurred) and the round
// goes on with the next model; that model keeps its old metadata. Partial
// data that arrives with errors is still applied (as JS does).
//
// Threading: a QObject that must live on the thread that owns the Storage
// (the DataStore's worker thread); the GraphQLClient must live on that
// thread too, so replies arrive on its event loop and pages are applied
// there. Call every method from that thread; signals are emitted there.
// A processor runs one round per start(); the engine builds a new one per
// connection.
#pragma once

#include "net/graphqlclient.h"
#include "storage/storage.h"
#include "sync/tuning_p.h"

#include <datastore/error.h>
#include <datastore/predicate.h>

#include <QHash>
#include <QObject>
#include <QStringList>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace ds::net {
struct SyncSettings;
}

namespace ds {

class SyncPageReader;

struct SyncOptions
{
    int pageSize = sync::tuning::defaultPageSize;
    int maxRecords = sync::tuning::defaultMaxRecords;      // per model per round
    std::chrono::milliseconds fullSyncInterval = sync::tuning::defaultFullSyncInterval;

    // The dataStore plugin settings of amplifyconfiguration.json.
    static SyncOptions fromSettings(const net::SyncSettings &settings);
};

class SyncProcessor : public QObject
{
    Q_OBJECT
public:
    enum class SyncType { Base, Delta };
    Q_ENUM(SyncType)

    SyncProcessor(Storage &storage, net::GraphQLClient &client, QObject *parent = nullptr);
    ~SyncProcessor() override;

    SyncOptions options() const { return m_options; }
    void setOptions(const SyncOptions &options) { m_options = options; }

    // One expression per model (PROTOCOL 7.1); a second one for the same
    // model is ignored with a warning. Predicate::all() means no filter.
    // Text is parsed in the predicate syntax (errors with line:column).
    Result<void> setSyncExpression(const QString &model, const Predicate &predicate);
    Result<void> setSyncExpression(const QString &model, QStringView text);
    Predicate syncExpression(const QString &model) const;

    // Whether changesApplied() should carry the pages' changes record by
    // record; asked once per page. The DataStore answers whether anything
    // listens to its changed() signal: a headless base sync then builds no
    // record per change (~18% of its client time, datastore-bench sync).
    // Default: always.
    void setRecordChangesWanted(std::function<bool()> wanted) { m_changesWanted = std::move(wanted); }

    // The clock deciding whether a base sync is due (ms since epoch).
    void setClock(std::function<qint64()> nowMs) { m_now = std::move(nowMs); }

    // What start() would run for model now: base or delta.
    Result<SyncType> plannedSyncType(const ModelSchema &model) const;

    bool isRunning() const { return m_running; }
    // Runs one round over every model; finished() follows, always.
    void start();
    // Stops the round: a reply in flight is ignored, nothing more is
    // applied; finished() with a Cancelled error. Applied pages stay (a base
    // sync resumes from them).
    void cancel();

    // Records applied in the current (or last) round, all models together.
    qint64 recordsApplied() const { return m_applied; }
    // Local rows the last sync of model evicted because a narrower sync
    // expression no longer selects them.
    int lastEvicted(const QString &model) const { return m_evicted.value(model); }

Q_SIGNALS:
    // Amplify's hub events (PROTOCOL 6.9).
    void syncQueriesStarted(const QStringList &models);
    void modelSynced(const QString &model, bool isFullSync, bool isDeltaSync, int newCount,
                     int updatedCount, int deletedCount);
    void syncQueriesReady();
    // Records applied so far in this round / expected (-1 when unknown:
    // AppSync reports no totals; datastore-server reports the total of a
    // multi-page base sync as the response extension syncTotal).
    void progressChanged(qint64 applied, qint64 expected);
    // After each page's transaction committed: how many items it carried
    // and whether more pages follow.
    void pageApplied(const QString &model, int items, bool morePages);
    // What each page changed locally, for observers (one signal per page,
    // never per record).
    void changesApplied(const QList<ds::Change> &changes);
    void errorOccurred(const QString &model, const ds::Error &error);
    // The round is over: a null error when every model ran (some may have
    // reported errorOccurred); otherwise the error that ended it.
    void finished(const ds::Error &error);

private:
    // A changed sync expression with rows already synced under the old one
    // (Refilter): evict what the new one no longer selects, fetch only what
    // it adds (a base sync of `new and not old`), then a delta sync of `new`
    // since the old lastSync. No clear(), no full re-download.
    enum class Phase { Normal, Widen, DeltaAfterWiden };

    struct ModelRun
    {
        const ModelSchema *model = nullptr;
        SyncType type = SyncType::Base;
        Phase phase = Phase::Normal;
        qint64 deltaLastSync = 0;         // Widen: the lastSync of the delta phase
        QJsonValue deltaFilter;           // Widen: the filter of the delta phase
        qint64 lastSync = 0;              // sent; 0 for base
        QJsonValue filter;
        QString expressionText;           // persisted as syncPredicate
        QString token;                    // nextToken of the page being fetched
        QString rootField;                // "syncPosts"
        std::shared_ptr<SyncPageReader> reader;   // for rootField
        bool resumed = false;             // started from a persisted resume token
        bool firstPage = true;
        qint64 received = 0;
        int created = 0;
        int updated = 0;
        int deleted = 0;
    };

    // One page as received, in either form.
    struct Page
    {
        QList<QVariantMap> maps;          // read by parseResponse()
        QList<RemoteRecord> records;      // read by SyncPageReader
        bool columnForm = false;
        qsizetype itemCount = 0;          // every entry of "items"
        QString nextToken;
        qint64 startedAt = 0;
        QJsonObject extensions;
    };

    void nextModel();
    void startModel(const ModelSchema &model);
    void requestPage();
    void onReply(quint64 generation, const net::RawResponse &raw);
    void onPage(quint64 generation, const net::GraphQLResponse &response);
    void acceptPage(Page page);
    void applyAndGoOn(Page &page, bool more);
    void applyWaitingPage();
    Error applyPage(Page &page, bool more);
    void finishModel();
    // Refilter: evicts rows outside `expression`; returns false on an error
    // (reported, round finished).
    bool evict(const ModelSchema &model, const Predicate &expression);
    void finish(const Error &error);
    int pageLimit() const;

    Storage &m_storage;
    net::GraphQLClient &m_client;
    SyncOptions m_options;
    QHash<QString, Predicate> m_expressions;
    std::function<qint64()> m_now;
    std::function<bool()> m_changesWanted;

    bool m_running = false;
    quint64 m_generation = 0;            // replies of an older round/model are ignored
    QList<const ModelSchema *> m_queue;
    ModelRun m_run;
    std::optional<Page> m_waiting;      // received, written once the next request is sent
    qint64 m_applied = 0;
    qint64 m_expected = -1;             // from the server's syncTotal; -1 unknown
    QHash<QString, int> m_evicted;
};

} // namespace ds

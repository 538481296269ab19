#include "sync/syncprocessor.h"

#include "common/logging_p.h"
#include "net/configuration.h"
#include "net/documents.h"
#include "predicate/appsync.h"
#include "predicate/text.h"
#include "sync/syncpagereader.h"

#include <QDateTime>
#include <QJsonArray>
#include <QPointer>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace ds {

namespace {

QString expressionText(const Predicate &predicate)
{
    return predicate.isAll() ? QString() : predicate::print(predicate);
}

bool isBadToken(const net::GraphQLResponse &response)
{
    for (const net::GraphQLError &e : response.errors) {
        if (e.errorType.contains(u"BadRequest"_s) || e.message.contains(u"nextToken"_s))
            return true;
    }
    return false;
}

} // namespace

SyncOptions SyncOptions::fromSettings(const net::SyncSettings &settings)
{
    SyncOptions options;
    options.pageSize = settings.syncPageSize;
    options.maxRecords = settings.syncMaxRecords;
    options.fullSyncInterval = std::chrono::minutes(settings.syncIntervalInMinutes);
    return options;
}

SyncProcessor::SyncProcessor(Storage &storage, net::GraphQLClient &client, QObject *parent)
    : QObject(parent),
      m_storage(storage),
      m_client(client),
      m_now([] { return QDateTime::currentMSecsSinceEpoch(); })
{
}

SyncProcessor::~SyncProcessor()
{
    ++m_generation;   // replies still in flight find nothing to do
}

Result<void> SyncProcessor::setSyncExpression(const QString &model, const Predicate &predicate)
{
    const ModelSchema *m = m_storage.schema().model(model);
    if (!m)
        return Error::validation(u"UnknownModel"_s, model + u": not a model of the schema"_s);
    if (m_expressions.contains(model)) {
        qCWarning(lcSync).noquote()
            << QString(model + u": a second sync expression is ignored (one per model)"_s);
        return {};
    }
    // Fails early on a predicate the filter JSON cannot express.
    (void)predicate::toJson(predicate, *m, predicate::JsonKind::Filter);
    m_expressions.insert(model, predicate);
    return {};
}

Result<void> SyncProcessor::setSyncExpression(const QString &model, QStringView text)
{
    const ModelSchema *m = m_storage.schema().model(model);
    if (!m)
        return Error::validation(u"UnknownModel"_s, model + u": not a model of the schema"_s);
    Result<Predicate> p = predicate::parse(text, *m, m_storage.schema());
    if (!p)
        return p.error();
    return setSyncExpression(model, *p);
}

Predicate SyncProcessor::syncExpression(const QString &model) const
{
    return m_expressions.value(model, Predicate::all());
}

Result<SyncProcessor::SyncType> SyncProcessor::plannedSyncType(const ModelSchema &model) const
{
    const Result<SyncMetadata> meta = m_storage.syncMetadata(model.name);
    if (!meta)
        return meta.error();
    const QString text = expressionText(syncExpression(model.name));
    if (meta->syncPredicate != text)
        return SyncType::Base;                 // rows synced under another expression
    if (!meta->resumeToken.isEmpty())
        return SyncType::Base;                 // an interrupted base sync
    if (!meta->lastSync || !meta->lastFullSync)
        return SyncType::Base;
    if (m_now() >= *meta->lastFullSync + qint64(m_options.fullSyncInterval.count()))
        return SyncType::Base;
    return SyncType::Delta;
}

void SyncProcessor::start()
{
    if (m_running) {
        qCWarning(lcSync) << "start(): a sync round is already running";
        return;
    }
    m_running = true;
    ++m_generation;
    m_applied = 0;
    m_expected = -1;
    m_queue = m_storage.schema().topologicallySortedModels();
    m_queue.removeIf([this](const ModelSchema *m) { return m_storage.isLocalOnly(m->name); });
    QStringList names;
    for (const ModelSchema *m : std::as_const(m_queue))
        names.append(m->name);
    qCInfo(lcSync).noquote() << "sync queries started:" << names.join(u", "_s);
    Q_EMIT syncQueriesStarted(names);
    nextModel();
}

void SyncProcessor::cancel()
{
    if (!m_running)
        return;
    finish(Error(Error::Domain::Network, u"Cancelled"_s, u"the sync round was cancelled"_s, true));
}

void SyncProcessor::nextModel()
{
    if (!m_running)
        return;
    if (m_queue.isEmpty()) {
        qCInfo(lcSync).noquote() << "sync queries ready;" << m_applied << "records applied";
        Q_EMIT syncQueriesReady();
        finish({});
        return;
    }
    startModel(*m_queue.takeFirst());
}

void SyncProcessor::startModel(const ModelSchema &model)
{
    const Result<SyncMetadata> meta = m_storage.syncMetadata(model.name);
    const Result<SyncType> type = plannedSyncType(model);
    if (!meta || !type) {
        const Error e = !meta ? meta.error() : type.error();
        Q_EMIT errorOccurred(model.name, e);
        finish(e);
        return;
    }
    const Predicate expression = syncExpression(model.name);
    m_run = ModelRun();
    m_run.model = &model;
    m_run.type = *type;
    m_run.expressionText = expressionText(expression);
    m_run.filter = expression.isAll()
        ? QJsonValue(QJsonValue::Null)
        : QJsonValue(predicate::toJson(expression, model, predicate::JsonKind::Filter));
    m_evicted.remove(model.name);

    // A changed expression over rows synced under the old one: the rows it
    // no longer selects go (whatever sync follows), and unless a full sync
    // is due anyway, only what it adds is fetched.
    const bool changed = meta->syncPredicate != m_run.expressionText && meta->lastSync;
    if (changed && !evict(model, expression))
        return;
    if (changed && meta->resumeToken.isEmpty()
        && m_now() < meta->lastFullSync.value_or(0) + qint64(m_options.fullSyncInterval.count())) {
        const Result<Predicate> old = meta->syncPredicate.isEmpty()
            ? Result<Predicate>(Predicate::all())
            : predicate::parse(meta->syncPredicate, model, m_storage.schema());
        if (old) {
            m_run.type = SyncType::Delta;
            m_run.deltaLastSync = *meta->lastSync;
            m_run.deltaFilter = m_run.filter;
            const Predicate added = expression && !*old;
            qCInfo(lcSync).noquote() << model.name << "sync expression changed from"
                                     << (meta->syncPredicate.isEmpty() ? u"all"_s : meta->syncPredicate) << "to"
                                     << (m_run.expressionText.isEmpty() ? u"all"_s : m_run.expressionText) << ";"
                                     << m_evicted.value(model.name) << "rows evicted";
            if (added.isNone()) {
                m_run.phase = Phase::DeltaAfterWiden;
                m_run.lastSync = m_run.deltaLastSync;
            } else {
                m_run.phase = Phase::Widen;
                m_run.lastSync = 0;
                m_run.filter = QJsonValue(predicate::toJson(added, model, predicate::JsonKind::Filter));
            }
            requestPage();
            return;
        }
        qCWarning(lcSync).noquote() << model.name << "the previous sync expression no longer parses ("
                                    << old.error().message() << "); syncing from scratch";
    }
    if (m_run.type == SyncType::Delta) {
        m_run.lastSync = *meta->lastSync;
    } else if (!meta->resumeToken.isEmpty() && meta->syncPredicate == m_run.expressionText) {
        m_run.token = meta->resumeToken;
        m_run.resumed = true;
    }
    qCInfo(lcSync).noquote() << model.name
                             << (m_run.type == SyncType::Base ? (m_run.resumed ? "base sync (resumed)" : "base sync")
                                                              : "delta sync")
                             << "lastSync" << m_run.lastSync;
    requestPage();
}

int SyncProcessor::pageLimit() const
{
    const qint64 remaining = qint64(m_options.maxRecords) - m_run.received;
    return int(qMax<qint64>(1, qMin<qint64>(remaining, m_options.pageSize)));
}

void SyncProcessor::requestPage()
{
    net::SyncQueryArguments args;
    args.limit = pageLimit();
    args.nextToken = m_run.token;
    args.lastSync = m_run.lastSync;
    args.filter = m_run.filter;
    const net::GraphQLRequest request = net::syncQuery(m_storage.schema(), *m_run.model, args);
    if (!m_run.reader || m_run.rootField != request.rootField)
        m_run.reader = std::make_shared<SyncPageReader>(*m_run.model, request.rootField);
    m_run.rootField = request.rootField;
    const quint64 generation = m_generation;
    QPointer<SyncProcessor> self(this);
    m_client.postRaw(request, [self, generation](const net::RawResponse &raw) {
        if (self)
            self->onReply(generation, raw);
    }, [self, generation] {
        if (self && generation == self->m_generation)
            self->applyWaitingPage();
    });
}

void SyncProcessor::onReply(quint64 generation, const net::RawResponse &raw)
{
    if (generation != m_generation || !m_running)
        return;
    applyWaitingPage();   // the previous page first, if the request's `sent` never came
    if (generation != m_generation || !m_running)
        return;
    // A successful page is read straight into records; anything else (errors,
    // odd JSON) takes the general GraphQL reading, with its messages.
    if (raw.error.isNull() && raw.httpStatus >= 200 && raw.httpStatus < 300) {
        if (std::optional<SyncPage> page = m_run.reader->read(raw.body)) {
            Page p;
            p.records = std::move(page->records);
            p.columnForm = true;
            p.itemCount = page->itemCount;
            p.nextToken = std::move(page->nextToken);
            p.startedAt = page->startedAt;
            p.extensions = std::move(page->extensions);
            acceptPage(std::move(p));
            return;
        }
    }
    net::GraphQLResponse response;
    if (raw.error.isNull()) {
        response = net::GraphQLClient::parseResponse(raw.httpStatus, raw.body);
    } else {
        response.error = raw.error;
        response.data = QJsonValue::Null;
    }
    onPage(generation, response);
}

void SyncProcessor::onPage(quint64 generation, const net::GraphQLResponse &response)
{
    if (generation != m_generation || !m_running)
        return;
    const QString model = m_run.model->name;
    const QJsonValue connection = response.hasData()
        ? response.field(m_run.rootField)
        : QJsonValue();
    if (!response.ok()) {
        const Error &error = response.error;
        if (error.domain() == Error::Domain::Network || error.isTransient()) {
            qCWarning(lcSync).noquote() << model << "sync page failed:" << error.message();
            Q_EMIT errorOccurred(model, error);
            finish(error);
            return;
        }
        if (m_run.resumed && m_run.firstPage && isBadToken(response)) {
            // The persisted token is no longer accepted (server key or query
            // changed): start the base sync over.
            qCWarning(lcSync).noquote() << model << "resume token rejected; restarting the base sync";
            Result<SyncMetadata> meta = m_storage.syncMetadata(model);
            if (meta) {
                meta->model = model;
                meta->resumeToken.clear();
                meta->resumeStartedAt.reset();
                if (Result<void> r = m_storage.setSyncMetadata(*meta); r) {
                    startModel(*m_run.model);
                    return;
                }
            }
        }
        qCWarning(lcSync).noquote() << model << "sync query failed:" << error.message();
        Q_EMIT errorOccurred(model, error);
        if (!connection.isObject()) {
            nextModel();   // this model keeps its old metadata
            return;
        }
    }
    const QJsonObject page = connection.toObject();
    if (!connection.isObject()) {
        const Error error(Error::Domain::GraphQL, u"BadResponse"_s,
                          model + u": the sync query answered without a result"_s);
        Q_EMIT errorOccurred(model, error);
        nextModel();
        return;
    }
    const QJsonArray array = page.value(u"items"_s).toArray();
    Page p;
    p.maps = SyncPageReader::mapsFromJson(*m_run.model, array);
    p.itemCount = array.size();
    const QJsonValue next = page.value(u"nextToken"_s);
    p.nextToken = next.isString() ? next.toString() : QString();
    p.startedAt = qint64(page.value(u"startedAt"_s).toDouble());
    p.extensions = response.extensions;
    acceptPage(std::move(p));
}

void SyncProcessor::acceptPage(Page page)
{
    const bool more = !page.nextToken.isEmpty()
        && m_run.received + qint64(page.itemCount) < qint64(m_options.maxRecords);

    // The expected total, where the server reports one (datastore-server
    // does on a base sync's first page; AppSync does not): records of the
    // models done so far plus this model's, capped by maxRecords.
    if (m_run.firstPage) {
        const QJsonValue total = page.extensions.value(u"syncTotal"_s).toObject().value(m_run.rootField);
        if (total.isDouble())
            m_expected = m_applied + qMin<qint64>(qint64(total.toDouble()), m_options.maxRecords);
        else if (m_expected >= 0)
            m_expected = -1;
    }
    m_run.firstPage = false;
    m_run.received += page.itemCount;
    if (!more) {
        applyAndGoOn(page, false);
        return;
    }
    // Fetch the next page while this one is written (the limit counts this
    // page); written once that request is on the wire: QNetworkAccessManager
    // feeds the request body from this thread's event loop, so writing first
    // would keep the server waiting for the whole write (measured: fetching
    // and writing did not overlap at all, 58 -> 140k records/s). The
    // request's `sent` callback, its answer or maxPageWriteDelay, whichever
    // comes first, writes it.
    m_run.token = page.nextToken;
    m_waiting = std::move(page);
    requestPage();
    const quint64 generation = m_generation;
    const qint64 written = m_applied;
    QTimer::singleShot(sync::tuning::maxPageWriteDelay, this, [this, generation, written] {
        if (generation == m_generation && written == m_applied)
            applyWaitingPage();
    });
}

void SyncProcessor::applyWaitingPage()
{
    if (!m_waiting || !m_running)
        return;
    Page page = std::move(*m_waiting);
    m_waiting.reset();
    applyAndGoOn(page, true);
}

void SyncProcessor::applyAndGoOn(Page &page, bool more)
{
    const QString model = m_run.model->name;
    const int items = int(page.columnForm ? page.records.size() : page.maps.size());
    if (const Error e = applyPage(page, more); !e.isNull()) {
        qCWarning(lcSync).noquote() << model << "cannot apply a sync page:" << e.message();
        Q_EMIT errorOccurred(model, e);
        finish(e);
        return;
    }
    Q_EMIT pageApplied(model, items, more);
    if (!m_running)
        return;   // a slot cancelled the round
    if (!more)
        finishModel();
}

Error SyncProcessor::applyPage(Page &page, bool more)
{
    const qsizetype items = page.columnForm ? page.records.size() : page.maps.size();
    const QString &nextToken = page.nextToken;
    const qint64 startedAt = page.startedAt;
    const ModelSchema &model = *m_run.model;
    const bool base = m_run.type == SyncType::Base;
    MergeResult merged;
    const Result<void> written = m_storage.transaction([&]() -> Result<void> {
        const Storage::MergeChanges detail = !m_changesWanted || m_changesWanted()
            ? Storage::MergeChanges::Records : Storage::MergeChanges::CountsOnly;
        Result<MergeResult> r = page.columnForm ? m_storage.mergeRemote(model, std::move(page.records), detail)
                                                : m_storage.mergeRemote(model, page.maps);
        if (!r)
            return r.error();
        merged = std::move(*r);
        Result<SyncMetadata> meta = m_storage.syncMetadata(model.name);
        if (!meta)
            return meta.error();
        SyncMetadata m = *meta;
        m.model = model.name;
        if (m_run.phase == Phase::Widen)
            return {};       // refiltering persists only at the end of its delta phase
        if (more) {
            if (!base)
                return {};   // a delta round is cheap to redo: nothing persisted mid-way
            m.resumeToken = nextToken;
            m.resumeStartedAt = startedAt;
        } else {
            m.lastSync = startedAt;
            if (base)
                m.lastFullSync = startedAt;
            m.resumeToken.clear();
            m.resumeStartedAt.reset();
        }
        m.syncPredicate = m_run.expressionText;
        return m_storage.setSyncMetadata(m);
    });
    if (!written)
        return written.error();
    m_run.created += merged.created;
    m_run.updated += merged.updated;
    m_run.deleted += merged.deleted;
    m_applied += items;
    if (!merged.changes.isEmpty())
        Q_EMIT changesApplied(merged.changes);
    Q_EMIT progressChanged(m_applied, m_expected >= m_applied ? m_expected : -1);
    return {};
}

bool SyncProcessor::evict(const ModelSchema &model, const Predicate &expression)
{
    if (expression.isAll())
        return true;
    QueryOptions options;
    options.predicate = !expression;
    Result<QList<QVariantMap>> outside = m_storage.query(model, options);
    if (!outside) {
        Q_EMIT errorOccurred(model.name, outside.error());
        finish(outside.error());
        return false;
    }
    if (outside->isEmpty())
        return true;
    // Through the one ingestion path: a remote delete of each row, which
    // leaves every row with pending outbox entries alone.
    QList<QVariantMap> tombstones;
    tombstones.reserve(outside->size());
    for (const QVariantMap &row : std::as_const(*outside)) {
        QVariantMap t;
        for (const QString &k : model.primaryKey)
            t.insert(k, row.value(k));
        t.insert(u"_deleted"_s, true);
        tombstones.append(std::move(t));
    }
    Result<MergeResult> merged = m_storage.mergeRemote(model, tombstones);
    if (!merged) {
        Q_EMIT errorOccurred(model.name, merged.error());
        finish(merged.error());
        return false;
    }
    m_evicted.insert(model.name, merged->deleted);
    if (!merged->changes.isEmpty())
        Q_EMIT changesApplied(merged->changes);
    return true;
}

void SyncProcessor::finishModel()
{
    if (m_run.phase == Phase::Widen) {
        // What the new expression adds is in; now the changes since the last
        // sync of everything it selects.
        m_run.phase = Phase::DeltaAfterWiden;
        m_run.lastSync = m_run.deltaLastSync;
        m_run.filter = m_run.deltaFilter;
        m_run.token.clear();
        m_run.firstPage = true;
        m_run.received = 0;
        requestPage();
        return;
    }
    const bool full = m_run.type == SyncType::Base;
    qCInfo(lcSync).noquote() << m_run.model->name << (full ? "base" : "delta") << "sync done:"
                             << m_run.received << "records," << m_run.created << "new,"
                             << m_run.updated << "updated," << m_run.deleted << "deleted";
    Q_EMIT modelSynced(m_run.model->name, full, !full, m_run.created, m_run.updated, m_run.deleted);
    nextModel();
}

void SyncProcessor::finish(const Error &error)
{
    if (!m_running)
        return;
    m_running = false;
    ++m_generation;
    m_queue.clear();
    m_waiting.reset();   // not written: a base sync resumes from the last written page
    Q_EMIT finished(error);
}

} // namespace ds

#include "sync/mutationprocessor.h"

#include "common/logging_p.h"
#include "net/documents.h"
#include "sync/tuning_p.h"

#include <QJsonArray>
#include <QPointer>
#include <QTimer>

#include <cstdlib>

using namespace Qt::StringLiterals;

namespace ds {

namespace {

net::MutationType netType(MutationType type)
{
    switch (type) {
    case MutationType::Create:
        return net::MutationType::Create;
    case MutationType::Update:
        return net::MutationType::Update;
    case MutationType::Delete:
        return net::MutationType::Delete;
    }
    return net::MutationType::Create;
}

ConflictData::Operation conflictOperation(MutationType type)
{
    switch (type) {
    case MutationType::Create:
        return ConflictData::Operation::Create;
    case MutationType::Update:
        return ConflictData::Operation::Update;
    case MutationType::Delete:
        return ConflictData::Operation::Delete;
    }
    return ConflictData::Operation::Update;
}

QJsonObject keyObject(const ModelSchema &model, const QVariantMap &data)
{
    QJsonObject key;
    for (const QString &k : model.primaryKey)
        key.insert(k, QJsonValue::fromVariant(data.value(k)));
    return key;
}

// Whether the server's item already holds every value `sent` writes: the
// mutation (or an equal one) was applied before, e.g. by a replay after a
// crash between the server's answer and the removal of the outbox entry.
bool alreadyApplied(const ModelSchema &model, MutationType type, const QJsonObject &sent,
                    const QJsonObject &remote)
{
    if (remote.isEmpty())
        return false;
    const bool remoteDeleted = remote.value(u"_deleted"_s).toBool();
    if (type == MutationType::Delete)
        return remoteDeleted;
    if (remoteDeleted)
        return false;
    for (auto it = sent.constBegin(); it != sent.constEnd(); ++it) {
        if (it.key().startsWith(u'_'))
            continue;
        const FieldSchema *f = model.field(it.key());
        if (!f || f->isReadOnly)
            continue;
        if (remote.value(it.key()) != it.value())
            return false;
    }
    return true;
}

// The fields of an item that a mutation input may carry (for a custom
// conflict resolution): stored, writable, not the key.
QJsonObject writableFields(const ModelSchema &model, const QVariantMap &fields)
{
    QJsonObject out;
    for (auto it = fields.constBegin(); it != fields.constEnd(); ++it) {
        const FieldSchema *f = model.field(it.key());
        if (f && !f->isRelation() && !f->isReadOnly && !f->isPrimaryKey)
            out.insert(it.key(), QJsonValue::fromVariant(*it));
    }
    return out;
}

} // namespace

MutationProcessor::MutationProcessor(Storage &storage, net::GraphQLClient &client, QObject *parent)
    : QObject(parent),
      m_storage(storage),
      m_client(client),
      m_backoff(net::Backoff::retryPolicy()),
      m_retryTimer(new QTimer(this))
{
    m_retryTimer->setSingleShot(true);
    connect(m_retryTimer, &QTimer::timeout, this, &MutationProcessor::next);
    m_crashAfterAnswers = qEnvironmentVariableIntValue("DS_FAULT_CRASH_AFTER_MUTATIONS");
}

MutationProcessor::~MutationProcessor()
{
    ++m_generation;
}

void MutationProcessor::setRetryPolicy(const net::Backoff::Policy &policy)
{
    m_backoff = net::Backoff(policy);
}

void MutationProcessor::start()
{
    m_running = true;
    m_backoff.reset();
    m_retryTimer->stop();
    reportStatus();
    next();
}

void MutationProcessor::pause()
{
    m_running = false;
    m_retryTimer->stop();
}

void MutationProcessor::kick()
{
    if (m_running && !m_inFlight && !m_retryTimer->isActive())
        next();
}

void MutationProcessor::reportStatus()
{
    const Result<qint64> pending = m_storage.pendingMutationCount();
    if (pending)
        Q_EMIT outboxStatus(*pending == 0, *pending);
}

void MutationProcessor::next()
{
    if (!m_running || m_inFlight)
        return;
    const Result<std::optional<OutboxEntry>> head = m_storage.peekOutbox();
    if (!head) {
        qCWarning(lcOutbox).noquote() << "cannot read the outbox:" << head.error().message();
        retryLater(OutboxEntry(), head.error());
        return;
    }
    if (!head->has_value())
        return;
    const OutboxEntry &entry = **head;
    if (entry.state == OutboxEntry::State::InFlight && entry.type == MutationType::Update
        && !m_verified.contains(entry.id)) {
        // In flight when an earlier process stopped: the server may have
        // applied it already. A create or delete replay is recognised by
        // the server's answer; an update would be merged again, so ask first.
        m_verified.insert(entry.id);
        verifyThenSend(entry);
        return;
    }
    send(entry);
}

void MutationProcessor::verifyThenSend(const OutboxEntry &entry)
{
    const ModelSchema &model = *m_storage.schema().model(entry.model);
    if (model.primaryKey.size() != 1 || model.primaryKey.constFirst() != u"id") {
        send(entry);
        return;
    }
    const net::GraphQLRequest request = net::getQuery(m_storage.schema(), model, entry.data.value(u"id"_s).toString());
    m_inFlight = entry.id;
    const quint64 generation = m_generation;
    QPointer<MutationProcessor> self(this);
    m_client.post(request, [self, generation, entry, root = request.rootField](const net::GraphQLResponse &response) {
        if (!self || generation != self->m_generation)
            return;
        self->m_inFlight = 0;
        if (!response.ok() && response.error.isTransient()) {
            self->m_verified.remove(entry.id);
            self->retryLater(entry, response.error);
            return;
        }
        const ModelSchema &model = *self->m_storage.schema().model(entry.model);
        const QJsonObject remote = response.field(root).toObject();
        const QJsonObject sent = net::updateInput(model, keyObject(model, entry.data),
                                                  QJsonObject::fromVariantMap(entry.data), entry.version);
        const int remoteVersion = remote.value(u"_version"_s).toInt();
        if (entry.version && remoteVersion == *entry.version + 1 && alreadyApplied(model, entry.type, sent, remote)) {
            qCInfo(lcOutbox).noquote() << entry.model << entry.recordId
                                       << "replayed update already applied by the server; not sent again";
            self->complete(entry, sent, remote);
            return;
        }
        self->send(entry);
    });
}

void MutationProcessor::send(OutboxEntry entry)
{
    const ModelSchema *model = m_storage.schema().model(entry.model);
    if (!model) {
        qCWarning(lcOutbox).noquote() << "dropping an outbox entry of unknown model" << entry.model;
        (void)m_storage.removeOutboxEntry(entry.id);
        next();
        return;
    }
    entry.state = OutboxEntry::State::InFlight;
    entry.attempts += 1;
    if (Result<void> r = m_storage.updateOutboxEntry(entry); !r) {
        retryLater(entry, r.error());
        return;
    }

    QJsonObject input;
    const QJsonObject data = QJsonObject::fromVariantMap(entry.data);
    switch (entry.type) {
    case MutationType::Create:
        input = net::createInput(*model, data);
        break;
    case MutationType::Update:
        input = net::updateInput(*model, keyObject(*model, entry.data), data, entry.version);
        break;
    case MutationType::Delete:
        input = net::deleteInput(*model, keyObject(*model, entry.data), entry.version);
        break;
    }
    const QJsonValue condition = entry.condition.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                           : QJsonValue(entry.condition);
    const net::GraphQLRequest request = net::mutation(m_storage.schema(), *model, netType(entry.type),
                                                      input, condition);
    qCDebug(lcOutbox).noquote() << request.rootField << entry.recordId << "attempt" << entry.attempts;
    m_inFlight = entry.id;
    const quint64 generation = m_generation;
    QPointer<MutationProcessor> self(this);
    m_client.post(request, [self, generation, entry, input](const net::GraphQLResponse &response) {
        if (self)
            self->onAnswer(generation, entry, input, response);
    });
}

void MutationProcessor::onAnswer(quint64 generation, OutboxEntry entry, const QJsonObject &sent,
                                 const net::GraphQLResponse &response)
{
    if (generation != m_generation)
        return;
    m_inFlight = 0;
    const ModelSchema &model = *m_storage.schema().model(entry.model);
    const QString root = net::operationName(model, netType(entry.type));

    if (m_crashAfterAnswers > 0 && ++m_answers >= m_crashAfterAnswers) {
        // Fault injection for tests (tests/sync/tst_synccrash.cpp): die after
        // the server answered, before the answer is applied.
        qCWarning(lcOutbox) << "DS_FAULT_CRASH_AFTER_MUTATIONS: exiting after" << m_answers << "answers";
        std::_Exit(86);
    }
    if (response.ok()) {
        if (m_networkFailing) {
            m_networkFailing = false;
            Q_EMIT networkRecovered();
        }
        m_backoff.reset();
        complete(entry, sent, response.field(root).toObject());
        return;
    }
    const Error &error = response.error;
    if (error.isTransient() || error.domain() == Error::Domain::Network) {
        retryLater(entry, error);
        return;
    }
    if (response.httpStatus == 401 || response.httpStatus == 403) {
        // The credentials were refused (an expired token, a revoked key),
        // not this change: keep it, report, and try again later (the token
        // provider may have a fresh token by then). A GraphQL-level
        // Unauthorized (HTTP 200) is about this record and drops it below.
        Q_EMIT credentialsRefused(SyncError{SyncError::Process::Mutate, entry.model, mutationTypeName(entry.type),
                                            error, entry.data, {}});
        retryLater(entry, error);
        return;
    }
    if (m_networkFailing) {
        m_networkFailing = false;
        Q_EMIT networkRecovered();
    }
    m_backoff.reset();
    const net::GraphQLError first = response.errors.isEmpty() ? net::GraphQLError() : response.errors.constFirst();
    if (first.errorType == u"ConflictUnhandled") {
        onConflict(entry, sent, first);
        return;
    }
    const QJsonObject remote = first.data.toObject();
    if (first.errorType.endsWith(u"ConditionalCheckFailedException")) {
        if (entry.type != MutationType::Update && alreadyApplied(model, entry.type, sent, remote)) {
            complete(entry, sent, remote);   // a replayed create or delete
            return;
        }
        qCInfo(lcOutbox).noquote() << root << entry.recordId << "rejected by the server's condition";
        drop(entry, remote);
        Q_EMIT conditionalSaveFailed(entry.model, entry.data, error);
        SyncError e{SyncError::Process::Mutate, entry.model, mutationTypeName(entry.type), error, entry.data,
                    remote.toVariantMap()};
        Q_EMIT failed(e);
        next();
        return;
    }
    qCWarning(lcOutbox).noquote() << root << entry.recordId << "failed:" << error.message();
    drop(entry, remote);
    SyncError e{SyncError::Process::Mutate, entry.model, mutationTypeName(entry.type), error, entry.data,
                remote.toVariantMap()};
    Q_EMIT failed(e);
    next();
}

void MutationProcessor::onConflict(OutboxEntry entry, const QJsonObject &sent, const net::GraphQLError &error)
{
    const ModelSchema &model = *m_storage.schema().model(entry.model);
    const QJsonObject remote = error.data.toObject();
    if (alreadyApplied(model, entry.type, sent, remote)) {
        qCInfo(lcOutbox).noquote() << entry.model << entry.recordId
                                   << "conflict: the server already holds this change";
        complete(entry, sent, remote);
        return;
    }
    const int conflicts = ++m_conflicts[entry.id];
    ConflictResolution resolution = ConflictResolution::retry();
    if (conflicts > maxConflictAttempts) {
        resolution = ConflictResolution::discard();
    } else if (m_conflictHandler) {
        ConflictData data{entry.model, entry.data, remote.toVariantMap(), conflictOperation(entry.type),
                          conflicts};
        resolution = m_conflictHandler(data);
    }
    if (remote.isEmpty() && resolution.kind != ConflictResolution::Kind::Discard) {
        resolution = ConflictResolution::discard();   // nothing to take a version from
    }
    const std::optional<int> remoteVersion = remote.contains(u"_version"_s)
        ? std::optional<int>(remote.value(u"_version"_s).toInt())
        : std::nullopt;
    switch (resolution.kind) {
    case ConflictResolution::Kind::Retry:
        qCInfo(lcOutbox).noquote() << entry.model << entry.recordId << "conflict: retrying with version"
                                   << remoteVersion.value_or(0);
        entry.version = remoteVersion;
        break;
    case ConflictResolution::Kind::Custom: {
        qCInfo(lcOutbox).noquote() << entry.model << entry.recordId << "conflict: sending the handler's model";
        QVariantMap fields = writableFields(model, resolution.model).toVariantMap();
        for (const QString &k : model.primaryKey)
            fields.insert(k, entry.data.value(k));
        entry.data = fields;
        if (entry.type == MutationType::Create)
            entry.type = MutationType::Update;
        entry.version = remoteVersion;
        break;
    }
    case ConflictResolution::Kind::Discard:
        if (conflicts > maxConflictAttempts) {
            // Not the app's decision: say so, or the change vanishes silently.
            const QString message = u"%1 %2: still in conflict after %3 attempts (another writer keeps changing "
                                    "it); the local change is discarded and the server's copy kept"_s
                                        .arg(entry.model, entry.recordId)
                                        .arg(maxConflictAttempts);
            qCWarning(lcOutbox).noquote() << message;
            Q_EMIT failed(SyncError{SyncError::Process::Mutate, entry.model, mutationTypeName(entry.type),
                                    Error(Error::Domain::Conflict, u"ConflictRetriesExhausted"_s, message),
                                    entry.data, remote.toVariantMap()});
        } else {
            qCInfo(lcOutbox).noquote() << entry.model << entry.recordId << "conflict: the local change is discarded";
        }
        discard(entry, remote);
        return;
    }
    entry.state = OutboxEntry::State::Pending;
    entry.lastError = error.message;
    if (Result<void> r = m_storage.updateOutboxEntry(entry); !r) {
        retryLater(entry, r.error());
        return;
    }
    send(entry);
}

void MutationProcessor::discard(const OutboxEntry &entry, const QJsonObject &remote)
{
    // Fetch the server's copy (the conflict's may be stale by now) and apply it.
    const ModelSchema &model = *m_storage.schema().model(entry.model);
    if (model.primaryKey.size() != 1 || model.primaryKey.constFirst() != u"id") {
        drop(entry, remote);
        next();
        return;
    }
    const net::GraphQLRequest request = net::getQuery(m_storage.schema(), model,
                                                      entry.data.value(u"id"_s).toString());
    m_inFlight = entry.id;
    const quint64 generation = m_generation;
    QPointer<MutationProcessor> self(this);
    m_client.post(request, [self, generation, entry, remote, root = request.rootField](
                               const net::GraphQLResponse &response) {
        if (!self || generation != self->m_generation)
            return;
        self->m_inFlight = 0;
        if (!response.ok() && response.error.isTransient()) {
            self->retryLater(entry, response.error);
            return;
        }
        const QJsonValue fetched = response.field(root);
        self->drop(entry, fetched.isObject() ? fetched.toObject() : remote);
        self->next();
    });
}

void MutationProcessor::complete(const OutboxEntry &entry, const QJsonObject &sent, const QJsonObject &item)
{
    const ModelSchema &model = *m_storage.schema().model(entry.model);
    m_conflicts.remove(entry.id);
    MergeResult merged;
    const Result<void> written = m_storage.transaction([&]() -> Result<void> {
        if (Result<void> r = m_storage.removeOutboxEntry(entry.id); !r)
            return r;
        if (item.isEmpty())
            return {};
        // The record's other queued entries now build on the new version,
        // unless the server rewrote what was sent (automerge): then they
        // meet a conflict and the handler decides (PROTOCOL.md 6.5).
        if (alreadyApplied(model, entry.type, sent, item) && item.contains(u"_version"_s)) {
            Result<QList<OutboxEntry>> others = m_storage.outboxFor(entry.model, entry.recordId);
            if (!others)
                return others.error();
            for (OutboxEntry other : *others) {
                other.version = item.value(u"_version"_s).toInt();
                if (Result<void> r = m_storage.updateOutboxEntry(other); !r)
                    return r;
            }
        }
        Result<MergeResult> r = m_storage.mergeRemote(model, {item.toVariantMap()});
        if (!r)
            return r.error();
        merged = std::move(*r);
        return mergeHeldBack(model, entry, item, &merged);
    });
    if (!written) {
        retryLater(entry, written.error());
        return;
    }
    if (!merged.changes.isEmpty())
        Q_EMIT changesApplied(merged.changes);
    Q_EMIT processed(entry.model, item.isEmpty() ? entry.data : item.toVariantMap());
    reportStatus();
    next();
}

// After the answer to the record's entry: a change made elsewhere meanwhile
// (held back by mergeRemote()) that is newer than the answer.
Result<void> MutationProcessor::mergeHeldBack(const ModelSchema &model, const OutboxEntry &entry,
                                              const QJsonObject &answer, MergeResult *merged)
{
    if (!answer.contains(u"_version"_s))
        return {};
    Result<MergeResult> held = m_storage.mergeHeldBack(model, entry.recordId, answer.value(u"_version"_s).toInt());
    if (!held)
        return held.error();
    merged->changes += held->changes;
    return {};
}

void MutationProcessor::drop(const OutboxEntry &entry, const QJsonObject &remote)
{
    const ModelSchema &model = *m_storage.schema().model(entry.model);
    m_conflicts.remove(entry.id);
    MergeResult merged;
    const Result<void> written = m_storage.transaction([&]() -> Result<void> {
        if (Result<void> r = m_storage.removeOutboxEntry(entry.id); !r)
            return r;
        if (remote.isEmpty() || !remote.contains(u"_version"_s))
            return {};
        // The server's copy is authoritative: the local store converges to it.
        Result<MergeResult> r = m_storage.mergeRemote(model, {remote.toVariantMap()});
        if (!r)
            return r.error();
        merged = std::move(*r);
        return mergeHeldBack(model, entry, remote, &merged);
    });
    if (!written) {
        qCWarning(lcOutbox).noquote() << "cannot drop outbox entry" << entry.id << written.error().message();
        return;
    }
    if (!merged.changes.isEmpty())
        Q_EMIT changesApplied(merged.changes);
    reportStatus();
}

void MutationProcessor::retryLater(OutboxEntry entry, const Error &error)
{
    if (entry.id) {
        entry.state = OutboxEntry::State::Failed;
        entry.lastError = error.message();
        (void)m_storage.updateOutboxEntry(entry);
    }
    const std::chrono::milliseconds delay = m_backoff.nextDelay().value_or(sync::tuning::maxMutationRetryDelay);
    qCInfo(lcOutbox).noquote() << "mutation not delivered (" << error.message() << "); retrying in"
                               << delay.count() << "ms";
    m_networkFailing = true;
    Q_EMIT networkError(error, delay.count());
    if (m_running)
        m_retryTimer->start(delay);
}

} // namespace ds

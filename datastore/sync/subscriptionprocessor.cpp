#include "sync/subscriptionprocessor.h"

#include "common/logging_p.h"
#include "predicate/appsync.h"
#include "predicate/evaluate.h"
#include "sync/tuning_p.h"

#include <QJsonDocument>
#include <QTimer>

using namespace Qt::StringLiterals;

namespace ds {

namespace {

constexpr net::SubscriptionType kTypes[] = {net::SubscriptionType::OnCreate, net::SubscriptionType::OnUpdate,
                                            net::SubscriptionType::OnDelete};

// The server refused the filter argument (PROTOCOL.md 7.2): subscribe again
// without it and filter here only.
bool isFilterRejection(const Error &error)
{
    static const QStringList markers = {
        u"Unknown field argument filter"_s, u"Filters exceed maximum attributes limit"_s,
        u"Filters combination exceed maximum limit"_s, u"filter uses same fieldName multiple time"_s,
        u"contains a field name 'not'"_s, u"field that is not defined for input object type"_s,
    };
    for (const QString &m : markers) {
        if (error.message().contains(m))
            return true;
    }
    return false;
}

} // namespace

SubscriptionProcessor::SubscriptionProcessor(Storage &storage, net::RealtimeClient &realtime, QObject *parent)
    : QObject(parent), m_storage(storage), m_realtime(realtime)
{
    connect(&m_realtime, &net::RealtimeClient::subscriptionStarted, this, &SubscriptionProcessor::onStarted);
    connect(&m_realtime, &net::RealtimeClient::dataReceived, this, &SubscriptionProcessor::onData);
    connect(&m_realtime, &net::RealtimeClient::subscriptionFailed, this, &SubscriptionProcessor::onFailed);
}

SubscriptionProcessor::~SubscriptionProcessor() = default;

void SubscriptionProcessor::setExpression(const QString &model, const Predicate &predicate)
{
    m_expressions.insert(model, predicate);
}

void SubscriptionProcessor::setOwnerArgument(const QString &model, const std::optional<net::OwnerArgument> &owner)
{
    m_owners.insert(model, owner);
}

void SubscriptionProcessor::subscribe()
{
    for (const ModelSchema *model : m_storage.schema().topologicallySortedModels()) {
        if (m_storage.isLocalOnly(model->name))
            continue;
        for (net::SubscriptionType type : kTypes)
            start(*model, type, true);
    }
    if (m_pendingAcks.isEmpty())
        Q_EMIT established();
}

void SubscriptionProcessor::start(const ModelSchema &model, net::SubscriptionType type, bool withFilter)
{
    net::SubscriptionArguments args;
    const Predicate expression = m_expressions.value(model.name, Predicate::all());
    if (withFilter && !expression.isAll())
        args.filter = predicate::toJson(expression, model, predicate::JsonKind::Subscription);
    args.owner = m_owners.value(model.name);
    const net::GraphQLRequest request = net::subscription(m_storage.schema(), model, type, args);
    const QString id = m_realtime.subscribe(request, {});
    m_subs.insert(id, Sub{&model, type, !args.filter.isEmpty()});
    m_pendingAcks.insert(id);
}

void SubscriptionProcessor::unsubscribeAll()
{
    for (auto it = m_subs.cbegin(); it != m_subs.cend(); ++it)
        m_realtime.unsubscribe(it.key());
    m_subs.clear();
    m_pendingAcks.clear();
}

void SubscriptionProcessor::expectRestart()
{
    m_pendingAcks.clear();
    for (auto it = m_subs.cbegin(); it != m_subs.cend(); ++it)
        m_pendingAcks.insert(it.key());
}

void SubscriptionProcessor::onStarted(const QString &id)
{
    if (m_pendingAcks.remove(id) && m_pendingAcks.isEmpty())
        Q_EMIT established();
}

void SubscriptionProcessor::onFailed(const QString &id, const Error &error)
{
    const auto it = m_subs.constFind(id);
    if (it == m_subs.cend())
        return;
    const Sub sub = *it;
    m_subs.remove(id);
    const bool wasPending = m_pendingAcks.remove(id);
    if (sub.filtered && isFilterRejection(error)) {
        qCWarning(lcSync).noquote() << net::operationName(*sub.model, sub.type)
                                    << "filter refused by the server; filtering on the client only:"
                                    << error.message();
        start(*sub.model, sub.type, false);
        return;
    }
    qCWarning(lcSync).noquote() << net::operationName(*sub.model, sub.type) << "failed:" << error.message();
    Q_EMIT failed(SyncError{SyncError::Process::Subscribe, sub.model->name, net::operationName(*sub.model, sub.type),
                            error, {}, {}});
    if (wasPending && m_pendingAcks.isEmpty())
        Q_EMIT established();
}

void SubscriptionProcessor::onData(const QString &id, const QJsonObject &data)
{
    const auto it = m_subs.constFind(id);
    if (it == m_subs.cend())
        return;
    const ModelSchema *model = it->model;
    const QJsonValue value = data.value(net::operationName(*model, it->type));
    if (!value.isObject()) {
        // AppSync sends null (with errors) when the mutation's selection
        // lacked a field the subscription needs; the next sync brings it.
        qCWarning(lcSync).noquote() << net::operationName(*model, it->type)
                                    << "event without a record ignored:" << QJsonDocument(data).toJson(QJsonDocument::Compact).left(300);
        return;
    }
    QVariantMap item = value.toObject().toVariantMap();
    const bool deleted = item.value(u"_deleted"_s).toBool();
    const Predicate expression = m_expressions.value(model->name, Predicate::all());
    if (!deleted && !expression.isAll() && !predicate::evaluate(expression, item, *model)) {
        qCDebug(lcSync).noquote() << model->name << "event outside the sync expression ignored";
        return;
    }
    m_buffer.append(Event{model, std::move(item)});
    if (!m_held)
        scheduleFlush();
}

void SubscriptionProcessor::release()
{
    m_held = false;
    flush();
}

void SubscriptionProcessor::scheduleFlush()
{
    if (m_flushScheduled)
        return;
    if (m_buffer.size() >= sync::tuning::maxSubscriptionBatch) {
        flush();
        return;
    }
    m_flushScheduled = true;
    QTimer::singleShot(0, this, [this] {
        m_flushScheduled = false;
        flush();
    });
}

void SubscriptionProcessor::flush()
{
    if (m_held || m_buffer.isEmpty())
        return;
    const QList<Event> events = std::exchange(m_buffer, {});
    // One transaction for the whole batch; items grouped per model in order.
    QList<Change> changes;
    const Result<void> written = m_storage.transaction([&]() -> Result<void> {
        qsizetype i = 0;
        while (i < events.size()) {
            const ModelSchema *model = events.at(i).model;
            QList<QVariantMap> items;
            while (i < events.size() && events.at(i).model == model)
                items.append(events.at(i++).item);
            Result<MergeResult> r = m_storage.mergeRemote(*model, items);
            if (!r)
                return r.error();
            changes.append(r->changes);
        }
        return {};
    });
    if (!written) {
        qCWarning(lcSync).noquote() << "cannot apply" << events.size()
                                    << "subscription events:" << written.error().message();
        return;   // the next delta sync brings them again
    }
    m_applied += events.size();
    if (!changes.isEmpty())
        Q_EMIT changesApplied(changes);
}

} // namespace ds

#include "data/conflict.h"
#include "data/tuning_p.h"

#include "data/logging_p.h"

#include <QFile>
#include <QJSEngine>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <QJSValue>
#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace ds::server::data {

namespace {

QString parseMode(const QString &text, ConflictPolicy *policy)
{
    const QString lower = text.toLower();
    if (lower == u"automerge")
        policy->mode = ConflictPolicy::Mode::Automerge;
    else if (lower == u"optimistic" || lower == u"optimistic_concurrency")
        policy->mode = ConflictPolicy::Mode::Optimistic;
    else if (lower.startsWith(u"custom:")) {
        policy->mode = ConflictPolicy::Mode::Custom;
        policy->scriptFile = text.mid(7);
        QFile file(policy->scriptFile);
        if (!file.open(QIODevice::ReadOnly))
            return u"cannot read the conflict resolver "_s % policy->scriptFile;
        policy->scriptSource = QString::fromUtf8(file.readAll());
        // Compile once here so that syntax errors stop the server at startup.
        QJSEngine probe;
        const QJSValue result = probe.evaluate(policy->scriptSource, policy->scriptFile);
        if (result.isError())
            return u"conflict resolver "_s % policy->scriptFile % u": "_s % result.toString();
        if (!probe.globalObject().property(u"resolveConflict"_s).isCallable() && !result.isCallable())
            return u"conflict resolver "_s % policy->scriptFile % u" defines no function resolveConflict(event)"_s;
    } else {
        return u"unknown conflict mode '"_s % text % u"' (automerge, optimistic or custom:FILE.js)"_s;
    }
    return {};
}

QJsonValue mergeValue(const QJsonValue &stored, const QJsonValue &incoming, bool isList)
{
    if (stored.isNull() || stored.isUndefined())
        return incoming;
    if (incoming.isNull() || incoming.isUndefined())
        return stored;
    if (isList && stored.isArray() && incoming.isArray()) {
        QJsonArray merged = stored.toArray();
        const QJsonArray more = incoming.toArray();
        for (const QJsonValue &v : more)
            merged.append(v);
        return merged;
    }
    if (stored.isObject() && incoming.isObject()) {
        QJsonObject merged = stored.toObject();
        const QJsonObject more = incoming.toObject();
        for (auto it = more.begin(); it != more.end(); ++it)
            merged.insert(it.key(), mergeValue(merged.value(it.key()), it.value(), it.value().isArray()));
        return merged;
    }
    return stored;
}

} // namespace

QString ConflictConfig::parse(const QString &value, const Schema &schema)
{
    const qsizetype eq = value.indexOf(u'=');
    if (eq > 0 && !value.left(eq).contains(u':')) {
        const QString model = value.left(eq);
        if (!schema.model(model))
            return u"--conflict: the schema has no model "_s % model;
        ConflictPolicy policy;
        const QString error = parseMode(value.mid(eq + 1), &policy);
        if (error.isEmpty())
            perModel.insert(model, policy);
        return error;
    }
    return parseMode(value, &defaultPolicy);
}

QJsonObject automerge(const ModelSchema &model, const Schema &, const QJsonObject &existing,
                      const QJsonObject &input)
{
    QJsonObject merged = existing;
    for (auto it = input.begin(); it != input.end(); ++it) {
        const FieldSchema *field = model.field(it.key());
        if (!field || !field->isStored() || field->isPrimaryKey)
            continue;
        merged.insert(it.key(), mergeValue(existing.value(it.key()), it.value(), field->type.isList));
    }
    return merged;
}

JsConflictResolver::JsConflictResolver() = default;
JsConflictResolver::~JsConflictResolver() = default;

ConflictDecision JsConflictResolver::resolve(const ConflictPolicy &policy, const QJsonObject &event)
{
    ConflictDecision decision;
    if (!m_engine)
        m_engine = std::make_unique<QJSEngine>();
    const QString functionName = u"__resolver_"_s % QString::number(qHash(policy.scriptFile));
    if (!m_loaded.value(policy.scriptFile)) {
        const QJSValue result = m_engine->evaluate(policy.scriptSource, policy.scriptFile);
        if (result.isError()) {
            decision.error = result.toString();
            return decision;
        }
        QJSValue function = m_engine->globalObject().property(u"resolveConflict"_s);
        if (!function.isCallable())
            function = result;
        m_engine->globalObject().setProperty(functionName, function);
        m_loaded.insert(policy.scriptFile, true);
    }
    const QJSValue function = m_engine->globalObject().property(functionName);
    if (!function.isCallable()) {
        decision.error = u"resolveConflict is not a function"_s;
        return decision;
    }
    const QJSValue argument = m_engine->toScriptValue(event.toVariantMap());
    // A resolver that never returns must not hang the server's worker: a
    // watchdog interrupts the engine after the time limit.
    QJSEngine *engine = m_engine.get();
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    std::thread watchdog([&] {
        std::unique_lock lock(mutex);
        if (!finished.wait_for(lock, tuning::conflictResolverTimeLimit, [&] { return done; }))
            engine->setInterrupted(true);
    });
    const QJSValue answer = function.call({argument});
    {
        std::lock_guard lock(mutex);
        done = true;
    }
    finished.notify_one();
    watchdog.join();
    if (engine->isInterrupted()) {
        engine->setInterrupted(false);
        decision.error = u"the conflict resolver %1 ran longer than %2 ms and was stopped"_s
                             .arg(policy.scriptFile)
                             .arg(std::chrono::milliseconds(tuning::conflictResolverTimeLimit).count());
        qCWarning(lcServerData).noquote() << decision.error;
        return decision;
    }
    if (answer.isError()) {
        decision.error = answer.toString();
        qCWarning(lcServerData).noquote() << "conflict resolver" << policy.scriptFile << "failed:" << decision.error;
        return decision;
    }
    const QJsonObject reply = QJsonObject::fromVariantMap(answer.toVariant().toMap());
    const QString action = reply.value(u"action"_s).toString().toUpper();
    if (action == u"RESOLVE" && reply.value(u"item"_s).isObject()) {
        decision.action = ConflictDecision::Action::Resolve;
        decision.item = reply.value(u"item"_s).toObject();
    } else if (action == u"REMOVE") {
        decision.action = ConflictDecision::Action::Remove;
    } else if (action == u"REJECT") {
        decision.action = ConflictDecision::Action::Reject;
    } else {
        decision.error = u"the resolver returned no valid action (RESOLVE with item, REJECT or REMOVE)"_s;
    }
    return decision;
}

} // namespace ds::server::data

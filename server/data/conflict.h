// Conflict resolution of versioned writes (PROTOCOL.md section 3): a write
// whose expected _version differs from the stored one goes to the model's
// policy: AUTOMERGE (default), OPTIMISTIC_CONCURRENCY, or a custom resolver
// in JavaScript with the Lambda contract (RESOLVE / REJECT / REMOVE).
//
//   --conflict automerge | optimistic | custom:FILE.js      (every model)
//   --conflict Post=optimistic                              (one model; repeatable)
//
// Custom resolver file: defines `function resolveConflict(event)` (or ends
// with a function expression) where event = {newItem, existingItem,
// arguments, resolver: {parentType, field, outputType}, identity}; returns
// {action: "RESOLVE", item: {...}} | {action: "REJECT"} | {action: "REMOVE"}.
//
// Threading: ConflictConfig is immutable and shared; a JsConflictResolver
// belongs to one worker thread (a QJSEngine is single-threaded).
#pragma once

#include <datastore/modelschema.h>

#include <QHash>
#include <QJsonObject>
#include <QString>

#include <memory>

QT_BEGIN_NAMESPACE
class QJSEngine;
QT_END_NAMESPACE

namespace ds::server::data {

struct ConflictPolicy
{
    enum class Mode { Automerge, Optimistic, Custom };
    Mode mode = Mode::Automerge;
    QString scriptFile;     // Custom
    QString scriptSource;   // Custom: read at startup
};

struct ConflictConfig
{
    ConflictPolicy defaultPolicy;
    QHash<QString, ConflictPolicy> perModel;

    const ConflictPolicy &policy(const QString &model) const
    {
        const auto it = perModel.constFind(model);
        return it == perModel.cend() ? defaultPolicy : *it;
    }
    // Parses one --conflict value into this config; returns an error message or "".
    QString parse(const QString &value, const Schema &schema);
};

// AUTOMERGE (3.3), field by field over the fields `input` sets: a stored null
// (or absent) value takes the incoming one, lists are appended, non-model
// values merge key by key by the same rules, other scalars keep the stored
// value. Returns the merged item (metadata untouched).
QJsonObject automerge(const ModelSchema &model, const Schema &schema, const QJsonObject &existing,
                      const QJsonObject &input);

struct ConflictDecision
{
    enum class Action { Resolve, Reject, Remove };
    Action action = Action::Reject;
    QJsonObject item;       // Resolve
    QString error;          // set when the script failed (then Reject)
};

class JsConflictResolver
{
public:
    JsConflictResolver();
    ~JsConflictResolver();

    ConflictDecision resolve(const ConflictPolicy &policy, const QJsonObject &event);

private:
    std::unique_ptr<QJSEngine> m_engine;
    QHash<QString, bool> m_loaded;   // script file -> loaded into m_engine
};

} // namespace ds::server::data

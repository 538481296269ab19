#include "syncactivity.h"

#include <QLocale>

using namespace Qt::StringLiterals;

namespace notes {

namespace {

// The list keeps this many events (the oldest go).
constexpr int maxEntries = 200;

QString number(qint64 n)
{
    return QLocale().toString(n);
}

QString capitalized(const QString &text)
{
    return text.isEmpty() ? text : text.at(0).toUpper() + text.mid(1);
}

QString quoted(QString text)
{
    text = text.simplified();
    if (text.size() > 40)
        text = text.left(39) + u'…';
    return u"“"_s + text + u"”"_s;
}

} // namespace

SyncActivity::SyncActivity(ds::DataStore *store, QObject *parent) : QAbstractListModel(parent), m_store(store)
{
    if (!store)
        return;
    connect(store, &ds::DataStore::syncQueriesStarted, this, [this](const QStringList &models) {
        // Models the app keeps local (Account::keepUnsyncableModelsLocal):
        // said once per model, like a refusal of the server.
        const QSet<QString> kept = m_store->syncConfiguration().localOnlyModels();
        QStringList localOnly(kept.cbegin(), kept.cend());
        localOnly.sort();
        for (const QString &model : std::as_const(localOnly)) {
            if (!std::exchange(m_saidStaysLocal[model], true))
                add(Kind::Info, tr("%1 stay on this device").arg(capitalized(pluralName(model))),
                    tr("This app's credentials may not sync %1 (with an API key the server shares only what is "
                       "public; private records need their signed-in owner), so they are not sent. Sign in to "
                       "sync them.").arg(pluralName(model)));
        }
        QStringList names;
        for (const QString &model : models)
            names.append(pluralName(model));
        add(Kind::Info, tr("Checking the server for changes"), names.join(u", "_s));
    });
    connect(store, &ds::DataStore::modelSynced, this, &SyncActivity::onModelSynced);
    connect(store, &ds::DataStore::syncQueriesReady, this, [this] {
        add(Kind::Success, tr("Everything is up to date"),
            tr("Changes made here or elsewhere now arrive as they happen."));
    });
    connect(store, &ds::DataStore::networkStatus, this, [this](bool active) {
        if (active) {
            add(Kind::Success, tr("Connected to the server"));
        } else if (m_store && m_store->syncState() == ds::DataStore::SyncState::Offline) {
            // The store goes Offline on a lost connection; a stop() leaves it Stopped.
            add(Kind::Warning, tr("Offline: the server cannot be reached"),
                tr("Your changes are kept on this device and sent when the connection is back."));
        } else if (m_store && !m_store->autoStart()) {
            add(Kind::Info, tr("Sync paused"),
                tr("Changes stay on this device until you start sync again (Start sync)."));
        } else {
            add(Kind::Info, tr("Sync stopped"),
                tr("Changes stay on this device until sync starts again: with Start sync, or by itself as soon as "
                   "the app reads or writes data."));
        }
    });
    connect(store, &ds::DataStore::outboxMutationProcessed, this, &SyncActivity::onProcessed);
    connect(store, &ds::DataStore::conditionalSaveFailed, this,
            [this](const QString &model, const QVariantMap &element, const ds::Error &error) {
        ++m_problems;
        m_lastFailure = error.message();
        m_lastRejected = model + u'/' + element.value(u"id"_s).toString();
        add(Kind::Warning, tr("Your change to %1 was not applied").arg(describe(model, element)),
            tr("It was made under a condition, and the server's copy no longer met it: it had been "
               "changed elsewhere first. This device shows the server's version again."));
    });
    connect(store, &ds::DataStore::outboxMutationFailed, this, &SyncActivity::addFailure);
    connect(store, &ds::DataStore::syncErrorOccurred, this, [this](const QString &model, const ds::Error &error) {
        // A refused mutation is reported twice by the store (as the failure and as a sync error).
        if (!m_lastFailure.isEmpty() && error.message() == m_lastFailure) {
            m_lastFailure.clear();
            return;
        }
        if (error.domain() == ds::Error::Domain::Auth && !model.isEmpty()) {
            // Every query and subscription of a model the credentials may not
            // read fails alike: say it once per model.
            if (std::exchange(m_saidStaysLocal[model], true))
                return;
            add(Kind::Warning, tr("%1 stay on this device").arg(capitalized(pluralName(model))),
                tr("The server does not share %1 with this app's credentials (with an API key it shares only "
                   "what is public; private records need a signed-in owner). Server says: %2")
                    .arg(pluralName(model), error.message()));
            return;
        }
        add(Kind::Error, model.isEmpty() ? tr("Sync problem") : tr("Could not sync %1").arg(pluralName(model)),
            explain(error));
    });
    connect(store, &ds::DataStore::cleared, this, [this] {
        add(Kind::Info, tr("Local data cleared"), tr("The next sync downloads everything again."));
    });
}

int SyncActivity::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

QVariant SyncActivity::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &e = m_entries.at(index.row());
    switch (role) {
    case TimeRole:
        return QLocale().toString(e.time.time(), QLocale::ShortFormat);
    case KindRole:
        switch (e.kind) {
        case Kind::Info: return u"info"_s;
        case Kind::Success: return u"success"_s;
        case Kind::Warning: return u"warning"_s;
        case Kind::Error: return u"error"_s;
        }
        return {};
    case Qt::DisplayRole:
    case TitleRole:
        return e.title;
    case DetailRole:
        return e.detail;
    default:
        return {};
    }
}

QHash<int, QByteArray> SyncActivity::roleNames() const
{
    return {{TimeRole, "time"}, {KindRole, "kind"}, {TitleRole, "title"}, {DetailRole, "detail"}};
}

void SyncActivity::add(Kind kind, const QString &title, const QString &detail)
{
    m_uploadsInRow = 0;
    beginInsertRows(QModelIndex(), 0, 0);
    m_entries.prepend(Entry{QDateTime::currentDateTime(), kind, title, detail});
    endInsertRows();
    if (m_entries.size() > maxEntries) {
        beginRemoveRows(QModelIndex(), maxEntries, int(m_entries.size()) - 1);
        m_entries.resize(maxEntries);
        endRemoveRows();
    }
    Q_EMIT countChanged();
}

void SyncActivity::addConflict(const ds::ConflictData &conflict)
{
    ++m_problems;
    // Named as the user knows it: by what they sent, else (a delete sends
    // the key only) by the server's copy.
    QVariantMap element = conflict.remoteModel;
    for (auto it = conflict.localModel.cbegin(); it != conflict.localModel.cend(); ++it)
        element.insert(it.key(), it.value());
    const QString what = describe(conflict.model, element);
    const bool deleted = conflict.operation == ds::ConflictData::Operation::Delete;
    const QString title = deleted ? tr("Your deletion of %1 crossed a change made elsewhere").arg(what)
                                  : tr("Your change to %1 crossed a change made elsewhere").arg(what);
    const QString detail = tr("It was changed on another device while yours was on its way to the server.") + u' '
        + (deleted ? tr("Your deletion is sent again on top of that change: the latest change wins.")
                   : tr("Yours is sent again on top of theirs: the latest change wins, so any field you both "
                        "changed gets your value."));
    add(Kind::Warning, title, detail);
}

void SyncActivity::clear()
{
    beginResetModel();
    m_entries.clear();
    m_uploadsInRow = 0;
    endResetModel();
    Q_EMIT countChanged();
}

void SyncActivity::onModelSynced(const QString &model, bool isFull, bool isDelta, int created, int updated,
                                 int deleted, int evicted)
{
    Q_UNUSED(isDelta);
    const QString name = pluralName(model);
    QStringList parts;
    if (created > 0)
        parts.append(tr("%1 new").arg(number(created)));
    if (updated > 0)
        parts.append(tr("%1 changed").arg(number(updated)));
    if (deleted > 0)
        parts.append(tr("%1 deleted").arg(number(deleted)));
    QString detail = parts.isEmpty() ? tr("Nothing new.") : parts.join(u", "_s) + u'.';
    if (evicted > 0)
        detail += u' ' + tr("%1 removed from this device: they no longer match its sync expression.")
                             .arg(number(evicted));
    QString title;
    if (isFull)
        title = tr("Downloaded %1 (full sync)").arg(name);
    else if (parts.isEmpty() && evicted == 0)
        title = tr("%1: up to date").arg(capitalized(name));
    else
        title = tr("Synced %1").arg(name);
    add(Kind::Success, title, detail);
}

void SyncActivity::onProcessed(const QString &model, const QVariantMap &element)
{
    const QString what = describe(model, element);
    if (m_uploadsInRow > 0 && !m_entries.isEmpty()) {
        // Fold into the newest row while nothing else happened in between.
        ++m_uploadsInRow;
        Entry &e = m_entries.first();
        e.time = QDateTime::currentDateTime();
        e.title = tr("%1 changes sent to the server").arg(number(m_uploadsInRow));
        e.detail = tr("The latest: %1.").arg(what);
        const QModelIndex first = index(0);
        Q_EMIT dataChanged(first, first);
        return;
    }
    add(Kind::Success, tr("Sent your change to %1").arg(what));
    m_uploadsInRow = 1;
}

QString SyncActivity::pluralName(const QString &model)
{
    if (model == u"Post")
        return tr("posts");
    if (model == u"Comment")
        return tr("comments");
    if (model == u"User")
        return tr("users");
    if (model == u"Note")
        return tr("notes");
    return model;
}

QString SyncActivity::describe(const QString &model, const QVariantMap &element)
{
    if (model == u"Post")
        return tr("post %1").arg(quoted(element.value(u"title"_s).toString()));
    if (model == u"Comment")
        return tr("comment %1").arg(quoted(element.value(u"content"_s).toString()));
    if (model == u"User") {
        const QString name = element.value(u"firstName"_s).toString() + u' ' + element.value(u"lastName"_s).toString();
        return tr("user %1").arg(name.trimmed());
    }
    if (model == u"Note")
        return tr("note %1").arg(quoted(element.value(u"title"_s).toString()));
    return model + u' ' + element.value(u"id"_s).toString();
}

void SyncActivity::addFailure(const QString &model, const QString &operation, const QVariantMap &element,
                              const ds::Error &error)
{
    m_lastFailure = error.message();
    // A rejected conditional save is also reported as a failed mutation: listed once.
    if (std::exchange(m_lastRejected, QString()) == model + u'/' + element.value(u"id"_s).toString())
        return;
    ++m_problems;
    const QString op = operation.toLower();
    if (error.code() == u"ConflictRetriesExhausted") {
        const QString what = op.startsWith(u"delete") ? tr("Your deletion of %1 was not applied")
                                                      : tr("Your change to %1 was not applied");
        add(Kind::Warning, what.arg(describe(model, element)),
            tr("It was changed elsewhere again each time this device sent yours, so this device gave up "
               "and shows the server's version again."));
        return;
    }
    const QString what = op.startsWith(u"create") ? tr("The server refused your new %1")
                       : op.startsWith(u"delete") ? tr("The server refused to delete %1")
                                                  : tr("The server refused your change to %1");
    add(Kind::Warning, what.arg(describe(model, element)),
        explain(error) + u' ' + tr("The change stays on this device only."));
}

QString SyncActivity::explain(const ds::Error &error)
{
    const QString code = error.code();
    switch (error.domain()) {
    case ds::Error::Domain::Auth:
        return tr("Not allowed with this app's credentials: the server shares these only with users "
                  "who may see them (%1).").arg(error.message());
    case ds::Error::Domain::Network:
        return tr("The server could not be reached (%1).").arg(error.message());
    case ds::Error::Domain::Conflict:
        return tr("It was changed elsewhere at the same time (%1).").arg(error.message());
    case ds::Error::Domain::Validation:
        return tr("The server found the data invalid (%1).").arg(error.message());
    case ds::Error::Domain::Storage:
        return tr("This device could not store the data (%1).").arg(error.message());
    case ds::Error::Domain::GraphQL:
    case ds::Error::Domain::None:
        break;
    }
    if (code.contains(u"Unauthorized"_s) || code.contains(u"AccessDenied"_s))
        return tr("Not allowed with this app's credentials (%1).").arg(error.message());
    return error.message().isEmpty() ? code : error.message();
}

} // namespace notes

#include "syncexpressionmodel.h"

#include "logging.h"
#include "syncactivity.h"

#include "qml/qmlutil_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

using namespace Qt::StringLiterals;

namespace notes {

namespace {

// Quiet time after typing before counting and asking the server's plan.
constexpr int refreshDelayMs = 250;
// How long the explain request may take.
constexpr int explainTimeoutMs = 3000;

QString normalized(const QString &text)
{
    const QString t = text.trimmed();
    return t.isEmpty() ? u"all"_s : t;
}

QString number(qint64 n)
{
    return QLocale().toString(n);
}

} // namespace

SyncExpressionModel::SyncExpressionModel(ds::DataStore *store, AppSettings *settings, QString scope,
                                         QObject *parent)
    : QAbstractListModel(parent), m_store(store), m_settings(settings), m_scope(std::move(scope))
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(refreshDelayMs);
    connect(&m_debounce, &QTimer::timeout, this, &SyncExpressionModel::refresh);
    if (!store)
        return;
    for (const ds::ModelSchema &model : store->schema().models())
        m_rows.append(Row{model.name, {}, {}, {}, 0, -1, -1, {}, {}, 0});
    reload();
    connect(store, &ds::DataStore::modelSynced, this,
            [this](const QString &model, bool, bool, int created, int updated, int deleted, int evicted) {
                onModelSynced(model, created, updated, deleted, evicted);
            });
    connect(store, &ds::DataStore::syncQueriesReady, this, [this] {
        if (m_applying)
            finishApply(m_applyResults.isEmpty() ? tr("Applied.") : tr("Applied: %1.").arg(m_applyResults.join(u"; "_s)));
    });
    // Local counts follow the store (a burst of synced records: one recount).
    connect(store, &ds::DataStore::changed, this, [this](const ds::ChangeEvent &event) {
        const int row = rowOf(event.model);
        if (row >= 0) {
            m_dirty.insert(row);
            if (!m_debounce.isActive())
                m_debounce.start();
        }
    });
    connect(store, &ds::DataStore::cleared, this, [this] {
        for (int i = 0; i < m_rows.size(); ++i)
            schedule(i);
    });
}

SyncExpressionModel::~SyncExpressionModel() = default;

int SyncExpressionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant SyncExpressionModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows.at(index.row());
    switch (role) {
    case ModelNameRole:
        return r.model;
    case Qt::DisplayRole:
    case TitleRole: {
        const QString plural = SyncActivity::pluralName(r.model);
        return plural.isEmpty() ? r.model : plural.at(0).toUpper() + plural.mid(1);
    }
    case AppliedRole:
        return r.applied;
    case DraftRole:
        return r.draft;
    case ModifiedRole:
        return normalized(r.draft) != r.applied;
    case ValidRole:
        return r.error.isNull();
    case ErrorMessageRole:
        return r.error.message();
    case ErrorColumnRole:
        return r.error.isNull() ? 0 : qMax(1, r.error.location().column);
    case ErrorLengthRole:
        return r.errorLength;
    case MatchCountRole:
        return double(r.matchCount);
    case TotalCountRole:
        return double(r.totalCount);
    case PlanRole:
        return r.plan;
    case LastResultRole:
        return r.lastResult;
    default:
        return {};
    }
}

QHash<int, QByteArray> SyncExpressionModel::roleNames() const
{
    return {
        {ModelNameRole, "modelName"}, {TitleRole, "title"}, {AppliedRole, "applied"},
        {DraftRole, "draft"}, {ModifiedRole, "modified"}, {ValidRole, "valid"},
        {ErrorMessageRole, "errorMessage"}, {ErrorColumnRole, "errorColumn"},
        {ErrorLengthRole, "errorLength"}, {MatchCountRole, "matchCount"},
        {TotalCountRole, "totalCount"}, {PlanRole, "plan"}, {LastResultRole, "lastResult"},
    };
}

QVariantList SyncExpressionModel::presets() const
{
    auto preset = [](const QString &model, const QString &text) {
        return QVariantMap{{u"label"_s, model.isEmpty() ? text : model + u": "_s + text},
                           {u"model"_s, model},
                           {u"text"_s, text}};
    };
    return {
        preset(u"Post"_s, u"rating > 5"_s),
        preset(u"Comment"_s, u"postID beginsWith \"This\""_s),
        preset(u"User"_s, u"lastName == \"Doe\" and createdAt > \"2020-10-10\""_s),
        preset(QString(), u"all"_s),
    };
}

bool SyncExpressionModel::isModified() const
{
    return std::any_of(m_rows.cbegin(), m_rows.cend(),
                       [](const Row &r) { return normalized(r.draft) != r.applied; });
}

bool SyncExpressionModel::canApply() const
{
    return !m_applying && isModified()
           && std::all_of(m_rows.cbegin(), m_rows.cend(), [](const Row &r) { return r.error.isNull(); });
}

void SyncExpressionModel::setExplainService(const QUrl &graphqlEndpoint, const QString &adminKey)
{
    m_explainUrl = graphqlEndpoint;
    if (m_explainUrl.isValid())
        m_explainUrl.setPath(u"/admin/explain"_s);
    m_adminKey = adminKey;
    for (int i = 0; i < m_rows.size(); ++i)
        schedule(i);
}

QString SyncExpressionModel::inForce(const QString &model) const
{
    if (!m_store)
        return u"all"_s;
    const QList<ds::SyncConfiguration::Expression> expressions = m_store->syncConfiguration().syncExpressions();
    for (const ds::SyncConfiguration::Expression &e : expressions) {
        if (e.model != model)
            continue;
        if (e.predicate)
            return e.predicate->isAll() ? u"all"_s : ds::DataStore::printPredicate(*e.predicate);
        return normalized(e.text);
    }
    return u"all"_s;
}

void SyncExpressionModel::reload()
{
    for (int i = 0; i < m_rows.size(); ++i) {
        Row &r = m_rows[i];
        r.applied = inForce(r.model);
        r.draft = r.applied;
        validate(r);
        changed(i);
        schedule(i);
    }
    Q_EMIT stateChanged();
}

int SyncExpressionModel::rowOf(const QString &modelName) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).model == modelName)
            return i;
    }
    return -1;
}

void SyncExpressionModel::changed(int row, const QList<int> &roles)
{
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, roles);
}

void SyncExpressionModel::validate(Row &row) const
{
    row.error = ds::Error();
    row.errorLength = 0;
    const QString text = normalized(row.draft);
    if (!m_store || text == u"all")
        return;
    const ds::Result<ds::Predicate> parsed = m_store->parsePredicate(row.model, text);
    if (parsed)
        return;
    row.error = parsed.error();
    // Mark the token at the error: up to the next space (at least one character).
    const int start = qMax(0, row.error.location().column - 1);
    int end = start;
    while (end < row.draft.size() && !row.draft.at(end).isSpace())
        ++end;
    row.errorLength = qMax(1, end - start);
}

void SyncExpressionModel::setDraft(int row, const QString &text)
{
    if (row < 0 || row >= m_rows.size() || m_rows.at(row).draft == text)
        return;
    Row &r = m_rows[row];
    r.draft = text;
    validate(r);
    r.matchCount = -1;
    r.plan = r.error.isNull() ? tr("…") : QString();
    ++r.generation;
    changed(row);
    schedule(row);
    Q_EMIT stateChanged();
}

void SyncExpressionModel::applyPreset(int index)
{
    const QVariantList all = presets();
    if (index < 0 || index >= all.size())
        return;
    const QVariantMap preset = all.at(index).toMap();
    const QString model = preset.value(u"model"_s).toString();
    const QString text = preset.value(u"text"_s).toString();
    for (int i = 0; i < m_rows.size(); ++i) {
        if (model.isEmpty() || m_rows.at(i).model == model)
            setDraft(i, text);
    }
}

void SyncExpressionModel::revert()
{
    for (int i = 0; i < m_rows.size(); ++i)
        setDraft(i, m_rows.at(i).applied);
}

void SyncExpressionModel::schedule(int row)
{
    m_dirty.insert(row);
    m_debounce.start();
}

void SyncExpressionModel::refresh()
{
    const QSet<int> rows = std::exchange(m_dirty, {});
    for (int row : rows) {
        if (row < 0 || row >= m_rows.size())
            continue;
        count(row);
        explain(row);
    }
}

void SyncExpressionModel::count(int row)
{
    Row &r = m_rows[row];
    if (!m_store)
        return;
    const quint64 generation = r.generation;
    const QString model = r.model;
    ds::qml::continueLater(m_store->count(model), this, [this, row, model](const ds::Result<qint64> &n) {
        if (row < m_rows.size() && m_rows.at(row).model == model && n && m_rows.at(row).totalCount != *n) {
            m_rows[row].totalCount = *n;
            changed(row, {TotalCountRole});
        }
    });
    if (!r.error.isNull())
        return;
    const ds::Result<ds::Predicate> predicate = m_store->parsePredicate(model, normalized(r.draft));
    if (!predicate)
        return;
    ds::qml::continueLater(m_store->count(model, *predicate), this,
                           [this, row, generation](const ds::Result<qint64> &n) {
        if (row >= m_rows.size() || m_rows.at(row).generation != generation || !n)
            return;
        m_rows[row].matchCount = *n;
        changed(row, {MatchCountRole});
    });
}

void SyncExpressionModel::explain(int row)
{
    Row &r = m_rows[row];
    if (!r.error.isNull())
        return;
    auto setPlan = [this, row](const QString &plan) {
        m_rows[row].plan = plan;
        changed(row, {PlanRole});
    };
    if (!m_explainUrl.isValid() || m_explainUrl.isEmpty())
        return setPlan(tr("plan unavailable (no server)"));
    if (m_adminKey.isEmpty())
        return setPlan(tr("plan unavailable (no admin key for this server)"));
    if (!m_network)
        m_network = new QNetworkAccessManager(this);
    QNetworkRequest request(m_explainUrl);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setRawHeader("x-api-key", m_adminKey.toUtf8());
    request.setTransferTimeout(explainTimeoutMs);
    const QString text = normalized(r.draft);
    QJsonObject body{{u"model"_s, r.model}};
    if (text != u"all")
        body.insert(u"predicate"_s, text);
    QNetworkReply *reply = m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    const quint64 generation = r.generation;
    connect(reply, &QNetworkReply::finished, this, [this, reply, row, generation, setPlan] {
        reply->deleteLater();
        if (row >= m_rows.size() || m_rows.at(row).generation != generation)
            return;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        if (status == 200 && answer.contains(u"plan"_s)) {
            setPlan(describePlan(answer));
        } else if (status > 0) {
            setPlan(tr("plan unavailable (the server answered %1)").arg(status));
        } else {
            setPlan(tr("plan unavailable (%1)").arg(reply->errorString()));
        }
    });
}

QString SyncExpressionModel::describePlan(const QJsonObject &answer)
{
    const QString plan = answer.value(u"plan"_s).toString();
    if (plan == u"index") {
        const QString index = answer.value(u"index"_s).toString();
        return index.isEmpty() ? tr("the server reads an index") : tr("the server reads the index %1").arg(index);
    }
    if (plan == u"scan") {
        const QString reason = answer.value(u"reason"_s).toString();
        return tr("the server scans every record (%1)").arg(reason.isEmpty() ? tr("no index fits") : reason);
    }
    return tr("the server's plan: %1").arg(plan);
}

bool SyncExpressionModel::apply()
{
    if (!canApply() || !m_store)
        return false;
    const bool syncing = m_store->isSyncEnabled();
    QList<int> changedRows;
    for (int i = 0; i < m_rows.size(); ++i) {
        if (normalized(m_rows.at(i).draft) != m_rows.at(i).applied)
            changedRows.append(i);
    }
    // Read before stop(), which may go offline at once.
    const bool online = m_store->isOnline();
    if (syncing)
        m_store->stop();
    m_awaiting.clear();
    m_applyResults.clear();
    for (int i : std::as_const(changedRows)) {
        Row &r = m_rows[i];
        const QString text = normalized(r.draft);
        const ds::Result<void> set = m_store->setSyncExpression(r.model, text);
        if (!set) {
            // validate() accepted it; the store has the last word.
            r.error = set.error();
            changed(i);
            continue;
        }
        m_settings->setSyncExpression(m_scope, r.model, text);
        r.applied = text;
        r.draft = text;
        r.lastResult = syncing ? tr("applying…") : tr("saved; applies when this device syncs");
        m_awaiting.insert(r.model);
        changed(i);
        qCInfo(lcUi).noquote() << "sync expression of" << r.model << "->" << text;
    }
    if (syncing && !m_awaiting.isEmpty()) {
        m_store->start();
        if (online) {
            m_applying = true;
            m_applyStatus = tr("Applying: sync restarts with the new expressions…");
        } else {
            // Nothing to wait for now: the next sync round applies them.
            for (int i : std::as_const(changedRows)) {
                m_rows[i].lastResult = tr("applies once the server can be reached");
                changed(i, {LastResultRole});
            }
            m_awaiting.clear();
            m_applyStatus = tr("Saved. The server cannot be reached now; the expressions apply when it can.");
        }
    } else {
        m_applyStatus = syncing ? QString() : tr("Saved. This device does not sync now; the expressions apply when it does.");
        m_awaiting.clear();
    }
    Q_EMIT stateChanged();
    return true;
}

void SyncExpressionModel::onModelSynced(const QString &model, int created, int updated, int deleted, int evicted)
{
    Q_UNUSED(updated);
    Q_UNUSED(deleted);
    const int row = rowOf(model);
    if (row < 0 || !m_applying || !m_awaiting.remove(model))
        return;
    const QString result = tr("%1 fetched, %2 removed from this device").arg(number(created), number(evicted));
    m_rows[row].lastResult = result;
    changed(row, {LastResultRole});
    m_applyResults.append(SyncActivity::pluralName(model) + u' ' + result);
    schedule(row);
    if (m_awaiting.isEmpty())
        finishApply(tr("Applied: %1.").arg(m_applyResults.join(u"; "_s)));
}

void SyncExpressionModel::finishApply(const QString &status)
{
    m_applying = false;
    m_awaiting.clear();
    m_applyStatus = status;
    Q_EMIT stateChanged();
}

} // namespace notes

// Storage::mergeRemote(): the one ingestion path for remote records (sync
// pages, subscription events, mutation responses). See storage.h for the
// rules and docs/storage.md ("Merging remote records").
#include "storage/storage_p.h"

#include "common/logging_p.h"
#include "storage/tuning_p.h"

#include <QSet>
#include <QVarLengthArray>

#include <vector>

using namespace Qt::StringLiterals;

namespace ds {

using storage::ModelTable;

namespace {

using Incoming = storage::IncomingRecord;

std::optional<int> versionOf(const QVariant &v)
{
    if (v.isNull() || !v.isValid())
        return std::nullopt;
    bool ok = false;
    const qlonglong n = v.toLongLong(&ok);
    return ok ? std::optional<int>(int(n)) : std::nullopt;
}

std::optional<qint64> timestampOf(const QVariant &v)
{
    if (v.isNull() || !v.isValid())
        return std::nullopt;
    bool ok = false;
    const qlonglong n = v.toLongLong(&ok);
    return ok ? std::optional<qint64>(n) : std::nullopt;
}

QVariantMap keyMap(const ModelTable &t, const QList<QVariant> &values)
{
    QVariantMap key;
    for (int k : t.keyColumns)
        key.insert(t.fields.at(k)->name, values.at(k));
    return key;
}

QString keyOfRow(const ModelTable &t, const QList<QVariant> &values)
{
    if (t.keyColumns.size() == 1) {
        const QVariant &v = values.at(t.keyColumns.first());
        if (v.typeId() == QMetaType::QString)
            return v.toString();
    }
    return Storage::keyOf(*t.model, keyMap(t, values));
}

// Private::element() of a record in column form: every stored field (null
// when unset), except unset read-only ones and timestamps, plus the metadata.
QVariantMap elementOf(const ModelTable &t, const QList<QVariant> &values, const std::optional<int> &version,
                      const std::optional<qint64> &lastChangedAt)
{
    std::map<QString, QVariant> out;
    const ModelSchema &model = *t.model;
    for (qsizetype c = 0; c < t.fields.size(); ++c) {
        const FieldSchema *f = t.fields.at(c);
        const QVariant &v = values.at(c);
        if (v.isNull()
            && (f->isReadOnly || f->name == model.createdAtField || f->name == model.updatedAtField))
            continue;
        out.emplace(f->name, v.isNull() ? QVariant() : v);
    }
    static const QString versionKey = u"_version"_s;
    static const QString changedKey = u"_lastChangedAt"_s;
    if (version)
        out.insert_or_assign(versionKey, *version);
    if (lastChangedAt)
        out.insert_or_assign(changedKey, *lastChangedAt);
    return QVariantMap(std::move(out));
}

void warnRejected(const ModelSchema &model, const Error &error)
{
    qCWarning(lcStorage).noquote() << QString(model.name + u": remote record ignored: "_s + error.message());
}

} // namespace

Result<MergeResult> Storage::mergeRemote(const ModelSchema &model, const QList<QVariantMap> &items)
{
    Error error;
    ModelTable *t = d->table(model, error);
    if (!t)
        return error;

    // Normalize first (no SQL yet).
    static const QString deletedKey = u"_deleted"_s;
    static const QString versionKey = u"_version"_s;
    static const QString changedKey = u"_lastChangedAt"_s;
    MergeResult result;
    std::vector<Incoming> incoming;
    incoming.reserve(size_t(items.size()));
    for (const QVariantMap &item : items) {
        Incoming in;
        in.deleted = item.value(deletedKey).toBool();
        in.version = versionOf(item.value(versionKey));
        in.lastChangedAt = timestampOf(item.value(changedKey));
        Result<QVariantMap> normalized = [&]() -> Result<QVariantMap> {
            if (!in.deleted)
                return t->validator->validateRecord(item);
            QVariantMap key;
            for (int k : std::as_const(t->keyColumns))
                key.insert(t->fields.at(k)->name, item.value(t->fields.at(k)->name));
            return t->validator->validateKey(key);
        }();
        if (!normalized) {
            ++result.rejected;
            warnRejected(model, normalized.error());
            continue;
        }
        in.values.reserve(t->fields.size());
        for (const FieldSchema *f : std::as_const(t->fields))
            in.values.append(normalized->value(f->name));
        in.key = keyOf(model, *normalized);
        incoming.push_back(std::move(in));
    }
    return d->mergeIncoming(*t, incoming, std::move(result), items.size(), true);
}

Result<MergeResult> Storage::mergeRemote(const ModelSchema &model, QList<RemoteRecord> items,
                                         MergeChanges changes)
{
    Error error;
    ModelTable *t = d->table(model, error);
    if (!t)
        return error;
    MergeResult result;
    std::vector<Incoming> incoming;
    incoming.reserve(size_t(items.size()));
    for (RemoteRecord &item : items) {
        if (item.values.size() != t->fields.size()) {
            ++result.rejected;
            warnRejected(model, Error::validation(u"InvalidRecord"_s, u"a record of "_s
                + QString::number(item.values.size()) + u" values for "_s
                + QString::number(t->fields.size()) + u" stored fields"_s));
            continue;
        }
        Incoming in;
        in.deleted = item.deleted.toBool();
        in.version = versionOf(item.version);
        in.lastChangedAt = timestampOf(item.lastChangedAt);
        in.values = std::move(item.values);
        const Result<void> normalized = in.deleted ? t->validator->validateRowKey(in.values.data())
                                                   : t->validator->validateRow(in.values.data());
        if (!normalized) {
            ++result.rejected;
            warnRejected(model, normalized.error());
            continue;
        }
        in.key = keyOfRow(*t, in.values);
        incoming.push_back(std::move(in));
    }
    return d->mergeIncoming(*t, incoming, std::move(result), items.size(), changes == MergeChanges::Records);
}

QSqlQuery *Storage::Private::mergeChunkStatement(ModelTable &t, ModelTable::Statement which, qsizetype rows,
                                                Error &error)
{
    if (t.mergeChunk != rows) {
        t.statements[ModelTable::MergeChunkExists].reset();
        t.statements[ModelTable::MergeChunkInsert].reset();
        t.mergeChunk = int(rows);
    }
    if (t.statements[which])
        return t.statements[which].get();
    QString sql;
    if (which == ModelTable::MergeChunkExists) {
        // One key column (ModelTable::textKey).
        QStringList marks;
        for (qsizetype r = 0; r < rows; ++r)
            marks.append(u"?"_s);
        sql = u"SELECT 1 FROM "_s + t.table + u" WHERE "_s + storage::quoted(t.fields.at(t.keyColumns.first())->name)
            + u" IN ("_s + marks.join(u", "_s) + u") LIMIT 1"_s;
    } else {
        QStringList columns;
        QStringList marks;
        for (const FieldSchema *f : std::as_const(t.fields)) {
            columns.append(storage::quoted(f->name));
            marks.append(u"?"_s);
        }
        marks << u"?"_s << u"?"_s << u"0"_s;
        const QString row = u'(' + marks.join(u", "_s) + u')';
        QStringList values;
        for (qsizetype r = 0; r < rows; ++r)
            values.append(row);
        sql = u"INSERT INTO "_s + t.table + u" ("_s + columns.join(u", "_s)
            + u", \"_version\", \"_lastChangedAt\", \"_deleted\") VALUES "_s + values.join(u", "_s);
    }
    return prepared(t.statements[which], sql, error);
}

Result<MergeResult> Storage::Private::mergeIncoming(ModelTable &table, std::vector<Incoming> &incoming,
                                                  MergeResult result, qsizetype received, bool records)
{
    ModelTable *t = &table;
    const ModelSchema &model = *t->model;
    Error error;
    // The last occurrence of an id in the batch wins.
    QHash<QString, size_t> lastIndex;
    lastIndex.reserve(qsizetype(incoming.size()));
    for (size_t i = 0; i < incoming.size(); ++i)
        lastIndex.insert(incoming[i].key, i);

    return write<MergeResult>([&]() -> Result<MergeResult> {
        // Every record of the model with an outbox entry, whatever its state.
        QSet<QString> pending;
        QSqlQuery *keys = statement(OutboxKeys, error);
        if (!keys)
            return error;
        keys->bindValue(0, model.name);
        if (!exec(*keys, u"cannot read the outbox", error))
            return error;
        while (keys->next())
            pending.insert(keys->value(0).toString());
        keys->finish();

        QSqlQuery *insert = tableStatement(*t, ModelTable::MergeInsert, error);
        QSqlQuery *update = insert ? tableStatement(*t, ModelTable::MergeUpdate, error) : nullptr;
        if (!update)
            return error;
        const qsizetype n = t->fields.size();
        QVarLengthArray<QVariant, 32> binds;

        // One record: INSERT, else UPDATE unless the row is at a newer version.
        auto upsert = [&](Incoming &in) -> Error {
            const QVariant version = in.version ? QVariant(*in.version) : QVariant();
            const QVariant changed = in.lastChangedAt ? QVariant(*in.lastChangedAt) : QVariant();
            binds.resize(n + 2);
            for (qsizetype c = 0; c < n; ++c)
                binds[c] = storage::toColumn(*t->fields.at(c), in.values.at(c));
            binds[n] = version;
            binds[n + 1] = changed;
            storage::bindInOrder(*insert, binds.data(), n + 2, true);
            if (!exec(*insert, u"cannot insert into ", error, model.name))
                return error;
            Change change;
            change.model = model.name;
            if (insert->numRowsAffected() == 1) {
                change.type = Change::Type::Created;
                ++result.created;
            } else {
                binds.clear();
                for (qsizetype c = 0; c < n; ++c) {
                    if (!t->fields.at(c)->isPrimaryKey)
                        binds.append(storage::toColumn(*t->fields.at(c), in.values.at(c)));
                }
                binds.append(version);
                binds.append(changed);
                for (int k : std::as_const(t->keyColumns))
                    binds.append(storage::toColumn(*t->fields.at(k), in.values.at(k)));
                binds.append(version);
                binds.append(version);
                binds.append(version);
                binds.append(changed);
                storage::bindInOrder(*update, binds.data(), binds.size(), false);
                if (!exec(*update, u"cannot update ", error, model.name))
                    return error;
                if (update->numRowsAffected() != 1) {
                    ++result.unchanged;
                    return {};
                }
                change.type = Change::Type::Updated;
                ++result.updated;
            }
            if (records) {
                change.element = elementOf(*t, in.values, in.version, in.lastChangedAt);
                result.changes.append(std::move(change));
            }
            return {};
        };

        // Runs of records to insert or update, in batch order. A full run of
        // a table with one text key whose keys are all new (a base sync) is
        // written by one multi-row INSERT: QtSql's cost per statement is
        // most of a row's (datastore-bench sync); otherwise record by record.
        const qsizetype chunk = t->textKey ? storage::tuning::maxBoundValues / (n + 2) : 0;
        std::vector<Incoming *> run;
        auto flush = [&]() -> Error {
            if (run.empty())
                return {};
            bool allNew = false;
            if (chunk > 1 && qsizetype(run.size()) == chunk) {
                QSqlQuery *exists = mergeChunkStatement(*t, ModelTable::MergeChunkExists, chunk, error);
                if (!exists)
                    return error;
                binds.resize(chunk);
                for (qsizetype r = 0; r < chunk; ++r)
                    binds[r] = run[size_t(r)]->values.at(t->keyColumns.first());
                storage::bindInOrder(*exists, binds.data(), chunk, false);
                if (!exec(*exists, u"cannot read ", error, model.name))
                    return error;
                allNew = !exists->next();
                exists->finish();
            }
            if (!allNew) {
                for (Incoming *in : run) {
                    if (Error e = upsert(*in); !e.isNull())
                        return e;
                }
                run.clear();
                return {};
            }
            QSqlQuery *many = mergeChunkStatement(*t, ModelTable::MergeChunkInsert, chunk, error);
            if (!many)
                return error;
            binds.resize(chunk * (n + 2));
            qsizetype b = 0;
            for (Incoming *in : run) {
                for (qsizetype c = 0; c < n; ++c)
                    binds[b++] = storage::toColumn(*t->fields.at(c), in->values.at(c));
                binds[b++] = in->version ? QVariant(*in->version) : QVariant();
                binds[b++] = in->lastChangedAt ? QVariant(*in->lastChangedAt) : QVariant();
            }
            storage::bindInOrder(*many, binds.data(), b, false);
            if (!exec(*many, u"cannot insert into ", error, model.name))
                return error;
            result.created += int(run.size());
            if (records) {
                for (Incoming *in : run) {
                    Change change;
                    change.model = model.name;
                    change.type = Change::Type::Created;
                    change.element = elementOf(*t, in->values, in->version, in->lastChangedAt);
                    result.changes.append(std::move(change));
                }
            }
            run.clear();
            return {};
        };

        for (size_t i = 0; i < incoming.size(); ++i) {
            Incoming &in = incoming[i];
            if (lastIndex.value(in.key) != i) {
                ++result.duplicates;
                continue;
            }
            if (!pending.isEmpty() && pending.contains(in.key)) {
                ++result.skippedPending;
                holdBack(model.name, in);
                continue;
            }
            if (!in.deleted) {
                run.push_back(&in);
                if (qsizetype(run.size()) >= qMax<qsizetype>(chunk, 1)) {
                    if (Error e = flush(); !e.isNull())
                        return e;
                }
                continue;
            }
            if (Error e = flush(); !e.isNull())
                return e;
            const QVariantMap key = keyMap(*t, in.values);
            Result<std::optional<Record>> current = selectRow(*t, key);
            if (!current)
                return current.error();
            if (!current->has_value()) {
                ++result.unchanged;
                continue;
            }
            if (Error e = deleteRow(*t, key); !e.isNull())
                return e;
            ++result.deleted;
            if (!records)
                continue;
            const Record &row = **current;
            Change change;
            change.model = model.name;
            change.type = Change::Type::Deleted;
            change.element = element(*t, row.fields, in.version ? in.version : row.version,
                                     in.lastChangedAt ? in.lastChangedAt : row.lastChangedAt, true);
            result.changes.append(std::move(change));
        }
        if (Error e = flush(); !e.isNull())
            return e;
        qCDebug(lcStorage).noquote()
            << QString(model.name + u": merged "_s + QString::number(received)
                       + u" remote records: "_s + QString::number(result.created) + u" new, "_s
                       + QString::number(result.updated) + u" updated, "_s
                       + QString::number(result.deleted) + u" deleted, "_s
                       + QString::number(result.skippedPending) + u" pending locally"_s);
        return result;
    });
}

void Storage::Private::holdBack(const QString &model, const Incoming &record)
{
    QHash<QString, Incoming> &held = heldBack[model];
    const auto it = held.constFind(record.key);
    if (it == held.cend() || record.version.value_or(0) >= it->version.value_or(0))
        held.insert(record.key, record);
}

Result<MergeResult> Storage::mergeHeldBack(const ModelSchema &model, const QString &recordKey, int answeredVersion)
{
    const auto models = d->heldBack.find(model.name);
    if (models == d->heldBack.end() || !models->contains(recordKey))
        return MergeResult{};
    const Result<QList<OutboxEntry>> left = outboxFor(model.name, recordKey);
    if (!left)
        return left.error();
    if (!left->isEmpty())
        return MergeResult{};   // still held: the next answer decides
    std::vector<Incoming> incoming{models->take(recordKey)};
    // Only what is newer than the answer: an older change is in it already,
    // and after a delete it would bring the record back.
    if (incoming.front().version.value_or(0) <= answeredVersion)
        return MergeResult{};
    Error error;
    ModelTable *t = d->table(model, error);
    if (!t)
        return error;
    return d->mergeIncoming(*t, incoming, MergeResult{}, 1, true);
}

} // namespace ds

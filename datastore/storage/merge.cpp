// Storage::mergeRemote(): the one ingestion path for remote records (sync
// pages, subscription events, mutation responses). See storage.h for the
// rules and docs/storage.md ("Merging remote records").
#include "storage/storage_p.h"

#include "common/logging_p.h"

#include <QSet>

#include <vector>

using namespace Qt::StringLiterals;

namespace ds {

using storage::ModelTable;

namespace {

// One remote item after normalization.
struct Incoming
{
    QVariantMap fields;            // wire form (validated); only the key for deletes
    QString key;                   // Storage::keyOf()
    std::optional<int> version;
    std::optional<qint64> lastChangedAt;
    bool deleted = false;
};

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

} // namespace

Result<MergeResult> Storage::mergeRemote(const ModelSchema &model, const QList<QVariantMap> &items)
{
    Error error;
    ModelTable *t = d->table(model, error);
    if (!t)
        return error;

    // Normalize first (no SQL yet): last occurrence per id wins.
    static const QString deletedKey = u"_deleted"_s;
    static const QString versionKey = u"_version"_s;
    static const QString changedKey = u"_lastChangedAt"_s;
    MergeResult result;
    std::vector<Incoming> incoming;
    incoming.reserve(size_t(items.size()));
    QHash<QString, size_t> lastIndex;
    lastIndex.reserve(items.size());
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
            qCWarning(lcStorage).noquote()
                << QString(model.name + u": remote record ignored: "_s + normalized.error().message());
            continue;
        }
        in.fields = std::move(*normalized);
        in.key = keyOf(model, in.fields);
        lastIndex.insert(in.key, incoming.size());
        incoming.push_back(std::move(in));
    }

    return d->write<MergeResult>([&]() -> Result<MergeResult> {
        // Every record of the model with an outbox entry, whatever its state.
        QSet<QString> pending;
        QSqlQuery *keys = d->statement(Private::OutboxKeys, error);
        if (!keys)
            return error;
        keys->bindValue(0, model.name);
        if (!d->exec(*keys, u"cannot read the outbox", error))
            return error;
        while (keys->next())
            pending.insert(keys->value(0).toString());
        keys->finish();

        QSqlQuery *insert = d->tableStatement(*t, ModelTable::MergeInsert, error);
        QSqlQuery *update = insert ? d->tableStatement(*t, ModelTable::MergeUpdate, error) : nullptr;
        if (!update)
            return error;
        const qsizetype n = t->fields.size();

        for (size_t i = 0; i < incoming.size(); ++i) {
            Incoming &in = incoming[i];
            if (lastIndex.value(in.key) != i) {
                ++result.duplicates;
                continue;
            }
            if (!pending.isEmpty() && pending.contains(in.key)) {
                ++result.skippedPending;
                continue;
            }
            if (in.deleted) {
                Result<std::optional<Record>> current = d->selectRow(*t, in.fields);
                if (!current)
                    return current.error();
                if (!current->has_value()) {
                    ++result.unchanged;
                    continue;
                }
                if (Error e = d->deleteRow(*t, in.fields); !e.isNull())
                    return e;
                const Record &row = **current;
                Change change;
                change.model = model.name;
                change.type = Change::Type::Deleted;
                change.element = d->element(*t, row.fields, in.version ? in.version : row.version,
                                            in.lastChangedAt ? in.lastChangedAt : row.lastChangedAt,
                                            true);
                result.changes.append(std::move(change));
                ++result.deleted;
                continue;
            }

            const QVariant version = in.version ? QVariant(*in.version) : QVariant();
            const QVariant changed = in.lastChangedAt ? QVariant(*in.lastChangedAt) : QVariant();
            for (qsizetype c = 0; c < n; ++c) {
                const FieldSchema *f = t->fields.at(c);
                insert->bindValue(storage::namedPlaceholder(c), storage::toColumn(*f, in.fields.value(f->name)));
            }
            insert->bindValue(storage::namedPlaceholder(n), version);
            insert->bindValue(storage::namedPlaceholder(n + 1), changed);
            if (!d->exec(*insert, u"cannot insert into ", error, model.name))
                return error;
            Change change;
            change.model = model.name;
            if (insert->numRowsAffected() == 1) {
                change.type = Change::Type::Created;
                ++result.created;
            } else {
                int b = 0;
                for (const FieldSchema *f : std::as_const(t->fields)) {
                    if (!f->isPrimaryKey)
                        update->bindValue(b++, storage::toColumn(*f, in.fields.value(f->name)));
                }
                update->bindValue(b++, version);
                update->bindValue(b++, changed);
                for (int k : std::as_const(t->keyColumns)) {
                    const FieldSchema *f = t->fields.at(k);
                    update->bindValue(b++, storage::toColumn(*f, in.fields.value(f->name)));
                }
                update->bindValue(b++, version);
                update->bindValue(b++, version);
                update->bindValue(b++, version);
                update->bindValue(b++, changed);
                if (!d->exec(*update, u"cannot update ", error, model.name))
                    return error;
                if (update->numRowsAffected() != 1) {
                    ++result.unchanged;
                    continue;
                }
                change.type = Change::Type::Updated;
                ++result.updated;
            }
            change.element = d->element(*t, in.fields, in.version, in.lastChangedAt, false);
            result.changes.append(std::move(change));
        }
        qCDebug(lcStorage).noquote()
            << QString(model.name + u": merged "_s + QString::number(items.size())
                       + u" remote records: "_s + QString::number(result.created) + u" new, "_s
                       + QString::number(result.updated) + u" updated, "_s
                       + QString::number(result.deleted) + u" deleted, "_s
                       + QString::number(result.skippedPending) + u" pending locally"_s);
        return result;
    });
}

} // namespace ds

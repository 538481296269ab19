// The outbox: pending local mutations in FIFO order, merged as amplify-js
// merges them (PROTOCOL.md 6.5), and the per-model sync metadata.
//
//   Pending --peek/send--> InFlight --success--> (removed)
//      ^                      |
//      |                      +--error--> Failed (attempts, lastError) --retry--> InFlight
//      +-- merges only ever touch Pending/Failed entries, never the InFlight one
#include "storage/storage_p.h"

#include "common/logging_p.h"

#include <QDateTime>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace ds {

namespace {

MutationType typeFromName(const QString &name)
{
    if (name == u"Update")
        return MutationType::Update;
    if (name == u"Delete")
        return MutationType::Delete;
    return MutationType::Create;
}

QString stateName(OutboxEntry::State state)
{
    switch (state) {
    case OutboxEntry::State::Pending:
        return u"Pending"_s;
    case OutboxEntry::State::InFlight:
        return u"InFlight"_s;
    case OutboxEntry::State::Failed:
        return u"Failed"_s;
    }
    return {};
}

OutboxEntry::State stateFromName(const QString &name)
{
    if (name == u"InFlight")
        return OutboxEntry::State::InFlight;
    if (name == u"Failed")
        return OutboxEntry::State::Failed;
    return OutboxEntry::State::Pending;
}

QVariant conditionColumn(const QJsonObject &condition)
{
    if (condition.isEmpty())
        return QVariant(QMetaType::fromType<QString>());
    return QString::fromUtf8(QJsonDocument(condition).toJson(QJsonDocument::Compact));
}

QVariant optionalColumn(const std::optional<qint64> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType::fromType<qint64>());
}

} // namespace

QString mutationTypeName(MutationType type)
{
    switch (type) {
    case MutationType::Create:
        return u"Create"_s;
    case MutationType::Update:
        return u"Update"_s;
    case MutationType::Delete:
        return u"Delete"_s;
    }
    return {};
}

Result<QList<OutboxEntry>> Storage::Private::readOutbox(QSqlQuery &q, QList<bool> *rowIsData)
{
    QList<OutboxEntry> entries;
    while (q.next()) {
        OutboxEntry e;
        e.id = q.value(0).toLongLong();
        e.model = q.value(1).toString();
        e.recordId = q.value(2).toString();
        e.type = typeFromName(q.value(3).toString());
        const QVariant data = q.value(4);
        const bool fromRow = data.isNull() && e.type == MutationType::Create;
        if (rowIsData)
            rowIsData->append(fromRow);
        if (!fromRow)
            e.data = storage::fromJsonText(data.toString().toUtf8());
        else if (!rowIsData)
            e.data = rowData(e.model, e.recordId);
        if (!q.value(5).isNull())
            e.condition = QJsonDocument::fromJson(q.value(5).toString().toUtf8()).object();
        if (!q.value(6).isNull())
            e.version = int(q.value(6).toLongLong());
        e.createdAt = q.value(7).toLongLong();
        e.state = stateFromName(q.value(8).toString());
        e.attempts = int(q.value(9).toLongLong());
        e.lastError = q.value(10).toString();
        entries.append(std::move(e));
    }
    q.finish();
    return entries;
}

Error Storage::Private::enqueue(const ModelSchema &model, const QString &recordId, MutationType type,
                                const QVariantMap &data, const QJsonObject &condition,
                                std::optional<int> version)
{
    if (!localOnly.isEmpty() && localOnly.contains(model.name))
        return {};   // a local-only model queues nothing
    if (Error e = flushPending(); !e.isNull())
        return e;
    Error error;
    QSqlQuery *find = statement(OutboxForRecord, error);
    if (!find)
        return error;
    find->bindValue(0, model.name);
    find->bindValue(1, recordId);
    if (!exec(*find, u"cannot read the outbox", error))
        return error;
    QList<bool> rowIsData;
    const Result<QList<OutboxEntry>> found = readOutbox(*find, &rowIsData);
    const QList<OutboxEntry> &existing = *found;

    auto append = [&](MutationType t, const QVariantMap &d, const QJsonObject &c,
                      std::optional<int> v) -> Error {
        Error e;
        QSqlQuery *insert = statement(OutboxInsert, e);
        if (!insert)
            return e;
        insert->bindValue(0, model.name);
        insert->bindValue(1, recordId);
        insert->bindValue(2, mutationTypeName(t));
        insert->bindValue(3, storage::toJsonText(d));
        insert->bindValue(4, conditionColumn(c));
        insert->bindValue(5, v ? QVariant(*v) : QVariant(QMetaType::fromType<int>()));
        insert->bindValue(6, QDateTime::currentMSecsSinceEpoch());
        if (exec(*insert, u"cannot write to the outbox", e))
            outboxChanged(1);
        return e;
    };
    auto removeEntries = [&](const QList<OutboxEntry> &entries) -> Error {
        Error e;
        QSqlQuery *del = statement(OutboxDelete, e);
        if (!del)
            return e;
        for (const OutboxEntry &entry : entries) {
            del->bindValue(0, entry.id);
            if (!exec(*del, u"cannot delete from the outbox", e))
                return e;
            outboxChanged(-del->numRowsAffected());
        }
        return e;
    };

    if (type == MutationType::Delete)
        maybeQueued.insert(queueKey(model.name, recordId));
    if (existing.isEmpty())
        return append(type, data, condition, version);

    const OutboxEntry &first = existing.first();
    if (first.type == MutationType::Create) {
        if (type == MutationType::Delete) {
            // The server never heard of the record: drop the create, send nothing.
            qCDebug(lcOutbox).noquote() << model.name << recordId << ": delete cancels the queued create";
            return removeEntries(existing);
        }
        // Fold the change into the queued create (its condition is kept).
        // A create whose data is the row (NULL) already holds the change.
        if (rowIsData.first())
            return error;
        QVariantMap merged = first.data;
        for (auto it = data.cbegin(); it != data.cend(); ++it)
            merged.insert(it.key(), *it);
        QSqlQuery *update = statement(OutboxSetData, error);
        if (!update)
            return error;
        update->bindValue(0, storage::toJsonText(merged));
        update->bindValue(1, first.id);
        exec(*update, u"cannot update the outbox", error);
        return error;
    }

    // A record re-created while its delete is still queued: the server still
    // has it, so the create goes out as an update of the whole record.
    const MutationType incoming = type == MutationType::Create ? MutationType::Update : type;
    if (!condition.isEmpty())
        return append(incoming, data, condition, version);

    // Replace the queued entries by one merged entry at the tail: the union
    // of their fields (newest wins) and the oldest known _version.
    QVariantMap merged;
    for (const OutboxEntry &entry : existing) {
        for (auto it = entry.data.cbegin(); it != entry.data.cend(); ++it)
            merged.insert(it.key(), *it);
    }
    for (auto it = data.cbegin(); it != data.cend(); ++it)
        merged.insert(it.key(), *it);
    const std::optional<int> mergedVersion = first.version ? first.version : version;
    if (Error e = removeEntries(existing); !e.isNull())
        return e;
    return append(incoming, merged, {}, mergedVersion);
}

bool Storage::Private::rowIsData(const storage::ModelTable &t, const QVariantMap &created)
{
    if (!t.textKey)
        return false;
    for (const FieldSchema *f : t.writable) {
        const auto it = created.constFind(f->name);
        if (it == created.cend()) {
            if (f->name != t.model->createdAtField && f->name != t.model->updatedAtField)
                return false;   // the row would add a null the record left out
        } else if (it->isNull()
                   && (f->name == t.model->createdAtField || f->name == t.model->updatedAtField)) {
            return false;       // the row would drop a null timestamp the record named
        }
    }
    return true;
}

QVariantMap Storage::Private::rowData(const QString &model, const QString &recordId)
{
    storage::ModelTable *t = tableByName.value(model);
    if (!t || !t->textKey)
        return {};
    const QString keyField = t->fields.at(t->keyColumns.first())->name;
    Result<std::optional<Record>> row = selectRow(*t, {{keyField, recordId}});
    if (!row || !row->has_value())
        return {{keyField, recordId}};
    QVariantMap data = std::move((*row)->fields);
    for (const FieldSchema *f : std::as_const(t->fields)) {
        if (f->isReadOnly)
            data.remove(f->name);
    }
    return data;
}

// ---- accessors for the sync engine --------------------------------------------

Result<QList<OutboxEntry>> Storage::outbox() const
{
    Error error;
    if (!d->open)
        return Private::notOpen();
    if (Error e = d->flushPending(); !e.isNull())
        return e;
    QSqlQuery *q = d->statement(Private::OutboxAll, error);
    if (!q || !d->exec(*q, u"cannot read the outbox", error))
        return error;
    return d->readOutbox(*q);
}

Result<qint64> Storage::pendingMutationCount() const
{
    Error error;
    if (!d->open)
        return Private::notOpen();
    if (Error e = d->flushPending(); !e.isNull())
        return e;
    if (d->outboxCount >= 0)
        return d->outboxCount;
    QSqlQuery *q = d->statement(Private::OutboxCount, error);
    if (!q || !d->exec(*q, u"cannot read the outbox", error))
        return error;
    const qint64 n = q->next() ? q->value(0).toLongLong() : 0;
    q->finish();
    d->outboxCount = n;
    return n;
}

Result<std::optional<OutboxEntry>> Storage::peekOutbox() const
{
    Error error;
    if (!d->open)
        return Private::notOpen();
    if (Error e = d->flushPending(); !e.isNull())
        return e;
    QSqlQuery *q = d->statement(Private::OutboxHead, error);
    if (!q || !d->exec(*q, u"cannot read the outbox", error))
        return error;
    const Result<QList<OutboxEntry>> entries = d->readOutbox(*q);
    if (!entries)
        return entries.error();
    if (entries->isEmpty())
        return std::optional<OutboxEntry>();
    return std::optional<OutboxEntry>(entries->first());
}

Result<QList<OutboxEntry>> Storage::outboxFor(const QString &model, const QString &recordId) const
{
    Error error;
    if (!d->open)
        return Private::notOpen();
    if (Error e = d->flushPending(); !e.isNull())
        return e;
    QSqlQuery *q = d->statement(Private::OutboxForRecord, error);
    if (!q)
        return error;
    q->bindValue(0, model);
    q->bindValue(1, recordId);
    if (!d->exec(*q, u"cannot read the outbox", error))
        return error;
    return d->readOutbox(*q);
}

Result<void> Storage::removeOutboxEntry(qint64 id)
{
    return d->write<void>([this, id]() -> Result<void> {
        Error error;
        QSqlQuery *q = d->statement(Private::OutboxDelete, error);
        if (!q)
            return error;
        q->bindValue(0, id);
        if (!d->exec(*q, u"cannot delete from the outbox", error))
            return error;
        d->outboxChanged(-q->numRowsAffected());
        if (q->numRowsAffected() == 0)
            qCDebug(lcOutbox) << "outbox entry" << id << "was already gone";
        return {};
    });
}

Result<void> Storage::updateOutboxEntry(const OutboxEntry &entry)
{
    return d->write<void>([this, &entry]() -> Result<void> {
        Error error;
        QSqlQuery *q = d->statement(Private::OutboxUpdate, error);
        if (!q)
            return error;
        q->bindValue(0, mutationTypeName(entry.type));
        q->bindValue(1, storage::toJsonText(entry.data));
        q->bindValue(2, conditionColumn(entry.condition));
        q->bindValue(3, entry.version ? QVariant(*entry.version) : QVariant(QMetaType::fromType<int>()));
        q->bindValue(4, stateName(entry.state));
        q->bindValue(5, entry.attempts);
        q->bindValue(6, entry.lastError.isNull() ? QVariant(QMetaType::fromType<QString>())
                                                 : QVariant(entry.lastError));
        q->bindValue(7, entry.id);
        if (!d->exec(*q, u"cannot update the outbox", error))
            return error;
        if (q->numRowsAffected() == 0)
            return Error(Error::Domain::Storage, u"NotFound"_s,
                         d->path + u": outbox entry "_s + QString::number(entry.id)
                             + u" does not exist"_s);
        return {};
    });
}

Result<SyncMetadata> Storage::syncMetadata(const QString &model) const
{
    Error error;
    if (!d->open)
        return Private::notOpen();
    QSqlQuery *q = d->statement(Private::MetadataSelect, error);
    if (!q)
        return error;
    q->bindValue(0, model);
    if (!d->exec(*q, u"cannot read the sync metadata", error))
        return error;
    SyncMetadata m;
    m.model = model;
    if (q->next()) {
        if (!q->value(0).isNull())
            m.lastSync = q->value(0).toLongLong();
        if (!q->value(1).isNull())
            m.lastFullSync = q->value(1).toLongLong();
        m.syncPredicate = q->value(2).toString();
        m.resumeToken = q->value(3).toString();
        if (!q->value(4).isNull())
            m.resumeStartedAt = q->value(4).toLongLong();
    }
    q->finish();
    return m;
}

Result<void> Storage::setSyncMetadata(const SyncMetadata &metadata)
{
    return d->write<void>([this, &metadata]() -> Result<void> {
        Error error;
        QSqlQuery *q = d->statement(Private::MetadataUpsert, error);
        if (!q)
            return error;
        q->bindValue(0, metadata.model);
        q->bindValue(1, optionalColumn(metadata.lastSync));
        q->bindValue(2, optionalColumn(metadata.lastFullSync));
        q->bindValue(3, metadata.syncPredicate);
        q->bindValue(4, metadata.resumeToken);
        q->bindValue(5, optionalColumn(metadata.resumeStartedAt));
        if (!d->exec(*q, u"cannot write the sync metadata", error))
            return error;
        return {};
    });
}

} // namespace ds

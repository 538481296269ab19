#include "storage/storage_p.h"
#include "storage/tuning_p.h"

#include "common/logging_p.h"
#include "predicate/appsync.h"
#include "predicate/evaluate.h"
#include "predicate/sql.h"

#include <QAtomicInteger>
#include <QDateTime>
#include <QFileInfo>
#include <QSqlRecord>
#include <QSqlResult>
#include <QVarLengthArray>

using namespace Qt::StringLiterals;

namespace ds {

using storage::ModelTable;

namespace {

QAtomicInteger<quint64> connectionCounter;

QVariantMap keyValues(const ModelTable &t, const QVariantMap &record)
{
    QVariantMap key;
    for (int i : t.keyColumns)
        key.insert(t.fields.at(i)->name, record.value(t.fields.at(i)->name));
    return key;
}

bool isTimestampField(const ModelSchema &model, const FieldSchema &field)
{
    return field.name == model.createdAtField || field.name == model.updatedAtField;
}

// Walks a predicate and checks every field it names is a stored field.
Error checkPredicateFields(const Predicate &p, const ModelSchema &model)
{
    switch (p.kind()) {
    case Predicate::Kind::All:
        return {};
    case Predicate::Kind::Comparison: {
        const FieldSchema *f = model.field(p.field());
        if (!f || !f->isStored())
            return Error::validation(u"UnknownField"_s,
                model.name + u'.' + p.field() + u": the predicate names a field "_s + model.name
                    + u" does not store"_s);
        return {};
    }
    default:
        for (const Predicate &child : p.children()) {
            if (Error e = checkPredicateFields(child, model); !e.isNull())
                return e;
        }
        return {};
    }
}

// The WHERE of a predicate on the model's table, its columns qualified with
// the table: unqualified, a list field named like a column of json_each()
// (value, key, type, path, ...) would name json_each's own column inside the
// subquery of a list `contains`, and match the wrong rows.
predicate::SqlFragment whereClause(const ModelTable &t, const Predicate &predicate, const ModelSchema &model)
{
    predicate::SqlOptions options;
    const QString table = t.table;
    options.column = [table](const FieldSchema &field) -> QString {
        return table + u'.' + storage::quoted(field.name);
    };
    return predicate::toSql(predicate, model, options);
}

QString describe(const ModelSchema &model, const QString &recordId)
{
    return model.name + u" '"_s + recordId + u'\'';
}

} // namespace

namespace storage {

QString quoted(const QString &identifier)
{
    QString out = identifier;
    out.replace(u'"', u"\"\""_s);
    return u'"' + out + u'"';
}

QString namedPlaceholder(qsizetype i)
{
    static const QStringList names = [] {
        QStringList out;
        for (int k = 0; k < 256; ++k)
            out.append(u":v"_s + QString::number(k));
        return out;
    }();
    return i < names.size() ? names.at(i) : u":v"_s + QString::number(i);
}

namespace {
// Reaches the protected QSqlResult::boundValues() of a query's result.
struct ResultAccess : QSqlResult
{
    static QVariantList &boundValuesOf(const QSqlResult *result)
    {
        return (const_cast<QSqlResult *>(result)->*(&ResultAccess::boundValues))();
    }
};
} // namespace

void bindInOrder(QSqlQuery &query, QVariant *values, qsizetype count, bool named)
{
    QVariantList &bound = ResultAccess::boundValuesOf(query.result());
    if (bound.size() == count) {
        for (qsizetype i = 0; i < count; ++i)
            bound[i] = std::move(values[i]);
        return;
    }
    for (qsizetype i = 0; i < count; ++i) {
        if (named)
            query.bindValue(namedPlaceholder(i), values[i]);
        else
            query.bindValue(int(i), values[i]);
    }
}

} // namespace storage

// ---- Private: errors and statements ------------------------------------------

Error Storage::Private::notOpen()
{
    return Error(Error::Domain::Storage, u"NotOpen"_s, u"the local store is not open"_s);
}

Error Storage::Private::sqlError(const QSqlError &error, const QString &what) const
{
    bool ok = false;
    const int native = error.nativeErrorCode().toInt(&ok);
    const int code = ok ? (native & 0xff) : -1;
    QString name = u"SqlError"_s;
    QString cause;
    bool transient = false;
    switch (code) {
    case 5:    // SQLITE_BUSY
    case 6:    // SQLITE_LOCKED
        name = u"DatabaseLocked"_s;
        cause = u"the database is locked by another connection or process"_s;
        transient = true;
        break;
    case 8:    // SQLITE_READONLY
        name = u"ReadOnly"_s;
        cause = u"the database is read-only"_s;
        break;
    case 11:   // SQLITE_CORRUPT
    case 26:   // SQLITE_NOTADB
        name = u"Corrupt"_s;
        cause = u"the file is not a SQLite database or is corrupt"_s;
        break;
    case 13:   // SQLITE_FULL
        name = u"DiskFull"_s;
        cause = u"the disk is full"_s;
        transient = true;
        break;
    case 14:   // SQLITE_CANTOPEN
        name = u"CantOpen"_s;
        cause = u"the file cannot be opened"_s;
        break;
    case 10:   // SQLITE_IOERR
        name = u"IOError"_s;
        cause = u"an I/O error occurred"_s;
        break;
    default:
        cause = u"SQLite error"_s;
        break;
    }
    QString detail = error.databaseText();
    if (detail.isEmpty())
        detail = error.driverText();
    return Error(Error::Domain::Storage, name,
                 path + u": "_s + what + u": "_s + cause + u" ("_s + detail + u')', transient);
}

QSqlQuery *Storage::Private::prepared(std::unique_ptr<QSqlQuery> &slot, const QString &sql,
                                      Error &error)
{
    if (slot)
        return slot.get();
    auto query = std::make_unique<QSqlQuery>(db());
    query->setForwardOnly(true);
    if (!query->prepare(sql)) {
        error = sqlError(query->lastError(), u"cannot prepare \""_s + sql.left(80) + u'"');
        return nullptr;
    }
    slot = std::move(query);
    return slot.get();
}

std::shared_ptr<QSqlQuery> Storage::Private::cachedQuery(const QString &sql, Error &error)
{
    if (auto it = queryCache.constFind(sql); it != queryCache.cend())
        return *it;
    if (queryCache.size() >= storage::tuning::maxCachedQueries)
        queryCache.clear();
    auto query = std::make_shared<QSqlQuery>(db());
    query->setForwardOnly(true);
    if (!query->prepare(sql)) {
        error = sqlError(query->lastError(), u"cannot prepare \""_s + sql.left(80) + u'"');
        return {};
    }
    queryCache.insert(sql, query);
    return query;
}

bool Storage::Private::exec(QSqlQuery &query, QStringView what, Error &error, QStringView subject)
{
    if (query.exec())
        return true;
    error = sqlError(query.lastError(), what.toString() + subject);
    query.finish();
    return false;
}

Result<void> Storage::Private::execSql(const QString &sql, const QString &what)
{
    QSqlQuery query(db());
    if (!query.exec(sql))
        return sqlError(query.lastError(), what);
    return {};
}

QSqlQuery *Storage::Private::statement(Statement which, Error &error)
{
    static const QString sql[StatementCount] = {
        u"BEGIN IMMEDIATE"_s,
        u"COMMIT"_s,
        u"ROLLBACK"_s,
        u"SELECT id, model, recordId, type, data, condition, version, createdAt, state, attempts, "
        "lastError FROM _outbox WHERE model = ? AND recordId = ? AND state <> 'InFlight' ORDER BY id"_s,
        u"INSERT INTO _outbox (model, recordId, type, data, condition, version, createdAt, state, "
        "attempts) VALUES (?, ?, ?, ?, ?, ?, ?, 'Pending', 0)"_s,
        u"INSERT INTO _outbox (model, recordId, type, data, createdAt, state, attempts) VALUES "
        "(?, ?, 'Create', ?, ?, 'Pending', 0)"_s,
        u"DELETE FROM _outbox WHERE id = ?"_s,
        u"UPDATE _outbox SET data = ? WHERE id = ?"_s,
        u"UPDATE _outbox SET type = ?, data = ?, condition = ?, version = ?, state = ?, attempts = ?, "
        "lastError = ? WHERE id = ?"_s,
        u"SELECT id, model, recordId, type, data, condition, version, createdAt, state, attempts, "
        "lastError FROM _outbox ORDER BY id"_s,
        u"SELECT id, model, recordId, type, data, condition, version, createdAt, state, attempts, "
        "lastError FROM _outbox ORDER BY id LIMIT 1"_s,
        u"SELECT COUNT(*) FROM _outbox"_s,
        u"SELECT lastSync, lastFullSync, syncPredicate, resumeToken, resumeStartedAt "
        "FROM _syncMetadata WHERE model = ?"_s,
        u"INSERT INTO _syncMetadata (model, lastSync, lastFullSync, syncPredicate, resumeToken, "
        "resumeStartedAt) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(model) DO UPDATE SET "
        "lastSync = excluded.lastSync, lastFullSync = excluded.lastFullSync, "
        "syncPredicate = excluded.syncPredicate, resumeToken = excluded.resumeToken, "
        "resumeStartedAt = excluded.resumeStartedAt"_s,
        u"SELECT DISTINCT recordId FROM _outbox WHERE model = ?"_s,
    };
    return prepared(statements[which], sql[which], error);
}

QSqlQuery *Storage::Private::tableStatement(ModelTable &t, ModelTable::Statement which, Error &error)
{
    if (t.statements[which])
        return t.statements[which].get();
    QString sql;
    QStringList keyConditions;
    for (int i : t.keyColumns)
        keyConditions.append(storage::quoted(t.fields.at(i)->name) + u" = ?"_s);
    const QString where = keyConditions.join(u" AND "_s);
    switch (which) {
    case ModelTable::Insert: {
        QStringList columns;
        QStringList marks;
        for (const FieldSchema *f : std::as_const(t.fields)) {
            columns.append(storage::quoted(f->name));
            marks.append(u"?"_s);
        }
        sql = u"INSERT INTO "_s + t.table + u" ("_s + columns.join(u", "_s)
            + u") VALUES ("_s + marks.join(u", "_s) + u')';
        break;
    }
    case ModelTable::InsertIfAbsent: {
        QStringList columns;
        QStringList marks;
        for (const FieldSchema *f : std::as_const(t.fields)) {
            columns.append(storage::quoted(f->name));
            marks.append(u"?"_s);
        }
        sql = u"INSERT INTO "_s + t.table + u" ("_s + columns.join(u", "_s)
            + u") VALUES ("_s + marks.join(u", "_s) + u") ON CONFLICT DO NOTHING"_s;
        break;
    }
    case ModelTable::Select:
        sql = u"SELECT "_s + t.selectColumns + u" FROM "_s + t.table + u" WHERE "_s + where;
        break;
    case ModelTable::Update: {
        QStringList sets;
        for (const FieldSchema *f : std::as_const(t.fields)) {
            if (!f->isPrimaryKey)
                sets.append(storage::quoted(f->name) + u" = ?"_s);
        }
        sets.append(u"\"_deleted\" = 0"_s);
        sql = u"UPDATE "_s + t.table + u" SET "_s + sets.join(u", "_s) + u" WHERE "_s + where;
        break;
    }
    case ModelTable::Delete:
        sql = u"DELETE FROM "_s + t.table + u" WHERE "_s + where;
        break;
    case ModelTable::OutboxCreateRows: {
        QString model = t.model->name;
        model.replace(u'\'', u"''"_s);
        sql = u"INSERT INTO _outbox (model, recordId, type, data, createdAt, state, attempts) "
              "SELECT '"_s + model + u"', "_s + storage::quoted(t.fields.at(t.keyColumns.first())->name)
            + u", 'Create', NULL, ?, 'Pending', 0 FROM "_s + t.table
            + u" WHERE rowid BETWEEN ? AND ? ORDER BY rowid"_s;
        break;
    }
    case ModelTable::OutboxCreateRow: {
        // A Create whose data is the row (NULL), the model as a literal.
        QString model = t.model->name;
        model.replace(u'\'', u"''"_s);
        sql = u"INSERT INTO _outbox (model, recordId, type, data, createdAt, state, attempts) "
              "VALUES ('"_s + model + u"', ?, 'Create', NULL, ?, 'Pending', 0)"_s;
        break;
    }
    case ModelTable::MergeInsert: {
        QStringList columns;
        QStringList marks;
        // Bound by name (storage::namedPlaceholder): the fields, _version, _lastChangedAt.
        for (const FieldSchema *f : std::as_const(t.fields)) {
            columns.append(storage::quoted(f->name));
            marks.append(storage::namedPlaceholder(marks.size()));
        }
        marks.append(storage::namedPlaceholder(marks.size()));
        marks.append(storage::namedPlaceholder(marks.size()));
        sql = u"INSERT INTO "_s + t.table + u" ("_s + columns.join(u", "_s)
            + u", \"_version\", \"_lastChangedAt\", \"_deleted\") VALUES ("_s + marks.join(u", "_s)
            + u", 0) ON CONFLICT DO NOTHING"_s;
        break;
    }
    case ModelTable::MergeUpdate: {
        // Binds the non-key fields, _version, _lastChangedAt, the key, then
        // _version three times and _lastChangedAt again: a row already at
        // that version is left alone, and so is a row at a NEWER version (a
        // stale subscription event held during a sync round that brought a
        // later one): numRowsAffected() == 0, nothing changed.
        QStringList sets;
        for (const FieldSchema *f : std::as_const(t.fields)) {
            if (!f->isPrimaryKey)
                sets.append(storage::quoted(f->name) + u" = ?"_s);
        }
        sets << u"\"_version\" = ?"_s << u"\"_lastChangedAt\" = ?"_s << u"\"_deleted\" = 0"_s;
        sql = u"UPDATE "_s + t.table + u" SET "_s + sets.join(u", "_s) + u" WHERE "_s + where
            + u" AND (\"_version\" IS NULL OR ? IS NULL OR \"_version\" < ? OR (\"_version\" = ? AND "
              "(\"_lastChangedAt\" IS NOT ? OR \"_deleted\" <> 0)))"_s;
        break;
    }
    case ModelTable::MergeChunkExists:
    case ModelTable::MergeChunkInsert:   // sized per call: mergeChunkStatement()
    case ModelTable::StatementCount:
        break;
    }
    return prepared(t.statements[which], sql, error);
}

void Storage::Private::resetStatements()
{
    for (auto &s : statements)
        s.reset();
    savepoints.clear();
    queryCache.clear();
    for (auto &t : tables) {
        for (auto &s : t->statements)
            s.reset();
        t->insertByColumns.clear();
    }
}

// ---- Private: transactions -----------------------------------------------------

Error Storage::Private::flushPending()
{
    if (!pendingTable)
        return {};
    storage::ModelTable &t = *pendingTable;
    pendingTable = nullptr;
    Error error;
    if (QSqlQuery *q = tableStatement(t, ModelTable::OutboxCreateRows, error)) {
        q->bindValue(0, QDateTime::currentMSecsSinceEpoch());
        q->bindValue(1, pendingFirst);
        q->bindValue(2, pendingLast);
        if (exec(*q, u"cannot write to the outbox", error))
            outboxChanged(q->numRowsAffected());
    }
    if (!error.isNull() && flushError.isNull())
        flushError = error;
    return error;
}

Error Storage::Private::begin()
{
    if (!open)
        return notOpen();
    if (Error e = flushPending(); !e.isNull())
        return e;
    Error error;
    if (depth == 0) {
        QSqlQuery *q = statement(Begin, error);
        if (!q || !exec(*q, u"cannot begin a transaction", error))
            return error;
    } else {
        const size_t level = size_t(depth);
        if (savepoints.size() < level)
            savepoints.resize(level);
        auto &sp = savepoints[level - 1];
        QSqlQuery *q = sp[0] ? sp[0].get()
                             : prepared(sp[0], u"SAVEPOINT ds_sp"_s + QString::number(depth), error);
        if (!q || !exec(*q, u"cannot open a savepoint", error))
            return error;
    }
    ++depth;
    return {};
}

Error Storage::Private::commit()
{
    Q_ASSERT(depth > 0);
    if (Error e = flushPending(); !e.isNull())
        return e;
    if (depth == 1 && !flushError.isNull())
        return flushError;
    Error error;
    if (depth == 1) {
        QSqlQuery *q = statement(Commit, error);
        if (!q || !exec(*q, u"cannot commit", error))
            return error;
    } else {
        auto &sp = savepoints[size_t(depth - 1) - 1];
        QSqlQuery *q = sp[1] ? sp[1].get()
                             : prepared(sp[1], u"RELEASE ds_sp"_s + QString::number(depth - 1), error);
        if (!q || !exec(*q, u"cannot release a savepoint", error))
            return error;
    }
    --depth;
    return {};
}

void Storage::Private::rollback()
{
    Q_ASSERT(depth > 0);
    outboxCount = -1;
    pendingTable = nullptr;   // their rows go too
    if (depth == 1)
        flushError = Error();
    Error error;
    if (depth == 1) {
        QSqlQuery *q = statement(Rollback, error);
        if (!q || !exec(*q, u"cannot roll back", error))
            qCWarning(lcStorage).noquote() << error.message();
    } else {
        auto &sp = savepoints[size_t(depth - 1) - 1];
        const QString name = u"ds_sp"_s + QString::number(depth - 1);
        QSqlQuery *q = prepared(sp[2], u"ROLLBACK TO "_s + name, error);
        if (!q || !exec(*q, u"cannot roll back to a savepoint", error))
            qCWarning(lcStorage).noquote() << error.message();
        q = prepared(sp[1], u"RELEASE "_s + name, error);
        if (!q || !exec(*q, u"cannot release a savepoint", error))
            qCWarning(lcStorage).noquote() << error.message();
    }
    --depth;
}

// ---- Private: tables and rows -------------------------------------------------------

void Storage::Private::buildTables()
{
    tables.clear();
    tableByModel.clear();
    tableByName.clear();
    for (const ModelSchema &model : schema.models()) {
        auto t = std::make_unique<ModelTable>();
        t->model = &model;
        t->table = storage::quoted(model.name);
        t->fields = model.storedFields();
        QStringList columns;
        for (qsizetype i = 0; i < t->fields.size(); ++i)
            columns.append(storage::quoted(t->fields.at(i)->name));
        for (const QString &key : model.primaryKey) {
            for (qsizetype i = 0; i < t->fields.size(); ++i) {
                if (t->fields.at(i)->name == key)
                    t->keyColumns.append(int(i));
            }
        }
        columns << u"\"_version\""_s << u"\"_lastChangedAt\""_s << u"\"_deleted\""_s;
        t->selectColumns = columns.join(u", "_s);
        t->validator = std::make_unique<storage::RecordValidator>(schema, model);
        for (const FieldSchema *f : std::as_const(t->fields)) {
            if (!f->isReadOnly)
                t->writable.append(f);
        }
        if (t->keyColumns.size() == 1) {
            const FieldType &type = t->fields.at(t->keyColumns.first())->type;
            t->textKey = type.kind == FieldType::Kind::Scalar && !type.isList
                && (type.scalar == ScalarType::ID || type.scalar == ScalarType::String);
        }
        tableByModel.insert(&model, t.get());
        tableByName.insert(model.name, t.get());
        tables.push_back(std::move(t));
    }
}

ModelTable *Storage::Private::table(const ModelSchema &model, Error &error)
{
    if (!open) {
        error = notOpen();
        return nullptr;
    }
    if (ModelTable *t = tableByModel.value(&model))
        return t;
    if (ModelTable *t = tableByName.value(model.name))
        return t;
    error = Error::validation(u"UnknownModel"_s,
                              model.name + u": not a model of the store's schema"_s);
    return nullptr;
}

Record Storage::Private::decodeRow(const ModelTable &t, const QSqlQuery &query) const
{
    Record record;
    const int n = int(t.fields.size());
    for (int i = 0; i < n; ++i) {
        const FieldSchema *f = t.fields.at(i);
        const QVariant column = query.value(i);
        if (column.isNull() && (f->isReadOnly || isTimestampField(*t.model, *f)))
            continue;
        record.fields.insert(f->name, storage::fromColumn(schema, *f, column));
    }
    const QVariant version = query.value(n);
    if (!version.isNull())
        record.version = int(version.toLongLong());
    const QVariant changed = query.value(n + 1);
    if (!changed.isNull())
        record.lastChangedAt = changed.toLongLong();
    record.deleted = query.value(n + 2).toLongLong() != 0;
    return record;
}

QVariantMap Storage::Private::element(const ModelTable &t, const QVariantMap &fields,
                                      const std::optional<int> &version,
                                      const std::optional<qint64> &lastChangedAt, bool deleted) const
{
    // Every stored field (null when unset), except unset read-only ones and
    // timestamps, as decodeRow() gives them. Starts from `fields` so that the
    // usual case shares its data.
    QVariantMap out = fields;
    for (const FieldSchema *f : t.fields) {
        const auto it = out.constFind(f->name);
        const bool omitWhenNull = f->isReadOnly || isTimestampField(*t.model, *f);
        if (it == out.cend()) {
            if (!omitWhenNull)
                out.insert(f->name, QVariant());
        } else if (omitWhenNull && it->isNull()) {
            out.remove(f->name);
        }
    }
    if (version)
        out.insert(u"_version"_s, *version);
    if (lastChangedAt)
        out.insert(u"_lastChangedAt"_s, *lastChangedAt);
    if (deleted)
        out.insert(u"_deleted"_s, true);
    return out;
}

Result<std::optional<Record>> Storage::Private::selectRow(ModelTable &t, const QVariantMap &key)
{
    Error error;
    QSqlQuery *q = tableStatement(t, ModelTable::Select, error);
    if (!q)
        return error;
    int i = 0;
    for (int k : std::as_const(t.keyColumns)) {
        const FieldSchema *f = t.fields.at(k);
        q->bindValue(i++, storage::toColumn(*f, key.value(f->name)));
    }
    if (!exec(*q, u"cannot read ", error, t.model->name))
        return error;
    std::optional<Record> record;
    if (q->next())
        record = decodeRow(t, *q);
    q->finish();
    return record;
}

Error Storage::Private::insertRow(ModelTable &t, const QVariantMap &fields)
{
    if (Error e = flushPending(); !e.isNull())
        return e;
    Error error;
    QSqlQuery *q = tableStatement(t, ModelTable::Insert, error);
    if (!q)
        return error;
    int i = 0;
    for (const FieldSchema *f : std::as_const(t.fields))
        q->bindValue(i++, storage::toColumn(*f, fields.value(f->name)));
    exec(*q, u"cannot insert into ", error, t.model->name);
    return error;
}

Error Storage::Private::updateRow(ModelTable &t, const QVariantMap &fields)
{
    if (Error e = flushPending(); !e.isNull())
        return e;
    Error error;
    QSqlQuery *q = tableStatement(t, ModelTable::Update, error);
    if (!q)
        return error;
    int i = 0;
    for (const FieldSchema *f : std::as_const(t.fields)) {
        if (!f->isPrimaryKey)
            q->bindValue(i++, storage::toColumn(*f, fields.value(f->name)));
    }
    for (int k : std::as_const(t.keyColumns)) {
        const FieldSchema *f = t.fields.at(k);
        q->bindValue(i++, storage::toColumn(*f, fields.value(f->name)));
    }
    exec(*q, u"cannot update ", error, t.model->name);
    return error;
}

Error Storage::Private::deleteRow(ModelTable &t, const QVariantMap &key)
{
    if (Error e = flushPending(); !e.isNull())
        return e;
    Error error;
    QSqlQuery *q = tableStatement(t, ModelTable::Delete, error);
    if (!q)
        return error;
    int i = 0;
    for (int k : std::as_const(t.keyColumns)) {
        const FieldSchema *f = t.fields.at(k);
        q->bindValue(i++, storage::toColumn(*f, key.value(f->name)));
    }
    exec(*q, u"cannot delete from ", error, t.model->name);
    return error;
}

Result<std::optional<Change>> Storage::Private::tryCreate(ModelTable &t, const QVariantMap &fields,
                                                          bool defer)
{
    QVariantMap created = fields;
    for (const FieldSchema *f : std::as_const(t.fields)) {
        if (f->defaultValue && created.value(f->name).isNull()) {
            if (Result<QVariant> v = t.validator->validateValue(*f, *f->defaultValue); v)
                created.insert(f->name, *v);
        }
    }
    Error error;
    QSqlQuery *q = nullptr;
    QVarLengthArray<QVariant, 32> columns;
    quint64 mask = 0;
    const qsizetype n = t.fields.size();
    // While at it: whether element() would change the record (a null to add
    // or drop) and whether the row can stand for the Create entry's data
    // (the same rules as element() and rowIsData(), without more look-ups).
    bool elementIsRecord = true;
    bool dataIsRow = t.textKey;
    for (qsizetype i = 0; i < n; ++i) {
        const FieldSchema *f = t.fields.at(i);
        const auto it = created.constFind(f->name);
        const bool present = it != created.cend();
        columns.append(present ? storage::toColumn(*f, *it) : QVariant());
        if (!columns.back().isNull())
            mask |= quint64(1) << i;
        const bool timestamp = isTimestampField(*t.model, *f);
        const bool omitWhenNull = f->isReadOnly || timestamp;
        if (present ? (omitWhenNull && it->isNull()) : !omitWhenNull)
            elementIsRecord = false;
        if (!f->isReadOnly && (present ? (timestamp && it->isNull()) : !timestamp))
            dataIsRow = false;
    }
    Q_ASSERT(dataIsRow == rowIsData(t, created));
    std::shared_ptr<QSqlQuery> byColumns;
    if (n <= 64) {
        byColumns = t.insertByColumns.value(mask);
        if (!byColumns) {
            QStringList names;
            QStringList marks;
            for (qsizetype i = 0; i < n; ++i) {
                if (mask & (quint64(1) << i)) {
                    names.append(storage::quoted(t.fields.at(i)->name));
                    marks.append(u"?"_s);
                }
            }
            const QString sql = u"INSERT INTO "_s + t.table + u" ("_s + names.join(u", "_s)
                + u") VALUES ("_s + marks.join(u", "_s) + u") ON CONFLICT DO NOTHING"_s;
            std::unique_ptr<QSqlQuery> slot;
            if (!prepared(slot, sql, error))
                return error;
            byColumns = std::move(slot);
            if (t.insertByColumns.size() >= storage::tuning::maxCachedQueries)
                t.insertByColumns.clear();
            t.insertByColumns.insert(mask, byColumns);
        }
        q = byColumns.get();
        int b = 0;
        for (qsizetype i = 0; i < n; ++i) {
            if (mask & (quint64(1) << i))
                q->bindValue(b++, columns.at(i));
        }
    } else {
        q = tableStatement(t, ModelTable::InsertIfAbsent, error);
        if (!q)
            return error;
        for (qsizetype i = 0; i < n; ++i)
            q->bindValue(int(i), columns.at(i));
    }
    if (!exec(*q, u"cannot insert into ", error, t.model->name))
        return error;
    if (q->numRowsAffected() != 1)
        return std::optional<Change>();   // the row exists

    auto writableData = [&t, &created] {
        QVariantMap data;
        bool readOnly = false;
        for (auto it = created.cbegin(); it != created.cend() && !readOnly; ++it) {
            const FieldSchema *f = t.validator->storedField(it.key());
            readOnly = !f || f->isReadOnly;
        }
        if (!readOnly)
            return created;
        for (auto it = created.cbegin(); it != created.cend(); ++it) {
            const FieldSchema *f = t.validator->storedField(it.key());
            if (f && !f->isReadOnly)
                data.insert(it.key(), *it);
        }
        return data;
    };
    const QString recordId = Storage::keyOf(*t.model, created);
    if (!localOnly.isEmpty() && localOnly.contains(t.model->name)) {
        // A local-only model: the row alone, no outbox entry.
    } else if (!maybeQueued.isEmpty() && maybeQueued.contains(queueKey(t.model->name, recordId))) {
        // enqueue() flushes the deferred entries first.
        error = enqueue(*t.model, recordId, MutationType::Create, writableData(), {}, std::nullopt);
    } else if (dataIsRow) {
        // The row is the data while the entry waits (docs/storage.md); the
        // entry is queued with those of the next rows (flushPending()).
        const qint64 rowid = defer ? q->lastInsertId().toLongLong() : 0;
        if (rowid > 0 && pendingTable == &t && rowid == pendingLast + 1) {
            pendingLast = rowid;
        } else if (rowid > 0) {
            error = flushPending();
            if (error.isNull()) {
                pendingTable = &t;
                pendingFirst = pendingLast = rowid;
            }
        } else if (Error e = flushPending(); !e.isNull()) {
            error = e;
        } else if (QSqlQuery *insert = tableStatement(t, ModelTable::OutboxCreateRow, error)) {
            insert->bindValue(0, recordId);
            insert->bindValue(1, QDateTime::currentMSecsSinceEpoch());
            if (exec(*insert, u"cannot write to the outbox", error))
                outboxChanged(1);
        }
    } else if (error = flushPending(); !error.isNull()) {
    } else if (QSqlQuery *insert = statement(OutboxInsertCreate, error)) {
        insert->bindValue(0, t.model->name);
        insert->bindValue(1, recordId);
        insert->bindValue(2, storage::toJsonText(writableData()));
        insert->bindValue(3, QDateTime::currentMSecsSinceEpoch());
        if (exec(*insert, u"cannot write to the outbox", error))
            outboxChanged(1);
    }
    if (!error.isNull()) {
        // Undo the row: a row never exists without its outbox entry.
        if (const Error undo = deleteRow(t, keyValues(t, created)); !undo.isNull())
            qCWarning(lcStorage).noquote() << undo.message();
        return error;
    }
    Change change;
    change.model = t.model->name;
    change.type = Change::Type::Created;
    change.element = elementIsRecord ? created : element(t, created, std::nullopt, std::nullopt, false);
    Q_ASSERT(change.element == element(t, created, std::nullopt, std::nullopt, false));
    return std::optional<Change>(std::move(change));
}

Result<Change> Storage::Private::removeRow(ModelTable &t, const Record &current,
                                           const QJsonObject &condition)
{
    const QVariantMap key = keyValues(t, current.fields);
    if (Error e = deleteRow(t, key); !e.isNull())
        return e;
    const QString recordId = Storage::keyOf(*t.model, current.fields);
    if (Error e = enqueue(*t.model, recordId, MutationType::Delete, key, condition, current.version);
        !e.isNull())
        return e;
    Change change;
    change.model = t.model->name;
    change.type = Change::Type::Deleted;
    change.element = element(t, current.fields, current.version, current.lastChangedAt, current.deleted);
    return change;
}

// ---- Storage ---------------------------------------------------------------------------

Storage::Storage(const Schema &schema)
    : m_schema(schema),
      m_connection(u"ds.storage."_s + QString::number(++connectionCounter) + u'.'
                   + QString::number(quintptr(this), 16)),
      d(std::make_unique<Private>(schema, m_connection))
{
    d->busyTimeoutMs = storage::tuning::busyTimeoutMs;
}

Storage::~Storage()
{
    close();
}

void Storage::setRequireMatchingSchema(bool require)
{
    d->requireMatchingSchema = require;
}

void Storage::setLocalOnlyModels(const QSet<QString> &models)
{
    if (Error e = d->flushPending(); !e.isNull())
        qCWarning(lcStorage).noquote() << e.message();
    d->localOnly = models;
}

bool Storage::isLocalOnly(const QString &model) const
{
    return d->localOnly.contains(model);
}

void Storage::setBusyTimeout(int milliseconds)
{
    d->busyTimeoutMs = milliseconds;
}

bool Storage::isOpen() const
{
    return d->open;
}

QStringList Storage::migrationNotes() const
{
    return d->migrationNotes;
}

QString Storage::path() const
{
    return d->path;
}

void Storage::close()
{
    if (!QSqlDatabase::contains(m_connection))
        return;
    if (d->depth > 0) {
        qCWarning(lcStorage).noquote() << QString(d->path + u": closed inside a transaction; rolling back"_s);
        while (d->depth > 0)
            d->rollback();
    }
    d->resetStatements();
    d->open = false;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
    qCDebug(lcStorage).noquote() << "closed" << d->path;
}

Result<void> Storage::open(const QString &path)
{
    close();
    d->path = path;
    d->migrationNotes.clear();
    d->outboxCount = -1;
    d->pendingTable = nullptr;
    d->flushError = Error();
    const bool memory = path == u":memory:" || path.isEmpty();

    if (!memory) {
        const QFileInfo info(path);
        if (info.exists()) {
            if (!info.isFile())
                return Error(Error::Domain::Storage, u"CantOpen"_s,
                             path + u": cannot open the local store: not a regular file"_s);
            if (!info.isWritable() || !(info.permissions() & QFileDevice::WriteOwner))
                return Error(Error::Domain::Storage, u"ReadOnly"_s,
                             path + u": cannot open the local store: the file is read-only"_s);
        }
        const QFileInfo dir(info.absolutePath());
        if (!dir.isDir())
            return Error(Error::Domain::Storage, u"CantOpen"_s,
                         path + u": cannot open the local store: the folder "_s
                             + info.absolutePath() + u" does not exist"_s);
        if (!dir.isWritable() || !(dir.permissions() & QFileDevice::WriteOwner))
            return Error(Error::Domain::Storage, u"ReadOnly"_s,
                         path + u": cannot open the local store: the folder "_s
                             + info.absolutePath() + u" is read-only (SQLite needs to create its "
                             "journal files there)"_s);
    }

    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connection);
        db.setDatabaseName(memory ? u":memory:"_s : path);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT="_s + QString::number(d->busyTimeoutMs));
        if (!db.open()) {
            const Error e = d->sqlError(db.lastError(), u"cannot open the local store"_s);
            db = QSqlDatabase();
            QSqlDatabase::removeDatabase(m_connection);
            return e;
        }
    }
    d->open = true;

    auto fail = [this](const Error &e) -> Result<void> {
        qCWarning(lcStorage).noquote() << e.message();
        close();
        return e;
    };

    // Connection settings; the first statement also reads the file header,
    // which is where a garbage file or a lock shows up.
    {
        QSqlQuery q(d->db());
        if (!q.exec(u"PRAGMA journal_mode = WAL"_s))
            return fail(d->sqlError(q.lastError(), u"cannot open the local store"_s));
        const QString mode = q.next() ? q.value(0).toString() : QString();
        if (!memory && mode.compare(u"wal"_s, Qt::CaseInsensitive) != 0)
            qCWarning(lcStorage).noquote() << QString(path + u": journal mode is "_s + mode + u" instead of WAL"_s);
    }
    const QString pragmas[] = {
        u"PRAGMA synchronous = NORMAL"_s,
        u"PRAGMA foreign_keys = OFF"_s,
        u"PRAGMA busy_timeout = "_s + QString::number(d->busyTimeoutMs),
        u"PRAGMA cache_size = -"_s + QString::number(storage::tuning::pageCacheKiB),
        u"PRAGMA wal_autocheckpoint = "_s + QString::number(storage::tuning::walAutoCheckpointPages),
        u"PRAGMA temp_store = MEMORY"_s,
    };
    for (const QString &pragma : pragmas) {
        if (Result<void> r = d->execSql(pragma, u"cannot configure the local store"_s); !r)
            return fail(r.error());
    }

    d->buildTables();
    const Result<void> migrated = d->write<void>([this]() -> Result<void> {
        if (Result<void> r = d->migrateBookkeeping(); !r)
            return r;
        return d->migrateModelTables();
    });
    if (!migrated)
        return fail(migrated.error());
    {
        QSqlQuery q(d->db());
        if (!q.exec(u"SELECT model, recordId FROM _outbox WHERE type = 'Delete'"_s))
            return fail(d->sqlError(q.lastError(), u"cannot read the outbox"_s));
        d->maybeQueued.clear();
        while (q.next())
            d->maybeQueued.insert(Private::queueKey(q.value(0).toString(), q.value(1).toString()));
    }
    qCDebug(lcStorage).noquote() << "opened" << path;
    return {};
}

Result<void> Storage::transaction(const std::function<Result<void>()> &body)
{
    return d->write<void>([&body]() { return body(); });
}

Result<Change> Storage::save(const ModelSchema &model, const QVariantMap &record,
                             const Predicate &condition)
{
    Error error;
    ModelTable *t = d->table(model, error);
    if (!t)
        return error;
    const Result<QVariantMap> normalized = t->validator->validateRecord(record);
    if (!normalized)
        return normalized.error();
    return saveNormalized(model, *normalized, condition);
}

Result<Change> Storage::saveNormalized(const ModelSchema &model, const QVariantMap &normalized,
                                       const Predicate &condition)
{
    Error error;
    ModelTable *t = d->table(model, error);
    if (!t)
        return error;
    if (Error e = checkPredicateFields(condition, model); !e.isNull())
        return e;

    auto general = [&]() -> Result<Change> {
        const QVariantMap &fields = normalized;
        const QString recordId = keyOf(model, fields);
        Result<std::optional<Record>> current = d->selectRow(*t, keyValues(*t, fields));
        if (!current)
            return current.error();

        QJsonObject conditionJson;
        if (!condition.isAll()) {
            if (!current->has_value())
                return Error::validation(u"ConditionalCheckFailed"_s,
                    describe(model, recordId) + u": conditional save failed: the record does not "
                                                "exist locally"_s);
            if (!predicate::evaluate(condition, (*current)->fields, model))
                return Error::validation(u"ConditionalCheckFailed"_s,
                    describe(model, recordId) + u": conditional save failed: the local record does "
                                                "not match the condition"_s);
            conditionJson = predicate::toJson(condition, model, predicate::JsonKind::Condition);
        }

        Change change;
        change.model = model.name;
        if (current->has_value()) {
            const Record &row = **current;
            QVariantMap after = row.fields;
            QVariantMap patch;
            for (auto it = fields.cbegin(); it != fields.cend(); ++it) {
                const auto old = after.constFind(it.key());
                const bool same = old != after.cend() ? *old == *it : it->isNull();
                if (same)
                    continue;
                after.insert(it.key(), *it);
                if (const FieldSchema *f = t->validator->storedField(it.key()); f && !f->isReadOnly)
                    patch.insert(it.key(), *it);
            }
            change.type = Change::Type::Updated;
            if (patch.isEmpty() && after == row.fields && !row.deleted) {
                change.element = d->element(*t, after, row.version, row.lastChangedAt, false);
                return change;   // nothing changed: nothing written, nothing queued
            }
            if (Error e = d->updateRow(*t, after); !e.isNull())
                return e;
            if (!patch.isEmpty()) {
                for (int k : std::as_const(t->keyColumns))
                    patch.insert(t->fields.at(k)->name, after.value(t->fields.at(k)->name));
                if (Error e = d->enqueue(model, recordId, MutationType::Update, patch, conditionJson,
                                         row.version);
                    !e.isNull())
                    return e;
            }
            change.element = d->element(*t, after, row.version, row.lastChangedAt, false);
            return change;
        }

        QVariantMap created = fields;
        for (const FieldSchema *f : std::as_const(t->fields)) {
            if (f->defaultValue && created.value(f->name).isNull()) {
                if (Result<QVariant> v = t->validator->validateValue(*f, *f->defaultValue); v)
                    created.insert(f->name, *v);
            }
        }
        if (Error e = d->insertRow(*t, created); !e.isNull())
            return e;
        QVariantMap data;
        for (auto it = created.cbegin(); it != created.cend(); ++it) {
            const FieldSchema *f = t->validator->storedField(it.key());
            if (f && !f->isReadOnly)
                data.insert(it.key(), *it);
        }
        if (Error e = d->enqueue(model, recordId, MutationType::Create, data, {}, std::nullopt);
            !e.isNull())
            return e;
        change.type = Change::Type::Created;
        change.element = d->element(*t, created, std::nullopt, std::nullopt, false);
        return change;
    };

    if (!condition.isAll())
        return d->write<Change>(general);
    // Unconditional: try the insert first; most saves in a batch are new records.
    const bool own = d->depth == 0;
    if (own) {
        if (const Error e = d->begin(); !e.isNull())
            return e;
    }
    Result<std::optional<Change>> created = d->tryCreate(*t, normalized, !own);
    Result<Change> result = !created                ? Result<Change>(created.error())
                          : created->has_value()    ? Result<Change>(std::move(**created))
                          : own                     ? general()
                                                    : d->write<Change>(general);
    if (own) {
        if (!result) {
            d->rollback();
            return result;
        }
        if (const Error e = d->commit(); !e.isNull()) {
            d->rollback();
            return e;
        }
    }
    return result;
}

Result<Change> Storage::remove(const ModelSchema &model, const QVariantMap &key,
                               const Predicate &condition)
{
    Error error;
    ModelTable *t = d->table(model, error);
    if (!t)
        return error;
    Result<QVariantMap> keyMap = t->validator->validateKey(key);
    if (!keyMap)
        return keyMap.error();
    if (Error e = checkPredicateFields(condition, model); !e.isNull())
        return e;

    return d->write<Change>([&]() -> Result<Change> {
        const QString recordId = keyOf(model, *keyMap);
        Result<std::optional<Record>> current = d->selectRow(*t, *keyMap);
        if (!current)
            return current.error();
        if (!current->has_value() || (*current)->deleted) {
            if (!condition.isAll())
                return Error::validation(u"ConditionalCheckFailed"_s,
                    describe(model, recordId) + u": conditional delete failed: the record does not "
                                                "exist locally"_s);
            return Error::validation(u"NotFound"_s,
                                     describe(model, recordId) + u": no such record to delete"_s);
        }
        QJsonObject conditionJson;
        if (!condition.isAll()) {
            if (!predicate::evaluate(condition, (*current)->fields, model))
                return Error::validation(u"ConditionalCheckFailed"_s,
                    describe(model, recordId) + u": conditional delete failed: the local record "
                                                "does not match the condition"_s);
            conditionJson = predicate::toJson(condition, model, predicate::JsonKind::Condition);
        }
        return d->removeRow(*t, **current, conditionJson);
    });
}

Result<QList<Change>> Storage::removeWhere(const ModelSchema &model, const Predicate &predicate)
{
    Error error;
    ModelTable *t = d->table(model, error);
    if (!t)
        return error;
    if (Error e = checkPredicateFields(predicate, model); !e.isNull())
        return e;
    const predicate::SqlFragment where = whereClause(*t, predicate, model);
    const QString sql = u"SELECT "_s + t->selectColumns + u" FROM "_s + t->table + u" WHERE ("_s
        + where.sql + u") AND \"_deleted\" = 0"_s;

    return d->write<QList<Change>>([&]() -> Result<QList<Change>> {
        Error e;
        const std::shared_ptr<QSqlQuery> q = d->cachedQuery(sql, e);
        if (!q)
            return e;
        for (qsizetype i = 0; i < where.bindings.size(); ++i)
            q->bindValue(int(i), where.bindings.at(i));
        if (!d->exec(*q, u"cannot query ", e, model.name))
            return e;
        QList<Record> rows;
        while (q->next())
            rows.append(d->decodeRow(*t, *q));
        q->finish();
        QList<Change> changes;
        changes.reserve(rows.size());
        for (const Record &row : std::as_const(rows)) {
            Result<Change> change = d->removeRow(*t, row, {});
            if (!change)
                return change.error();
            changes.append(std::move(*change));
        }
        return changes;
    });
}

Result<QList<QVariantMap>> Storage::query(const ModelSchema &model, const QueryOptions &options) const
{
    Error error;
    ModelTable *t = d->table(model, error);
    if (!t)
        return error;
    if (Error e = checkPredicateFields(options.predicate, model); !e.isNull())
        return e;
    QStringList order;
    QStringList sorted;
    for (const SortKey &key : options.sort) {
        const FieldSchema *f = t->validator->storedField(key.field);
        if (!f)
            return Error::validation(u"UnknownField"_s,
                model.name + u'.' + key.field + u": cannot sort by a field "_s + model.name
                    + u" does not store"_s);
        if (sorted.contains(key.field))
            continue;
        sorted.append(key.field);
        order.append(storage::quoted(key.field) + (key.descending ? u" DESC"_s : u" ASC"_s));
    }
    for (const QString &k : model.primaryKey) {
        if (!sorted.contains(k))
            order.append(storage::quoted(k) + u" ASC"_s);
    }
    if (options.limit < -1 || options.offset < 0)
        return Error::validation(u"InvalidPaging"_s,
            model.name + u": invalid paging (limit "_s + QString::number(options.limit)
                + u", offset "_s + QString::number(options.offset) + u')');

    const predicate::SqlFragment where = whereClause(*t, options.predicate, model);
    QString sql = u"SELECT "_s + t->selectColumns + u" FROM "_s + t->table + u" WHERE ("_s
        + where.sql + u')';
    if (!options.includeDeleted)
        sql += u" AND \"_deleted\" = 0"_s;
    sql += u" ORDER BY "_s + order.join(u", "_s) + u" LIMIT ? OFFSET ?"_s;

    const std::shared_ptr<QSqlQuery> q = d->cachedQuery(sql, error);
    if (!q)
        return error;
    qsizetype i = 0;
    for (; i < where.bindings.size(); ++i)
        q->bindValue(int(i), where.bindings.at(i));
    q->bindValue(int(i++), options.limit);
    q->bindValue(int(i), options.offset);
    if (!d->exec(*q, u"cannot query ", error, model.name))
        return error;
    QList<QVariantMap> rows;
    while (q->next()) {
        const Record r = d->decodeRow(*t, *q);
        rows.append(d->element(*t, r.fields, r.version, r.lastChangedAt, r.deleted));
    }
    q->finish();
    return rows;
}

Result<qint64> Storage::count(const ModelSchema &model, const Predicate &predicate) const
{
    Error error;
    ModelTable *t = d->table(model, error);
    if (!t)
        return error;
    if (Error e = checkPredicateFields(predicate, model); !e.isNull())
        return e;
    const predicate::SqlFragment where = whereClause(*t, predicate, model);
    const QString sql = u"SELECT COUNT(*) FROM "_s + t->table + u" WHERE ("_s + where.sql
        + u") AND \"_deleted\" = 0"_s;
    const std::shared_ptr<QSqlQuery> q = d->cachedQuery(sql, error);
    if (!q)
        return error;
    for (qsizetype i = 0; i < where.bindings.size(); ++i)
        q->bindValue(int(i), where.bindings.at(i));
    if (!d->exec(*q, u"cannot count ", error, model.name))
        return error;
    const qint64 n = q->next() ? q->value(0).toLongLong() : 0;
    q->finish();
    return n;
}

Result<std::optional<Record>> Storage::get(const ModelSchema &model, const QVariantMap &key) const
{
    Error error;
    ModelTable *t = d->table(model, error);
    if (!t)
        return error;
    Result<QVariantMap> keyMap = t->validator->validateKey(key);
    if (!keyMap)
        return keyMap.error();
    return d->selectRow(*t, *keyMap);
}

Result<StoragePlan> Storage::explain(const ModelSchema &model, const Predicate &predicate) const
{
    Error error;
    ModelTable *t = d->table(model, error);
    if (!t)
        return error;
    if (Error e = checkPredicateFields(predicate, model); !e.isNull())
        return e;
    const predicate::SqlFragment where = whereClause(*t, predicate, model);
    StoragePlan plan;
    plan.sql = u"SELECT "_s + t->selectColumns + u" FROM "_s + t->table + u" WHERE ("_s + where.sql
        + u") AND \"_deleted\" = 0"_s;
    plan.bindings = where.bindings;
    QSqlQuery q(d->db());
    if (!q.prepare(u"EXPLAIN QUERY PLAN "_s + plan.sql))
        return d->sqlError(q.lastError(), u"cannot explain a query of "_s + model.name);
    for (qsizetype i = 0; i < where.bindings.size(); ++i)
        q.bindValue(int(i), where.bindings.at(i));
    if (!q.exec())
        return d->sqlError(q.lastError(), u"cannot explain a query of "_s + model.name);
    while (q.next()) {
        const QString detail = q.value(3).toString();
        plan.plan.append(detail);
        if (detail.startsWith(u"SEARCH"_s) && detail.contains(u"USING"_s))
            plan.usesIndex = true;
    }
    return plan;
}

Result<void> Storage::clear()
{
    d->heldBack.clear();
    return d->write<void>([this]() -> Result<void> {
        for (const auto &t : d->tables) {
            if (Result<void> r = d->execSql(u"DELETE FROM "_s + t->table,
                                            u"cannot clear "_s + t->model->name);
                !r)
                return r;
        }
        if (Result<void> r = d->execSql(u"DELETE FROM _outbox"_s, u"cannot clear the outbox"_s); !r)
            return r;
        d->maybeQueued.clear();
        d->pendingTable = nullptr;
        d->outboxCount = 0;
        if (Result<void> r = d->execSql(u"DELETE FROM _syncMetadata"_s,
                                        u"cannot clear the sync metadata"_s);
            !r)
            return r;
        qCInfo(lcStorage).noquote() << QString(d->path + u": cleared every model, the outbox and the sync metadata"_s);
        return {};
    });
}

QString Storage::keyOf(const ModelSchema &model, const QVariantMap &record)
{
    if (model.primaryKey.size() == 1) {
        const QVariant v = record.value(model.primaryKey.first());
        if (v.typeId() == QMetaType::QString)
            return v.toString();
    }
    QStringList parts;
    parts.reserve(model.primaryKey.size());
    for (const QString &k : model.primaryKey) {
        const QVariant v = record.value(k);
        if (v.typeId() == QMetaType::Double)
            parts.append(QString::number(v.toDouble(), 'g', 17));
        else
            parts.append(v.toString());
    }
    return parts.join(u'#');
}

} // namespace ds

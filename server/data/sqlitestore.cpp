#include <limits>
#include "data/sqlitestore.h"

#include "data/logging_p.h"
#include "data/tuning_p.h"
#include "data/values_p.h"

#include "predicate/sql.h"

#include <QAtomicInteger>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlDriver>
#include <QSqlRecord>

#include <sqlite3.h>

#include <functional>
#include <memory>

using namespace Qt::StringLiterals;

namespace ds::server::data {

namespace {

QAtomicInteger<quint64> s_connectionCounter;

Error storageError(const QString &what, const QSqlError &e)
{
    const bool busy = e.nativeErrorCode() == u"5" || e.nativeErrorCode() == u"6";
    return Error(Error::Domain::Storage, busy ? u"DatabaseLocked"_s : u"StorageError"_s,
                 what % u": "_s % e.text(), busy);
}

QString placeholders(qsizetype n)
{
    QStringList marks;
    for (qsizetype i = 0; i < n; ++i)
        marks.append(u"?"_s);
    return marks.join(u", "_s);
}

} // namespace

SqliteStore::SqliteStore()
    : m_connectionName(u"server.data."_s % QString::number(s_connectionCounter.fetchAndAddRelaxed(1)))
{
}

SqliteStore::~SqliteStore()
{
    close();
}

Result<void> SqliteStore::open(const QString &path)
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_connectionName);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT="_s % QString::number(tuning::kBusyTimeoutMs));
        if (!db.open())
            return storageError(u"cannot open "_s % path, db.lastError());
    }
    for (const QString &pragma : QStringList{u"PRAGMA journal_mode=WAL"_s, u"PRAGMA synchronous=NORMAL"_s,
                                  u"PRAGMA foreign_keys=OFF"_s, u"PRAGMA temp_store=MEMORY"_s,
                                  u"PRAGMA busy_timeout="_s % QString::number(tuning::kBusyTimeoutMs)}) {
        if (Result<void> r = exec(pragma); !r)
            return r;
    }
    return {};
}

void SqliteStore::close()
{
    qDeleteAll(m_statements);
    m_statements.clear();
    if (QSqlDatabase::contains(m_connectionName)) {
        {
            QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

Result<void> SqliteStore::exec(const QString &sql)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.exec(sql))
        return storageError(sql.left(60), q.lastError());
    return {};
}

QSqlQuery *SqliteStore::cached(const QString &key, const QString &sql, Error *error)
{
    if (QSqlQuery *q = m_statements.value(key))
        return q;
    auto *q = new QSqlQuery(QSqlDatabase::database(m_connectionName, false));
    if (!q->prepare(sql)) {
        *error = storageError(u"prepare "_s % key, q->lastError());
        delete q;
        return nullptr;
    }
    m_statements.insert(key, q);
    return q;
}

Result<void> SqliteStore::prepareSchema(const Schema &schema)
{
    if (Result<void> r = beginWrite(); !r)
        return r;
    auto fail = [this](Result<void> r) { rollback(); return r; };
    const QStringList statements{
        u"CREATE TABLE IF NOT EXISTS \"_server_meta\" (\"key\" TEXT PRIMARY KEY, \"value\" BLOB)"_s,
        u"CREATE TABLE IF NOT EXISTS \"_delta\" (\"seq\" INTEGER PRIMARY KEY AUTOINCREMENT, "
        "\"model\" TEXT NOT NULL, \"key\" TEXT NOT NULL, \"_version\" INTEGER NOT NULL, "
        "\"_lastChangedAt\" INTEGER NOT NULL, \"_ttl\" INTEGER NOT NULL, \"item\" TEXT NOT NULL)"_s,
        u"CREATE INDEX IF NOT EXISTS \"_delta_model_time\" ON \"_delta\" (\"model\", \"_lastChangedAt\")"_s,
        u"CREATE INDEX IF NOT EXISTS \"_delta_ttl\" ON \"_delta\" (\"_ttl\")"_s,
        // Delta pages read one model's changes in commit order off this one.
        u"CREATE INDEX IF NOT EXISTS \"_delta_model_seq\" ON \"_delta\" (\"model\", \"seq\")"_s,
    };
    for (const QString &sql : statements) {
        if (Result<void> r = exec(sql); !r)
            return fail(r);
    }
    for (const ModelSchema &model : schema.models()) {
        const QString table = quoted(model.name);
        if (Result<void> r = exec(u"CREATE TABLE IF NOT EXISTS "_s % table % u" ("_s
                                  % tableColumns(model, sqlType, u"INTEGER"_s) % u") WITHOUT ROWID"_s);
            !r)
            return fail(r);
        // Fields added to the schema since the table was made.
        QSqlQuery info(QSqlDatabase::database(m_connectionName, false));
        if (!info.exec(u"PRAGMA table_info("_s % table % u')'))
            return fail(storageError(u"table_info"_s, info.lastError()));
        QSet<QString> existing;
        while (info.next())
            existing.insert(info.value(1).toString());
        info.finish();
        for (const FieldSchema *field : model.storedFields()) {
            if (existing.contains(field->name))
                continue;
            qCInfo(lcServerData).noquote() << "adding column" << model.name % u'.' % field->name;
            if (Result<void> r = exec(u"ALTER TABLE "_s % table % u" ADD COLUMN "_s % quoted(field->name) % u' '
                                      % sqlType(*field));
                !r)
                return fail(r);
        }
        for (const IndexSchema &index : model.indexes) {
            if (Result<void> r = exec(u"CREATE INDEX IF NOT EXISTS "_s % quoted(u"idx_"_s % model.name % u'_' % index.name)
                                      % u" ON "_s % table % u" ("_s % quotedList(index.fields) % u')');
                !r)
                return fail(r);
        }
        if (Result<void> r = exec(u"CREATE INDEX IF NOT EXISTS "_s % quoted(u"ttl_"_s % model.name) % u" ON "_s % table
                                  % u" (\"_ttl\") WHERE \"_ttl\" IS NOT NULL"_s);
            !r)
            return fail(r);
    }
    return commit();
}

Result<QByteArray> SqliteStore::tokenSecret()
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.exec(u"SELECT \"value\" FROM \"_server_meta\" WHERE \"key\" = 'tokenSecret'"_s))
        return storageError(u"read the token key"_s, q.lastError());
    if (q.next())
        return q.value(0).toByteArray();
    QByteArray secret(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(secret.data()), secret.size() / 4);
    q.prepare(u"INSERT OR IGNORE INTO \"_server_meta\" (\"key\", \"value\") VALUES ('tokenSecret', ?)"_s);
    q.addBindValue(secret);
    if (!q.exec())
        return storageError(u"store the token key"_s, q.lastError());
    // Another process may have won the race: read back what is stored.
    if (!q.exec(u"SELECT \"value\" FROM \"_server_meta\" WHERE \"key\" = 'tokenSecret'"_s) || !q.next())
        return storageError(u"read the token key"_s, q.lastError());
    return q.value(0).toByteArray();
}

Result<void> SqliteStore::beginWrite()
{
    return exec(u"BEGIN IMMEDIATE"_s);
}

Result<void> SqliteStore::commit()
{
    Result<void> r = exec(u"COMMIT"_s);
    if (!r)
        rollback();
    return r;
}

void SqliteStore::rollback()
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.exec(u"ROLLBACK"_s);
}

Result<std::optional<QJsonObject>> SqliteStore::fetch(const ModelSchema &model, const QJsonArray &key)
{
    QStringList where;
    for (const QString &f : model.primaryKey)
        where.append(quoted(f) % u" = ?"_s);
    Error error;
    QSqlQuery *q = cached(u"fetch:"_s % model.name,
                          u"SELECT "_s % itemColumns(model) % u" FROM "_s % quoted(model.name) % u" WHERE "_s
                              % where.join(u" AND "_s),
                          &error);
    if (!q)
        return error;
    for (qsizetype i = 0; i < model.primaryKey.size(); ++i) {
        const FieldSchema *field = model.field(model.primaryKey.at(i));
        q->bindValue(int(i), field ? toColumn(*field, key.at(i)) : key.at(i).toVariant());
    }
    if (!q->exec())
        return storageError(u"fetch "_s % model.name, q->lastError());
    std::optional<QJsonObject> item;
    if (q->next())
        item = itemFromRow(model, *q);
    q->finish();
    return item;
}

Result<void> SqliteStore::upsert(const ModelSchema &model, const QJsonObject &item, qint64 ttl)
{
    Error error;
    QSqlQuery *q = m_statements.value(u"put:"_s % model.name);
    if (!q) {
        q = cached(u"put:"_s % model.name, upsertSql(model, placeholders(upsertColumnCount(model))), &error);
        if (!q)
            return error;
    }
    const QVariantList values = upsertValues(model, item, ttl, toColumn);
    for (qsizetype i = 0; i < values.size(); ++i)
        q->bindValue(int(i), values.at(i));
    if (!q->exec())
        return storageError(u"write "_s % model.name, q->lastError());
    return {};
}

Result<void> SqliteStore::put(const ModelSchema &model, const QJsonObject &item, const WriteMeta &meta)
{
    if (Result<void> r = upsert(model, item, meta.tombstoneTtlSeconds); !r)
        return r;
    Error error;
    QSqlQuery *q = cached(u"delta"_s,
                          u"INSERT INTO \"_delta\" (\"model\", \"key\", \"_version\", \"_lastChangedAt\", \"_ttl\", "
                          "\"item\") VALUES (?, ?, ?, ?, ?, ?)"_s,
                          &error);
    if (!q)
        return error;
    q->bindValue(0, model.name);
    q->bindValue(1, compactJson(keyOf(model, item)));
    q->bindValue(2, item.value(u"_version"_s).toInteger());
    q->bindValue(3, item.value(u"_lastChangedAt"_s).toInteger());
    q->bindValue(4, meta.deltaTtlSeconds);
    q->bindValue(5, compactJson(item));
    if (!q->exec())
        return storageError(u"write the delta log"_s, q->lastError());
    return {};
}

Result<void> SqliteStore::putBase(const ModelSchema &model, const QJsonObject &item)
{
    return upsert(model, item, 0);
}

namespace {

QString indexTable(const ModelSchema &model, const QString &index)
{
    return u"idx_"_s % model.name % u'_' % index;
}

} // namespace

SqliteStore::Statement SqliteStore::baseStatement(const ModelSchema &model, const BaseScan &scan, bool pin) const
{
    const std::optional<ScanPlan> &plan = scan.plan;
    const QStringList constrained = plan ? plan->constrainedFields() : QStringList();
    predicate::SqlOptions options;
    options.dialect = predicate::SqlDialect::SQLite;
    if (plan) {
        // Only the plan's fields stay usable for a lookup: "+column" keeps the
        // value but hides the column from SQLite's index choice.
        options.column = [constrained](const FieldSchema &field) -> QString {
            return constrained.contains(field.name) ? quoted(field.name) : u'+' % quoted(field.name);
        };
    }
    const predicate::SqlFragment filter = predicate::toSql(scan.filter, model, options);
    QStringList where;
    QVariantList bindings;
    if (!scan.after.isEmpty()) {
        // The keyset comes first: of two lower bounds on one column SQLite
        // seeks by the first, and the keyset's is the tighter one.
        QStringList fields = scan.orderFields;
        QVariantList values;
        for (qsizetype i = 0; i < fields.size(); ++i) {
            const FieldSchema *field = model.field(fields.at(i));
            values.append(field ? toColumn(*field, scan.after.at(i)) : scan.after.at(i).toVariant());
        }
        // Fields fixed by eq are equal on every matching row.
        if (plan && fields.size() == scan.after.size() && fields.mid(0, plan->fixedFields.size()) == plan->fixedFields
            && plan->fixedFields.size() < fields.size()) {
            fields = fields.mid(plan->fixedFields.size());
            values = values.mid(plan->fixedFields.size());
        }
        const auto neverNull = [&model, &constrained](const QString &f) {
            return model.primaryKey.contains(f) || constrained.contains(f);
        };
        KeysetSql sql;
        sql.mark = [&](qsizetype i) {
            bindings.append(values.at(i));
            return u"?"_s;
        };
        sql.columnPrefix = u"+"_s;   // SQLite must not split the exact form's ORs into index lookups
        sql.falseLiteral = u"0"_s;
        where.append(keysetCondition(fields, values, scan.descending, neverNull, sql));
    }
    where.append(u"("_s % filter.sql % u')');
    bindings += filter.bindings;
    if (plan && !plan->rangeField.isEmpty()) {
        // beginsWith is substr() = prefix in SQL, which no index serves: add
        // the equivalent range prefix <= value < upper bound.
        for (const Predicate &c : topLevelConjuncts(scan.filter)) {
            if (c.kind() != Predicate::Kind::Comparison || c.field() != plan->rangeField
                || c.op() != Predicate::Op::BeginsWith || !c.value().isValid() || c.value().isNull())
                continue;
            const QString prefix = c.value().toString();
            where.append(quoted(c.field()) % u" >= ?"_s);
            bindings.append(prefix);
            if (const QString upper = prefixUpperBound(prefix); !upper.isEmpty()) {
                where.append(quoted(c.field()) % u" < ?"_s);
                bindings.append(upper);
            }
        }
    }
    if (scan.deleted == BaseScan::Deleted::LiveOnly) {
        where.append(u"\"_deleted\" = 0"_s);
    } else {
        where.append(u"(\"_deleted\" = 0 OR \"_ttl\" IS NULL OR \"_ttl\" > ?)"_s);
        bindings.append(scan.nowSeconds);
        if (scan.deleted == BaseScan::Deleted::TombstonesOnly)
            where.append(u"\"_deleted\" = 1"_s);
    }
    QStringList order;
    for (const QString &f : scan.orderFields)
        order.append(quoted(f) % (scan.descending ? u" DESC"_s : u" ASC"_s));
    QString from = quoted(model.name);
    if (pin && plan && plan->usesIndex() && !plan->isPrimaryKey())
        from += u" INDEXED BY "_s % quoted(indexTable(model, plan->index));
    Statement statement;
    statement.sql = u"SELECT "_s % itemColumns(model) % u" FROM "_s % from % u" WHERE "_s % where.join(u" AND "_s)
        % u" ORDER BY "_s % order.join(u", "_s) % u" LIMIT "_s % QString::number(scan.limit + 1);
    statement.bindings = std::move(bindings);
    return statement;
}

Result<SqliteStore::Statement> SqliteStore::prepareBase(QSqlQuery &query, const ModelSchema &model,
                                                        const BaseScan &scan)
{
    Statement statement = baseStatement(model, scan, true);
    if (query.prepare(statement.sql))
        return statement;
    if (!scan.plan || !scan.plan->usesIndex() || scan.plan->isPrimaryKey())
        return storageError(u"scan "_s % model.name, query.lastError());
    // The plan promised an index SQLite cannot use for this statement: run
    // it anyway, and say so (a planner bug, never a failed sync).
    qCWarning(lcServerData).noquote() << "SQLite cannot use index" << scan.plan->index << "for a scan of"
                                      << model.name << "(" << query.lastError().text() << "); running unpinned";
    statement = baseStatement(model, scan, false);
    if (!query.prepare(statement.sql))
        return storageError(u"scan "_s % model.name, query.lastError());
    return statement;
}

Result<Page> SqliteStore::scanBase(const ModelSchema &model, const BaseScan &scan)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.setForwardOnly(true);
    const Result<Statement> statement = prepareBase(q, model, scan);
    if (!statement)
        return statement.error();
    for (qsizetype i = 0; i < statement->bindings.size(); ++i)
        q.bindValue(int(i), statement->bindings.at(i));
    if (!q.exec())
        return storageError(u"scan "_s % model.name, q.lastError());
    Page page;
    while (q.next()) {
        if (page.items.size() == scan.limit) {
            page.hasMore = true;
            break;
        }
        page.items.append(itemFromRow(model, q));
    }
    if (!page.items.isEmpty()) {
        for (const QString &f : scan.orderFields)
            page.lastKey.append(page.items.constLast().value(f));
    }
    return page;
}

namespace {

// The connection's sqlite3 handle (the QSQLITE driver's, so reads share its
// transaction state); nullptr if the driver is not SQLite.
sqlite3 *sqliteHandle(const QSqlDatabase &db)
{
    const QVariant v = db.driver() ? db.driver()->handle() : QVariant();
    if (!v.isValid() || qstrcmp(v.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(v.constData());
}

struct StatementDeleter
{
    void operator()(sqlite3_stmt *s) const { sqlite3_finalize(s); }
};
using StatementPtr = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

int bindVariant(sqlite3_stmt *statement, int index, const QVariant &v)
{
    if (!v.isValid() || v.isNull())
        return sqlite3_bind_null(statement, index);
    switch (v.typeId()) {
    case QMetaType::Bool:
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
        return sqlite3_bind_int64(statement, index, v.toLongLong());
    case QMetaType::Double:
        return sqlite3_bind_double(statement, index, v.toDouble());
    case QMetaType::QByteArray: {
        const QByteArray b = v.toByteArray();
        return sqlite3_bind_blob64(statement, index, b.constData(), sqlite3_uint64(b.size()), SQLITE_TRANSIENT);
    }
    default: {
        const QByteArray text = v.toString().toUtf8();
        return sqlite3_bind_text64(statement, index, text.constData(), sqlite3_uint64(text.size()), SQLITE_TRANSIENT,
                                   SQLITE_UTF8);
    }
    }
}

// How a column's values become JSON text.
enum class ColumnKind : quint8 { Integer, Number, Boolean, Text, Enum, Json, Deleted };

QByteArrayView columnText(sqlite3_stmt *statement, int column)
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(statement, column));
    return QByteArrayView(text, sqlite3_column_bytes(statement, column));
}

} // namespace

Result<JsonPage> SqliteStore::scanBaseJson(const ModelSchema &model, const Schema &schema, const BaseScan &scan)
{
    sqlite3 *db = sqliteHandle(QSqlDatabase::database(m_connectionName, false));
    if (!db)
        return ServerStore::scanBaseJson(model, schema, scan);
    const auto prepare = [db](const Statement &s, StatementPtr *out) {
        const QByteArray sql = s.sql.toUtf8();
        sqlite3_stmt *statement = nullptr;
        const int rc = sqlite3_prepare_v2(db, sql.constData(), int(sql.size()), &statement, nullptr);
        out->reset(statement);
        return rc == SQLITE_OK;
    };
    const auto failure = [db, &model] {
        const int code = sqlite3_errcode(db) & 0xff;
        const bool busy = code == SQLITE_BUSY || code == SQLITE_LOCKED;
        return Error(Error::Domain::Storage, busy ? u"DatabaseLocked"_s : u"StorageError"_s,
                     u"scan "_s % model.name % u": "_s % QString::fromUtf8(sqlite3_errmsg(db)), busy);
    };
    Statement statement = baseStatement(model, scan, true);
    StatementPtr q;
    if (!prepare(statement, &q)) {
        if (!scan.plan || !scan.plan->usesIndex() || scan.plan->isPrimaryKey())
            return failure();
        qCWarning(lcServerData).noquote() << "SQLite cannot use index" << scan.plan->index << "for a scan of"
                                          << model.name << "(" << sqlite3_errmsg(db) << "); running unpinned";
        statement = baseStatement(model, scan, false);
        if (!prepare(statement, &q))
            return failure();
    }
    for (qsizetype i = 0; i < statement.bindings.size(); ++i) {
        if (bindVariant(q.get(), int(i) + 1, statement.bindings.at(i)) != SQLITE_OK)
            return failure();
    }

    JsonPage page;
    page.rows = std::make_shared<JsonRows>(model, schema);
    JsonRows &rows = *page.rows;
    std::vector<ColumnKind> kinds;
    for (int c = 0; c < rows.columnCount(); ++c) {
        const FieldSchema *field = rows.field(c);
        ColumnKind kind = ColumnKind::Text;
        if (!field)
            kind = c == rows.columnCount() - 1 ? ColumnKind::Deleted : ColumnKind::Integer;
        else if (isJsonColumn(*field))
            kind = ColumnKind::Json;
        else if (rows.isEnum(c))
            kind = ColumnKind::Enum;
        else if (field->type.kind == FieldType::Kind::Scalar) {
            switch (field->type.scalar) {
            case ScalarType::Int:
            case ScalarType::AWSTimestamp: kind = ColumnKind::Integer; break;
            case ScalarType::Float: kind = ColumnKind::Number; break;
            case ScalarType::Boolean: kind = ColumnKind::Boolean; break;
            default: break;
            }
        }
        kinds.push_back(kind);
    }
    rows.reserve(scan.limit, 256);
    const int columns = rows.columnCount();
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
        if (rows.size() == scan.limit) {
            page.hasMore = true;
            break;
        }
        for (int c = 0; c < columns; ++c) {
            if (sqlite3_column_type(q.get(), c) == SQLITE_NULL) {
                rows.appendNull();
                continue;
            }
            switch (kinds[size_t(c)]) {
            case ColumnKind::Integer: rows.appendInteger(sqlite3_column_int64(q.get(), c)); break;
            case ColumnKind::Number: rows.appendNumber(sqlite3_column_double(q.get(), c)); break;
            case ColumnKind::Boolean: rows.appendBoolean(sqlite3_column_int64(q.get(), c) != 0); break;
            case ColumnKind::Text: rows.appendString(columnText(q.get(), c)); break;
            case ColumnKind::Enum: rows.appendEnum(c, columnText(q.get(), c)); break;
            case ColumnKind::Json: rows.appendJson(columnText(q.get(), c)); break;
            case ColumnKind::Deleted:
                sqlite3_column_int64(q.get(), c) != 0 ? rows.appendBoolean(true) : rows.appendNull();
                break;
            }
        }
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return failure();
    page.lastKey = rows.lastValues(scan.orderFields);
    return page;
}

SqliteStore::Statement SqliteStore::deltaStatement(const ModelSchema &model, const DeltaScan &scan,
                                                   qint64 afterSeq) const
{
    predicate::SqlOptions options;
    options.dialect = predicate::SqlDialect::SQLite;
    options.column = [](const FieldSchema &field) -> QString {   // not a dangling QStringBuilder
        return u"json_extract(\"item\", '$."_s % field.name % u"')"_s;
    };
    const predicate::SqlFragment filter = predicate::toSql(scan.filter, model, options);
    // One model's changes in commit order straight off (model, seq): each
    // page seeks past the last one and nothing is sorted.
    Statement statement;
    statement.sql = u"SELECT \"seq\", \"item\" FROM \"_delta\" INDEXED BY \"_delta_model_seq\" WHERE \"model\" = ? "
                    "AND \"seq\" > ? AND \"seq\" <= ? AND \"_lastChangedAt\" >= ? AND \"_ttl\" > ? AND ("_s
        % filter.sql % u") ORDER BY \"seq\" LIMIT "_s % QString::number(scan.limit + 1);
    statement.bindings = {model.name, afterSeq, scan.maxSeq, scan.sinceMs, scan.nowSeconds};
    statement.bindings += filter.bindings;
    return statement;
}

Result<std::optional<qint64>> SqliteStore::deltaStart(const ModelSchema &model, const DeltaScan &scan)
{
    if (scan.afterSeq > 0)
        return std::optional<qint64>(scan.afterSeq);
    // The first page starts before the model's first change since sinceMs,
    // found in the (model, _lastChangedAt) index alone: older changes are
    // never read.
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.setForwardOnly(true);
    q.prepare(u"SELECT MIN(\"seq\") FROM \"_delta\" INDEXED BY \"_delta_model_time\" WHERE \"model\" = ? "
              "AND \"_lastChangedAt\" >= ?"_s);
    q.addBindValue(model.name);
    q.addBindValue(scan.sinceMs);
    if (!q.exec() || !q.next())
        return storageError(u"delta scan "_s % model.name, q.lastError());
    if (q.value(0).isNull())
        return std::optional<qint64>();   // no change since then
    return std::optional<qint64>(q.value(0).toLongLong() - 1);
}

Result<Page> SqliteStore::scanDelta(const ModelSchema &model, const DeltaScan &scan)
{
    const Result<std::optional<qint64>> start = deltaStart(model, scan);
    if (!start)
        return start.error();
    if (!start->has_value())
        return Page{};
    const Statement statement = deltaStatement(model, scan, **start);
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.setForwardOnly(true);
    if (!q.prepare(statement.sql))
        return storageError(u"delta scan "_s % model.name, q.lastError());
    for (qsizetype i = 0; i < statement.bindings.size(); ++i)
        q.bindValue(int(i), statement.bindings.at(i));
    if (!q.exec())
        return storageError(u"delta scan "_s % model.name, q.lastError());
    Page page;
    while (q.next()) {
        if (page.items.size() == scan.limit) {
            page.hasMore = true;
            break;
        }
        page.lastSeq = q.value(0).toLongLong();
        page.items.append(QJsonDocument::fromJson(q.value(1).toString().toUtf8()).object());
    }
    return page;
}

Result<ScanExplanation> SqliteStore::explainStatement(const ModelSchema &model, const Statement &statement)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.setForwardOnly(true);
    if (!q.prepare(u"EXPLAIN QUERY PLAN "_s % statement.sql))
        return storageError(u"explain a scan of "_s % model.name, q.lastError());
    for (qsizetype i = 0; i < statement.bindings.size(); ++i)
        q.bindValue(int(i), statement.bindings.at(i));
    if (!q.exec())
        return storageError(u"explain a scan of "_s % model.name, q.lastError());
    ScanExplanation explanation;
    explanation.sql = statement.sql;
    explanation.bindings = statement.bindings;
    static const QRegularExpression usingIndex(u"USING (?:COVERING )?INDEX (\\S+)"_s);
    const QString ownPrefix = u"idx_"_s % model.name % u'_';
    while (q.next()) {
        const QString detail = q.value(3).toString();
        explanation.databasePlan.append(detail);
        if (detail.contains(u"TEMP B-TREE FOR ORDER BY"))
            explanation.sorts = true;
        if (!explanation.databaseIndex.isEmpty())
            continue;
        if (const QRegularExpressionMatch m = usingIndex.match(detail); m.hasMatch()) {
            const QString name = m.captured(1);
            explanation.databaseIndex = name.startsWith(ownPrefix) ? name.mid(ownPrefix.size()) : name;
        } else if (detail.contains(u"USING PRIMARY KEY") || detail.contains(u"USING INTEGER PRIMARY KEY")) {
            explanation.databaseIndex = ScanPlan::kPrimaryKey.toString();
        }
    }
    return explanation;
}

Result<ScanExplanation> SqliteStore::explainBase(const ModelSchema &model, const BaseScan &scan)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    const Result<Statement> statement = prepareBase(q, model, scan);
    if (!statement)
        return statement.error();
    q.finish();
    return explainStatement(model, *statement);
}

Result<ScanExplanation> SqliteStore::explainDelta(const ModelSchema &model, const DeltaScan &scan)
{
    return explainStatement(model, deltaStatement(model, scan, scan.afterSeq));
}

Result<qint64> SqliteStore::lastDeltaSeq()
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.exec(u"SELECT COALESCE(MAX(\"seq\"), 0) FROM \"_delta\""_s) || !q.next())
        return storageError(u"delta log end"_s, q.lastError());
    return q.value(0).toLongLong();
}

Result<qint64> SqliteStore::count(const ModelSchema &model)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.exec(u"SELECT COUNT(*) FROM "_s % quoted(model.name)) || !q.next())
        return storageError(u"count "_s % model.name, q.lastError());
    return q.value(0).toLongLong();
}

Result<qint64> SqliteStore::countBase(const ModelSchema &model, const BaseScan &scan)
{
    BaseScan all = scan;
    all.after = QJsonArray();
    all.limit = std::numeric_limits<int>::max() - 1;
    QSqlQuery probe(QSqlDatabase::database(m_connectionName, false));
    const Result<Statement> statement = prepareBase(probe, model, all);
    if (!statement)
        return statement.error();
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.setForwardOnly(true);
    if (!q.prepare(u"SELECT COUNT(*) FROM ("_s % statement->sql % u")"_s))
        return storageError(u"count "_s % model.name, q.lastError());
    for (qsizetype i = 0; i < statement->bindings.size(); ++i)
        q.bindValue(int(i), statement->bindings.at(i));
    if (!q.exec() || !q.next())
        return storageError(u"count "_s % model.name, q.lastError());
    return q.value(0).toLongLong();
}

Result<SweepResult> SqliteStore::sweep(const Schema &schema, qint64 nowSeconds)
{
    SweepResult result;
    if (Result<void> r = beginWrite(); !r)
        return r.error();
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.prepare(u"DELETE FROM \"_delta\" WHERE \"_ttl\" <= ?"_s);
    q.addBindValue(nowSeconds);
    if (!q.exec()) {
        rollback();
        return storageError(u"sweep the delta log"_s, q.lastError());
    }
    result.deltaRows = q.numRowsAffected();
    for (const ModelSchema &m : schema.models()) {
        const QString &model = m.name;
        q.prepare(u"DELETE FROM "_s % quoted(model) % u" WHERE \"_deleted\" = 1 AND \"_ttl\" IS NOT NULL AND \"_ttl\" <= ?"_s);
        q.addBindValue(nowSeconds);
        if (!q.exec()) {
            rollback();
            return storageError(u"sweep "_s % model, q.lastError());
        }
        result.tombstones += q.numRowsAffected();
    }
    if (Result<void> r = commit(); !r)
        return r.error();
    return result;
}

} // namespace ds::server::data

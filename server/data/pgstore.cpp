#include <limits>
#include "data/pgstore.h"

#include "data/logging_p.h"
#include "data/pgnotify_p.h"
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

#include <functional>

using namespace Qt::StringLiterals;

namespace ds::server::data {

namespace {

QAtomicInteger<quint64> s_connectionCounter;

// "$first, $first+1, ..." (n of them).
QString placeholders(int first, qsizetype n)
{
    QStringList marks;
    for (qsizetype i = 0; i < n; ++i)
        marks.append(u'$' % QString::number(first + int(i)));
    return marks.join(u", "_s);
}

// Appends a binding, returns its placeholder.
QString bind(QVariantList *bindings, const QVariant &value)
{
    bindings->append(value);
    return u'$' % QString::number(bindings->size());
}

bool isBooleanScalar(const FieldSchema &field)
{
    return !isJsonColumn(field) && field.type.kind == FieldType::Kind::Scalar
           && field.type.scalar == ScalarType::Boolean;
}

// A string literal of a schema name (field names are GraphQL names; escaped anyway).
QString nameLiteral(const QString &name)
{
    QString escaped = name;
    escaped.replace(u'\'', u"''"_s);
    return u'\'' % escaped % u'\'';
}

// The typed SQL expression of a field inside a delta row's jsonb "item".
QString deltaColumn(const FieldSchema &field)
{
    const QString name = nameLiteral(field.name);
    if (isJsonColumn(field))
        return u"CAST(NULLIF(\"item\"->"_s % name % u", CAST('null' AS jsonb)) AS text)"_s;
    const QString text = u"(\"item\"->>"_s % name % u')';
    if (field.type.kind == FieldType::Kind::Scalar) {
        switch (field.type.scalar) {
        case ScalarType::Int:
        case ScalarType::AWSTimestamp:
            return u"CAST("_s % text % u" AS bigint)"_s;
        case ScalarType::Float:
            return u"CAST("_s % text % u" AS double precision)"_s;
        case ScalarType::Boolean:
            return u"CAST("_s % text % u" AS boolean)"_s;
        default:
            break;
        }
    }
    return text;
}

// The planner settings of a planned scan (SET LOCAL: the end of the
// transaction restores them). Disabled paths are not forbidden, only priced
// out: the index whose order is the ORDER BY is the one path left without a
// seq scan, a bitmap scan or a sort.
const QString kFollowPlan = u"SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off; "
                            "SET LOCAL enable_sort = off"_s;
const QString kDefaultPlanSettings = u"SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL enable_bitmapscan TO DEFAULT; "
                                     "SET LOCAL enable_sort TO DEFAULT"_s;

QAtomicInteger<quint64> s_explainCounter;

// An ORDER BY term in SQLite's order: NULLs first ascending, last
// descending. Primary-key fields are never NULL: PostgreSQL's default there
// (NULLS LAST ascending) is the same order and the primary key index's.
QString orderTerm(const ModelSchema &model, const QString &field, bool descending)
{
    if (model.primaryKey.contains(field))
        return quoted(field) % (descending ? u" DESC"_s : u" ASC"_s);
    return quoted(field) % (descending ? u" DESC NULLS LAST"_s : u" ASC NULLS FIRST"_s);
}

// An identifier as EXPLAIN prints it, unquoted.
QString unquoted(const QString &name)
{
    if (name.size() >= 2 && name.startsWith(u'"') && name.endsWith(u'"'))
        return name.mid(1, name.size() - 2).replace(u"\"\""_s, u"\""_s);
    return name;
}

} // namespace

PgStore::PgStore()
    : m_connectionName(u"server.pg."_s % QString::number(s_connectionCounter.fetchAndAddRelaxed(1)))
{
}

PgStore::~PgStore()
{
    close();
}

Error PgStore::failure(const QString &what, const QSqlError &e)
{
    const QString state = e.nativeErrorCode();
    // 08xxx: connection exceptions; 57Pxx: the server shut down; no state:
    // libpq lost the connection itself.
    const bool connectionLost = state.isEmpty() || state.startsWith(u"08") || state.startsWith(u"57P")
                                || e.type() == QSqlError::ConnectionError;
    if (connectionLost)
        m_broken = true;
    // 40001 serialization failure, 40P01 deadlock, 55P03 lock not available.
    const bool transient = connectionLost || state == u"40001" || state == u"40P01" || state == u"55P03";
    return Error(Error::Domain::Storage, transient ? u"DatabaseBusy"_s : u"StorageError"_s,
                 what % u": "_s % e.text(), transient);
}

Result<void> PgStore::open(const DatabaseSpec &spec)
{
    m_spec = spec;
    QSqlDatabase db = spec.openConnection(m_connectionName);
    if (!db.isOpen())
        return failure(u"cannot connect to "_s % spec.displayName(), db.lastError());
    m_broken = false;
    m_inTransaction = false;
    // Readers see what committed before each statement; byte-order text; UTC.
    return exec(u"SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED"_s);
}

void PgStore::close()
{
    qDeleteAll(m_statements);
    m_statements.clear();
    removeConnection(m_connectionName);
}

Result<void> PgStore::reopenIfBroken()
{
    if (!m_broken || m_inTransaction)
        return {};
    qCWarning(lcServerData).noquote() << "reconnecting to" << m_spec.displayName();
    close();
    return open(m_spec);
}

template<typename F>
auto PgStore::retrying(F f) -> decltype(f())
{
    auto r = f();
    if (!r && m_broken && !m_inTransaction && reopenIfBroken())
        r = f();
    return r;
}

template<typename F>
auto PgStore::followingPlan(F f) -> decltype(f())
{
    const bool own = !m_inTransaction;
    if (Result<void> r = exec(own ? QString(u"BEGIN READ ONLY; "_s % kFollowPlan) : kFollowPlan); !r) {
        if (own)
            exec(u"ROLLBACK"_s);
        return r.error();
    }
    auto r = f();
    if (own)
        exec(r ? u"COMMIT"_s : u"ROLLBACK"_s);
    else
        exec(kDefaultPlanSettings);
    return r;
}

Result<void> PgStore::exec(const QString &sql)
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    if (!q.exec(sql))
        return failure(sql.left(60), q.lastError());
    return {};
}

Result<QSqlQuery *> PgStore::cached(const QString &key, const QString &sql)
{
    if (QSqlQuery *q = m_statements.value(key))
        return q;
    auto *q = new QSqlQuery(QSqlDatabase::database(m_connectionName, false));
    if (!q->prepare(sql)) {
        const Error error = failure(u"prepare "_s % key, q->lastError());
        delete q;
        return error;
    }
    m_statements.insert(key, q);
    return q;
}

Result<std::shared_ptr<QSqlQuery>> PgStore::run(const PgStatement &statement, const QString &what)
{
    auto q = std::make_shared<QSqlQuery>(QSqlDatabase::database(m_connectionName, false));
    q->setForwardOnly(true);
    if (!q->prepare(statement.sql))
        return failure(what, q->lastError());
    for (qsizetype i = 0; i < statement.bindings.size(); ++i)
        q->bindValue(int(i), statement.bindings.at(i));
    if (!q->exec())
        return failure(what, q->lastError());
    return q;
}

QString PgStore::pgType(const FieldSchema &field)
{
    if (isJsonColumn(field) || field.type.kind != FieldType::Kind::Scalar)
        return u"text COLLATE \"C\""_s;
    switch (field.type.scalar) {
    case ScalarType::Int:
    case ScalarType::AWSTimestamp:
        return u"bigint"_s;
    case ScalarType::Float:
        return u"double precision"_s;
    case ScalarType::Boolean:
        return u"boolean"_s;
    default:
        return u"text COLLATE \"C\""_s;
    }
}

QVariant PgStore::toPgColumn(const FieldSchema &field, const QJsonValue &wire)
{
    if (isBooleanScalar(field) && !(wire.isNull() || wire.isUndefined()))
        return QVariant(wire.toBool());
    return toColumn(field, wire);
}

Result<void> PgStore::prepareSchema(const Schema &schema)
{
    if (Result<void> r = beginWrite(); !r)
        return r;
    auto fail = [this](Result<void> r) { rollback(); return r; };
    const QStringList statements{
        u"CREATE TABLE IF NOT EXISTS \"_server_meta\" (\"key\" text PRIMARY KEY, \"value\" bytea)"_s,
        u"CREATE TABLE IF NOT EXISTS \"_delta\" (\"seq\" bigserial PRIMARY KEY, "
        "\"model\" text NOT NULL, \"key\" text NOT NULL, \"_version\" bigint NOT NULL, "
        "\"_lastChangedAt\" bigint NOT NULL, \"_ttl\" bigint NOT NULL, \"item\" jsonb NOT NULL)"_s,
        u"CREATE INDEX IF NOT EXISTS \"_delta_model_time\" ON \"_delta\" (\"model\", \"_lastChangedAt\")"_s,
        u"CREATE INDEX IF NOT EXISTS \"_delta_ttl\" ON \"_delta\" (\"_ttl\")"_s,
        // Delta pages read one model's changes in commit order off this one.
        u"CREATE INDEX IF NOT EXISTS \"_delta_model_seq\" ON \"_delta\" (\"model\", \"seq\")"_s,
        // fetchChange(): a change read back by another instance.
        u"CREATE INDEX IF NOT EXISTS \"_delta_model_key\" ON \"_delta\" (\"model\", \"key\", \"_version\")"_s,
    };
    for (const QString &sql : statements) {
        if (Result<void> r = exec(sql); !r)
            return fail(r);
    }
    for (const ModelSchema &model : schema.models()) {
        const QString table = quoted(model.name);
        if (Result<void> r = exec(u"CREATE TABLE IF NOT EXISTS "_s % table % u" ("_s
                                  % tableColumns(model, pgType, u"bigint"_s) % u')');
            !r)
            return fail(r);
        // Fields added to the schema since the table was made.
        Result<std::shared_ptr<QSqlQuery>> info = run(
            {u"SELECT \"column_name\" FROM information_schema.columns WHERE \"table_schema\" = current_schema() "
             "AND \"table_name\" = $1"_s,
             {model.name}},
            u"columns of "_s % model.name);
        if (!info)
            return fail(info.error());
        QSet<QString> existing;
        QSqlQuery &columnsQuery = **info;
        while (columnsQuery.next())
            existing.insert(columnsQuery.value(0).toString());
        columnsQuery.finish();
        for (const FieldSchema *field : model.storedFields()) {
            if (existing.contains(field->name))
                continue;
            qCInfo(lcServerData).noquote() << "adding column" << model.name % u'.' % field->name;
            if (Result<void> r = exec(u"ALTER TABLE "_s % table % u" ADD COLUMN "_s % quoted(field->name) % u' '
                                      % pgType(*field));
                !r)
                return fail(r);
        }
        for (const IndexSchema &index : model.indexes) {
            if (Result<void> r = ensureIndex(model, index); !r)
                return fail(r);
        }
        if (Result<void> r = exec(u"CREATE INDEX IF NOT EXISTS "_s % quoted(u"ttl_"_s % model.name) % u" ON "_s % table
                                  % u" (\"_ttl\") WHERE \"_ttl\" IS NOT NULL"_s);
            !r)
            return fail(r);
    }
    return commit();
}

QString PgStore::indexColumns(const ModelSchema &model, const IndexSchema &index)
{
    QStringList fields = index.fields;
    for (const QString &f : model.primaryKey) {
        if (!fields.contains(f))
            fields.append(f);
    }
    QStringList columns;
    for (const QString &f : std::as_const(fields))
        columns.append(model.primaryKey.contains(f) ? quoted(f) : quoted(f) % u" NULLS FIRST"_s);
    return columns.join(u", "_s);
}

Result<void> PgStore::ensureIndex(const ModelSchema &model, const IndexSchema &index)
{
    // The definition is kept as the index's comment: an index made before
    // (by an older server: the bare fields, NULLs last, no primary key) or
    // for other fields is rebuilt.
    const QString name = quoted(u"idx_"_s % model.name % u'_' % index.name);
    const QString columns = indexColumns(model, index);
    const QString definition = u"datastore index ("_s % columns % u')';
    Result<std::shared_ptr<QSqlQuery>> existing =
        run({u"SELECT COALESCE(obj_description(\"oid\", 'pg_class'), '') FROM pg_class WHERE \"oid\" = to_regclass($1)"_s,
             {name}},
            u"index "_s % name);
    if (!existing)
        return existing.error();
    QSqlQuery &q = **existing;
    if (q.next()) {
        if (q.value(0).toString() == definition)
            return {};
        qCInfo(lcServerData).noquote() << "rebuilding index" << name << u"as ("_s % columns % u')';
        if (Result<void> r = exec(u"DROP INDEX "_s % name); !r)
            return r;
    }
    q.finish();
    if (Result<void> r = exec(u"CREATE INDEX "_s % name % u" ON "_s % quoted(model.name) % u" ("_s % columns % u')'); !r)
        return r;
    // A schema text (GraphQL names), not a value: COMMENT takes no parameters.
    return exec(u"COMMENT ON INDEX "_s % name % u" IS "_s % nameLiteral(definition));
}

Result<QByteArray> PgStore::tokenSecret()
{
    QByteArray secret(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(secret.data()), secret.size() / 4);
    // Another instance may have stored one first: keep that and read it back.
    if (Result<std::shared_ptr<QSqlQuery>> r = run({u"INSERT INTO \"_server_meta\" (\"key\", \"value\") VALUES ('tokenSecret', $1) "
                                   "ON CONFLICT (\"key\") DO NOTHING"_s,
                                   {secret}},
                                  u"store the token key"_s);
        !r)
        return r.error();
    Result<std::shared_ptr<QSqlQuery>> r = run({u"SELECT \"value\" FROM \"_server_meta\" WHERE \"key\" = 'tokenSecret'"_s, {}},
                              u"read the token key"_s);
    if (!r)
        return r.error();
    QSqlQuery &q = **r;
    if (!q.next())
        return Error(Error::Domain::Storage, u"StorageError"_s, u"the token key is missing"_s);
    return q.value(0).toByteArray();
}

Result<void> PgStore::beginWrite()
{
    if (m_inTransaction)
        rollback();   // a transaction left open by a failed call
    if (Result<void> r = reopenIfBroken(); !r)
        return r;
    // One round trip: the transaction and its lock (released at COMMIT/ROLLBACK).
    const QString begin = u"BEGIN; SELECT pg_advisory_xact_lock("_s % QString::number(tuning::kPgWriteLockKey) % u')';
    if (Result<void> r = retrying([this, &begin] { return exec(begin); }); !r) {
        rollback();
        return r;
    }
    m_inTransaction = true;
    return {};
}

Result<void> PgStore::commit()
{
    Result<void> r = exec(u"COMMIT"_s);
    if (!r)
        rollback();
    m_inTransaction = false;
    return r;
}

void PgStore::rollback()
{
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.exec(u"ROLLBACK"_s);
    m_inTransaction = false;
}

Result<std::optional<QJsonObject>> PgStore::fetch(const ModelSchema &model, const QJsonArray &key)
{
    return retrying([&] { return fetchOnce(model, key); });
}

Result<std::optional<QJsonObject>> PgStore::fetchOnce(const ModelSchema &model, const QJsonArray &key)
{
    if (Result<void> r = reopenIfBroken(); !r)
        return r.error();
    QStringList where;
    for (qsizetype i = 0; i < model.primaryKey.size(); ++i)
        where.append(quoted(model.primaryKey.at(i)) % u" = $"_s % QString::number(i + 1));
    Result<QSqlQuery *> cachedQuery = cached(u"fetch:"_s % model.name,
                                             u"SELECT "_s % itemColumns(model) % u" FROM "_s % quoted(model.name)
                                                 % u" WHERE "_s % where.join(u" AND "_s));
    if (!cachedQuery)
        return cachedQuery.error();
    QSqlQuery *q = *cachedQuery;
    for (qsizetype i = 0; i < model.primaryKey.size(); ++i) {
        const FieldSchema *field = model.field(model.primaryKey.at(i));
        q->bindValue(int(i), field ? toPgColumn(*field, key.at(i)) : key.at(i).toVariant());
    }
    if (!q->exec())
        return failure(u"fetch "_s % model.name, q->lastError());
    std::optional<QJsonObject> item;
    if (q->next())
        item = itemFromRow(model, *q);
    q->finish();
    return item;
}

Result<void> PgStore::upsert(const ModelSchema &model, const QJsonObject &item, qint64 ttl)
{
    QSqlQuery *q = m_statements.value(u"put:"_s % model.name);
    if (!q) {
        Result<QSqlQuery *> prepared =
            cached(u"put:"_s % model.name, upsertSql(model, placeholders(1, upsertColumnCount(model))));
        if (!prepared)
            return prepared.error();
        q = *prepared;
    }
    const QVariantList values = upsertValues(model, item, ttl, toPgColumn);
    for (qsizetype i = 0; i < values.size(); ++i)
        q->bindValue(int(i), values.at(i));
    if (!q->exec())
        return failure(u"write "_s % model.name, q->lastError());
    return {};
}

Result<void> PgStore::put(const ModelSchema &model, const QJsonObject &item, const WriteMeta &meta)
{
    if (Result<void> r = upsert(model, item, meta.tombstoneTtlSeconds); !r)
        return r;
    Result<QSqlQuery *> prepared =
        cached(u"delta"_s,
               u"INSERT INTO \"_delta\" (\"model\", \"key\", \"_version\", \"_lastChangedAt\", \"_ttl\", \"item\") "
               "VALUES ($1, $2, $3, $4, $5, $6)"_s);
    if (!prepared)
        return prepared.error();
    QSqlQuery *q = *prepared;
    q->bindValue(0, model.name);
    q->bindValue(1, compactJson(keyOf(model, item)));
    q->bindValue(2, item.value(u"_version"_s).toInteger());
    q->bindValue(3, item.value(u"_lastChangedAt"_s).toInteger());
    q->bindValue(4, meta.deltaTtlSeconds);
    q->bindValue(5, compactJson(item));
    if (!q->exec())
        return failure(u"write the delta log"_s, q->lastError());
    return {};
}

Result<void> PgStore::putBase(const ModelSchema &model, const QJsonObject &item)
{
    return upsert(model, item, 0);
}

Result<void> PgStore::announce(const ModelSchema &model, const ServerChange &change)
{
    const QByteArray payload = pgnotify::encode(model, change);
    if (payload.isEmpty()) {
        qCWarning(lcServerData).noquote() << "a change of" << model.name << "is too large to announce";
        return {};
    }
    return notify(pgnotify::channel(), QString::fromUtf8(payload));
}

Result<void> PgStore::notify(const QString &channel, const QString &payload)
{
    if (Result<void> r = reopenIfBroken(); !r)
        return r;
    Result<QSqlQuery *> q = cached(u"notify"_s, u"SELECT pg_notify($1, $2)"_s);
    if (!q)
        return q.error();
    (*q)->bindValue(0, channel);
    (*q)->bindValue(1, payload);
    if (!(*q)->exec())
        return failure(u"notify"_s, (*q)->lastError());
    (*q)->finish();
    return {};
}

Result<std::optional<QJsonObject>> PgStore::fetchChange(const ModelSchema &model, const QJsonArray &key,
                                                        qint64 version)
{
    if (Result<void> r = reopenIfBroken(); !r)
        return r.error();
    Result<std::shared_ptr<QSqlQuery>> r = run({u"SELECT \"item\" FROM \"_delta\" WHERE \"model\" = $1 AND \"key\" = $2 "
                               "AND \"_version\" = $3 ORDER BY \"seq\" DESC LIMIT 1"_s,
                               {model.name, compactJson(key), version}},
                              u"read a change of "_s % model.name);
    if (!r)
        return r.error();
    QSqlQuery &q = **r;
    if (q.next())
        return std::optional<QJsonObject>(QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object());
    return fetch(model, key);
}

PgStatement PgStore::baseScanSql(const ModelSchema &model, const BaseScan &scan)
{
    const std::optional<ScanPlan> &plan = scan.plan;
    const QStringList constrained = plan ? plan->constrainedFields() : QStringList();
    predicate::SqlOptions options;
    options.dialect = predicate::SqlDialect::PostgreSQL;
    options.firstParameter = 1;
    const predicate::SqlFragment filter = predicate::toSql(scan.filter, model, options);
    PgStatement out;
    out.bindings = filter.bindings;
    QStringList where{u"("_s % filter.sql % u')'};
    if (!scan.after.isEmpty()) {
        QStringList fields = scan.orderFields;
        QVariantList values;
        for (qsizetype i = 0; i < fields.size(); ++i) {
            const FieldSchema *field = model.field(fields.at(i));
            values.append(field ? toPgColumn(*field, scan.after.at(i)) : scan.after.at(i).toVariant());
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
        QList<QString> marks(values.size());
        KeysetSql sql;
        sql.mark = [&](qsizetype i) {   // each value bound once, its $n reused
            if (marks.at(i).isEmpty())
                marks[i] = bind(&out.bindings, values.at(i));
            return marks.at(i);
        };
        sql.falseLiteral = u"FALSE"_s;
        sql.boundFirstColumn = true;
        where.append(keysetCondition(fields, values, scan.descending, neverNull, sql));
    }
    if (plan && !plan->rangeField.isEmpty()) {
        // beginsWith is starts_with() in SQL, which no B-tree serves: add the
        // equivalent range prefix <= value < upper bound (byte order, as
        // the columns' "C" collation compares).
        for (const Predicate &c : topLevelConjuncts(scan.filter)) {
            if (c.kind() != Predicate::Kind::Comparison || c.field() != plan->rangeField
                || c.op() != Predicate::Op::BeginsWith || !c.value().isValid() || c.value().isNull())
                continue;
            const QString prefix = c.value().toString();
            where.append(quoted(c.field()) % u" >= "_s % bind(&out.bindings, prefix));
            if (const QString upper = prefixUpperBound(prefix); !upper.isEmpty())
                where.append(quoted(c.field()) % u" < "_s % bind(&out.bindings, upper));
        }
    }
    if (scan.deleted == BaseScan::Deleted::LiveOnly) {
        where.append(u"\"_deleted\" = 0"_s);
    } else {
        where.append(u"(\"_deleted\" = 0 OR \"_ttl\" IS NULL OR \"_ttl\" > "_s % bind(&out.bindings, scan.nowSeconds)
                     % u')');
        if (scan.deleted == BaseScan::Deleted::TombstonesOnly)
            where.append(u"\"_deleted\" = 1"_s);
    }
    QStringList order;
    for (const QString &f : scan.orderFields)
        order.append(orderTerm(model, f, scan.descending));
    out.sql = u"SELECT "_s % itemColumns(model) % u" FROM "_s % quoted(model.name) % u" WHERE "_s
              % where.join(u" AND "_s) % u" ORDER BY "_s % order.join(u", "_s) % u" LIMIT "_s
              % QString::number(scan.limit + 1);
    return out;
}

Result<Page> PgStore::readBase(const ModelSchema &model, const BaseScan &scan)
{
    Result<std::shared_ptr<QSqlQuery>> r = run(baseScanSql(model, scan), u"scan "_s % model.name);
    if (!r)
        return r.error();
    QSqlQuery &q = **r;
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

Result<Page> PgStore::scanBase(const ModelSchema &model, const BaseScan &scan)
{
    if (Result<void> r = reopenIfBroken(); !r)
        return r.error();
    // A planned scan reads by its index (see pgstore.h); without a plan (a
    // token from before a plan change) the planner chooses.
    return retrying([&] {
        return scan.plan ? followingPlan([&] { return readBase(model, scan); }) : readBase(model, scan);
    });
}

PgStatement PgStore::deltaScanSql(const ModelSchema &model, const DeltaScan &scan)
{
    PgStatement out;
    out.bindings = {model.name, scan.sinceMs, scan.afterSeq, scan.maxSeq, scan.nowSeconds};
    predicate::SqlOptions options;
    options.dialect = predicate::SqlDialect::PostgreSQL;
    options.firstParameter = int(out.bindings.size()) + 1;
    options.column = deltaColumn;
    const predicate::SqlFragment filter = predicate::toSql(scan.filter, model, options);
    out.bindings += filter.bindings;
    out.sql = u"SELECT \"seq\", \"item\" FROM \"_delta\" WHERE \"model\" = $1 AND \"_lastChangedAt\" >= $2 "
              "AND \"seq\" > $3 AND \"seq\" <= $4 AND \"_ttl\" > $5 AND ("_s
              % filter.sql % u") ORDER BY \"seq\" LIMIT "_s % QString::number(scan.limit + 1);
    return out;
}

Result<std::optional<qint64>> PgStore::deltaStart(const ModelSchema &model, const DeltaScan &scan)
{
    if (scan.afterSeq > 0)
        return std::optional<qint64>(scan.afterSeq);
    // The first page starts before the model's first change since sinceMs,
    // found in the (model, _lastChangedAt) index ("seq" + 0: not the MIN()
    // by the seq order of another index, which would walk the older changes).
    Result<std::shared_ptr<QSqlQuery>> r =
        run({u"SELECT MIN(\"seq\" + 0) FROM \"_delta\" WHERE \"model\" = $1 AND \"_lastChangedAt\" >= $2"_s,
             {model.name, scan.sinceMs}},
            u"delta scan "_s % model.name);
    if (!r)
        return r.error();
    QSqlQuery &q = **r;
    if (!q.next())
        return Error(Error::Domain::Storage, u"StorageError"_s, u"delta scan: no row"_s);
    if (q.value(0).isNull())
        return std::optional<qint64>();   // no change since then
    return std::optional<qint64>(q.value(0).toLongLong() - 1);
}

Result<Page> PgStore::scanDelta(const ModelSchema &model, const DeltaScan &scan)
{
    if (Result<void> r = reopenIfBroken(); !r)
        return r.error();
    return retrying([&]() -> Result<Page> {
        const Result<std::optional<qint64>> start = deltaStart(model, scan);
        if (!start)
            return start.error();
        if (!start->has_value())
            return Page{};
        DeltaScan from = scan;
        from.afterSeq = **start;
        // One model's changes in commit order straight off (model, seq).
        return followingPlan([&]() -> Result<Page> {
            Result<std::shared_ptr<QSqlQuery>> r = run(deltaScanSql(model, from), u"delta scan "_s % model.name);
            if (!r)
                return r.error();
            QSqlQuery &q = **r;
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
        });
    });
}

Result<ScanExplanation> PgStore::explainBase(const ModelSchema &model, const BaseScan &scan)
{
    if (Result<void> r = reopenIfBroken(); !r)
        return r.error();
    return retrying([&] { return explainStatement(model, baseScanSql(model, scan), scan.plan.has_value()); });
}

Result<ScanExplanation> PgStore::explainDelta(const ModelSchema &model, const DeltaScan &scan)
{
    if (Result<void> r = reopenIfBroken(); !r)
        return r.error();
    return retrying([&] { return explainStatement(model, deltaScanSql(model, scan), true); });
}

Result<ScanExplanation> PgStore::explainStatement(const ModelSchema &model, const PgStatement &statement,
                                                  bool planned)
{
    if (m_inTransaction)
        return Error(Error::Domain::Storage, u"StorageError"_s, u"explain inside a write transaction"_s);
    // EXPLAIN cannot be PREPAREd (QPSQL prepares every statement that has
    // bound values), so: PREPARE the statement itself (its text holds
    // placeholders only), pass the values as bound parameters into
    // transaction-local settings, and EXPLAIN EXECUTE it with arguments that
    // read them back, cast to the types PostgreSQL gave the parameters. The
    // plan is the custom plan of those values, as the scan's single EXECUTE
    // gets, under the same planner settings.
    const QString name = u"ds_explain_"_s % QString::number(s_explainCounter.fetchAndAddRelaxed(1));
    if (Result<void> r = exec(planned ? QString(u"BEGIN READ ONLY; "_s % kFollowPlan) : u"BEGIN READ ONLY"_s); !r) {
        exec(u"ROLLBACK"_s);
        return r.error();
    }
    bool prepared = false;
    auto finish = [&](Result<ScanExplanation> r) {
        exec(u"ROLLBACK"_s);
        if (prepared)
            exec(u"DEALLOCATE "_s % name);
        return r;
    };
    if (Result<void> r = exec(u"PREPARE "_s % name % u" AS "_s % statement.sql); !r)
        return finish(r.error());
    prepared = true;
    Result<std::shared_ptr<QSqlQuery>> types =
        run({u"SELECT CAST(\"t\" AS text) FROM pg_prepared_statements, unnest(\"parameter_types\") WITH ORDINALITY "
             "AS p(\"t\", \"n\") WHERE \"name\" = $1 ORDER BY \"n\""_s,
             {name}},
            u"explain "_s % model.name);
    if (!types)
        return finish(types.error());
    QStringList typeNames;
    while ((*types)->next())
        typeNames.append((*types)->value(0).toString());
    types->reset();
    if (typeNames.size() != statement.bindings.size())
        return finish(Error(Error::Domain::Storage, u"StorageError"_s, u"explain: parameter types"_s));
    PgStatement settings;
    QStringList calls;
    QStringList arguments;
    for (qsizetype i = 0; i < statement.bindings.size(); ++i) {
        const QVariant &value = statement.bindings.at(i);
        if (value.isNull()) {
            arguments.append(u"NULL"_s);
            continue;
        }
        const QString setting = u"'ds.explain_"_s % QString::number(i + 1) % u'\'';
        calls.append(u"set_config("_s % setting % u", "_s % bind(&settings.bindings, value.toString()) % u", TRUE)"_s);
        arguments.append(u"CAST(current_setting("_s % setting % u") AS "_s % typeNames.at(i) % u')');
    }
    if (!calls.isEmpty()) {
        settings.sql = u"SELECT "_s % calls.join(u", "_s);
        if (Result<std::shared_ptr<QSqlQuery>> r = run(settings, u"explain "_s % model.name); !r)
            return finish(r.error());
    }
    QSqlQuery q(QSqlDatabase::database(m_connectionName, false));
    q.setForwardOnly(true);
    if (!q.exec(u"EXPLAIN EXECUTE "_s % name % (arguments.isEmpty() ? QString() : u" ("_s % arguments.join(u", "_s) % u')')))
        return finish(failure(u"explain "_s % model.name, q.lastError()));
    QStringList lines;
    while (q.next())
        lines.append(q.value(0).toString());
    q.finish();
    ScanExplanation explanation;
    explanation.sql = statement.sql;
    explanation.bindings = statement.bindings;
    readPlan(model, lines, &explanation);
    return finish(explanation);
}

QString PgStore::indexOfPlanName(const ModelSchema &model, const QString &name)
{
    const QString ownPrefix = u"idx_"_s % model.name % u'_';
    if (name.startsWith(ownPrefix))
        return name.mid(ownPrefix.size());
    if (name == model.name % u"_pkey"_s)
        return ScanPlan::kPrimaryKey.toString();
    return name;
}

void PgStore::readPlan(const ModelSchema &model, const QStringList &lines, ScanExplanation *explanation)
{
    static const QRegularExpression indexNode(
        u"(?:Index Only Scan|Index Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\"(?:[^\"]|\"\")+\"|\\S+)"_s);
    static const QRegularExpression sortNode(u"^\\s*(?:->\\s+)?(?:Incremental )?Sort\\b"_s);
    explanation->databasePlan = lines;
    for (const QString &line : lines) {
        if (sortNode.match(line).hasMatch())
            explanation->sorts = true;
        if (!explanation->databaseIndex.isEmpty())
            continue;
        if (const QRegularExpressionMatch m = indexNode.match(line); m.hasMatch())
            explanation->databaseIndex = indexOfPlanName(model, unquoted(m.captured(1)));
    }
}

Result<qint64> PgStore::lastDeltaSeq()
{
    Result<std::shared_ptr<QSqlQuery>> r = run({u"SELECT COALESCE(MAX(\"seq\"), 0) FROM \"_delta\""_s, {}}, u"delta log end"_s);
    if (!r)
        return r.error();
    QSqlQuery &q = **r;
    if (!q.next())
        return Error(Error::Domain::Storage, u"StorageError"_s, u"delta log end: no row"_s);
    return q.value(0).toLongLong();
}

Result<qint64> PgStore::countBase(const ModelSchema &model, const BaseScan &scan)
{
    if (Result<void> r = reopenIfBroken(); !r)
        return r.error();
    BaseScan all = scan;
    all.after = QJsonArray();
    all.limit = std::numeric_limits<int>::max() - 1;
    PgStatement statement = baseScanSql(model, all);
    statement.sql = u"SELECT COUNT(*) FROM ("_s % statement.sql % u") AS \"rows\""_s;
    Result<std::shared_ptr<QSqlQuery>> r = retrying([&] { return run(statement, u"count "_s % model.name); });
    if (!r)
        return r.error();
    QSqlQuery &q = **r;
    if (!q.next())
        return Error(Error::Domain::Storage, u"StorageError"_s, u"count: no row"_s);
    return q.value(0).toLongLong();
}

Result<qint64> PgStore::count(const ModelSchema &model)
{
    if (Result<void> r = reopenIfBroken(); !r)
        return r.error();
    Result<std::shared_ptr<QSqlQuery>> r =
        retrying([&] { return run({u"SELECT COUNT(*) FROM "_s % quoted(model.name), {}}, u"count "_s % model.name); });
    if (!r)
        return r.error();
    QSqlQuery &q = **r;
    if (!q.next())
        return Error(Error::Domain::Storage, u"StorageError"_s, u"count: no row"_s);
    return q.value(0).toLongLong();
}

Result<SweepResult> PgStore::sweep(const Schema &schema, qint64 nowSeconds)
{
    SweepResult result;
    if (Result<void> r = beginWrite(); !r)
        return r.error();
    Result<std::shared_ptr<QSqlQuery>> deleted = run({u"DELETE FROM \"_delta\" WHERE \"_ttl\" <= $1"_s, {nowSeconds}},
                                    u"sweep the delta log"_s);
    if (!deleted) {
        rollback();
        return deleted.error();
    }
    result.deltaRows = (*deleted)->numRowsAffected();
    for (const ModelSchema &m : schema.models()) {
        Result<std::shared_ptr<QSqlQuery>> tombstones =
            run({u"DELETE FROM "_s % quoted(m.name)
                     % u" WHERE \"_deleted\" = 1 AND \"_ttl\" IS NOT NULL AND \"_ttl\" <= $1"_s,
                 {nowSeconds}},
                u"sweep "_s % m.name);
        if (!tombstones) {
            rollback();
            return tombstones.error();
        }
        result.tombstones += (*tombstones)->numRowsAffected();
    }
    if (Result<void> r = commit(); !r)
        return r.error();
    return result;
}

} // namespace ds::server::data

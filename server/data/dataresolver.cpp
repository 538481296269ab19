#include "data/dataresolver.h"

#include "data/changefeed.h"
#include "data/filterlimits.h"
#include "data/logging_p.h"
#include "data/tuning_p.h"
#include "data/values_p.h"

#include "predicate/appsync.h"
#include "predicate/evaluate.h"
#include "predicate/text.h"
#include "graphql/validation.h"

#include <QDateTime>
#include <QTimeZone>
#include <QUuid>

#include <algorithm>
#include <limits>

using namespace Qt::StringLiterals;

namespace ds::server::data {

using graphql::FieldRequest;
using graphql::FieldResult;

namespace {

const QString kConflictUnhandled = u"ConflictUnhandled"_s;
const QString kConditionFailed = u"ConditionalCheckFailedException"_s;
const QString kBadRequest = u"BadRequestException"_s;

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()).toString(u"yyyy-MM-dd'T'HH:mm:ss.zzz'Z'"_s);
}

int pageLimit(const QJsonObject &arguments)
{
    const QJsonValue v = arguments.value(u"limit"_s);
    if (!v.isDouble())
        return tuning::kDefaultPageLimit;
    return int(std::clamp<qint64>(v.toInteger(), 1, tuning::kMaxPageLimit));
}

// Reads a `_deleted` leaf ({"eq": true}, {"ne": true}, ...) at the top level
// of a filter or of its top-level "and", which predicate::fromJson does not
// know (it is metadata, not a model field), and removes it from the filter.
BaseScan::Deleted takeDeletedFilter(QJsonObject *filter)
{
    auto read = [](const QJsonObject &leaf) {
        bool wantDeleted = true;
        if (leaf.contains(u"eq"_s))
            wantDeleted = leaf.value(u"eq"_s).toBool();
        else if (leaf.contains(u"ne"_s))
            wantDeleted = !leaf.value(u"ne"_s).toBool();
        else
            return BaseScan::Deleted::Any;
        return wantDeleted ? BaseScan::Deleted::TombstonesOnly : BaseScan::Deleted::LiveOnly;
    };
    BaseScan::Deleted result = BaseScan::Deleted::Any;
    if (filter->contains(u"_deleted"_s)) {
        result = read(filter->value(u"_deleted"_s).toObject());
        filter->remove(u"_deleted"_s);
    }
    if (filter->value(u"and"_s).isArray()) {
        QJsonArray kept;
        const QJsonArray all = filter->value(u"and"_s).toArray();
        for (const QJsonValue &e : all) {
            const QJsonObject o = e.toObject();
            if (o.size() == 1 && o.contains(u"_deleted"_s))
                result = read(o.value(u"_deleted"_s).toObject());
            else
                kept.append(e);
        }
        filter->insert(u"and"_s, kept);
    }
    return result;
}

bool sameStoredValues(const ModelSchema &model, const QJsonObject &stored, const QJsonObject &input)
{
    for (auto it = input.begin(); it != input.end(); ++it) {
        const FieldSchema *field = model.field(it.key());
        if (!field || !field->isStored())
            continue;
        if (toColumn(*field, it.value()) != toColumn(*field, stored.value(it.key())))
            return false;
    }
    return true;
}

// The keyset fields a token continues with: its own (signed, so ours), else
// `legacy`, the order of tokens from before scan plans (sync: the primary
// key; an index query: the index's fields and the primary key); nullopt when
// they do not fit the model any more.
std::optional<QStringList> tokenOrder(const ModelSchema &model, const SyncCursor &cursor, const QStringList &legacy)
{
    const QStringList order = cursor.orderFields.isEmpty() ? legacy : cursor.orderFields;
    if (cursor.lastKey.size() != order.size())
        return std::nullopt;
    for (const QString &f : order) {
        const FieldSchema *field = model.field(f);
        if (!field || !field->isStored())
            return std::nullopt;
    }
    for (const QString &f : model.primaryKey) {
        if (!order.contains(f))
            return std::nullopt;
    }
    return order;
}

// A stand-in keyset position for explaining a continuation page: a non-null
// value of each field's type (the plan does not depend on the values).
QJsonArray sampleKey(const ModelSchema &model, const QStringList &fields)
{
    QJsonArray key;
    for (const QString &f : fields) {
        const FieldSchema *field = model.field(f);
        const bool numeric = field && field->type.kind == FieldType::Kind::Scalar && !field->type.isList
            && (field->type.scalar == ScalarType::Int || field->type.scalar == ScalarType::AWSTimestamp
                || field->type.scalar == ScalarType::Float || field->type.scalar == ScalarType::Boolean);
        key.append(numeric ? QJsonValue(0) : QJsonValue(u""_s));
    }
    return key;
}

QJsonArray jsonBindings(const QVariantList &bindings)
{
    QJsonArray out;
    for (const QVariant &b : bindings)
        out.append(QJsonValue::fromVariant(b));
    return out;
}

} // namespace

void DataConfig::indexOperations()
{
    operations.clear();
    using K = RootOperation::Kind;
    for (const ModelSchema &model : schema->models()) {
        const std::pair<const QString *, K> names[] = {
            {&model.getQuery, K::Get},          {&model.listQuery, K::List},
            {&model.syncQuery, K::Sync},        {&model.createMutation, K::Create},
            {&model.updateMutation, K::Update}, {&model.deleteMutation, K::Delete},
        };
        for (const auto &[name, kind] : names) {
            if (!name->isEmpty())
                operations.insert(*name, RootOperation{kind, &model, nullptr});
        }
        for (const IndexSchema &index : model.indexes) {
            if (!index.queryField.isEmpty())
                operations.insert(index.queryField, RootOperation{K::IndexQuery, &model, &index});
        }
    }
}

DataResolver::DataResolver(std::shared_ptr<const DataConfig> config, ServerStore &store)
    : m_config(std::move(config)), m_store(store), m_tokens(m_config->tokenKey)
{
}

DataResolver::~DataResolver() = default;

FieldResult DataResolver::resolve(const FieldRequest &request)
{
    m_caller = std::any_cast<Caller>(&request.context);
    const auto it = m_config->operations.constFind(request.fieldName);
    if (it == m_config->operations.cend())
        return FieldResult::error(u"NotImplemented"_s, u"No resolver for "_s % request.fieldName);
    switch (it->kind) {
    case RootOperation::Kind::Get: return get(request, *it);
    case RootOperation::Kind::List:
    case RootOperation::Kind::IndexQuery: return list(request, *it);
    case RootOperation::Kind::Sync: return sync(request, *it);
    case RootOperation::Kind::Create: return create(request, *it);
    case RootOperation::Kind::Update: return update(request, *it, false);
    case RootOperation::Kind::Delete: return update(request, *it, true);
    }
    return FieldResult::error(u"NotImplemented"_s, u"No resolver for "_s % request.fieldName);
}

FieldResult DataResolver::storageFailure(const Error &error)
{
    qCWarning(lcServerData).noquote() << "storage:" << error.message();
    return FieldResult::error(error.isTransient() ? u"ServiceUnavailable"_s : u"InternalFailure"_s,
                              error.isTransient() ? u"The database is busy; retry"_s
                                                  : u"The request could not be completed (storage error)"_s);
}

AccessDecision DataResolver::access(const ModelSchema &model, QStringView operation) const
{
    return m_caller ? decideAccess(model, operation, *m_caller) : AccessDecision{true, {}};
}

FieldResult DataResolver::unauthorized(const FieldRequest &request, const RootOperation &op) const
{
    const bool mutation = op.kind == RootOperation::Kind::Create || op.kind == RootOperation::Kind::Update
                       || op.kind == RootOperation::Kind::Delete;
    return FieldResult::error(u"Unauthorized"_s,
                              notAuthorizedMessage(request.fieldName, mutation ? u"Mutation"_s : u"Query"_s));
}

Result<Predicate> DataResolver::ownerFilter(const ModelSchema &model, const AccessDecision &decision) const
{
    QJsonArray any;
    for (const OwnerConstraint &o : decision.owners) {
        for (const QString &value : o.values)
            any.append(QJsonObject{{o.field, QJsonObject{{o.isList ? u"contains"_s : u"eq"_s, value}}}});
    }
    return predicate::fromJson(QJsonObject{{u"or"_s, any}}, model, *m_config->schema);
}

QJsonObject DataResolver::withRelations(const ModelSchema &model, QJsonObject item,
                                        QHash<QString, QJsonValue> *cache)
{
    for (const FieldSchema &field : model.fields) {
        if (field.relation.kind != RelationKind::BelongsTo && field.relation.kind != RelationKind::HasOne)
            continue;
        const ModelSchema *related = m_config->schema->model(field.relation.relatedModel);
        if (!related || field.relation.fields.isEmpty()
            || field.relation.fields.size() != related->primaryKey.size())
            continue;
        QJsonArray key;
        bool complete = true;
        for (const QString &f : field.relation.fields) {
            const QJsonValue v = item.value(f);
            complete = complete && !v.isNull() && !v.isUndefined();
            key.append(v);
        }
        if (!complete) {
            item.insert(field.name, QJsonValue::Null);
            continue;
        }
        const QString cacheKey = related->name % u':' % compactJson(key);
        if (cache && cache->contains(cacheKey)) {
            item.insert(field.name, cache->value(cacheKey));
            continue;
        }
        const Result<std::optional<QJsonObject>> found = m_store.fetch(*related, key);
        const QJsonValue value = found.ok() && found->has_value() ? QJsonValue(**found) : QJsonValue::Null;
        if (cache)
            cache->insert(cacheKey, value);
        item.insert(field.name, value);
    }
    return item;
}

FieldResult DataResolver::get(const FieldRequest &request, const RootOperation &op)
{
    const ModelSchema &model = *op.model;
    const AccessDecision decision = access(model, u"get");
    if (!decision.allowed)
        return unauthorized(request, op);
    QJsonArray key;
    for (const QString &f : model.primaryKey)
        key.append(request.arguments.value(f));
    const Result<std::optional<QJsonObject>> found = m_store.fetch(model, key);
    if (!found)
        return storageFailure(found.error());
    if (!found->has_value())
        return FieldResult::fromValue(QJsonValue::Null);
    if (decision.restricted() && !decision.owns(**found))
        return unauthorized(request, op);
    return FieldResult::fromValue(withRelations(model, **found, nullptr));
}

FieldResult DataResolver::list(const FieldRequest &request, const RootOperation &op)
{
    const ModelSchema &model = *op.model;
    const Schema &schema = *m_config->schema;
    const QJsonObject &args = request.arguments;
    if (const QString e = checkFilterLimits(args.value(u"filter"_s), u"filter"_s, FilterLimits::defaults()); !e.isEmpty())
        return FieldResult::error(kBadRequest, e);
    QJsonObject filterJson = args.value(u"filter"_s).toObject();
    BaseScan scan;
    scan.deleted = takeDeletedFilter(&filterJson);
    Result<Predicate> filter = predicate::fromJson(filterJson, model, schema);
    if (!filter)
        return FieldResult::error(kBadRequest, filter.error().message());
    Predicate predicate = *filter;
    const AccessDecision decision = access(model, u"list");
    if (!decision.allowed)
        return unauthorized(request, op);
    if (decision.restricted()) {   // owner rows only, in SQL
        Result<Predicate> mine = ownerFilter(model, decision);
        if (!mine)
            return FieldResult::error(kBadRequest, mine.error().message());
        predicate = predicate && *mine;
    }

    // Key arguments: the index (or custom primary key) partition key, and a
    // condition on its single sort key.
    QStringList keyFields;
    if (op.kind == RootOperation::Kind::IndexQuery)
        keyFields = op.index->fields;
    else if (model.primaryKey.size() > 1 || model.primaryKey.value(0) != u"id")
        keyFields = model.primaryKey;
    if (!keyFields.isEmpty() && args.contains(keyFields.constFirst())) {
        const QJsonValue hash = args.value(keyFields.constFirst());
        if (!hash.isNull()) {
            Result<Predicate> eq = predicate::fromJson(
                QJsonObject{{keyFields.constFirst(), QJsonObject{{u"eq"_s, hash}}}}, model, schema);
            if (!eq)
                return FieldResult::error(kBadRequest, eq.error().message());
            predicate = predicate && *eq;
        }
        if (keyFields.size() == 2 && args.value(keyFields.at(1)).isObject()) {
            Result<Predicate> sort = predicate::fromJson(
                QJsonObject{{keyFields.at(1), args.value(keyFields.at(1))}}, model, schema, keyFields.at(1));
            if (!sort)
                return FieldResult::error(kBadRequest, sort.error().message());
            predicate = predicate && *sort;
        } else if (keyFields.size() > 2) {
            for (const QString &name : args.keys()) {
                if (args.value(name).isObject() && name != u"filter")
                    return FieldResult::error(kBadRequest, u"Composite sort key conditions are not supported yet"_s);
            }
        }
    }
    // An index query reads in its index's order; a plain list in the plan's.
    const ScanPlan plan = m_store.planScan(model, predicate);
    QStringList legacyOrder = op.kind == RootOperation::Kind::IndexQuery ? op.index->fields : QStringList();
    for (const QString &f : model.primaryKey) {
        if (!legacyOrder.contains(f))
            legacyOrder.append(f);
    }
    scan.orderFields = op.kind == RootOperation::Kind::IndexQuery ? legacyOrder : plan.orderFields;
    scan.descending = args.value(u"sortDirection"_s).toString() == u"DESC";
    scan.limit = pageLimit(args);
    const qint64 now = m_config->clock->nowMs();
    scan.nowSeconds = now / 1000;

    QJsonObject hashed = args;
    hashed.remove(u"limit"_s);
    hashed.remove(u"nextToken"_s);
    const QString argumentsHash = SyncTokenCodec::hashArguments(hashed);
    const QString token = args.value(u"nextToken"_s).toString();
    if (!token.isEmpty()) {
        const std::optional<SyncCursor> cursor = m_tokens.decode(token);
        const std::optional<QStringList> order = cursor ? tokenOrder(model, *cursor, legacyOrder) : std::nullopt;
        if (!cursor || cursor->kind != SyncCursor::Kind::List || cursor->queryField != request.fieldName
            || cursor->argumentsHash != argumentsHash || !order)
            return FieldResult::error(kBadRequest, u"Invalid nextToken"_s);
        scan.orderFields = *order;
        scan.after = cursor->lastKey;
    }
    if (scan.orderFields == plan.orderFields)
        scan.plan = plan;
    qCDebug(lcServerData).noquote() << request.fieldName << model.name << "list:"
                                    << (scan.plan ? scan.plan->describe() : u"engine's choice"_s) << "| order"
                                    << scan.orderFields.join(u", "_s);
    scan.filter = predicate;
    const Result<Page> page = m_store.scanBase(model, scan);
    if (!page)
        return storageFailure(page.error());
    QJsonArray items;
    QHash<QString, QJsonValue> cache;
    for (const QJsonObject &item : page->items)
        items.append(withRelations(model, item, &cache));
    QJsonValue next = QJsonValue::Null;
    if (page->hasMore) {
        SyncCursor cursor;
        cursor.kind = SyncCursor::Kind::List;
        cursor.queryField = request.fieldName;
        cursor.argumentsHash = argumentsHash;
        cursor.lastKey = page->lastKey;
        cursor.orderFields = scan.orderFields;
        next = m_tokens.encode(cursor);
    }
    return FieldResult::fromValue(QJsonObject{{u"items"_s, items}, {u"nextToken"_s, next},
                                              {u"startedAt"_s, QJsonValue::Null}});
}

FieldResult DataResolver::sync(const FieldRequest &request, const RootOperation &op)
{
    const ModelSchema &model = *op.model;
    const QJsonObject &args = request.arguments;
    if (const QString e = checkFilterLimits(args.value(u"filter"_s), u"filter"_s, FilterLimits::defaults()); !e.isEmpty())
        return FieldResult::error(kBadRequest, e);
    QJsonObject filterJson = args.value(u"filter"_s).toObject();
    const BaseScan::Deleted deleted = takeDeletedFilter(&filterJson);
    Result<Predicate> filter = predicate::fromJson(filterJson, model, *m_config->schema);
    if (!filter)
        return FieldResult::error(kBadRequest, filter.error().message());
    const AccessDecision decision = access(model, u"sync");
    if (!decision.allowed)
        return unauthorized(request, op);
    if (decision.restricted()) {   // owner rows only, in SQL (base and delta)
        Result<Predicate> mine = ownerFilter(model, decision);
        if (!mine)
            return FieldResult::error(kBadRequest, mine.error().message());
        filter = *filter && *mine;
    }
    const QString argumentsHash = SyncTokenCodec::hashArguments(
        QJsonObject{{u"filter"_s, args.value(u"filter"_s)}});
    const int limit = pageLimit(args);
    const qint64 now = m_config->clock->nowMs();

    SyncCursor cursor;
    const QString token = args.value(u"nextToken"_s).toString();
    if (!token.isEmpty()) {
        const std::optional<SyncCursor> decoded = m_tokens.decode(token);
        if (!decoded || decoded->kind == SyncCursor::Kind::List || decoded->queryField != request.fieldName
            || (decoded->kind == SyncCursor::Kind::Base && !tokenOrder(model, *decoded, model.primaryKey)))
            return FieldResult::error(kBadRequest, u"Invalid nextToken"_s);
        if (decoded->argumentsHash != argumentsHash)
            return FieldResult::error(kBadRequest, u"Invalid nextToken: it belongs to a sync with another filter"_s);
        cursor = *decoded;
    } else {
        cursor.queryField = request.fieldName;
        cursor.argumentsHash = argumentsHash;
        cursor.lastSync = args.value(u"lastSync"_s).toInteger();
        const bool base = cursor.lastSync <= 0 || cursor.lastSync < now - qint64(m_config->deltaTtl.count());
        cursor.kind = base ? SyncCursor::Kind::Base : SyncCursor::Kind::Delta;
        // startedAt and the log's end are read under the write lock: every
        // write that committed before has a smaller timestamp, every later
        // one a timestamp >= startedAt, so the next delta sync (from
        // startedAt) misses nothing.
        if (Result<void> r = m_store.beginWrite(); !r)
            return storageFailure(r.error());
        cursor.startedAt = m_config->clock->nowMs();
        if (!base) {
            const Result<qint64> end = m_store.lastDeltaSeq();
            if (!end) {
                m_store.rollback();
                return storageFailure(end.error());
            }
            cursor.maxSeq = *end;
        }
        if (Result<void> r = m_store.commit(); !r)
            return storageFailure(r.error());
    }

    // The items as JSON text (jsonrows.h); relations are fetched only for
    // the rows whose selection asks for them.
    std::shared_ptr<JsonRows> rows;
    bool hasMore = false;
    std::optional<qint64> syncTotal;
    if (cursor.kind == SyncCursor::Kind::Base) {
        const ScanPlan plan = m_store.planScan(model, *filter);
        BaseScan scan;
        scan.filter = *filter;
        if (token.isEmpty()) {
            cursor.orderFields = plan.orderFields;
            scan.orderFields = plan.orderFields;
        } else {
            scan.orderFields = tokenOrder(model, cursor, model.primaryKey).value_or(model.primaryKey);   // checked above
        }
        // A token from before a plan change keeps its own order; the engine then chooses.
        if (scan.orderFields == plan.orderFields)
            scan.plan = plan;
        scan.after = cursor.lastKey;
        scan.limit = limit;
        scan.nowSeconds = now / 1000;
        scan.deleted = deleted;   // applied by the scan
        qCDebug(lcServerData).noquote() << request.fieldName << model.name << "base"
                                        << (token.isEmpty() ? "first page:" : "next page:")
                                        << (scan.plan ? scan.plan->describe() : u"engine's choice"_s) << "| order"
                                        << scan.orderFields.join(u", "_s);
        Result<JsonPage> page = m_store.scanBaseJson(model, *m_config->schema, scan);
        if (!page)
            return storageFailure(page.error());
        if (token.isEmpty() && page->hasMore) {
            // The expected total of this base sync, for clients' progress
            // bars (an extension: AppSync clients ignore it).
            if (const Result<qint64> total = m_store.countBase(model, scan))
                syncTotal = *total;
        }
        rows = std::move(page->rows);
        hasMore = page->hasMore;
        cursor.lastKey = page->lastKey;
    } else {
        qCDebug(lcServerData).noquote() << request.fieldName << model.name << "delta"
                                        << (token.isEmpty() ? "first page:" : "next page:")
                                        << "the delta log by (model, seq) from the first change since lastSync, in commit order";
        DeltaScan scan;
        scan.filter = *filter;
        scan.sinceMs = cursor.lastSync;
        scan.afterSeq = cursor.lastSeq;
        scan.maxSeq = cursor.maxSeq;
        scan.limit = limit;
        scan.nowSeconds = now / 1000;
        const Result<Page> page = m_store.scanDelta(model, scan);
        if (!page)
            return storageFailure(page.error());
        rows = std::make_shared<JsonRows>(model, *m_config->schema);
        rows->reserve(page->items.size(), 256);
        for (const QJsonObject &item : page->items) {
            const bool isDeleted = item.value(u"_deleted"_s).toBool();
            if ((deleted == BaseScan::Deleted::LiveOnly && isDeleted)
                || (deleted == BaseScan::Deleted::TombstonesOnly && !isDeleted))
                continue;
            rows->appendItem(item);
        }
        hasMore = page->hasMore;
        cursor.lastSeq = page->lastSeq;
        cursor.orderFields.clear();
    }
    auto relationCache = std::make_shared<QHash<QString, QJsonValue>>();
    rows->setRecordFinisher([this, &model, relationCache](QJsonObject item) {
        return withRelations(model, std::move(item), relationCache.get());
    });
    QJsonValue next = QJsonValue::Null;
    if (hasMore)
        next = m_tokens.encode(cursor);
    FieldResult result = FieldResult::fromValue(QJsonObject{{u"items"_s, QJsonArray()}, {u"nextToken"_s, next},
                                                            {u"startedAt"_s, cursor.startedAt}});
    result.items = std::move(rows);
    if (syncTotal)
        result.extensions.insert(u"syncTotal"_s, QJsonObject{{request.responseKey, double(*syncTotal)}});
    return result;
}

FieldResult DataResolver::create(const FieldRequest &request, const RootOperation &op)
{
    const ModelSchema &model = *op.model;
    const QJsonObject input = request.arguments.value(u"input"_s).toObject();
    QJsonObject item;
    for (const FieldSchema *field : model.storedFields())
        item.insert(field->name, input.contains(field->name) ? input.value(field->name) : QJsonValue::Null);
    if (model.primaryKey == QStringList{u"id"_s} && item.value(u"id"_s).isNull())
        item.insert(u"id"_s, QUuid::createUuid().toString(QUuid::WithoutBraces));
    const AccessDecision decision = access(model, u"create");
    if (!decision.allowed)
        return unauthorized(request, op);
    if (decision.restricted()) {
        // The owner field defaults to the caller; another owner is refused.
        for (const OwnerConstraint &o : decision.owners) {
            if (item.contains(o.field) && item.value(o.field).isNull())
                item.insert(o.field, o.isList ? QJsonValue(QJsonArray{o.values.constFirst()})
                                              : QJsonValue(o.values.constFirst()));
        }
        if (!decision.owns(item))
            return unauthorized(request, op);
    }
    const QJsonArray key = keyOf(model, item);
    for (const QJsonValue &k : key) {
        if (k.isNull() || (k.isString() && k.toString().isEmpty()))
            return FieldResult::error(kBadRequest, u"Every primary key field (%1) must be set"_s
                                                       .arg(model.primaryKey.join(u", "_s)));
    }
    std::optional<Predicate> condition;
    if (request.arguments.value(u"condition"_s).isObject()) {
        if (const QString e = checkFilterLimits(request.arguments.value(u"condition"_s), u"condition"_s,
                                                FilterLimits::defaults());
            !e.isEmpty())
            return FieldResult::error(kBadRequest, e);
        Result<Predicate> c = predicate::fromJson(request.arguments.value(u"condition"_s).toObject(), model,
                                                  *m_config->schema, u"condition"_s);
        if (!c)
            return FieldResult::error(kBadRequest, c.error().message());
        condition = *c;
    }

    if (Result<void> r = m_store.beginWrite(); !r)
        return storageFailure(r.error());
    const Result<std::optional<QJsonObject>> existing = m_store.fetch(model, key);
    if (!existing) {
        m_store.rollback();
        return storageFailure(existing.error());
    }
    if (existing->has_value()) {
        m_store.rollback();
        const QJsonObject &stored = **existing;
        // A retried create that finds what it would have written succeeds.
        if (!stored.value(u"_deleted"_s).toBool() && sameStoredValues(model, stored, input))
            return FieldResult::fromValue(withRelations(model, stored, nullptr));
        return FieldResult::error(kConditionFailed, u"The conditional request failed"_s,
                                  withRelations(model, stored, nullptr));
    }
    if (condition && !predicate::evaluate(*condition, QVariantMap(), model)) {
        m_store.rollback();
        return FieldResult::error(kConditionFailed, u"The conditional request failed"_s);
    }
    const qint64 now = m_config->clock->nowMs();
    if (!model.createdAtField.isEmpty() && item.value(model.createdAtField).isNull())
        item.insert(model.createdAtField, isoTime(now));
    if (!model.updatedAtField.isEmpty() && item.value(model.updatedAtField).isNull())
        item.insert(model.updatedAtField, isoTime(now));
    item.insert(u"_version"_s, 1);
    item.insert(u"_lastChangedAt"_s, now);
    item.insert(u"_deleted"_s, QJsonValue::Null);
    return commitWrite(request, model, item, int(ServerChange::Operation::Create));
}

FieldResult DataResolver::update(const FieldRequest &request, const RootOperation &op, bool isDelete)
{
    const ModelSchema &model = *op.model;
    const QJsonObject input = request.arguments.value(u"input"_s).toObject();
    const AccessDecision decision = access(model, isDelete ? u"delete" : u"update");
    if (!decision.allowed)
        return unauthorized(request, op);
    const QJsonArray key = keyOf(model, input);
    for (const QJsonValue &k : key) {
        if (k.isNull() || k.isUndefined())
            return FieldResult::error(kBadRequest, u"Every primary key field (%1) must be set"_s
                                                       .arg(model.primaryKey.join(u", "_s)));
    }
    // The Amplify resolvers default a missing expected version to 0.
    const qint64 expected = input.value(u"_version"_s).toInteger(0);
    std::optional<Predicate> condition;
    if (request.arguments.value(u"condition"_s).isObject()) {
        if (const QString e = checkFilterLimits(request.arguments.value(u"condition"_s), u"condition"_s,
                                                FilterLimits::defaults());
            !e.isEmpty())
            return FieldResult::error(kBadRequest, e);
        Result<Predicate> c = predicate::fromJson(request.arguments.value(u"condition"_s).toObject(), model,
                                                  *m_config->schema, u"condition"_s);
        if (!c)
            return FieldResult::error(kBadRequest, c.error().message());
        condition = *c;
    }

    if (Result<void> r = m_store.beginWrite(); !r)
        return storageFailure(r.error());
    const Result<std::optional<QJsonObject>> found = m_store.fetch(model, key);
    if (!found) {
        m_store.rollback();
        return storageFailure(found.error());
    }
    if (!found->has_value()) {
        m_store.rollback();
        return FieldResult::error(kConditionFailed, u"The conditional request failed"_s);
    }
    const QJsonObject existing = **found;
    if (decision.restricted()) {
        // Only the owner's items, and no handing them to someone else.
        bool ownerChange = false;
        for (const OwnerConstraint &o : decision.owners)
            ownerChange = ownerChange || (input.contains(o.field) && !decision.owns({{o.field, input.value(o.field)}}));
        if (!decision.owns(existing) || ownerChange) {
            m_store.rollback();
            return unauthorized(request, op);
        }
    }
    if (condition && !predicate::evaluate(*condition, toRecord(model, existing), model)) {
        m_store.rollback();
        return FieldResult::error(kConditionFailed, u"The conditional request failed"_s,
                                  withRelations(model, existing, nullptr));
    }
    auto reject = [&](const QJsonValue &errorInfo = QJsonValue::Null) {
        m_store.rollback();
        return FieldResult::error(kConflictUnhandled, u"Conflict resolver rejects mutation."_s,
                                  withRelations(model, existing, nullptr), errorInfo);
    };
    if (existing.value(u"_deleted"_s).toBool())
        return reject();

    auto applyInput = [&](QJsonObject target, const QJsonObject &values) {
        for (auto it = values.begin(); it != values.end(); ++it) {
            const FieldSchema *field = model.field(it.key());
            if (field && field->isStored() && !field->isPrimaryKey)
                target.insert(it.key(), it.value());
        }
        return target;
    };
    const qint64 stored = existing.value(u"_version"_s).toInteger();
    bool deleting = isDelete;
    QJsonObject next;
    if (expected == stored) {
        next = isDelete ? existing : applyInput(existing, input);
    } else {
        const ConflictPolicy &policy = m_config->conflict.policy(model.name);
        switch (policy.mode) {
        case ConflictPolicy::Mode::Optimistic:
            return reject();
        case ConflictPolicy::Mode::Automerge:
            if (isDelete)
                return reject();
            next = automerge(model, *m_config->schema, existing, input);
            break;
        case ConflictPolicy::Mode::Custom: {
            if (!m_js)
                m_js = std::make_unique<JsConflictResolver>();
            const QJsonObject event{
                {u"newItem"_s, isDelete ? QJsonValue::Null : QJsonValue(applyInput(existing, input))},
                {u"existingItem"_s, existing},
                {u"arguments"_s, request.arguments},
                {u"resolver"_s, QJsonObject{{u"parentType"_s, u"Mutation"_s},
                                            {u"field"_s, request.fieldName},
                                            {u"outputType"_s, model.name}}},
                {u"identity"_s, QJsonValue::Null}};
            const ConflictDecision decision = m_js->resolve(policy, event);
            if (!decision.error.isEmpty())
                return reject(QJsonObject{{u"message"_s, decision.error}});
            if (decision.action == ConflictDecision::Action::Reject)
                return reject();
            if (decision.action == ConflictDecision::Action::Remove) {
                next = existing;
                deleting = true;
            } else {
                next = applyInput(existing, decision.item);
                deleting = false;
            }
            break;
        }
        }
    }
    const qint64 now = m_config->clock->nowMs();
    if (!deleting && !model.updatedAtField.isEmpty()) {
        const QJsonValue given = input.value(model.updatedAtField);
        next.insert(model.updatedAtField, given.isString() ? given : QJsonValue(isoTime(now)));
    }
    next.insert(u"_version"_s, stored + 1);
    next.insert(u"_lastChangedAt"_s, now);
    next.insert(u"_deleted"_s, deleting ? QJsonValue(true) : QJsonValue(QJsonValue::Null));
    return commitWrite(request, model, next,
                       int(deleting ? ServerChange::Operation::Delete : ServerChange::Operation::Update));
}

FieldResult DataResolver::commitWrite(const FieldRequest &request, const ModelSchema &model, QJsonObject item,
                                      int operation)
{
    const qint64 now = item.value(u"_lastChangedAt"_s).toInteger();
    WriteMeta meta;
    meta.deltaTtlSeconds = (now + qint64(m_config->deltaTtl.count())) / 1000;
    if (item.value(u"_deleted"_s).toBool())
        meta.tombstoneTtlSeconds = (now + qint64(m_config->tombstoneTtl.count())) / 1000;
    if (Result<void> r = m_store.put(model, item, meta); !r) {
        m_store.rollback();
        return storageFailure(r.error());
    }
    const QJsonObject result = withRelations(model, item, nullptr);
    ServerChange change;
    change.model = model.name;
    change.operation = ServerChange::Operation(operation);
    change.mutationField = request.fieldName;
    change.item = result;
    change.selectedFields = request.operation.selectedFieldNames(request.responseKey);
    if (Result<void> r = m_store.announce(model, change); !r) {   // other instances (PostgreSQL)
        m_store.rollback();
        return storageFailure(r.error());
    }
    if (Result<void> r = m_store.commit(); !r)
        return storageFailure(r.error());
    if (m_config->changeFeed)
        m_config->changeFeed->publish(change);
    return FieldResult::fromValue(result);
}

ExplainAnswer DataResolver::explain(const QJsonObject &request)
{
    auto fail = [](int status, const QString &errorType, const QString &message, const QJsonObject &extra = {}) {
        QJsonObject error{{u"errorType"_s, errorType}, {u"message"_s, message}};
        for (auto it = extra.begin(); it != extra.end(); ++it)
            error.insert(it.key(), it.value());
        return ExplainAnswer{status, QJsonObject{{u"errors"_s, QJsonArray{error}}}};
    };
    const Schema &schema = *m_config->schema;
    const QJsonValue modelName = request.value(u"model"_s);
    if (!modelName.isString() || modelName.toString().isEmpty())
        return fail(400, kBadRequest, u"\"model\": expected the name of a model"_s);
    const ModelSchema *model = schema.model(modelName.toString());
    if (!model) {
        QStringList names;
        for (const ModelSchema &m : schema.models())
            names.append(m.name);
        return fail(400, kBadRequest,
                    u"\"model\": unknown model '"_s % modelName.toString() % u"'."_s
                        % graphql::didYouMean(graphql::suggestionList(modelName.toString(), names))
                        % u" (models: "_s % names.join(u", "_s) % u')');
    }
    const bool hasFilter = request.contains(u"filter"_s) && !request.value(u"filter"_s).isNull();
    const bool hasPredicate = request.contains(u"predicate"_s) && !request.value(u"predicate"_s).isNull();
    if (hasFilter && hasPredicate)
        return fail(400, kBadRequest, u"give either \"filter\" (AppSync filter JSON) or \"predicate\" (text), not both"_s);

    Predicate filter;
    BaseScan::Deleted deleted = BaseScan::Deleted::Any;
    if (hasFilter) {
        const QJsonValue json = request.value(u"filter"_s);
        if (!json.isObject())
            return fail(400, kBadRequest, u"filter: expected an AppSync filter object such as {\"rating\":{\"gt\":5}}"_s);
        if (const QString e = checkFilterLimits(json, u"filter"_s, FilterLimits::defaults()); !e.isEmpty())
            return fail(400, kBadRequest, e);
        QJsonObject filterJson = json.toObject();
        deleted = takeDeletedFilter(&filterJson);
        Result<Predicate> parsed = predicate::fromJson(filterJson, *model, schema);
        if (!parsed)
            return fail(400, kBadRequest, parsed.error().message());
        filter = *parsed;
    } else if (hasPredicate) {
        const QJsonValue text = request.value(u"predicate"_s);
        if (!text.isString())
            return fail(400, kBadRequest, u"predicate: expected text such as \"rating > 5\""_s);
        if (text.toString().size() > tuning::kMaxPredicateTextBytes)
            return fail(400, kBadRequest, u"predicate: longer than "_s % QString::number(tuning::kMaxPredicateTextBytes)
                                              % u" characters (the maximum)"_s);
        // An empty text is no filter, as an empty filter object is.
        Result<Predicate> parsed = text.toString().trimmed().isEmpty()
            ? Result<Predicate>(Predicate::all())
            : predicate::parse(text.toString(), *model, schema);
        if (!parsed) {
            const SourceLocation at = parsed.error().location();
            QJsonObject extra;
            QString where = u"predicate"_s;
            if (at.isValid()) {
                extra.insert(u"locations"_s, QJsonArray{QJsonObject{{u"line"_s, at.line}, {u"column"_s, at.column}}});
                where += u' ' % QString::number(at.line) % u':' % QString::number(at.column);
            }
            return fail(400, kBadRequest, where % u": "_s % parsed.error().message(), extra);
        }
        if (const QString e = checkPredicateLimits(*parsed, FilterLimits::defaults()); !e.isEmpty())
            return fail(400, kBadRequest, u"predicate: "_s % e);
        filter = *parsed;
    }

    const QJsonValue lastSyncValue = request.value(u"lastSync"_s);
    if (!lastSyncValue.isUndefined() && !lastSyncValue.isNull() && !lastSyncValue.isDouble())
        return fail(400, kBadRequest, u"lastSync: expected a timestamp in milliseconds"_s);
    const qint64 now = m_config->clock->nowMs();
    const qint64 lastSync = lastSyncValue.toInteger();
    const bool base = lastSync <= 0 || lastSync < now - qint64(m_config->deltaTtl.count());

    QJsonObject answer{{u"model"_s, model->name},
                       {u"query"_s, model->syncQuery},
                       {u"sync"_s, base ? u"base"_s : u"delta"_s},
                       {u"predicate"_s, predicate::print(filter)},
                       {u"filter"_s, predicate::toJson(filter, *model, predicate::JsonKind::Filter)}};
    auto explanationJson = [](const ScanExplanation &e) {
        return QJsonObject{{u"sql"_s, e.sql},
                           {u"bindings"_s, jsonBindings(e.bindings)},
                           {u"databasePlan"_s, QJsonArray::fromStringList(e.databasePlan)},
                           {u"databaseIndex"_s, e.databaseIndex.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                          : QJsonValue(e.databaseIndex)},
                           {u"sorts"_s, e.sorts}};
    };
    auto storeFailure = [&](const Error &e) {
        if (e.code() == u"Unsupported")
            return fail(501, u"NotImplemented"_s, e.message());
        qCWarning(lcServerData).noquote() << "explain:" << e.message();
        return fail(500, u"InternalFailure"_s, u"The plan could not be explained (storage error)"_s);
    };

    if (!base) {
        DeltaScan scan;
        scan.filter = filter;
        scan.sinceMs = lastSync;
        scan.maxSeq = std::numeric_limits<qint64>::max();
        scan.limit = tuning::kDefaultPageLimit;
        scan.nowSeconds = now / 1000;
        const Result<ScanExplanation> e = m_store.explainDelta(*model, scan);
        if (!e)
            return storeFailure(e.error());
        answer.insert(u"plan"_s, u"deltaLog"_s);
        answer.insert(u"reason"_s, u"lastSync is within the delta TTL: the changes since then, from the delta log "
                                   "in commit order (index _delta_model_seq), starting at the first change since "
                                   "lastSync (found in index _delta_model_time)"_s);
        const QJsonObject first = explanationJson(*e);
        for (auto it = first.begin(); it != first.end(); ++it)
            answer.insert(it.key(), it.value());
        return {200, answer};
    }

    const ScanPlan plan = m_store.planScan(*model, filter);
    const QJsonObject planJson = plan.toJson();
    for (auto it = planJson.begin(); it != planJson.end(); ++it)
        answer.insert(it.key(), it.value());
    BaseScan scan;
    scan.filter = filter;
    scan.orderFields = plan.orderFields;
    scan.plan = plan;
    scan.limit = tuning::kDefaultPageLimit;
    scan.nowSeconds = now / 1000;
    scan.deleted = deleted;
    const Result<ScanExplanation> first = m_store.explainBase(*model, scan);
    if (!first)
        return storeFailure(first.error());
    scan.after = sampleKey(*model, plan.orderFields);
    const Result<ScanExplanation> next = m_store.explainBase(*model, scan);
    if (!next)
        return storeFailure(next.error());
    const QJsonObject firstJson = explanationJson(*first);
    for (auto it = firstJson.begin(); it != firstJson.end(); ++it)
        answer.insert(it.key(), it.value());
    answer.insert(u"nextPage"_s, explanationJson(*next));
    // The engine reads the way the plan says: by the planned index, or (a
    // scan) by no index but the table's own primary-key order; and no sort.
    auto agrees = [&plan](const ScanExplanation &e) {
        if (e.sorts)
            return false;
        if (plan.usesIndex())
            return e.databaseIndex == plan.index;
        return e.databaseIndex.isEmpty() || e.databaseIndex == ScanPlan::kPrimaryKey;
    };
    answer.insert(u"agrees"_s, agrees(*first) && agrees(*next));
    return {200, answer};
}

} // namespace ds::server::data

#include "data/serverstore.h"

using namespace Qt::StringLiterals;

namespace ds::server::data {

ServerStore::~ServerStore() = default;

Result<void> ServerStore::announce(const ModelSchema &, const ServerChange &)
{
    return {};
}

ScanPlan ServerStore::planScan(const ModelSchema &model, const Predicate &filter) const
{
    return planBaseScan(model, filter);
}

Result<ScanExplanation> ServerStore::explainBase(const ModelSchema &model, const BaseScan &)
{
    return Error(Error::Domain::Storage, u"Unsupported"_s, u"This store cannot explain a scan of "_s % model.name);
}

Result<ScanExplanation> ServerStore::explainDelta(const ModelSchema &model, const DeltaScan &)
{
    return Error(Error::Domain::Storage, u"Unsupported"_s, u"This store cannot explain a delta scan of "_s % model.name);
}

Result<JsonPage> ServerStore::scanBaseJson(const ModelSchema &model, const Schema &schema, const BaseScan &scan)
{
    Result<Page> page = scanBase(model, scan);
    if (!page)
        return page.error();
    JsonPage json;
    json.rows = std::make_shared<JsonRows>(model, schema);
    json.rows->reserve(page->items.size(), 256);
    for (const QJsonObject &item : std::as_const(page->items))
        json.rows->appendItem(item);
    json.lastKey = page->lastKey;
    json.hasMore = page->hasMore;
    return json;
}

Result<qint64> ServerStore::countBase(const ModelSchema &model, const BaseScan &)
{
    return Error(Error::Domain::Storage, u"Unsupported"_s, u"This store cannot count a scan of "_s % model.name);
}

QJsonArray keyOf(const ModelSchema &model, const QJsonObject &item)
{
    QJsonArray key;
    for (const QString &field : model.primaryKey)
        key.append(item.value(field));
    return key;
}

} // namespace ds::server::data

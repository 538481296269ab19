// Limits on filters and conditions (AppSync filter JSON and text predicates):
// nesting depth of and/or/not groups, number of field conditions, length of
// a value list (in, notIn, between). A request past one gets a clean
// BadRequestException naming the limit and where, before the filter is
// compiled (SQLite refuses expressions deeper than 1000 with a storage
// error, and a huge filter holds a worker for long). Values: tuning_p.h.
//
// Pure functions; safe on any thread.
#pragma once

#include <datastore/predicate.h>

#include <QJsonValue>
#include <QString>

namespace ds::server::data {

struct FilterLimits
{
    int maxDepth;         // and/or/not groups inside one another
    int maxConditions;    // field conditions in all
    int maxListValues;    // values of one in / notIn / between list
    static FilterLimits defaults();
};

// "" when the filter JSON is within the limits; else the message, starting
// with the JSON path: "filter.and[0].or[1]: nesting depth exceeds the
// maximum of 16 (and/or/not groups)".
QString checkFilterLimits(const QJsonValue &filter, const QString &path, const FilterLimits &limits);
// The same for a parsed predicate (the text syntax): "" or the message.
QString checkPredicateLimits(const Predicate &predicate, const FilterLimits &limits);

} // namespace ds::server::data

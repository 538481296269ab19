// temporary until the AppSync face lands
#include "predicate/appsync.h"
namespace ds::predicate {
QJsonObject toJson(const Predicate &, const ModelSchema &, JsonKind) { return {}; }
Result<Predicate> fromJson(const QJsonObject &, const ModelSchema &, const Schema &)
{
    return Error::validation(QStringLiteral("PredicateSyntax"), QStringLiteral("not implemented yet"));
}
}

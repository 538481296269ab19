// Naming helpers shared by the schema builder and the API schema generator,
// mirroring graphql-transformer-common (util.ts, ModelResourceIDs.ts).
#pragma once

#include "schema/modelschema.h"

#include <QStringList>

namespace ds::schema_detail {

// toUpper / toLower of graphql-transformer-common: first character only.
QString upperFirst(const QString &word);
QString lowerFirst(const QString &word);

// toCamelCase(["post", "comments", "id"]) == "postCommentsId".
QString camelCase(const QStringList &words);

// graphqlName(): drops leading characters that can't start a name and every
// character that isn't [_0-9A-Za-z].
QString graphqlName(const QString &name);

// DEFAULT_SCALARS: the scalar whose filter / key-condition inputs a scalar
// uses (AWSDateTime -> String, AWSTimestamp -> Int, ID -> ID, ...).
QString filterScalarName(ScalarType type);

// "onCreate" + name, truncated to 45 characters + 5 hex digits of its MD5
// when longer than 50 characters (operation-names.ts).
QString subscriptionName(const QString &prefix, const QString &typeName);

// The auto-generated @index name / query field: "commentsByPostID",
// "usersByLastNameAndCreatedAt".
QString indexQueryName(const QString &modelName, const QStringList &keyFields);

} // namespace ds::schema_detail

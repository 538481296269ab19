// The offline store's benchmark (datastore-bench local).
#pragma once

#include <datastore/modelschema.h>

#include <QJsonObject>

QJsonObject runLocalBenchmark(const ds::Schema &schema, int records);

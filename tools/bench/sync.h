// The client sync benchmark (datastore-bench sync): ds::DataStore clients in
// this process against a real datastore-server process on 127.0.0.1.
#pragma once

#include <QJsonObject>
#include <QString>

// serverBinary: the datastore-server executable; schemaFile: the schema both
// sides use.
QJsonObject runSyncBenchmark(const QString &serverBinary, const QString &schemaFile, int records);

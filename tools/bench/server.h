// The server benchmark (datastore-bench server): a real datastore-server
// process on 127.0.0.1, driven over HTTP and the realtime WebSocket.
#pragma once

#include <QJsonObject>
#include <QString>

// serverBinary: the datastore-server executable; schemaFile: the schema it serves.
QJsonObject runServerBenchmark(const QString &serverBinary, const QString &schemaFile, int records);

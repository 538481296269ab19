// `datastore sync`: the sync engine run headless, its hub events printed as
// JSON lines on stdout (one object per event, each with "event" and "ts",
// milliseconds since the epoch).
//
//   --once   exits 0 once the sync queries are done and the outbox is empty;
//            1 (with an "error" line) when nothing progresses for --timeout
//            seconds, e.g. the server cannot be reached
//   --watch  keeps syncing until SIGINT/SIGTERM, then stops cleanly (exit 0)
//
// Bad configuration files, schemas and sync expressions exit 2 with a
// message on stderr that names the file, or the expression and its
// line:column.
#pragma once

#include <QString>
#include <QStringList>

struct SyncCommand
{
    enum class Mode { Once, Watch };

    QString configFile;          // amplifyconfiguration.json
    QString databaseFile;
    QString schemaFile;          // empty: schema.graphql beside the configuration file
    QStringList expressions;     // "Model: predicate text"
    QString caFile;              // extra trusted CA certificates (PEM)
    Mode mode = Mode::Once;
    int timeoutSeconds = 30;
};

// Runs the command on the current (main) thread's event loop; returns the
// process exit status.
int runSyncCommand(const SyncCommand &command);

// notes::AppPaths: where the app keeps its local databases.
//
// One SQLite file per signed-in user, and one for anonymous (API key / local)
// use, under QStandardPaths::AppDataLocation/databases. A user's file name is
// derived from a hash of the user id, so no id can name another user's file
// or leave the directory. A store that syncs keeps its own files per cloud
// (the scope: "local-server", or the endpoint), so local-only demo data and
// data synced from different clouds never mix. No platform-specific API: QStandardPaths decides
// the folder on every OS.
#pragma once

#include <QString>
#include <QUrl>

namespace notes {

class AppPaths
{
public:
    // The folder the databases live in (not created here).
    static QString databaseDirectory();
    // The database file of `userId`; the anonymous one when userId is empty.
    // With a sync scope, that cloud's file of the user.
    static QString databaseFile(const QString &userId, const QString &syncScope = QString());
    // The scope of a sync endpoint (a short hash of its URL).
    static QString scopeOf(const QUrl &endpoint);
    // Where the app's local datastore-server keeps its database, schema,
    // log and the amplifyconfiguration.json written for it.
    static QString localServerDirectory();
    // Creates the folder of `file` when missing; false when it cannot.
    static bool ensureParentDirectory(const QString &file);
};

} // namespace notes

// notes::AppPaths: where the app keeps its local databases.
//
// One SQLite file per signed-in user, and one for anonymous (API key / local)
// use, under QStandardPaths::AppDataLocation/databases. A user's file name is
// derived from a hash of the user id, so no id can name another user's file
// or leave the directory. No platform-specific API: QStandardPaths decides
// the folder on every OS.
#pragma once

#include <QString>

namespace notes {

class AppPaths
{
public:
    // The folder the databases live in (not created here).
    static QString databaseDirectory();
    // The database file of `userId`; the anonymous one when userId is empty.
    static QString databaseFile(const QString &userId);
    // Creates the folder of `file` when missing; false when it cannot.
    static bool ensureParentDirectory(const QString &file);
};

} // namespace notes

// datastore-notes: the Qt DataStore notes/posts desktop app. Everything but
// the command line lives in the NotesApp library (notesapp.h).
#include "notesapp.h"

#include <QGuiApplication>
#include <QtQml/QQmlExtensionPlugin>

#include <cstdio>

// The static QML plugins: the DataStore module and the app's own pages.
Q_IMPORT_QML_PLUGIN(QtDataStorePlugin)
Q_IMPORT_QML_PLUGIN(QtDataStoreNotesPlugin)

int main(int argc, char *argv[])
{
    notes::NotesApp::markProcessStart();
    QGuiApplication app(argc, argv);
    QGuiApplication::setOrganizationName(QStringLiteral("QtDataStore"));
    QGuiApplication::setApplicationName(QStringLiteral("datastore-notes"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("DataStore Notes"));
    QGuiApplication::setApplicationVersion(QStringLiteral(NOTES_VERSION));

    const notes::AppOptions options = notes::NotesApp::parseArguments(app);
    notes::NotesApp notesApp;
    if (!notesApp.start(options)) {
        std::fprintf(stderr, "datastore-notes: %s\n", qPrintable(notesApp.errorString()));
        return 1;
    }
    return QGuiApplication::exec();
}

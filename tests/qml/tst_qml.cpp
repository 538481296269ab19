// The QML module as QML sees it: `import QtDataStore`, the DataStore
// singleton and DataStoreListModel, driven by the tst_*.qml files here
// (Qt Quick Test, offscreen). Every QML engine gets a fresh in-memory store.
// Any warning (QML engine, JavaScript console, Qt) fails the run.

#include "qml/qmldatastore.h"
#include "testsupport.h"

#include <QQmlEngine>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickTest/quicktest.h>

#include <cstdio>
#include <cstdlib>

// The static QML plugin of the module (the class name qt_add_qml_module
// derives from the URI QtDataStore).
Q_IMPORT_QML_PLUGIN(QtDataStorePlugin)

namespace {

int s_warnings = 0;
QtMessageHandler s_previousHandler = nullptr;

void failOnWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg || type == QtCriticalMsg)
        ++s_warnings;
    s_previousHandler(type, context, message);
}

} // namespace

class Setup : public QObject
{
    Q_OBJECT

public Q_SLOTS:
    void applicationAvailable()
    {
        s_previousHandler = qInstallMessageHandler(failOnWarnings);
    }

    void qmlEngineAvailable(QQmlEngine *engine)
    {
        auto *store = new ds::DataStore(testsupport::appSchema(), engine);
        const auto opened = testsupport::await(store->open(QStringLiteral(":memory:")));
        if (!opened)
            qFatal("cannot open the store: %s", qPrintable(opened.error().toString()));
        ds::QmlDataStore::setDefaultStore(store);
        // Binding errors, type errors and the like reach this signal (and the
        // message handler, through the engine's own output).
        connect(engine, &QQmlEngine::warnings, this, [](const QList<QQmlError> &warnings) {
            s_warnings += int(warnings.size());
        });
    }

    void cleanupTestCase()
    {
        if (s_warnings > 0) {
            std::fprintf(stderr, "FAIL: %d warning(s) during the QML tests (see above)\n", s_warnings);
            std::fflush(stderr);
            std::_Exit(1);
        }
    }
};

QUICK_TEST_MAIN_WITH_SETUP(tst_qml, Setup)

#include "tst_qml.moc"

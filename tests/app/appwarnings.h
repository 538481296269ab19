// Test helper of the app's tests: every warning or critical message, and
// every QML warning of the app's engine, counts as a failure (checked with
// apptest::warnings() == 0 at the end), except the messages a test expects.
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QQmlEngine>
#include <QQmlError>
#include <QString>
#include <QtGlobal>

namespace apptest {

struct WarningState
{
    int count = 0;
    QString expected;              // part of a message a test provokes on purpose
    bool allowRefusedNotes = false;
    QtMessageHandler previous = nullptr;
};

inline WarningState &warningState()
{
    static WarningState state;
    return state;
}

inline int warnings() { return warningState().count; }

// A test that provokes a warning names a part of it here (empty: none).
inline void expectWarning(const QString &part) { warningState().expected = part; }

// A client syncing with an API key asks for every model: the server refuses
// the owner-only notes, and the sync engine logs it. The app keeps notes
// local under an API key; a suite with such another client allows this.
inline bool isRefusedNotes(const QMessageLogContext &context, const QString &message)
{
    return QByteArray(context.category ? context.category : "").startsWith("ds.")
           && message.contains(QLatin1String("Note")) && message.contains(QLatin1String("Not Authorized"));
}

inline void countWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    WarningState &s = warningState();
    const bool expected = (!s.expected.isEmpty() && message.contains(s.expected))
                          || (s.allowRefusedNotes && isRefusedNotes(context, message));
    if ((type == QtWarningMsg || type == QtCriticalMsg) && !expected)
        ++s.count;
    s.previous(type, context, message);
}

inline void installWarningCounter(bool allowRefusedNotes = false)
{
    WarningState &s = warningState();
    s.allowRefusedNotes = allowRefusedNotes;
    s.previous = qInstallMessageHandler(countWarnings);
}

inline void removeWarningCounter()
{
    qInstallMessageHandler(warningState().previous);
}

// The QML engine's warnings (binding errors, type errors) count too.
inline void countQmlWarnings(QQmlEngine *engine, QObject *context)
{
    QObject::connect(engine, &QQmlEngine::warnings, context,
                     [](const QList<QQmlError> &errors) { warningState().count += int(errors.size()); });
}

} // namespace apptest

// Non-POSIX side of TerminationNotifier: console control events on Windows
// (delivered on a system thread, forwarded with a queued call); a no-op
// elsewhere.
#include <QtGlobal>

#if !defined(Q_OS_UNIX)

#include "http/logging_p.h"
#include "http/terminationnotifier.h"

#include <QMetaObject>
#include <QPointer>

#if defined(Q_OS_WIN)
#include <qt_windows.h>
#endif

using namespace Qt::StringLiterals;

namespace ds::server {

#if defined(Q_OS_WIN)
namespace {

QPointer<TerminationNotifier> s_instance;

BOOL WINAPI onConsoleControl(DWORD type)
{
    QString name;
    switch (type) {
    case CTRL_C_EVENT: name = u"CTRL_C_EVENT"_s; break;
    case CTRL_BREAK_EVENT: name = u"CTRL_BREAK_EVENT"_s; break;
    case CTRL_CLOSE_EVENT: name = u"CTRL_CLOSE_EVENT"_s; break;
    case CTRL_SHUTDOWN_EVENT: name = u"CTRL_SHUTDOWN_EVENT"_s; break;
    default: return FALSE;
    }
    TerminationNotifier *notifier = s_instance.data();
    if (!notifier)
        return FALSE;
    QMetaObject::invokeMethod(notifier, [notifier, name] {
        Q_EMIT notifier->terminationRequested(name);
    }, Qt::QueuedConnection);
    return TRUE;
}

} // namespace

TerminationNotifier::TerminationNotifier(QObject *parent) : QObject(parent)
{
    if (s_instance) {
        qCWarning(lcServer) << "only one TerminationNotifier may exist at a time";
        return;
    }
    s_instance = this;
    m_active = SetConsoleCtrlHandler(onConsoleControl, TRUE) != 0;
}

TerminationNotifier::~TerminationNotifier()
{
    if (m_active)
        SetConsoleCtrlHandler(onConsoleControl, FALSE);
    if (s_instance == this)
        s_instance = nullptr;
}

#else

TerminationNotifier::TerminationNotifier(QObject *parent) : QObject(parent)
{
    qCDebug(lcServer) << "no termination signals on this platform";
}

TerminationNotifier::~TerminationNotifier() = default;

#endif

} // namespace ds::server

#endif // !Q_OS_UNIX

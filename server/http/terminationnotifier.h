// Turns "please stop" from the operating system (SIGTERM and SIGINT on POSIX,
// console control events on Windows) into a Qt signal delivered on the thread
// of the notifier. The platform code lives in signals_posix.cpp and
// signals_win.cpp; nothing else in the server touches OS signal APIs.
#pragma once

#include <QObject>

namespace ds::server {

class TerminationNotifier : public QObject
{
    Q_OBJECT
public:
    // At most one instance at a time; it restores the previous handlers when destroyed.
    explicit TerminationNotifier(QObject *parent = nullptr);
    ~TerminationNotifier() override;

    // Whether the platform hooks are installed.
    bool isActive() const { return m_active; }

Q_SIGNALS:
    // name: "SIGTERM", "SIGINT", "CTRL_C_EVENT", ...
    void terminationRequested(const QString &name);

private:
    bool m_active = false;
};

} // namespace ds::server

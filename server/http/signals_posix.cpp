// POSIX side of TerminationNotifier: a self-pipe written from the signal
// handler (async-signal-safe) and read by a QSocketNotifier on the Qt thread.
#include <QtGlobal>

#if defined(Q_OS_UNIX)

#include "http/logging_p.h"
#include "http/terminationnotifier.h"

#include <QSocketNotifier>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace ds::server {

namespace {

int s_pipe[2] = {-1, -1};
struct sigaction s_previousTerm;
struct sigaction s_previousInt;

extern "C" void onTerminationSignal(int signal)
{
    const int savedErrno = errno;
    const char byte = static_cast<char>(signal);
    [[maybe_unused]] const auto written = ::write(s_pipe[1], &byte, 1);
    errno = savedErrno;
}

bool setFlags(int fd)
{
    const int fl = ::fcntl(fd, F_GETFL);
    const int fdFlags = ::fcntl(fd, F_GETFD);
    return fl >= 0 && fdFlags >= 0 && ::fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0
        && ::fcntl(fd, F_SETFD, fdFlags | FD_CLOEXEC) == 0;
}

} // namespace

TerminationNotifier::TerminationNotifier(QObject *parent) : QObject(parent)
{
    if (s_pipe[0] >= 0) {
        qCWarning(lcServer) << "only one TerminationNotifier may exist at a time";
        return;
    }
    if (::pipe(s_pipe) != 0 || !setFlags(s_pipe[0]) || !setFlags(s_pipe[1])) {
        qCWarning(lcServer) << "cannot create the signal pipe:" << qt_error_string(errno);
        return;
    }
    auto *notifier = new QSocketNotifier(s_pipe[0], QSocketNotifier::Read, this);
    connect(notifier, &QSocketNotifier::activated, this, [this] {
        char bytes[16];
        ssize_t n = 0;
        while ((n = ::read(s_pipe[0], bytes, sizeof bytes)) > 0) {
            for (ssize_t i = 0; i < n; ++i) {
                const int signal = bytes[i];
                Q_EMIT terminationRequested(signal == SIGTERM ? u"SIGTERM"_s
                                            : signal == SIGINT ? u"SIGINT"_s
                                                               : u"signal %1"_s.arg(signal));
            }
        }
    });

    struct sigaction action = {};
    action.sa_handler = onTerminationSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &action, &s_previousTerm);
    ::sigaction(SIGINT, &action, &s_previousInt);
    m_active = true;
}

TerminationNotifier::~TerminationNotifier()
{
    if (!m_active)
        return;
    ::sigaction(SIGTERM, &s_previousTerm, nullptr);
    ::sigaction(SIGINT, &s_previousInt, nullptr);
    ::close(s_pipe[0]);
    ::close(s_pipe[1]);
    s_pipe[0] = s_pipe[1] = -1;
}

} // namespace ds::server

#endif // Q_OS_UNIX

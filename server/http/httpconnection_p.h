// One HTTP/1.1 connection: reads requests one at a time (pipelined ones wait
// in the socket buffer), dispatches them through the router and writes the
// answers in order; hands WebSocket upgrades over untouched.
//
// States:
//   Idle --bytes--> ReadingHead --head--> ReadingBody --body--> Handling
//     ^                  |  \--upgrade--> HandedOff (socket given away)
//     |                  '--bad input--> Lingering/Closing
//     '---- answer (keep-alive) ----------------'    answer (close) --> Closing
#pragma once

#include "http/httphandler.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <chrono>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace ds::server {

class HttpConnection;
class HttpServerPrivate;

namespace detail {
struct ResponderState
{
    QPointer<HttpConnection> connection;
    quint64 serial = 0;
    bool done = false;
    ~ResponderState();
};
} // namespace detail

class HttpConnection final : public QObject
{
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, bool secure, HttpServerPrivate *server);
    ~HttpConnection() override;

    void sendResponse(quint64 serial, HttpResponse response);
    bool isConnected() const;
    // Close once the request in flight (if any) is answered.
    void beginShutdown();
    void abort();

Q_SIGNALS:
    void finished();

private:
    enum class State { Idle, ReadingHead, ReadingBody, Handling, Lingering, Closing, HandedOff, Done };

    void process();
    void scheduleProcess();
    bool readHead();
    bool readBody();
    void dispatch();
    void onTimeout();
    void finish();
    void fail(int status, const QString &message, bool linger);
    void writeResponse(const HttpResponse &response, bool close);
    void closeGracefully();
    void armTimer(std::chrono::milliseconds timeout);

    QTcpSocket *m_socket;
    HttpServerPrivate *m_server;
    bool m_secure;
    State m_state = State::Idle;
    QTimer m_timer;
    HttpRequest m_request;
    qint64 m_bodyRemaining = 0;
    quint64 m_serial = 0;
    bool m_processing = false;
    bool m_processScheduled = false;
    bool m_keepAlive = true;
    bool m_headRequest = false;
    bool m_shuttingDown = false;
};

} // namespace ds::server

// notes::LocalServer: the app's own datastore-server, for --local-server.
//
// Runs the datastore-server executable that was installed beside the app on
// 127.0.0.1 (a free port: --port 0, read back from its "listening on" line)
// with the app's schema, an SQLite database seeded with the demo data on
// first use (--seed demo), an API key and an admin key made up for this run.
// Once it listens, it writes an amplifyconfiguration.json (API_KEY) for it
// and emits started(). It stops the server when stopped or destroyed, so
// the server lives exactly as long as the app (a Ctrl+C in a terminal
// reaches both: the server stays in the app's process group; on Linux the
// server also gets SIGTERM when the app dies in any other way).
//
// Everything lives in one folder (AppPaths::localServerDirectory() unless
// set): schema.graphql, server.sqlite (kept between runs: the same demo data
// and the changes made to it), server.log (the server's stderr) and
// amplifyconfiguration.json.
//
// Threading: GUI thread; nothing blocks except stop(), which waits up to
// two seconds for the server to exit.
#pragma once

#include <QObject>
#include <QProcess>
#include <QTimer>
#include <QUrl>

namespace notes {

class LocalServer : public QObject
{
    Q_OBJECT

public:
    enum class State { NotRunning, Starting, Running, Failed };
    Q_ENUM(State)

    explicit LocalServer(QObject *parent = nullptr);
    ~LocalServer() override;

    // datastore-server beside this executable, else on the PATH; empty if neither.
    static QString defaultProgram();
    void setProgram(const QString &program) { m_program = program; }
    QString program() const { return m_program; }
    void setDirectory(const QString &directory) { m_directory = directory; }
    QString directory() const { return m_directory; }

    // Starts the server; started() or failed() follows.
    void start();
    // Stops the server (no signal).
    void stop();

    State state() const { return m_state; }
    QString errorString() const { return m_error; }
    // Valid once started.
    QUrl endpoint() const { return m_endpoint; }
    QString configurationFile() const;
    QString apiKey() const { return m_apiKey; }
    // The key for /admin/* (POST /admin/explain); empty if the server has no
    // admin endpoint (an older datastore-server).
    QString adminKey() const { return m_useAdminKey ? m_adminKey : QString(); }

Q_SIGNALS:
    void started();
    void failed(const QString &message);
    // The server exited on its own after it had started.
    void stoppedUnexpectedly(const QString &message);

private:
    void launch();
    void onOutput();
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void fail(const QString &message);
    bool writeSupportFiles(QString *error) const;
    bool writeConfiguration(QString *error) const;
    QString logTail() const;

    QString m_program;
    QString m_directory;
    QProcess *m_process = nullptr;
    QTimer m_timeout;
    State m_state = State::NotRunning;
    QString m_error;
    QUrl m_endpoint;
    QString m_apiKey;
    QString m_adminKey;
    bool m_useAdminKey = true;
    QByteArray m_output;
};

} // namespace notes

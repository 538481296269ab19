// Test helper (not a test class): a throwaway PostgreSQL cluster for the
// server tests that run on PostgreSQL (DS_TEST_DB=postgres, and the
// multi-instance suite).
//
// start(): initdb into a fresh temporary directory (trust auth, superuser
// "datastore", no fsync), pg_ctl start on a free loopback port with the
// socket in that directory; createDatabase() adds an empty database.
// Running as root (CI), the cluster runs as the system user "postgres"
// (Debian's package makes it) or, without one, as "dstest" (added with
// useradd), through runuser. stop() (also the destructor) stops it and
// removes the directory. A cluster left behind by a crashed or killed test
// process is removed by the next start().
//
// The binaries: $DS_PG_BINDIR, else the newest /usr/lib/postgresql/*/bin,
// else initdb on PATH. Missing binaries make start() fail with a message
// (install them with scripts/install-deps.sh), never skip.
//
// Threading: the GUI/main thread of the test only.
#pragma once

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QTcpServer>
#include <QTemporaryDir>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

namespace dstest {

class PgCluster
{
public:
    PgCluster() = default;
    PgCluster(const PgCluster &) = delete;
    PgCluster &operator=(const PgCluster &) = delete;
    ~PgCluster() { stop(); }

    // The cluster of this test process, started on first use, stopped at exit.
    static PgCluster &shared()
    {
        static PgCluster cluster;
        return cluster;
    }

    static QString binDir()
    {
        const QString fromEnv = qEnvironmentVariable("DS_PG_BINDIR");
        if (!fromEnv.isEmpty())
            return fromEnv;
        QDir lib(QStringLiteral("/usr/lib/postgresql"));
        QStringList versions = lib.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        std::sort(versions.begin(), versions.end(),
                  [](const QString &a, const QString &b) { return a.toInt() > b.toInt(); });
        for (const QString &v : std::as_const(versions)) {
            const QString dir = lib.filePath(v + QStringLiteral("/bin"));
            if (QFileInfo::exists(dir + QStringLiteral("/initdb")))
                return dir;
        }
        const QString onPath = QStandardPaths::findExecutable(QStringLiteral("initdb"));
        return onPath.isEmpty() ? QString() : QFileInfo(onPath).absolutePath();
    }

    bool isRunning() const { return m_port > 0; }
    quint16 port() const { return m_port; }
    QString socketDir() const { return m_dir; }

    // Returns an error message; empty on success. Idempotent.
    QString start()
    {
        if (isRunning())
            return {};
        if (!m_startError.isEmpty())
            return m_startError;   // do not retry a broken setup in every test function
        m_startError = startOnce();
        if (!m_startError.isEmpty())
            stop();
        return m_startError;
    }

    // A new empty database; *url: postgres://datastore@127.0.0.1:<port>/<name>.
    QString createDatabase(QString *url)
    {
        if (const QString error = start(); !error.isEmpty())
            return error;
        const QString name = QStringLiteral("t%1").arg(++m_databases);
        QString output;
        if (!run(QStringLiteral("createdb"),
                 {QStringLiteral("-h"), m_dir, QStringLiteral("-p"), QString::number(m_port), QStringLiteral("-U"),
                  QStringLiteral("datastore"), name},
                 &output))
            return QStringLiteral("createdb failed: ") + output;
        *url = QStringLiteral("postgres://datastore@127.0.0.1:%1/%2").arg(m_port).arg(name);
        return {};
    }

    // Stops and starts the server (same port and settings): clients lose
    // their connections. Returns an error message; empty on success.
    QString restart()
    {
        if (!isRunning())
            return QStringLiteral("not running");
        QString output;
        if (!run(QStringLiteral("pg_ctl"),
                 {QStringLiteral("-D"), m_dir + QStringLiteral("/data"), QStringLiteral("-l"),
                  m_dir + QStringLiteral("/server.log"), QStringLiteral("-m"), QStringLiteral("fast"),
                  QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("30"), QStringLiteral("restart")},
                 &output))
            return QStringLiteral("pg_ctl restart failed: ") + output;
        return {};
    }

    void stop()
    {
        if (m_dir.isEmpty())
            return;
        if (QFileInfo::exists(m_dir + QStringLiteral("/data/postmaster.pid")))
            stopCluster(m_dir, m_user);
        QDir(m_dir).removeRecursively();
        m_dir.clear();
        m_port = 0;
    }

private:
    static QString shellQuote(const QString &s)
    {
        QString q = s;
        q.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
        return QLatin1Char('\'') + q + QLatin1Char('\'');
    }

    // Works during static destruction too (no QProcess, no event loop).
    static void stopCluster(const QString &dir, const QString &user)
    {
        const QString pgCtl = binDir() + QStringLiteral("/pg_ctl");
        QString command = shellQuote(pgCtl) + QStringLiteral(" -D ") + shellQuote(dir + QStringLiteral("/data"))
                          + QStringLiteral(" -m immediate -w -t 20 stop >/dev/null 2>&1");
        if (!user.isEmpty())
            command = QStringLiteral("cd / && runuser -u ") + shellQuote(user) + QStringLiteral(" -- ") + command;
        const int rc = std::system(command.toLocal8Bit().constData());
        Q_UNUSED(rc);
    }

    // Clusters of test processes that no longer exist.
    static void removeStale()
    {
        QDir tmp(QDir::tempPath());
        const QStringList dirs = tmp.entryList({QStringLiteral("dstest-pg-*")}, QDir::Dirs | QDir::NoDotAndDotDot);
        for (const QString &name : dirs) {
            const QString dir = tmp.filePath(name);
            QFile owner(dir + QStringLiteral("/owner"));
            if (!owner.open(QIODevice::ReadOnly))
                continue;
            const QList<QByteArray> parts = owner.readAll().trimmed().split(' ');
            owner.close();
            const pid_t pid = parts.value(0).toInt();
            if (pid <= 0 || (::kill(pid, 0) == 0 || errno != ESRCH))
                continue;
            stopCluster(dir, QString::fromLocal8Bit(parts.value(1)));
            QDir(dir).removeRecursively();
        }
    }

    // The unprivileged user that runs the cluster when we are root.
    static QString clusterUser(QString *error)
    {
        if (::geteuid() != 0)
            return {};
        if (::getpwnam("postgres"))
            return QStringLiteral("postgres");
        if (!::getpwnam("dstest")) {
            QProcess p;
            p.start(QStringLiteral("useradd"), {QStringLiteral("--system"), QStringLiteral("--no-create-home"),
                                                 QStringLiteral("--shell"), QStringLiteral("/bin/sh"),
                                                 QStringLiteral("dstest")});
            p.waitForFinished(30000);
            if (!::getpwnam("dstest")) {
                *error = QStringLiteral("running as root, and neither user postgres nor dstest exists "
                                        "(useradd dstest failed: ")
                         + QString::fromLocal8Bit(p.readAllStandardError()) + QStringLiteral(")");
                return {};
            }
        }
        return QStringLiteral("dstest");
    }

    bool run(const QString &tool, const QStringList &arguments, QString *output, int timeoutMs = 60000)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.setWorkingDirectory(m_dir);   // readable by the cluster's user
        const QString program = binDir() + QLatin1Char('/') + tool;
        if (m_user.isEmpty())
            p.start(program, arguments);
        else
            p.start(QStringLiteral("runuser"), QStringList{QStringLiteral("-u"), m_user, QStringLiteral("--"), program}
                                                   + arguments);
        const bool finished = p.waitForStarted(10000) && p.waitForFinished(timeoutMs);
        *output = QString::fromLocal8Bit(p.readAll()).right(2000);
        if (!finished) {
            p.kill();
            p.waitForFinished(5000);
            *output = tool + QStringLiteral(" did not finish: ") + p.errorString() + QLatin1Char('\n') + *output;
            return false;
        }
        return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    static quint16 freePort()
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return 0;
        return probe.serverPort();
    }

    QString startOnce()
    {
        const QString bin = binDir();
        if (bin.isEmpty() || !QFileInfo::exists(bin + QStringLiteral("/initdb"))
            || !QFileInfo::exists(bin + QStringLiteral("/pg_ctl")))
            return QStringLiteral("PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin "
                                  "or on PATH (set DS_PG_BINDIR); install them: scripts/install-deps.sh "
                                  "(Debian package postgresql)");
        removeStale();
        QString error;
        m_user = clusterUser(&error);
        if (!error.isEmpty())
            return error;
        QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/dstest-pg-XXXXXX"));
        if (!dir.isValid())
            return QStringLiteral("no temporary directory: ") + dir.errorString();
        dir.setAutoRemove(false);
        m_dir = dir.path();
        {
            QFile owner(m_dir + QStringLiteral("/owner"));
            if (!owner.open(QIODevice::WriteOnly))
                return QStringLiteral("cannot write ") + owner.fileName();
            owner.write(QByteArray::number(qint64(::getpid())) + ' ' + m_user.toLocal8Bit() + '\n');
        }
        if (!m_user.isEmpty()) {
            const passwd *pw = ::getpwnam(m_user.toLocal8Bit().constData());
            if (!pw || ::chown(QFile::encodeName(m_dir).constData(), pw->pw_uid, pw->pw_gid) != 0)
                return QStringLiteral("cannot hand ") + m_dir + QStringLiteral(" to user ") + m_user;
        }
        QString output;
        if (!run(QStringLiteral("initdb"),
                 {QStringLiteral("-D"), m_dir + QStringLiteral("/data"), QStringLiteral("-U"), QStringLiteral("datastore"),
                  QStringLiteral("--auth=trust"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                  QStringLiteral("--locale=C"), QStringLiteral("--no-sync")},
                 &output))
            return QStringLiteral("initdb failed: ") + output;
        for (int attempt = 0; attempt < 3; ++attempt) {
            const quint16 port = freePort();
            const QString settings =
                QStringLiteral("-c listen_addresses=127.0.0.1 -p %1 -c unix_socket_directories=%2 -c fsync=off "
                               "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=16MB "
                               "-c max_connections=200 -c dynamic_shared_memory_type=mmap")
                    .arg(port)
                    .arg(m_dir);
            if (run(QStringLiteral("pg_ctl"),
                    {QStringLiteral("-D"), m_dir + QStringLiteral("/data"), QStringLiteral("-l"),
                     m_dir + QStringLiteral("/server.log"), QStringLiteral("-o"), settings, QStringLiteral("-w"),
                     QStringLiteral("-t"), QStringLiteral("30"), QStringLiteral("start")},
                    &output)) {
                m_port = port;
                return {};
            }
            QFile log(m_dir + QStringLiteral("/server.log"));
            if (log.open(QIODevice::ReadOnly))
                output += QString::fromLocal8Bit(log.readAll().right(2000));
        }
        return QStringLiteral("pg_ctl start failed: ") + output;
    }

    QString m_dir;
    QString m_user;
    quint16 m_port = 0;
    int m_databases = 0;
    QString m_startError;
};

} // namespace dstest

#include "localserver.h"

#include "apppaths.h"
#include "logging.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSaveFile>
#include <QStandardPaths>

// Platform seam: on Linux the server is told to exit when the app dies,
// however it dies (a crash, SIGKILL), not only when it stops it.
#ifdef Q_OS_LINUX
#include <signal.h>
#include <sys/prctl.h>
#endif

using namespace Qt::StringLiterals;

namespace notes {

namespace {

// How long the server may take to listen (the first run seeds the demo data).
constexpr int startTimeoutMs = 60000;
// How long stop() waits for the server to exit before killing it.
constexpr int stopTimeoutMs = 2000;

const QString schemaResource = u":/notes/schema.graphql"_s;

QString randomKey(const QString &prefix)
{
    QString key = prefix;
    for (int i = 0; i < 26; ++i)
        key += QChar(u"abcdefghijklmnopqrstuvwxyz0123456789"[QRandomGenerator::system()->bounded(36)]);
    return key;
}

} // namespace

LocalServer::LocalServer(QObject *parent)
    : QObject(parent), m_program(defaultProgram()), m_directory(AppPaths::localServerDirectory())
{
    m_timeout.setSingleShot(true);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        fail(tr("the local server did not start listening within %1 s").arg(startTimeoutMs / 1000));
    });
}

LocalServer::~LocalServer()
{
    stop();
}

QString LocalServer::defaultProgram()
{
    const QString name = u"datastore-server"_s;
    QString found = QStandardPaths::findExecutable(name, {QCoreApplication::applicationDirPath()});
    if (found.isEmpty())
        found = QStandardPaths::findExecutable(name);
    return found;
}

QString LocalServer::configurationFile() const
{
    return QDir(m_directory).filePath(u"amplifyconfiguration.json"_s);
}

void LocalServer::start()
{
    if (m_state == State::Starting || m_state == State::Running)
        return;
    m_error.clear();
    if (m_program.isEmpty()) {
        fail(tr("datastore-server was not found beside the app or on the PATH"));
        return;
    }
    QString error;
    if (!writeSupportFiles(&error)) {
        fail(error);
        return;
    }
    m_apiKey = randomKey(u"da2-"_s);
    m_adminKey = randomKey(u"admin-"_s);
    m_useAdminKey = true;
    m_state = State::Starting;
    m_timeout.start(startTimeoutMs);
    launch();
}

void LocalServer::launch()
{
    delete m_process;
    m_output.clear();
    m_process = new QProcess(this);
    const QDir dir(m_directory);
    QStringList arguments{u"--schema"_s, dir.filePath(u"schema.graphql"_s),
                          u"--db"_s, dir.filePath(u"server.sqlite"_s),
                          u"--host"_s, u"127.0.0.1"_s,
                          u"--port"_s, u"0"_s,
                          u"--api-key"_s, m_apiKey,
                          u"--seed"_s, u"demo"_s};
    if (m_useAdminKey)
        arguments << u"--admin-key"_s << m_adminKey;
    m_process->setProgram(m_program);
    m_process->setArguments(arguments);
    m_process->setStandardErrorFile(dir.filePath(u"server.log"_s), QIODevice::Append);
#ifdef Q_OS_LINUX
    m_process->setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
#endif
    connect(m_process, &QProcess::readyReadStandardOutput, this, &LocalServer::onOutput);
    connect(m_process, &QProcess::finished, this, &LocalServer::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            fail(tr("cannot run %1: %2").arg(m_program, m_process->errorString()));
    });
    qCInfo(lcUi).noquote() << "starting the local server:" << m_program << arguments.join(u' ');
    m_process->start();
}

void LocalServer::onOutput()
{
    m_output += m_process->readAllStandardOutput();
    if (m_state != State::Starting)
        return;
    const QByteArray prefix = "listening on ";
    qsizetype newline;
    while ((newline = m_output.indexOf('\n')) >= 0) {
        const QByteArray line = m_output.left(newline).trimmed();
        m_output.remove(0, newline + 1);
        if (!line.startsWith(prefix))
            continue;
        QUrl url(QString::fromUtf8(line.mid(prefix.size())));
        if (!url.isValid() || url.port() <= 0) {
            fail(tr("the local server printed an unexpected address: %1").arg(QString::fromUtf8(line)));
            return;
        }
        url.setPath(u"/graphql"_s);
        m_endpoint = url;
        QString error;
        if (!writeConfiguration(&error)) {
            fail(error);
            return;
        }
        m_timeout.stop();
        m_state = State::Running;
        qCInfo(lcUi).noquote() << "local server listening:" << m_endpoint.toDisplayString();
        Q_EMIT started();
        return;
    }
}

void LocalServer::onFinished(int exitCode, QProcess::ExitStatus status)
{
    const QString how = status == QProcess::CrashExit ? tr("crashed") : tr("exited with status %1").arg(exitCode);
    if (m_state == State::Starting) {
        // An older datastore-server has no admin endpoint: run it without one.
        if (m_useAdminKey && logTail().contains(u"admin-key"_s)) {
            qCInfo(lcUi) << "the local server has no --admin-key; starting it without (no server plans)";
            m_useAdminKey = false;
            launch();
            return;
        }
        fail(tr("the local server %1: %2").arg(how, logTail()));
    } else if (m_state == State::Running) {
        m_state = State::Failed;
        m_error = tr("the local server %1").arg(how);
        Q_EMIT stoppedUnexpectedly(m_error);
    }
}

void LocalServer::stop()
{
    m_timeout.stop();
    if (!m_process)
        return;
    QProcess *process = std::exchange(m_process, nullptr);
    process->disconnect(this);
    if (process->state() != QProcess::NotRunning) {
#ifdef Q_OS_WIN
        process->kill();   // a console program ignores terminate()'s WM_CLOSE
#else
        process->terminate();
#endif
        if (!process->waitForFinished(stopTimeoutMs)) {
            process->kill();
            process->waitForFinished(stopTimeoutMs);
        }
        qCInfo(lcUi) << "local server stopped";
    }
    delete process;
    if (m_state != State::Failed)
        m_state = State::NotRunning;
}

void LocalServer::fail(const QString &message)
{
    if (m_state == State::Failed)
        return;
    stop();
    m_state = State::Failed;
    m_error = message;
    qCInfo(lcUi).noquote() << "local server:" << message;
    Q_EMIT failed(message);
}

bool LocalServer::writeSupportFiles(QString *error) const
{
    if (!QDir().mkpath(m_directory)) {
        *error = tr("cannot create the folder %1").arg(m_directory);
        return false;
    }
    QFile schema(schemaResource);
    if (!schema.open(QIODevice::ReadOnly)) {
        *error = tr("the app's schema is missing from its resources");
        return false;
    }
    QSaveFile out(QDir(m_directory).filePath(u"schema.graphql"_s));
    if (!out.open(QIODevice::WriteOnly) || out.write(schema.readAll()) < 0 || !out.commit()) {
        *error = tr("cannot write %1: %2").arg(out.fileName(), out.errorString());
        return false;
    }
    return true;
}

bool LocalServer::writeConfiguration(QString *error) const
{
    // Amplify's amplifyconfiguration.json, as `amplify pull` would write it.
    const QJsonObject api{
        {u"endpointType"_s, u"GraphQL"_s},
        {u"endpoint"_s, m_endpoint.toString()},
        {u"region"_s, u"local"_s},
        {u"authorizationType"_s, u"API_KEY"_s},
        {u"apiKey"_s, m_apiKey},
    };
    const QJsonObject root{
        {u"UserAgent"_s, u"datastore-notes"_s},
        {u"Version"_s, u"1.0"_s},
        {u"api"_s, QJsonObject{{u"plugins"_s, QJsonObject{{u"awsAPIPlugin"_s, QJsonObject{{u"datastoreNotesLocal"_s, api}}}}}}},
    };
    QSaveFile out(configurationFile());
    if (!out.open(QIODevice::WriteOnly) || out.write(QJsonDocument(root).toJson()) < 0 || !out.commit()) {
        *error = tr("cannot write %1: %2").arg(out.fileName(), out.errorString());
        return false;
    }
    return true;
}

QString LocalServer::logTail() const
{
    QFile log(QDir(m_directory).filePath(u"server.log"_s));
    if (!log.open(QIODevice::ReadOnly))
        return {};
    if (log.size() > 2000)
        log.seek(log.size() - 2000);
    const QStringList lines = QString::fromUtf8(log.readAll()).trimmed().split(u'\n');
    return lines.mid(qMax(0, lines.size() - 3)).join(u" / "_s);
}

} // namespace notes

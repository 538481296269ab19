// Signed-in users through the sync engine, end to end: the app's schema
// (models/schema.graphql: Post readable by every signed-in user, Note owner-
// only) on the real datastore-server; two users sign up over /auth/signup
// and sync with their ID tokens (AMAZON_COGNITO_USER_POOLS style). Shared
// posts replicate; a user's notes never reach the other user's store: not
// by sync queries, not by subscriptions, not in the local database file.
#include "syncserver.h"

#include <datastore/datastore.h>

#include "awaitfuture.h"

#include <QFile>
#include <QJsonDocument>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ds;
using dstest::await;

namespace {

QString appSchemaFile()
{
    return QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql");
}

} // namespace

class tst_SyncAuth : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void notesStayWithTheirOwner();
    void badTokenIsReported();
    void refusedCredentialsKeepTheChange();

private:
    QString signUp(const QString &user);
    std::unique_ptr<DataStore> client(const QString &name, const QString &token);

    QTemporaryDir m_dir;
    Schema m_schema;
    dstest::ServerProcess m_server;
    int m_stores = 0;
};

void tst_SyncAuth::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QFile file(appSchemaFile());
    QVERIFY(file.open(QIODevice::ReadOnly));
    SourceError error;
    std::optional<Schema> schema = Schema::fromGraphQL(file.readAll(), appSchemaFile(), &error);
    QVERIFY2(schema, qPrintable(error.message));
    m_schema = std::move(*schema);
    // The last --schema wins: the app's schema instead of the sync tests' one.
    const QString started = m_server.start({u"--schema"_s, appSchemaFile(), u"--api-key"_s, synctest::apiKey()});
    QVERIFY2(started.isEmpty(), qPrintable(started));
}

QString tst_SyncAuth::signUp(const QString &user)
{
    QNetworkAccessManager manager;
    QNetworkRequest request(m_server.url(u"/auth/signup"_s));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    const QByteArray body = QJsonDocument(QJsonObject{{u"username"_s, user}, {u"password"_s, u"correct horse battery"_s}})
                                .toJson(QJsonDocument::Compact);
    QNetworkReply *reply = manager.post(request, body);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(10000))
        return {};
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return answer.value(u"idToken"_s).toString();
}

std::unique_ptr<DataStore> tst_SyncAuth::client(const QString &name, const QString &token)
{
    auto store = std::make_unique<DataStore>(m_schema);
    const QString path = m_dir.filePath(u"%1-%2.sqlite"_s.arg(name).arg(++m_stores));
    if (const Result<void> opened = await(store->open(path)); !opened)
        qWarning().noquote() << opened.error().message();
    SyncConfiguration config;
    config.endpoint = m_server.graphqlUrl();
    config.authorizationType = SyncConfiguration::AuthorizationType::UserPools;
    config.tokenProvider = [token] { return token; };
    store->configureSync(config);
    return store;
}

void tst_SyncAuth::notesStayWithTheirOwner()
{
    const QString alice = signUp(u"alice"_s);
    const QString bob = signUp(u"bob"_s);
    QVERIFY(!alice.isEmpty());
    QVERIFY(!bob.isEmpty());
    auto a = client(u"alice"_s, alice);
    auto b = client(u"bob"_s, bob);
    QSignalSpy aReady(a.get(), &DataStore::syncQueriesReady);
    QSignalSpy bReady(b.get(), &DataStore::syncQueriesReady);
    QSignalSpy aErrors(a.get(), &DataStore::syncErrorOccurred);
    QVERIFY(await(a->start()).ok());
    QVERIFY(await(b->start()).ok());
    QTRY_VERIFY_WITH_TIMEOUT(aReady.size() == 1 && bReady.size() == 1, 20000);

    // Alice writes a secret note and a shared post.
    const QString secret = u"alice's secret 7f3a"_s;
    QVERIFY(await(a->save(u"Note"_s, {{u"id"_s, u"n-alice"_s}, {u"title"_s, secret}})).ok());
    QVERIFY(await(a->save(u"Post"_s, {{u"id"_s, u"shared"_s}, {u"title"_s, u"For everyone"_s}})).ok());
    QVERIFY(await(b->save(u"Note"_s, {{u"id"_s, u"n-bob"_s}, {u"title"_s, u"bob's own"_s}})).ok());

    // The post reaches Bob; Alice's note never does (and Bob's never reaches Alice).
    QTRY_VERIFY_WITH_TIMEOUT(await(b->get(u"Post"_s, u"shared"_s))->has_value(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(a->pendingMutations(), 0, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(b->pendingMutations(), 0, 10000);
    QCOMPARE(aErrors.size(), 0);
    // Alice's note was stored by the server with her as owner.
    QTRY_COMPARE_WITH_TIMEOUT((*await(a->get(u"Note"_s, u"n-alice"_s)))->value(u"owner"_s).toString().isEmpty(), false,
                              5000);
    QTest::qWait(300);   // any subscription event would have arrived by now
    QCOMPARE(*await(b->count(u"Note"_s)), 1);
    QVERIFY(!(*await(b->get(u"Note"_s, u"n-alice"_s))).has_value());
    QCOMPARE(*await(a->count(u"Note"_s)), 1);

    // A fresh store for Bob syncs from scratch: still only his note.
    auto b2 = client(u"bob"_s, bob);
    QSignalSpy b2Ready(b2.get(), &DataStore::syncQueriesReady);
    QVERIFY(await(b2->start()).ok());
    QTRY_COMPARE_WITH_TIMEOUT(b2Ready.size(), 1, 20000);
    QCOMPARE(*await(b2->count(u"Note"_s)), 1);
    QCOMPARE(*await(b2->count(u"Post"_s)), 1);
    const QString bobFile = b2->databasePath();
    QVERIFY(await(b2->close()).ok());
    QVERIFY(await(b->close()).ok());
    for (const QString &path : {bobFile, b->databasePath()}) {
        for (const QString &suffix : {u""_s, u"-wal"_s}) {
            QFile f(path + suffix);
            if (f.open(QIODevice::ReadOnly))
                QVERIFY2(!f.readAll().contains(secret.toUtf8()), qPrintable(path + suffix));
        }
    }
}

void tst_SyncAuth::badTokenIsReported()
{
    auto c = client(u"mallory"_s, u"not.a.token"_s);
    QSignalSpy errors(c.get(), &DataStore::syncErrorOccurred);
    QVERIFY(await(c->start()).ok());
    QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), 15000);
    QCOMPARE(errors.constFirst().at(1).value<Error>().domain(), Error::Domain::Auth);
    QCOMPARE(*await(c->count(u"Note"_s)), 0);
}

void tst_SyncAuth::refusedCredentialsKeepTheChange()
{
    // An expired or revoked token refuses the connection, not the user's
    // changes: they stay queued until the token provider has a good token.
    const QString carol = signUp(u"carol"_s);
    QVERIFY(!carol.isEmpty());
    auto token = std::make_shared<std::pair<QMutex, QString>>();
    token->second = u"expired.token.value"_s;
    auto store = std::make_unique<DataStore>(m_schema);
    QVERIFY(await(store->open(m_dir.filePath(u"carol.sqlite"_s))).ok());
    SyncConfiguration config;
    config.endpoint = m_server.graphqlUrl();
    config.authorizationType = SyncConfiguration::AuthorizationType::UserPools;
    config.tokenProvider = [token] {
        QMutexLocker lock(&token->first);
        return token->second;
    };
    store->configureSync(config);
    QSignalSpy errors(store.get(), &DataStore::syncErrorOccurred);
    QVERIFY(await(store->start()).ok());
    QVERIFY(await(store->save(u"Note"_s, {{u"id"_s, u"n-carol"_s}, {u"title"_s, u"kept"_s}})).ok());
    QSignalSpy dropped(store.get(), &DataStore::outboxMutationFailed);
    QTRY_VERIFY_WITH_TIMEOUT(!errors.isEmpty(), 10000);
    QTest::qWait(500);   // a few refused attempts later...
    QCOMPARE(await(store->pendingMutationList())->size(), 1);   // ...the change is still queued
    QCOMPARE(dropped.size(), 0);
    {
        QMutexLocker lock(&token->first);
        token->second = carol;
    }
    QTRY_COMPARE_WITH_TIMEOUT(store->pendingMutations(), 0, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(store->isOnline(), 5000);
    QVERIFY(!(*await(store->get(u"Note"_s, u"n-carol"_s)))->value(u"owner"_s).toString().isEmpty());
}

QTEST_GUILESS_MAIN(tst_SyncAuth)
#include "tst_syncauth.moc"

#include "keychainstore.h"

#include "accounttuning.h"
#include "logging.h"

#include <qt6keychain/keychain.h>

#include <QPromise>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;

namespace notes {

namespace {

// Resolves a promise once: by the job or by the timeout, whichever is first.
struct PendingReply
{
    QPromise<SecretStore::Reply> promise;
    bool done = false;

    void finish(SecretStore::Reply reply)
    {
        if (done)
            return;
        done = true;
        promise.addResult(std::move(reply));
        promise.finish();
    }
};

SecretStore::Reply replyOf(const QKeychain::Job *job, QString secret)
{
    switch (job->error()) {
    case QKeychain::NoError:
        return {SecretStore::Status::Ok, std::move(secret), {}};
    case QKeychain::EntryNotFound:
        return {SecretStore::Status::NotFound, {}, {}};
    default:
        // NoBackendAvailable, NotImplemented, AccessDenied(ByUser),
        // CouldNotDeleteEntry, OtherError: nothing to keep the secret in.
        return {SecretStore::Status::Unavailable, {}, job->errorString()};
    }
}

} // namespace

KeychainStore::KeychainStore(QString service, QObject *parent)
    : QObject(parent), m_service(std::move(service)), m_timeout(account_tuning::kKeychainTimeout)
{
}

QFuture<SecretStore::Reply> KeychainStore::read(const QString &key)
{
    return run(Operation::Read, key, {});
}

QFuture<SecretStore::Reply> KeychainStore::write(const QString &key, const QString &secret)
{
    return run(Operation::Write, key, secret);
}

QFuture<SecretStore::Reply> KeychainStore::remove(const QString &key)
{
    return run(Operation::Remove, key, {});
}

QFuture<SecretStore::Reply> KeychainStore::run(Operation operation, const QString &key, const QString &secret)
{
    auto pending = std::make_shared<PendingReply>();
    pending->promise.start();
    QFuture<Reply> future = pending->promise.future();

    QKeychain::Job *job = nullptr;
    switch (operation) {
    case Operation::Read:
        job = new QKeychain::ReadPasswordJob(m_service, this);
        break;
    case Operation::Write: {
        auto *write = new QKeychain::WritePasswordJob(m_service, this);
        write->setTextData(secret);
        job = write;
        break;
    }
    case Operation::Remove:
        job = new QKeychain::DeletePasswordJob(m_service, this);
        break;
    }
    job->setAutoDelete(true);
    job->setInsecureFallback(false);   // never a plain-text file instead
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [pending, operation](QKeychain::Job *finished) {
        QString value;
        if (operation == Operation::Read)
            value = static_cast<QKeychain::ReadPasswordJob *>(finished)->textData();
        Reply reply = replyOf(finished, std::move(value));
        if (reply.status == Status::Unavailable)
            qCInfo(lcAccount).noquote() << "keychain:" << reply.message;
        pending->finish(std::move(reply));
    });
    QTimer::singleShot(m_timeout, this, [pending] {
        if (!pending->done)
            qCInfo(lcAccount) << "keychain: no answer in time";
        pending->finish({Status::Unavailable, {}, u"the keychain service did not answer"_s});
    });
    job->start();
    return future;
}

} // namespace notes

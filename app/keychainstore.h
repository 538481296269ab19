// notes::SecretStore: where the app keeps a signed-in user's refresh token
// between runs (never a password). notes::KeychainStore is the production
// backend, the platform keychain through QtKeychain (Secret Service / KWallet
// on Linux, Keychain on macOS, Credential Manager on Windows); tests inject
// their own SecretStore (one without a keychain, one in memory).
//
// A keychain that is missing, refuses access or does not answer within
// account_tuning::kKeychainTimeout reports Status::Unavailable: the caller
// keeps the secret for the session only and says so.
//
// Threading: GUI thread; every operation is asynchronous and resolves on
// the GUI thread.
#pragma once

#include <QFuture>
#include <QObject>
#include <QString>

#include <chrono>

namespace notes {

class SecretStore
{
public:
    enum class Status {
        Ok,            // done (read: `secret` holds the value)
        NotFound,      // read/remove: no such entry (the keychain works)
        Unavailable,   // no keychain service, access refused, or no answer
    };
    struct Reply
    {
        Status status = Status::Ok;
        QString secret;    // read: the value
        QString message;   // Unavailable: the backend's reason, for the log
    };

    virtual ~SecretStore() = default;
    virtual QFuture<Reply> read(const QString &key) = 0;
    virtual QFuture<Reply> write(const QString &key, const QString &secret) = 0;
    virtual QFuture<Reply> remove(const QString &key) = 0;
};

class KeychainStore : public QObject, public SecretStore
{
    Q_OBJECT

public:
    // service: the keychain's service name the entries are filed under.
    explicit KeychainStore(QString service, QObject *parent = nullptr);

    QFuture<Reply> read(const QString &key) override;
    QFuture<Reply> write(const QString &key, const QString &secret) override;
    QFuture<Reply> remove(const QString &key) override;

    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

private:
    enum class Operation { Read, Write, Remove };
    QFuture<Reply> run(Operation operation, const QString &key, const QString &secret);

    QString m_service;
    std::chrono::milliseconds m_timeout;
};

} // namespace notes

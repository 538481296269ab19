// The SQLite ServerStore: one connection, WAL, a write transaction per
// mutation (BEGIN IMMEDIATE). Layout: serverstore.h.
//
// Threading: create, use and destroy on one thread; every worker thread opens
// its own SqliteStore on the same file (readers never block the writer).
#pragma once

#include "data/serverstore.h"

#include <QHash>
#include <QSqlQuery>
#include <QString>

#include <optional>

namespace ds::server::data {

class SqliteStore final : public ServerStore
{
public:
    SqliteStore();
    ~SqliteStore() override;
    SqliteStore(const SqliteStore &) = delete;
    SqliteStore &operator=(const SqliteStore &) = delete;

    Result<void> open(const QString &path);
    void close();

    Result<void> prepareSchema(const Schema &schema) override;
    Result<QByteArray> tokenSecret() override;
    Result<void> beginWrite() override;
    Result<void> commit() override;
    void rollback() override;
    Result<std::optional<QJsonObject>> fetch(const ModelSchema &model, const QJsonArray &key) override;
    Result<void> put(const ModelSchema &model, const QJsonObject &item, const WriteMeta &meta) override;
    Result<void> putBase(const ModelSchema &model, const QJsonObject &item) override;
    Result<Page> scanBase(const ModelSchema &model, const BaseScan &scan) override;
    // Rows read with SQLite's own API straight into JSON text: no QVariant,
    // QString or QJsonValue per value.
    Result<JsonPage> scanBaseJson(const ModelSchema &model, const Schema &schema, const BaseScan &scan) override;
    Result<Page> scanDelta(const ModelSchema &model, const DeltaScan &scan) override;
    Result<ScanExplanation> explainBase(const ModelSchema &model, const BaseScan &scan) override;
    Result<ScanExplanation> explainDelta(const ModelSchema &model, const DeltaScan &scan) override;
    Result<qint64> lastDeltaSeq() override;
    Result<qint64> count(const ModelSchema &model) override;
    Result<qint64> countBase(const ModelSchema &model, const BaseScan &scan) override;
    Result<SweepResult> sweep(const Schema &schema, qint64 nowSeconds) override;

private:
    struct Statement
    {
        QString sql;
        QVariantList bindings;
    };
    // The SELECT of a base scan page (shared by scanBase and explainBase, so
    // what is explained is what runs). pin: name the plan's index with
    // INDEXED BY.
    Statement baseStatement(const ModelSchema &model, const BaseScan &scan, bool pin) const;
    Statement deltaStatement(const ModelSchema &model, const DeltaScan &scan, qint64 afterSeq) const;
    // Where a delta page starts (seq > it): scan.afterSeq, or for the first
    // page just before the model's first change since scan.sinceMs; nullopt
    // when there is none.
    Result<std::optional<qint64>> deltaStart(const ModelSchema &model, const DeltaScan &scan);
    // Prepares the base scan statement; when SQLite cannot use the pinned
    // index ("no query solution"), unpinned, with a warning.
    Result<Statement> prepareBase(QSqlQuery &query, const ModelSchema &model, const BaseScan &scan);
    Result<ScanExplanation> explainStatement(const ModelSchema &model, const Statement &statement);
    Result<void> exec(const QString &sql);
    QSqlQuery *cached(const QString &key, const QString &sql, Error *error);
    Result<void> upsert(const ModelSchema &model, const QJsonObject &item, qint64 ttl);

    QString m_connectionName;
    QHash<QString, QSqlQuery *> m_statements;
};

} // namespace ds::server::data

// Test helper of the data-plane tests (not a test class): a real
// datastore-server on a temporary SQLite file with the reference schema,
// and a synchronous GraphQL client.
#pragma once

#include "serverprocess.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <memory>

namespace dstest {

// The reference schema of the captured Amplify session
// (shared/protocol/reference/input-schema.graphql), inlined so the tests do
// not depend on the shared folder.
inline const char kReferenceSchema[] = R"(
enum PostStatus { DRAFT PUBLISHED }
type Post @model @auth(rules: [{ allow: public }]) {
  id: ID!
  title: String!
  content: String
  rating: Int
  status: PostStatus
  tags: [String]
  comments: [Comment] @hasMany(indexName: "byPost", fields: ["id"])
}
type Comment @model @auth(rules: [{ allow: public }]) {
  id: ID!
  postID: ID! @index(name: "byPost")
  post: Post @belongsTo(fields: ["postID"])
  content: String!
}
type User @model @auth(rules: [{ allow: public }]) {
  id: ID!
  firstName: String!
  lastName: String! @index(name: "byLastName", sortKeyFields: ["createdAt"])
  createdAt: AWSDateTime!
}
)";

inline const QByteArray kApiKey = "da2-testkey";

struct GraphQLReply
{
    int status = 0;
    QJsonObject body;

    QJsonObject data() const { return body.value(QStringLiteral("data")).toObject(); }
    QJsonArray errors() const { return body.value(QStringLiteral("errors")).toArray(); }
    QJsonObject firstError() const { return errors().at(0).toObject(); }
    QString errorType() const { return firstError().value(QStringLiteral("errorType")).toString(); }
};

class DataServer
{
public:
    // Returns an error message, empty on success.
    QString start(const QStringList &extraArguments = {}, const QByteArray &schemaText = kReferenceSchema)
    {
        if (!m_dir.isValid())
            return QStringLiteral("no temporary directory");
        const QString schemaPath = m_dir.filePath(QStringLiteral("schema.graphql"));
        QFile schema(schemaPath);
        if (!schema.open(QIODevice::WriteOnly) || schema.write(schemaText) != schemaText.size())
            return QStringLiteral("cannot write ") + schemaPath;
        schema.close();
        QStringList arguments{QStringLiteral("--schema"), schemaPath, QStringLiteral("--db"),
                              QStringLiteral("sqlite:") + m_dir.filePath(QStringLiteral("data.sqlite")),
                              QStringLiteral("--api-key"), QString::fromLatin1(kApiKey)};
        arguments += extraArguments;
        return m_process.start(arguments);
    }
    void stop() { m_process.stop(); }
    QString dir() const { return m_dir.path(); }
    ServerProcess &process() { return m_process; }

    GraphQLReply post(const QByteArray &body, const QList<QPair<QByteArray, QByteArray>> &headers)
    {
        QNetworkRequest request(m_process.url(QStringLiteral("/graphql")));
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        std::unique_ptr<QNetworkReply> reply(m_nam.post(request, body));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished())
            finished.wait(20000);
        GraphQLReply result;
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.body = QJsonDocument::fromJson(reply->readAll()).object();
        return result;
    }

    GraphQLReply query(const QString &document, const QJsonObject &variables = {})
    {
        const QJsonObject body{{QStringLiteral("query"), document}, {QStringLiteral("variables"), variables}};
        return post(QJsonDocument(body).toJson(QJsonDocument::Compact), {{"x-api-key", kApiKey}});
    }

private:
    QTemporaryDir m_dir;
    ServerProcess m_process;
    QNetworkAccessManager m_nam;
};

// Documents as the Amplify JS client sends them (PROTOCOL.md 1.3, 1.4).
inline const QString kPostFields = QStringLiteral("id title content rating status tags createdAt updatedAt "
                                                  "_version _lastChangedAt _deleted");
inline QString createPostDoc()
{
    return QStringLiteral("mutation operation($input: CreatePostInput!, $condition: ModelPostConditionInput) {"
                          " createPost(input: $input, condition: $condition) { ") + kPostFields + QStringLiteral(" } }");
}
inline QString updatePostDoc()
{
    return QStringLiteral("mutation operation($input: UpdatePostInput!, $condition: ModelPostConditionInput) {"
                          " updatePost(input: $input, condition: $condition) { ") + kPostFields + QStringLiteral(" } }");
}
inline QString deletePostDoc()
{
    return QStringLiteral("mutation operation($input: DeletePostInput!, $condition: ModelPostConditionInput) {"
                          " deletePost(input: $input, condition: $condition) { ") + kPostFields + QStringLiteral(" } }");
}
inline QString syncPostsDoc()
{
    return QStringLiteral("query operation($limit: Int, $nextToken: String, $lastSync: AWSTimestamp,"
                          " $filter: ModelPostFilterInput) { syncPosts(limit: $limit, nextToken: $nextToken,"
                          " lastSync: $lastSync, filter: $filter) { items { ") + kPostFields
        + QStringLiteral(" } nextToken startedAt } }");
}

} // namespace dstest

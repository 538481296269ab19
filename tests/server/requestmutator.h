// Test helper (not a test class): a deterministic mutator of GraphQL request
// bodies ({"query","variables","operationName"}) for fuzzing the request
// path, and the check that an answer is a valid GraphQL response. Used by
// tst_server_requests (in process) and tst_data_explain (over HTTP).
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QRandomGenerator>
#include <QString>

namespace dstest {

using namespace Qt::StringLiterals;

// Why an answer is not a valid GraphQL response; empty when it is.
inline QString checkAnswer(const QByteArray &answer)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(answer, &error);
    if (error.error != QJsonParseError::NoError)
        return u"not JSON: "_s + error.errorString();
    if (!document.isObject())
        return u"not an object"_s;
    const QJsonObject o = document.object();
    if (!o.contains(u"data"_s) && !o.contains(u"errors"_s))
        return u"neither data nor errors"_s;
    if (o.contains(u"errors"_s)) {
        const QJsonArray errors = o.value(u"errors"_s).toArray();
        if (errors.isEmpty())
            return u"an empty errors list"_s;
        for (const QJsonValue &e : errors) {
            if (!e.toObject().value(u"message"_s).isString() || e.toObject().value(u"message"_s).toString().isEmpty())
                return u"an error without a message"_s;
        }
    }
    return {};
}

// Pieces a mutation inserts: GraphQL punctuation and keywords, JSON
// syntax, odd values.
inline const QList<QByteArray> kTokens{
    "{", "}", "[", "]", "(", ")", ":", ",", "\"", "\\", "$", "@", "!", "...", "=", " ", "\n", "#",
    "null", "true", "false", "-1", "0", "2147483648", "9007199254740993", "1e308", "-1e400", "0.5",
    "\\u0000", "\\ud800", "\xff", "\xc3\x28", "__typename", "__schema", "fragment F on Post { id }", "...F",
    "@skip(if: true)", "@include(if: $v)", "query", "mutation", "subscription", "on", "$filter", "$limit",
    "syncPosts", "syncUsers", "listPosts", "getPost(id: \"p1\")", "createPost", "items", "nextToken",
    "and", "or", "not", "eq", "ne", "gt", "between", "beginsWith", "in", "contains", "attributeExists",
    "\"\"\"block\"\"\"", "_version", "_deleted", "lastSync", "filter", "condition", "input",
};

inline QJsonValue randomValue(QRandomGenerator &rng, int depth = 0)
{
    switch (rng.bounded(depth > 3 ? 9 : 12)) {
    case 0: return QJsonValue::Null;
    case 1: return -1;
    case 2: return 2147483648.0;
    case 3: return 1e300;
    case 4: return u""_s;
    case 5: return QString(int(rng.bounded(5000)), u'x');
    case 6: return true;
    case 7: return 0.5;
    case 8: return QString::fromUtf8(kTokens.at(rng.bounded(int(kTokens.size()))));
    case 9: {
        QJsonArray a;
        for (int i = 0, n = int(rng.bounded(4)); i < n; ++i)
            a.append(randomValue(rng, depth + 1));
        return a;
    }
    case 10: {
        static const QStringList keys{u"and"_s, u"or"_s, u"not"_s, u"eq"_s, u"gt"_s, u"between"_s, u"rating"_s,
                                      u"lastName"_s, u"id"_s, u"title"_s, u"_deleted"_s, u"beginsWith"_s, u"in"_s};
        QJsonObject o;
        for (int i = 0, n = 1 + int(rng.bounded(3)); i < n; ++i)
            o.insert(keys.at(rng.bounded(int(keys.size()))), randomValue(rng, depth + 1));
        return o;
    }
    default: {   // deep nesting
        QJsonValue v = QJsonObject{{u"rating"_s, QJsonObject{{u"gt"_s, 1}}}};
        for (int i = 0, n = int(rng.bounded(40)); i < n; ++i) {
            const QString key = i % 3 == 0 ? u"not"_s : i % 3 == 1 ? u"and"_s : u"or"_s;
            v = QJsonObject{{key, i % 3 == 0 ? v : QJsonValue(QJsonArray{v})}};
        }
        return v;
    }
    }
}

// Replaces one node of a JSON tree (chosen at random) with a random value.
inline QJsonValue mutateJson(const QJsonValue &value, QRandomGenerator &rng, int depth = 0)
{
    if (rng.bounded(4) == 0 || depth > 8 || (!value.isObject() && !value.isArray()))
        return randomValue(rng);
    if (value.isArray()) {
        QJsonArray a = value.toArray();
        if (a.isEmpty())
            return randomValue(rng);
        const int i = int(rng.bounded(int(a.size())));
        a[i] = mutateJson(a.at(i), rng, depth + 1);
        return a;
    }
    QJsonObject o = value.toObject();
    if (o.isEmpty() || rng.bounded(6) == 0) {
        o.insert(rng.bounded(2) ? u"_deleted"_s : u"zz"_s, randomValue(rng));
        return o;
    }
    const QString key = o.keys().at(rng.bounded(int(o.size())));
    if (rng.bounded(8) == 0)
        o.remove(key);
    else
        o.insert(key, mutateJson(o.value(key), rng, depth + 1));
    return o;
}

inline QByteArray mutateBytes(QByteArray text, QRandomGenerator &rng)
{
    const int n = int(text.size());
    const int at = n ? int(rng.bounded(n + 1)) : 0;
    switch (rng.bounded(7)) {
    case 0:   // flip a bit
        if (n)
            text[at % n] = char(text.at(at % n) ^ (1 << rng.bounded(8)));
        break;
    case 1:   // delete a span
        text.remove(at, int(rng.bounded(1 + qMin(n - at, 40))));
        break;
    case 2: {   // duplicate a span
        const QByteArray span = text.mid(at, int(rng.bounded(1 + qMin(n - at, 60))));
        text.insert(at, span);
        break;
    }
    case 3:   // insert a token
    case 4:
        text.insert(at, kTokens.at(rng.bounded(int(kTokens.size()))));
        break;
    case 5:   // truncate
        text.truncate(at);
        break;
    default:   // a random byte
        text.insert(at, char(rng.bounded(256)));
        break;
    }
    return text;
}

inline QByteArray mutate(const QByteArray &body, const QList<QByteArray> &seeds, QRandomGenerator &rng)
{
    QJsonObject request = QJsonDocument::fromJson(body).object();
    switch (rng.bounded(6)) {
    case 0:   // the raw body
        return mutateBytes(body, rng);
    case 1:
    case 2: {   // the variables
        QJsonValue variables = request.value(u"variables"_s);
        if (!variables.isObject())
            variables = QJsonObject{{u"filter"_s, QJsonObject()}};
        request.insert(u"variables"_s, mutateJson(variables, rng));
        break;
    }
    case 3: {   // the query text
        QByteArray query = request.value(u"query"_s).toString().toUtf8();
        for (int i = 0, n = 1 + int(rng.bounded(3)); i < n; ++i)
            query = mutateBytes(query, rng);
        request.insert(u"query"_s, QString::fromUtf8(query));
        break;
    }
    case 4: {   // another seed's query with these variables
        const QJsonObject other = QJsonDocument::fromJson(seeds.at(rng.bounded(int(seeds.size())))).object();
        request.insert(u"query"_s, other.value(u"query"_s));
        break;
    }
    default:   // the envelope
        request.insert(rng.bounded(2) ? u"operationName"_s : u"variables"_s, randomValue(rng));
        break;
    }
    return QJsonDocument(request).toJson(QJsonDocument::Compact);
}

} // namespace dstest

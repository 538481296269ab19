#include "data/synctoken_p.h"
#include "http/constanttime.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>

using namespace Qt::StringLiterals;

namespace ds::server::data {

namespace {

constexpr auto kBase64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QString kindName(SyncCursor::Kind kind)
{
    switch (kind) {
    case SyncCursor::Kind::Base: return u"base"_s;
    case SyncCursor::Kind::Delta: return u"delta"_s;
    case SyncCursor::Kind::List: return u"list"_s;
    }
    return {};
}

} // namespace

QString SyncTokenCodec::encode(const SyncCursor &cursor) const
{
    QJsonObject payload{{u"v"_s, 1},
                        {u"q"_s, cursor.queryField},
                        {u"k"_s, kindName(cursor.kind)},
                        {u"s"_s, cursor.startedAt},
                        {u"l"_s, cursor.lastSync},
                        {u"f"_s, cursor.argumentsHash}};
    if (cursor.kind == SyncCursor::Kind::Delta) {
        payload.insert(u"c"_s, cursor.lastSeq);
        payload.insert(u"x"_s, cursor.maxSeq);
    } else {
        payload.insert(u"c"_s, cursor.lastKey);
        if (!cursor.orderFields.isEmpty())
            payload.insert(u"o"_s, QJsonArray::fromStringList(cursor.orderFields));
    }
    const QByteArray json = QJsonDocument(payload).toJson(QJsonDocument::Compact);
    const QByteArray mac = QMessageAuthenticationCode::hash(json, m_key, QCryptographicHash::Sha256);
    return QString::fromLatin1(json.toBase64(kBase64) + '.' + mac.toBase64(kBase64));
}

std::optional<SyncCursor> SyncTokenCodec::decode(const QString &token) const
{
    if (token.size() > 8192)
        return std::nullopt;
    const QByteArray text = token.toLatin1();
    const qsizetype dot = text.indexOf('.');
    if (dot <= 0)
        return std::nullopt;
    const auto json = QByteArray::fromBase64Encoding(text.left(dot), QByteArray::Base64UrlEncoding
                                                                          | QByteArray::AbortOnBase64DecodingErrors);
    const auto mac = QByteArray::fromBase64Encoding(text.mid(dot + 1), QByteArray::Base64UrlEncoding
                                                                           | QByteArray::AbortOnBase64DecodingErrors);
    if (!json || !mac)
        return std::nullopt;
    if (!equalConstantTime(*mac, QMessageAuthenticationCode::hash(*json, m_key, QCryptographicHash::Sha256)))
        return std::nullopt;
    const QJsonObject payload = QJsonDocument::fromJson(*json).object();
    if (payload.value(u"v"_s).toInt() != 1)
        return std::nullopt;
    SyncCursor cursor;
    const QString kind = payload.value(u"k"_s).toString();
    if (kind == u"base")
        cursor.kind = SyncCursor::Kind::Base;
    else if (kind == u"delta")
        cursor.kind = SyncCursor::Kind::Delta;
    else if (kind == u"list")
        cursor.kind = SyncCursor::Kind::List;
    else
        return std::nullopt;
    cursor.queryField = payload.value(u"q"_s).toString();
    cursor.startedAt = payload.value(u"s"_s).toInteger();
    cursor.lastSync = payload.value(u"l"_s).toInteger();
    cursor.argumentsHash = payload.value(u"f"_s).toString();
    if (cursor.kind == SyncCursor::Kind::Delta) {
        cursor.lastSeq = payload.value(u"c"_s).toInteger();
        cursor.maxSeq = payload.value(u"x"_s).toInteger();
    } else {
        cursor.lastKey = payload.value(u"c"_s).toArray();
        const QJsonArray order = payload.value(u"o"_s).toArray();
        for (const QJsonValue &f : order) {
            if (!f.isString())
                return std::nullopt;
            cursor.orderFields.append(f.toString());
        }
    }
    return cursor;
}

QString SyncTokenCodec::hashArguments(const QJsonObject &arguments)
{
    const QByteArray json = QJsonDocument(arguments).toJson(QJsonDocument::Compact);
    return QString::fromLatin1(QCryptographicHash::hash(json, QCryptographicHash::Sha256).left(12).toBase64(kBase64));
}

} // namespace ds::server::data

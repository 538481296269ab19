// Compact JSON text written straight into a QByteArray. The executor uses it
// instead of building QJsonObjects: keys keep the order of the selection set
// (QJsonObject sorts them), and a 1,000-item page costs one buffer.
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringView>

namespace ds::server::graphql {

class JsonWriter
{
public:
    QByteArray &buffer() { return m_out; }
    qsizetype size() const { return m_out.size(); }
    void truncate(qsizetype size) { m_out.truncate(size); }

    void raw(char c) { m_out.append(c); }
    void raw(QByteArrayView text) { m_out.append(text); }
    void null() { m_out.append("null", 4); }
    void boolean(bool b) { b ? m_out.append("true", 4) : m_out.append("false", 5); }
    void integer(qint64 n) { m_out.append(QByteArray::number(n)); }
    void number(double d);
    void string(QStringView text);
    void value(const QJsonValue &v);
    void object(const QJsonObject &o);
    void array(const QJsonArray &a);

    // "text": with the quotes and the colon, for keys written many times.
    static QByteArray encodedKey(QStringView text);

private:
    QByteArray m_out;
};

} // namespace ds::server::graphql

namespace ds::server::graphql {
struct GraphQLError;
// [error, ...] as compact JSON (see GraphQLError::toJsonText()).
void writeErrors(JsonWriter &w, const QList<GraphQLError> &errors);
} // namespace ds::server::graphql

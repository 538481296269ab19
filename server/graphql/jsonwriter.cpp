#include "graphql/jsonwriter_p.h"

#include <QLocale>

#include <cmath>

namespace ds::server::graphql {

void JsonWriter::number(double d)
{
    if (!std::isfinite(d)) {
        null();
        return;
    }
    if (d == std::floor(d) && std::fabs(d) < 9007199254740992.0) {
        integer(qint64(d));
        return;
    }
    m_out.append(QByteArray::number(d, 'g', QLocale::FloatingPointShortest));
}

void JsonWriter::string(QStringView text)
{
    static const char hex[] = "0123456789abcdef";
    m_out.append('"');
    const char16_t *p = text.utf16();
    const char16_t *end = p + text.size();
    while (p < end) {
        // Runs of plain ASCII go in one append.
        const char16_t *run = p;
        while (p < end && *p >= 0x20 && *p < 0x80 && *p != u'"' && *p != u'\\')
            ++p;
        if (p > run) {
            const qsizetype n = p - run;
            const qsizetype at = m_out.size();
            m_out.resize(at + n);
            char *dst = m_out.data() + at;
            for (qsizetype i = 0; i < n; ++i)
                dst[i] = char(run[i]);
        }
        if (p == end)
            break;
        const char16_t c = *p;
        if (c == u'"' || c == u'\\') {
            m_out.append('\\');
            m_out.append(char(c));
            ++p;
        } else if (c < 0x20) {
            switch (c) {
            case u'\n': m_out.append("\\n", 2); break;
            case u'\r': m_out.append("\\r", 2); break;
            case u'\t': m_out.append("\\t", 2); break;
            case u'\b': m_out.append("\\b", 2); break;
            case u'\f': m_out.append("\\f", 2); break;
            default: {
                const char esc[6] = {'\\', 'u', '0', '0', hex[(c >> 4) & 0xf], hex[c & 0xf]};
                m_out.append(esc, 6);
            }
            }
            ++p;
        } else {
            // A run of non-ASCII: let Qt encode it (lone surrogates become U+FFFD).
            const char16_t *start = p;
            while (p < end && *p >= 0x80)
                ++p;
            m_out.append(QStringView(start, p - start).toUtf8());
        }
    }
    m_out.append('"');
}

void JsonWriter::value(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        null();
        break;
    case QJsonValue::Bool:
        boolean(v.toBool());
        break;
    case QJsonValue::Double:
        number(v.toDouble());
        break;
    case QJsonValue::String:
        string(v.toString());
        break;
    case QJsonValue::Array:
        array(v.toArray());
        break;
    case QJsonValue::Object:
        object(v.toObject());
        break;
    }
}

void JsonWriter::object(const QJsonObject &o)
{
    m_out.append('{');
    bool first = true;
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        if (!first)
            m_out.append(',');
        first = false;
        string(it.key());
        m_out.append(':');
        value(it.value());
    }
    m_out.append('}');
}

void JsonWriter::array(const QJsonArray &a)
{
    m_out.append('[');
    bool first = true;
    for (const QJsonValue &v : a) {
        if (!first)
            m_out.append(',');
        first = false;
        value(v);
    }
    m_out.append(']');
}

QByteArray JsonWriter::encodedKey(QStringView text)
{
    JsonWriter w;
    w.string(text);
    w.raw(':');
    return w.m_out;
}

} // namespace ds::server::graphql

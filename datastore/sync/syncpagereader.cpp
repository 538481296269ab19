#include "sync/syncpagereader.h"

#include "sync/tuning_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QVarLengthArray>

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <utility>

using namespace Qt::StringLiterals;

namespace ds {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Strict UTF-8 (no overlong forms, no encoded surrogates, nothing above
// U+10FFFF): what QJsonDocument accepts; noncharacters are fine for both.
bool isValidUtf8(const char *begin, const char *end)
{
    const auto *s = reinterpret_cast<const unsigned char *>(begin);
    const auto *e = reinterpret_cast<const unsigned char *>(end);
    auto cont = [](unsigned char c) { return (c & 0xC0) == 0x80; };
    while (s < e) {
        const unsigned char c = *s;
        if (c < 0x80) {
            ++s;
            continue;
        }
        int extra = 0;
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            if (c == 0xE0)
                lo = 0xA0;
            else if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            if (c == 0xF0)
                lo = 0x90;
            else if (c == 0xF4)
                hi = 0x8F;
        } else {
            return false;
        }
        if (e - s <= extra || s[1] < lo || s[1] > hi)
            return false;
        for (int i = 2; i <= extra; ++i) {
            if (!cont(s[i]))
                return false;
        }
        s += extra + 1;
    }
    return true;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// What the map form of a page holds for one JSON value (QJsonValue::toVariant(),
// whole numbers of Int fields as int).
QVariant mapValue(const QJsonValue &v, bool isInt)
{
    if (isInt && v.isDouble()) {
        constexpr qint64 none = std::numeric_limits<qint64>::min();
        const qint64 n = v.toInteger(none);
        if (n != none && n >= std::numeric_limits<int>::min() && n <= std::numeric_limits<int>::max())
            return QVariant(int(n));
    }
    return v.toVariant();
}

// Sync page items as QVariantMaps in wire form (the general path, from a
// QJsonDocument): what QJsonObject::toVariantMap()
// gives, for less work per item (measured with datastore-bench sync). Known
// names (the model's fields and the sync metadata) are shared strings, not
// kept per item, and found with one comparison when items list their fields
// in the same order (they do: one selection set); entries go into the map in
// key order; whole numbers of Int fields arrive as int, which the record
// validator keeps as they are. One page at a time, on the processor's thread.
class ItemConverter
{
public:
    explicit ItemConverter(const ModelSchema &model)
    {
        for (const FieldSchema &f : model.fields) {
            if (!f.isStored())
                continue;
            const bool isInt = !f.type.isList && f.type.kind == FieldType::Kind::Scalar
                && f.type.scalar == ScalarType::Int;
            m_keys.append(Key{f.name, isInt});
        }
        for (const QString &name : {u"_version"_s, u"_lastChangedAt"_s, u"_deleted"_s})
            m_keys.append(Key{name, false});
        std::sort(m_keys.begin(), m_keys.end(), [](const Key &a, const Key &b) { return a.name < b.name; });
        m_values.resize(m_keys.size());
        m_present.resize(m_keys.size());
    }

    QVariantMap convert(const QJsonObject &object)
    {
        std::fill(m_present.begin(), m_present.end(), false);
        std::map<QString, QVariant> map;
        qsizetype position = 0;
        for (auto it = object.begin(); it != object.end(); ++it, ++position) {
            const QString name = it.key();   // (QJsonObject has no key view before Qt 6.5)
            const qsizetype k = find(name, position);
            if (k < 0) {
                map.insert_or_assign(name, it.value().toVariant());
                continue;
            }
            m_values[k] = mapValue(it.value(), m_keys.at(k).isInt);
            m_present[k] = true;
        }
        for (qsizetype k = 0; k < m_keys.size(); ++k) {
            if (m_present.at(k))
                map.insert_or_assign(map.end(), m_keys.at(k).name, std::move(m_values[k]));
        }
        return QVariantMap(std::move(map));
    }

private:
    struct Key
    {
        QString name;
        bool isInt = false;
    };

    // The key's index: the one found at this position last time, else a
    // binary search; -1 for a name that is neither a field nor metadata.
    qsizetype find(const QString &name, qsizetype position)
    {
        if (position < m_guess.size()) {
            const qsizetype g = m_guess.at(position);
            if (g >= 0 && m_keys.at(g).name == name)
                return g;
        }
        qsizetype lo = 0;
        qsizetype hi = m_keys.size();
        qsizetype found = -1;
        while (lo < hi) {
            const qsizetype mid = (lo + hi) / 2;
            const int c = name.compare(m_keys.at(mid).name);
            if (c == 0) {
                found = mid;
                break;
            }
            if (c < 0)
                hi = mid;
            else
                lo = mid + 1;
        }
        if (position >= m_guess.size())
            m_guess.resize(position + 1, -1);
        m_guess[position] = found;
        return found;
    }

    QVarLengthArray<Key, 32> m_keys;         // sorted by name
    QVarLengthArray<QVariant, 32> m_values;  // per key, for the item being converted
    QVarLengthArray<bool, 32> m_present;
    QVarLengthArray<qsizetype, 32> m_guess;  // per position in the item: the key found there last
};

} // namespace

// One read of one body. Every function returns false when the body is not
// one it reads exactly as QJsonDocument would (the caller then falls back).
class SyncPageParser
{
public:
    SyncPageParser(const SyncPageReader &reader, const QByteArray &body)
        : m_reader(reader), m_p(body.constData()), m_end(body.constData() + body.size())
    {
    }

    bool parse(SyncPage &page)
    {
        if (!consume('{'))
            return false;
        bool data = false;
        bool extensions = false;
        if (!members([&](const char *key, qsizetype size) {
                if (equals(key, size, "errors"))
                    return false;
                if (equals(key, size, "data")) {
                    if (!firstTime(data))
                        return false;
                    return dataObject(page);
                }
                if (equals(key, size, "extensions")) {
                    if (!firstTime(extensions))
                        return false;
                    QJsonValue value;
                    if (!jsonValue(value))
                        return false;
                    page.extensions = value.toObject();
                    return true;
                }
                return skipValue(1);
            }))
            return false;
        skipSpace();
        return data && m_p == m_end;
    }

private:
    template<typename F>
    bool members(F &&member)
    {
        skipSpace();
        if (m_p < m_end && *m_p == '}') {
            ++m_p;
            return true;
        }
        for (;;) {
            const char *key = nullptr;
            qsizetype size = 0;
            if (!rawKey(key, size) || !consume(':') || !member(key, size))
                return false;
            if (const Next next = separator('}'); next != Next::More)
                return next == Next::Closed;
        }
    }

    // A member seen for the first time (a repeated one makes the page malformed).
    static bool firstTime(bool &seen) { return !std::exchange(seen, true); }

    static bool equals(const char *key, qsizetype size, const char *word)
    {
        return qsizetype(std::strlen(word)) == size && std::memcmp(key, word, size_t(size)) == 0;
    }

    bool dataObject(SyncPage &page)
    {
        if (!consume('{'))
            return false;
        bool found = false;
        if (!members([&](const char *key, qsizetype size) {
                if (size == m_reader.m_rootField.size()
                    && std::memcmp(key, m_reader.m_rootField.constData(), size_t(size)) == 0) {
                    if (!firstTime(found))
                        return false;
                    return connection(page);
                }
                return skipValue(2);
            }))
            return false;
        return found;
    }

    bool connection(SyncPage &page)
    {
        if (!consume('{'))
            return false;   // a null connection: parseResponse() reports it
        bool items = false;
        bool token = false;
        bool started = false;
        return members([&](const char *key, qsizetype size) {
            if (equals(key, size, "items")) {
                if (!firstTime(items))
                    return false;
                return itemArray(page);
            }
            if (equals(key, size, "nextToken")) {
                if (!firstTime(token))
                    return false;
                skipSpace();
                if (m_p < m_end && *m_p == 'n')
                    return literal("null");
                if (m_p < m_end && *m_p == '"')
                    return string(page.nextToken);
                return false;
            }
            if (equals(key, size, "startedAt")) {
                if (!firstTime(started))
                    return false;
                return startedAt(page.startedAt);
            }
            return skipValue(3);
        });
    }

    // qint64(startedAt.toDouble()), as the map form reads it.
    bool startedAt(qint64 &out)
    {
        skipSpace();
        if (m_p < m_end && *m_p == 'n') {
            out = 0;
            return literal("null");
        }
        const char *begin = m_p;
        bool integer = false;
        qint64 n = 0;
        if (!number(integer, n))
            return false;
        constexpr qint64 exact = qint64(1) << 53;
        if (integer && n > -exact && n < exact) {
            out = n;
            return true;
        }
        QJsonValue value;
        if (!reparse(begin, m_p, value) || !value.isDouble())
            return false;
        out = qint64(value.toDouble());
        return true;
    }

    bool itemArray(SyncPage &page)
    {
        if (!consume('['))
            return false;
        skipSpace();
        if (m_p < m_end && *m_p == ']') {
            ++m_p;
            return true;
        }
        QVarLengthArray<int, 64> guess;   // per member position: the member found there last
        QVarLengthArray<bool, 64> seen(m_reader.m_members.size());
        for (;;) {
            skipSpace();
            if (m_p < m_end && *m_p == 'n') {
                if (!literal("null"))
                    return false;
                ++page.itemCount;    // counted, not a record (as the map form skips it)
            } else {
                RemoteRecord record;
                record.values.resize(m_reader.m_columns);
                std::fill(seen.begin(), seen.end(), false);
                if (!item(record, guess, seen))
                    return false;
                page.records.append(std::move(record));
                ++page.itemCount;
            }
            if (const Next next = separator(']'); next != Next::More)
                return next == Next::Closed;
        }
    }

    bool item(RemoteRecord &record, QVarLengthArray<int, 64> &guess, QVarLengthArray<bool, 64> &seen)
    {
        if (!consume('{'))
            return false;
        const QList<SyncPageReader::Member> &table = m_reader.m_members;
        qsizetype position = 0;
        return members([&](const char *key, qsizetype size) {
            int found = -1;
            if (position < guess.size()) {
                const int g = guess[position];
                if (g >= 0 && table.at(g).name.size() == size
                    && std::memcmp(table.at(g).name.constData(), key, size_t(size)) == 0)
                    found = g;
            }
            if (found < 0) {
                for (int i = 0; i < table.size(); ++i) {
                    if (table.at(i).name.size() == size
                        && std::memcmp(table.at(i).name.constData(), key, size_t(size)) == 0) {
                        found = i;
                        break;
                    }
                }
                if (position >= guess.size())
                    guess.resize(position + 1);
                guess[position] = found;
            }
            ++position;
            if (found < 0) {
                // Other metadata keys are dropped by validation; any other
                // member makes the record invalid: parseResponse() and the
                // map form report it.
                return size > 0 && key[0] == '_' && skipValue(5);
            }
            if (seen[found])
                return false;   // QJsonDocument keeps the last: not our business
            seen[found] = true;
            const SyncPageReader::Member &m = table.at(found);
            switch (m.slot) {
            case SyncPageReader::Slot::Field:
                return value(record.values[m.column], m.isInt);
            case SyncPageReader::Slot::Version:
                return value(record.version, false);
            case SyncPageReader::Slot::LastChangedAt:
                return value(record.lastChangedAt, false);
            case SyncPageReader::Slot::Deleted:
                return value(record.deleted, false);
            case SyncPageReader::Slot::Skipped:
                return skipValue(5);
            }
            return false;
        });
    }

    // One member value as the map form holds it.
    bool value(QVariant &out, bool isInt)
    {
        skipSpace();
        if (m_p >= m_end)
            return false;
        const char *begin = m_p;
        switch (*m_p) {
        case '"': {
            QString s;
            if (!string(s))
                return false;
            out = QVariant(std::move(s));
            return true;
        }
        case 't':
            out = QVariant(true);
            return literal("true");
        case 'f':
            out = QVariant(false);
            return literal("false");
        case 'n':
            out = QVariant::fromValue(nullptr);
            return literal("null");
        case '[':
            if (textList(out))
                return true;
            m_p = begin;
            [[fallthrough]];
        case '{': {
            if (!skipValue(5))
                return false;
            QJsonValue json;
            if (!reparse(begin, m_p, json))
                return false;
            out = mapValue(json, isInt);
            return true;
        }
        default: {
            bool integer = false;
            qint64 n = 0;
            if (!number(integer, n))
                return false;
            if (integer) {
                if (isInt && n >= std::numeric_limits<int>::min() && n <= std::numeric_limits<int>::max())
                    out = QVariant(int(n));
                else
                    out = QVariant(qlonglong(n));
                return true;
            }
            QJsonValue json;
            if (!reparse(begin, m_p, json))
                return false;
            out = mapValue(json, isInt);
            return true;
        }
        }
    }

    // A list of strings and nulls (tags), read without a tree; false for
    // anything else (the caller reads it the general way).
    bool textList(QVariant &out)
    {
        ++m_p;   // '['
        QVariantList list;
        skipSpace();
        if (m_p < m_end && *m_p == ']') {
            ++m_p;
            out = list;
            return true;
        }
        for (;;) {
            skipSpace();
            if (m_p >= m_end)
                return false;
            if (*m_p == '"') {
                QString s;
                if (!string(s))
                    return false;
                list.append(QVariant(std::move(s)));
            } else if (*m_p == 'n') {
                if (!literal("null"))
                    return false;
                list.append(QVariant::fromValue(nullptr));
            } else {
                return false;
            }
            if (const Next next = separator(']'); next != Next::More) {
                if (next == Next::Closed)
                    out = list;
                return next == Next::Closed;
            }
        }
    }

    // A JSON number (strict grammar). `integer`: no fraction, no exponent and
    // at most 18 digits, its value in n (QJsonDocument keeps those exact).
    bool number(bool &integer, qint64 &n)
    {
        const char *p = m_p;
        bool negative = false;
        if (p < m_end && *p == '-') {
            negative = true;
            ++p;
        }
        int digits = 0;
        n = 0;
        if (p < m_end && *p == '0') {
            ++p;
            digits = 1;
            if (p < m_end && isDigit(*p))
                return false;
        } else {
            while (p < m_end && isDigit(*p)) {
                if (digits < 18)
                    n = n * 10 + (*p - '0');
                ++digits;
                ++p;
            }
            if (digits == 0)
                return false;
        }
        bool fraction = false;
        if (p < m_end && *p == '.') {
            ++p;
            const char *first = p;
            while (p < m_end && isDigit(*p))
                ++p;
            if (p == first)
                return false;
            fraction = true;
        }
        if (p < m_end && (*p == 'e' || *p == 'E')) {
            ++p;
            if (p < m_end && (*p == '+' || *p == '-'))
                ++p;
            const char *first = p;
            while (p < m_end && isDigit(*p))
                ++p;
            if (p == first)
                return false;
            fraction = true;
        }
        integer = !fraction && digits <= 18;
        if (negative)
            n = -n;
        m_p = p;
        return true;
    }

    // The text [begin, end) of one value, read by QJsonDocument.
    static bool reparse(const char *begin, const char *end, QJsonValue &out)
    {
        QByteArray text;
        text.reserve(end - begin + 2);
        text.append('[').append(begin, end - begin).append(']');
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
        if (error.error != QJsonParseError::NoError || !doc.isArray() || doc.array().size() != 1)
            return false;
        out = doc.array().at(0);
        return true;
    }

    bool jsonValue(QJsonValue &out)
    {
        skipSpace();
        const char *begin = m_p;
        return skipValue(1) && reparse(begin, m_p, out);
    }

    bool literal(const char *word)
    {
        const qsizetype n = qsizetype(std::strlen(word));
        if (m_end - m_p < n || std::memcmp(m_p, word, size_t(n)) != 0)
            return false;
        m_p += n;
        return true;
    }

    bool skipValue(int depth)
    {
        if (depth > sync::tuning::maxFastPageDepth)
            return false;
        skipSpace();
        if (m_p >= m_end)
            return false;
        switch (*m_p) {
        case '"': {
            QString ignored;
            return string(ignored);
        }
        case 't':
            return literal("true");
        case 'f':
            return literal("false");
        case 'n':
            return literal("null");
        case '[': {
            ++m_p;
            skipSpace();
            if (m_p < m_end && *m_p == ']') {
                ++m_p;
                return true;
            }
            for (;;) {
                if (!skipValue(depth + 1))
                    return false;
                if (const Next next = separator(']'); next != Next::More)
                    return next == Next::Closed;
            }
        }
        case '{':
            ++m_p;
            return members([&](const char *, qsizetype) { return skipValue(depth + 1); });
        default: {
            // A number QJsonDocument might refuse (1e400) makes the whole
            // body fail there: only short integers are sure to be fine.
            const char *begin = m_p;
            bool integer = false;
            qint64 n = 0;
            if (!number(integer, n))
                return false;
            QJsonValue ignored;
            return integer || reparse(begin, m_p, ignored);
        }
        }
    }

    // A member name without escapes (ours never have any), as raw bytes.
    bool rawKey(const char *&key, qsizetype &size)
    {
        skipSpace();
        if (m_p >= m_end || *m_p != '"')
            return false;
        const char *begin = ++m_p;
        while (m_p < m_end && *m_p != '"') {
            const auto c = static_cast<unsigned char>(*m_p);
            if (c == '\\' || c < 0x20)
                return false;
            ++m_p;
        }
        if (m_p >= m_end || !isValidUtf8(begin, m_p))
            return false;
        key = begin;
        size = m_p - begin;
        ++m_p;
        return true;
    }

    // A string value, decoded (JSON escapes, \u code units kept as they
    // are, as QJsonDocument keeps lone surrogates too).
    bool string(QString &out)
    {
        if (m_p >= m_end || *m_p != '"')
            return false;
        const char *begin = ++m_p;
        bool ascii = true;
        while (m_p < m_end) {
            const auto c = static_cast<unsigned char>(*m_p);
            if (c == '"') {
                if (ascii) {
                    out = QString::fromLatin1(begin, m_p - begin);
                } else {
                    if (!isValidUtf8(begin, m_p))
                        return false;
                    out = QString::fromUtf8(begin, m_p - begin);
                }
                ++m_p;
                return true;
            }
            if (c == '\\')
                return escapedString(begin, out);
            if (c < 0x20)
                return false;   // raw control characters: QJsonDocument's call
            if (c >= 0x80)
                ascii = false;
            ++m_p;
        }
        return false;
    }

    bool escapedString(const char *begin, QString &out)
    {
        out.clear();
        const char *run = begin;
        auto flush = [&](const char *stop) {
            if (stop == run)
                return true;
            if (!isValidUtf8(run, stop))
                return false;
            out.append(QString::fromUtf8(run, stop - run));
            return true;
        };
        while (m_p < m_end) {
            const auto c = static_cast<unsigned char>(*m_p);
            if (c == '"') {
                if (!flush(m_p))
                    return false;
                ++m_p;
                return true;
            }
            if (c < 0x20)
                return false;
            if (c != '\\') {
                ++m_p;
                continue;
            }
            if (!flush(m_p) || m_end - m_p < 2)
                return false;
            const char e = m_p[1];
            m_p += 2;
            switch (e) {
            case '"': out.append(u'"'); break;
            case '\\': out.append(u'\\'); break;
            case '/': out.append(u'/'); break;
            case 'b': out.append(u'\b'); break;
            case 'f': out.append(u'\f'); break;
            case 'n': out.append(u'\n'); break;
            case 'r': out.append(u'\r'); break;
            case 't': out.append(u'\t'); break;
            case 'u': {
                if (m_end - m_p < 4)
                    return false;
                int unit = 0;
                for (int i = 0; i < 4; ++i) {
                    const int h = hexValue(m_p[i]);
                    if (h < 0)
                        return false;
                    unit = unit * 16 + h;
                }
                m_p += 4;
                out.append(QChar(char16_t(unit)));
                break;
            }
            default:
                return false;   // not a JSON escape: QJsonDocument's call
            }
            run = m_p;
        }
        return false;
    }

    void skipSpace()
    {
        while (m_p < m_end && isSpace(*m_p))
            ++m_p;
    }

    // After a value in an array or object: ',' (More), the closing
    // bracket (Closed) or anything else (Bad), consumed.
    enum class Next { More, Closed, Bad };
    Next separator(char close)
    {
        skipSpace();
        if (m_p < m_end && *m_p == ',') {
            ++m_p;
            return Next::More;
        }
        if (m_p < m_end && *m_p == close) {
            ++m_p;
            return Next::Closed;
        }
        return Next::Bad;
    }

    bool consume(char c)
    {
        skipSpace();
        if (m_p < m_end && *m_p == c) {
            ++m_p;
            return true;
        }
        return false;
    }

    const SyncPageReader &m_reader;
    const char *m_p;
    const char *m_end;
};

SyncPageReader::SyncPageReader(const ModelSchema &model, const QString &rootField)
    : m_rootField(rootField.toUtf8())
{
    const QList<const FieldSchema *> stored = model.storedFields();
    m_columns = int(stored.size());
    for (qsizetype i = 0; i < stored.size(); ++i) {
        const FieldSchema *f = stored.at(i);
        if (f->name.startsWith(u'_'))
            m_usable = false;   // would shadow the metadata: the general path only
        Member m;
        m.name = f->name.toUtf8();
        m.slot = Slot::Field;
        m.column = int(i);
        m.isInt = !f->type.isList && f->type.kind == FieldType::Kind::Scalar && f->type.scalar == ScalarType::Int;
        m_members.append(m);
    }
    m_members.append(Member{"_version", Slot::Version});
    m_members.append(Member{"_lastChangedAt", Slot::LastChangedAt});
    m_members.append(Member{"_deleted", Slot::Deleted});
    // Relation fields (belongsTo objects, hasMany connections): not stored,
    // dropped by validation.
    for (const FieldSchema &f : model.fields) {
        if (!f.isStored())
            m_members.append(Member{f.name.toUtf8(), Slot::Skipped});
    }
}

QList<QVariantMap> SyncPageReader::mapsFromJson(const ModelSchema &model, const QJsonArray &items)
{
    QList<QVariantMap> maps;
    maps.reserve(items.size());
    ItemConverter converter(model);
    for (const QJsonValue &v : items) {
        if (v.isObject())
            maps.append(converter.convert(v.toObject()));
    }
    return maps;
}

std::optional<SyncPage> SyncPageReader::read(const QByteArray &body) const
{
    if (!m_usable || body.size() > sync::tuning::maxFastPageBytes)
        return std::nullopt;
    SyncPage page;
    SyncPageParser parser(*this, body);
    if (!parser.parse(page))
        return std::nullopt;
    return page;
}

} // namespace ds

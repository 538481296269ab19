#include "graphql/lexer_p.h"

#include <climits>
#include <cstring>

using namespace Qt::StringLiterals;

namespace ds::graphql::detail {

namespace {

constexpr bool isDigit(uchar c) { return c >= '0' && c <= '9'; }
constexpr bool isNameStart(uchar c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
constexpr bool isNameContinue(uchar c) { return isNameStart(c) || isDigit(c); }
constexpr bool isHex(uchar c)
{
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr int hexValue(uchar c)
{
    return isDigit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : c - 'A' + 10;
}

QString hexByte(uchar b)
{
    return u"0x"_s + QString::number(b, 16).toUpper().rightJustified(2, u'0');
}

QString codePointName(char32_t cp)
{
    return u"U+"_s + QString::number(uint(cp), 16).toUpper().rightJustified(4, u'0');
}

void appendCodePoint(QString &s, char32_t cp)
{
    if (cp > 0xFFFF) {
        s += QChar(QChar::highSurrogate(cp));
        s += QChar(QChar::lowSurrogate(cp));
    } else {
        s += QChar(char16_t(cp));
    }
}

} // namespace

Lexer::Lexer(QByteArrayView utf8, const ParseLimits &limits)
    : m_src(utf8), m_data(utf8.data()), m_size(utf8.size()), m_limits(limits)
{
}

void Lexer::fail(SourceLocation at, const QString &message) const
{
    throw SyntaxError{at, message};
}

void Lexer::failAt(qsizetype pos, const QString &message)
{
    fail(locationOf(pos), message);
}

SourceLocation Lexer::locationOf(qsizetype pos)
{
    if (pos < m_colPos) {   // an earlier place on the current line
        m_colPos = m_lineStart;
        m_col = 1;
    }
    int col = m_col;
    const qsizetype end = qMin(pos, m_size);
    for (qsizetype i = m_colPos; i < end; ++i) {
        if ((uchar(m_data[i]) & 0xC0) != 0x80)
            ++col;
    }
    m_colPos = end;
    m_col = col;
    return SourceLocation{m_line, col};
}

void Lexer::newline(qsizetype nextLineStart)
{
    ++m_line;
    m_continuations = 0;
    m_lineStart = m_colPos = nextLineStart;
    m_col = 1;
}

char32_t Lexer::decodeUtf8(qsizetype pos, int *len)
{
    const auto at = [&](qsizetype i) -> int { return i < m_size ? uchar(m_data[i]) : -1; };
    const uchar b0 = uchar(m_data[pos]);
    int n;
    int lo = 0x80, hi = 0xBF;   // range of the second byte
    char32_t cp;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        n = 2;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        n = 3;
        cp = b0 & 0x0F;
        if (b0 == 0xE0)
            lo = 0xA0;   // overlong
        else if (b0 == 0xED)
            hi = 0x9F;   // surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        n = 4;
        cp = b0 & 0x07;
        if (b0 == 0xF0)
            lo = 0x90;   // overlong
        else if (b0 == 0xF4)
            hi = 0x8F;   // above U+10FFFF
    } else {
        failAt(pos, u"invalid UTF-8 byte "_s + hexByte(b0));
    }
    for (int i = 1; i < n; ++i) {
        const int b = at(pos + i);
        if (b < 0)
            failAt(pos, u"truncated UTF-8 sequence at end of document"_s);
        const bool ok = i == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
        if (!ok) {
            QString bytes;
            for (int j = 0; j <= i; ++j)
                bytes += (j ? u" "_s : QString()) + hexByte(uchar(m_data[pos + j]));
            failAt(pos, u"invalid UTF-8 sequence "_s + bytes);
        }
        cp = (cp << 6) | char32_t(b & 0x3F);
    }
    m_continuations += n - 1;
    *len = n;
    return cp;
}

void Lexer::invalidCharacter(qsizetype pos)
{
    const uchar c = uchar(m_data[pos]);
    if (c >= 0x80) {
        int len;
        const char32_t cp = decodeUtf8(pos, &len);
        failAt(pos, u"invalid character "_s + codePointName(cp));
    }
    if (c < 0x20 || c == 0x7F)
        failAt(pos, u"invalid character "_s + codePointName(c));
    if (c == '.')
        failAt(pos, u"unexpected character '.', expected '...'"_s);
    failAt(pos, u"unexpected character '"_s + QLatin1Char(char(c)) + u"'"_s);
}

void Lexer::skipIgnored()
{
    qsizetype p = m_pos;
    while (p < m_size) {
        const uchar c = uchar(m_data[p]);
        if (c == ' ' || c == '\t' || c == ',') {
            ++p;
        } else if (c == '\n') {
            newline(++p);
        } else if (c == '\r') {
            p += (p + 1 < m_size && m_data[p + 1] == '\n') ? 2 : 1;
            newline(p);
        } else if (c == '#') {
            ++p;
            while (p < m_size) {
                const uchar d = uchar(m_data[p]);
                if (d == '\n' || d == '\r')
                    break;
                if (d < 0x80) {
                    ++p;
                } else {
                    int len;
                    decodeUtf8(p, &len);
                    p += len;
                }
            }
        } else if (c == 0xEF && p + 2 < m_size && uchar(m_data[p + 1]) == 0xBB
                   && uchar(m_data[p + 2]) == 0xBF) {
            p += 3;   // UnicodeBOM
        } else {
            break;
        }
    }
    m_pos = p;
}

void Lexer::next()
{
    skipIgnored();
    if (++m_tokenCount > m_limits.maxTokens && m_pos < m_size)
        failAt(m_pos, u"document has more than %1 tokens"_s.arg(m_limits.maxTokens));
    const qsizetype p = m_pos;
    m_token.start = p;
    // Every byte before p on this line has been scanned: no need to count.
    m_token.loc = SourceLocation{m_line, int(p - m_lineStart - m_continuations + 1)};
    if (p >= m_size) {
        m_token.kind = Tok::End;
        m_token.end = p;
        return;
    }
    const uchar c = uchar(m_data[p]);
    Tok kind;
    switch (c) {
    case '!': kind = Tok::Bang; break;
    case '$': kind = Tok::Dollar; break;
    case '&': kind = Tok::Amp; break;
    case '(': kind = Tok::ParenL; break;
    case ')': kind = Tok::ParenR; break;
    case ':': kind = Tok::Colon; break;
    case '=': kind = Tok::Equals; break;
    case '@': kind = Tok::At; break;
    case '[': kind = Tok::BracketL; break;
    case ']': kind = Tok::BracketR; break;
    case '{': kind = Tok::BraceL; break;
    case '|': kind = Tok::Pipe; break;
    case '}': kind = Tok::BraceR; break;
    case '.':
        if (p + 2 < m_size && m_data[p + 1] == '.' && m_data[p + 2] == '.') {
            m_token.kind = Tok::Spread;
            m_pos = m_token.end = p + 3;
            return;
        }
        invalidCharacter(p);
    case '"':
        if (p + 2 < m_size && m_data[p + 1] == '"' && m_data[p + 2] == '"')
            scanBlockString(p);
        else
            scanString(p);
        return;
    default:
        if (isNameStart(c)) {
            qsizetype q = p + 1;
            uint h = c;
            while (q < m_size && isNameContinue(uchar(m_data[q])))
                h = h * 31 + uchar(m_data[q++]);
            m_nameHash = h;
            m_token.kind = Tok::Name;
            m_pos = m_token.end = q;
            return;
        }
        if (isDigit(c) || c == '-') {
            scanNumber(p);
            return;
        }
        invalidCharacter(p);
    }
    m_token.kind = kind;
    m_pos = m_token.end = p + 1;
}

void Lexer::scanNumber(qsizetype pos)
{
    qsizetype p = pos;
    bool isFloat = false;
    const auto describeAt = [&](qsizetype q) -> QString {
        if (q >= m_size)
            return u"end of document"_s;
        const uchar c = uchar(m_data[q]);
        if (c >= 0x80) {
            int len;
            return codePointName(decodeUtf8(q, &len));
        }
        if (c < 0x20 || c == 0x7F)
            return codePointName(c);
        return u"'"_s + QLatin1Char(char(c)) + u"'"_s;
    };
    const auto digitAt = [&](qsizetype q) { return q < m_size && isDigit(uchar(m_data[q])); };
    if (m_data[p] == '-') {
        ++p;
        if (!digitAt(p))
            failAt(p, u"invalid number, expected digit after '-', found "_s + describeAt(p));
    }
    if (m_data[p] == '0') {
        ++p;
        if (digitAt(p))
            failAt(p, u"invalid number, unexpected digit after 0: "_s + describeAt(p));
    } else {
        while (digitAt(p))
            ++p;
    }
    if (p < m_size && m_data[p] == '.') {
        isFloat = true;
        ++p;
        if (!digitAt(p))
            failAt(p, u"invalid number, expected digit after '.', found "_s + describeAt(p));
        while (digitAt(p))
            ++p;
    }
    if (p < m_size && (m_data[p] == 'e' || m_data[p] == 'E')) {
        isFloat = true;
        ++p;
        if (p < m_size && (m_data[p] == '+' || m_data[p] == '-'))
            ++p;
        if (!digitAt(p))
            failAt(p, u"invalid number, expected digit in exponent, found "_s + describeAt(p));
        while (digitAt(p))
            ++p;
    }
    if (p < m_size && (m_data[p] == '.' || isNameStart(uchar(m_data[p]))))
        failAt(p, u"invalid number, unexpected "_s + describeAt(p) + u" after number"_s);
    m_token.kind = isFloat ? Tok::Float : Tok::Int;
    m_pos = m_token.end = p;
}

void Lexer::checkStringLength(qsizetype start, qsizetype pos)
{
    if (pos - start > m_limits.maxStringBytes)
        fail(m_token.loc, u"string longer than %1 bytes"_s.arg(m_limits.maxStringBytes));
}

void Lexer::scanString(qsizetype pos)
{
    m_string.clear();
    const qsizetype contentStart = pos + 1;
    qsizetype p = pos + 1;
    qsizetype chunk = p;
    bool escaped = false;
    const auto flush = [&](qsizetype end) {
        if (end > chunk)
            m_string += QString::fromUtf8(m_data + chunk, end - chunk);
    };
    const auto readHex4 = [&](qsizetype q) -> int {
        if (q + 4 > m_size)
            return -1;
        int v = 0;
        for (int i = 0; i < 4; ++i) {
            const uchar h = uchar(m_data[q + i]);
            if (!isHex(h))
                return -1;
            v = v * 16 + hexValue(h);
        }
        return v;
    };
    for (;;) {
        if (p >= m_size) {
            checkStringLength(contentStart, p);
            fail(m_token.loc, u"unterminated string"_s);
        }
        const uchar c = uchar(m_data[p]);
        if (c == '"') {
            checkStringLength(contentStart, p);
            if (escaped)
                flush(p);
            else
                m_string = QString::fromUtf8(m_data + chunk, p - chunk);
            ++p;
            break;
        }
        if (c == '\n' || c == '\r')
            fail(m_token.loc, u"unterminated string"_s);
        if (c < 0x80 && c != '\\') {
            ++p;
            continue;
        }
        if (c >= 0x80) {
            int len;
            decodeUtf8(p, &len);
            p += len;
            continue;
        }
        // An escape sequence.
        checkStringLength(contentStart, p);
        flush(p);
        escaped = true;
        const qsizetype esc = p;
        if (p + 1 >= m_size)
            fail(m_token.loc, u"unterminated string"_s);
        const uchar e = uchar(m_data[p + 1]);
        p += 2;
        switch (e) {
        case '"': m_string += u'"'; break;
        case '\\': m_string += u'\\'; break;
        case '/': m_string += u'/'; break;
        case 'b': m_string += u'\b'; break;
        case 'f': m_string += u'\f'; break;
        case 'n': m_string += u'\n'; break;
        case 'r': m_string += u'\r'; break;
        case 't': m_string += u'\t'; break;
        case 'u': {
            if (p < m_size && m_data[p] == '{') {
                qsizetype q = p + 1;
                char32_t v = 0;
                bool big = false;
                while (q < m_size && isHex(uchar(m_data[q]))) {
                    v = v * 16 + char32_t(hexValue(uchar(m_data[q])));
                    if (v > 0x10FFFF) {
                        big = true;
                        v = 0x110000;
                    }
                    ++q;
                }
                if (q == p + 1 || q >= m_size || m_data[q] != '}')
                    failAt(esc, u"invalid Unicode escape sequence"_s);
                if (big || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
                    failAt(esc, u"invalid Unicode escape sequence '"_s
                                    + QString::fromLatin1(m_data + esc, q + 1 - esc)
                                    + u"': not a Unicode scalar value"_s);
                appendCodePoint(m_string, v);
                p = q + 1;
            } else {
                const int v = readHex4(p);
                if (v < 0)
                    failAt(esc, u"invalid Unicode escape sequence"_s);
                if (v >= 0xD800 && v <= 0xDBFF) {
                    const int t = (p + 5 < m_size && m_data[p + 4] == '\\' && m_data[p + 5] == 'u')
                        ? readHex4(p + 6) : -1;
                    if (t < 0xDC00 || t > 0xDFFF)
                        failAt(esc, u"invalid Unicode escape sequence '"_s
                                        + QString::fromLatin1(m_data + esc, 6)
                                        + u"': unpaired surrogate"_s);
                    m_string += QChar(char16_t(v));
                    m_string += QChar(char16_t(t));
                    p += 10;
                } else if (v >= 0xDC00 && v <= 0xDFFF) {
                    failAt(esc, u"invalid Unicode escape sequence '"_s
                                    + QString::fromLatin1(m_data + esc, 6)
                                    + u"': unpaired surrogate"_s);
                } else {
                    m_string += QChar(char16_t(v));
                    p += 4;
                }
            }
            break;
        }
        default: {
            QString what;
            if (e >= 0x20 && e < 0x7F)
                what = u"'\\"_s + QLatin1Char(char(e)) + u"'"_s;
            else if (e == '\n' || e == '\r')
                fail(m_token.loc, u"unterminated string"_s);
            else if (e < 0x80)
                what = codePointName(e);
            else {
                int len;
                what = codePointName(decodeUtf8(esc + 1, &len));
            }
            failAt(esc, u"invalid escape sequence "_s + what);
        }
        }
        chunk = p;
    }
    m_token.kind = Tok::String;
    m_pos = m_token.end = p;
}

void Lexer::scanBlockString(qsizetype pos)
{
    const qsizetype contentStart = pos + 3;
    qsizetype p = pos + 3;
    qsizetype chunk = p;
    QString raw;
    bool escaped = false;
    for (;;) {
        if (p >= m_size)
            fail(m_token.loc, u"unterminated block string"_s);
        const uchar c = uchar(m_data[p]);
        if (c == '"' && p + 2 < m_size && m_data[p + 1] == '"' && m_data[p + 2] == '"') {
            checkStringLength(contentStart, p);
            if (escaped)
                raw += QString::fromUtf8(m_data + chunk, p - chunk);
            else
                raw = QString::fromUtf8(m_data + chunk, p - chunk);
            p += 3;
            break;
        }
        if (c == '\\' && p + 3 < m_size && m_data[p + 1] == '"' && m_data[p + 2] == '"'
            && m_data[p + 3] == '"') {
            checkStringLength(contentStart, p);
            raw += QString::fromUtf8(m_data + chunk, p - chunk);
            raw += u"\"\"\""_s;
            escaped = true;
            p += 4;
            chunk = p;
        } else if (c == '\n') {
            newline(++p);
        } else if (c == '\r') {
            p += (p + 1 < m_size && m_data[p + 1] == '\n') ? 2 : 1;
            newline(p);
        } else if (c < 0x80) {
            ++p;
        } else {
            int len;
            decodeUtf8(p, &len);
            p += len;
        }
        checkStringLength(contentStart, p);
    }
    m_string = blockStringValue(raw);
    m_token.kind = Tok::BlockString;
    m_pos = m_token.end = p;
}

bool Lexer::textIs(const char *keyword) const
{
    return m_token.kind == Tok::Name && text() == QByteArrayView(keyword);
}

QString Lexer::name()
{
    const QByteArrayView t = text();
    uint h = m_nameHash;
    if (m_token.kind != Tok::Name) {   // numbers
        h = 0;
        for (char c : t)
            h = h * 31 + uchar(c);
    }
    NameSlot &slot = m_names[h & (NameCacheSize - 1)];
    bool same = slot.bytes.size() == t.size();
    for (qsizetype i = 0; same && i < t.size(); ++i)
        same = slot.bytes.data()[i] == t.data()[i];
    if (!same) {
        slot.bytes = t;
        slot.name = QString::fromLatin1(t);
    }
    return slot.name;
}

QString Lexer::describe(Tok kind)
{
    switch (kind) {
    case Tok::End: return u"end of document"_s;
    case Tok::Bang: return u"'!'"_s;
    case Tok::Dollar: return u"'$'"_s;
    case Tok::Amp: return u"'&'"_s;
    case Tok::ParenL: return u"'('"_s;
    case Tok::ParenR: return u"')'"_s;
    case Tok::Spread: return u"'...'"_s;
    case Tok::Colon: return u"':'"_s;
    case Tok::Equals: return u"'='"_s;
    case Tok::At: return u"'@'"_s;
    case Tok::BracketL: return u"'['"_s;
    case Tok::BracketR: return u"']'"_s;
    case Tok::BraceL: return u"'{'"_s;
    case Tok::Pipe: return u"'|'"_s;
    case Tok::BraceR: return u"'}'"_s;
    case Tok::Name: return u"name"_s;
    case Tok::Int:
    case Tok::Float: return u"number"_s;
    case Tok::String: return u"string"_s;
    case Tok::BlockString: return u"block string"_s;
    }
    return {};
}

QString Lexer::describe() const
{
    switch (m_token.kind) {
    case Tok::Name:
        return u"name '"_s + QString::fromLatin1(text().first(qMin<qsizetype>(text().size(), 40))) + u"'"_s;
    case Tok::Int:
    case Tok::Float:
        return u"number "_s + QString::fromLatin1(text().first(qMin<qsizetype>(text().size(), 40)));
    default:
        return describe(m_token.kind);
    }
}

QString blockStringValue(QStringView raw)
{
    // Split into lines on \r\n, \n and \r.
    std::vector<QStringView> lines;
    qsizetype start = 0;
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const QChar c = raw[i];
        if (c == u'\n' || c == u'\r') {
            lines.push_back(raw.sliced(start, i - start));
            if (c == u'\r' && i + 1 < raw.size() && raw[i + 1] == u'\n')
                ++i;
            start = i + 1;
        }
    }
    lines.push_back(raw.sliced(start));

    const auto leadingWhitespace = [](QStringView line) {
        qsizetype n = 0;
        while (n < line.size() && (line[n] == u' ' || line[n] == u'\t'))
            ++n;
        return n;
    };
    qsizetype commonIndent = -1;
    for (size_t i = 1; i < lines.size(); ++i) {
        const qsizetype indent = leadingWhitespace(lines[i]);
        if (indent < lines[i].size() && (commonIndent < 0 || indent < commonIndent))
            commonIndent = indent;
    }
    if (commonIndent > 0) {
        for (size_t i = 1; i < lines.size(); ++i)
            lines[i] = lines[i].sliced(qMin(commonIndent, lines[i].size()));
    }
    const auto isBlank = [&](QStringView line) { return leadingWhitespace(line) == line.size(); };
    size_t first = 0;
    size_t last = lines.size();
    while (first < last && isBlank(lines[first]))
        ++first;
    while (last > first && isBlank(lines[last - 1]))
        --last;
    QString out;
    for (size_t i = first; i < last; ++i) {
        if (i > first)
            out += u'\n';
        out += lines[i];
    }
    return out;
}

} // namespace ds::graphql::detail

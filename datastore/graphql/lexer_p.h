// The GraphQL lexer: scans UTF-8 bytes directly, one token at a time.
// Internal to the parser; not thread-safe (one Lexer per parse).
#pragma once

#include "common/sourcelocation.h"
#include "graphql/parser.h"

#include <QByteArrayView>
#include <QString>

#include <cstdint>
#include <cstring>

namespace ds::graphql::detail {

enum class Tok : std::uint8_t {
    End,
    Bang,
    Dollar,
    Amp,
    ParenL,
    ParenR,
    Spread,
    Colon,
    Equals,
    At,
    BracketL,
    BracketR,
    BraceL,
    Pipe,
    BraceR,
    Name,
    Int,
    Float,
    String,
    BlockString,
};

// Thrown inside the parser on the first error; caught by parse().
struct SyntaxError
{
    SourceLocation location;
    QString message;
};

struct Token
{
    Tok kind = Tok::End;
    qsizetype start = 0;   // byte offsets into the document
    qsizetype end = 0;
    SourceLocation loc;
};

class Lexer
{
public:
    Lexer(QByteArrayView utf8, const ParseLimits &limits);

    // Scans the next token into token(); throws SyntaxError.
    void next();
    const Token &token() const { return m_token; }

    // The token's text (names, numbers): bytes of the document.
    QByteArrayView text() const { return m_src.sliced(m_token.start, m_token.end - m_token.start); }
    template<qsizetype N>
    bool textIs(const char (&keyword)[N]) const
    {
        return m_token.kind == Tok::Name && m_token.end - m_token.start == N - 1
            && std::memcmp(m_data + m_token.start, keyword, N - 1) == 0;
    }
    bool textIs(const char *keyword) const;
    // A name as a QString, shared between equal names of the document.
    QString name();
    // The decoded value of a String or BlockString token.
    const QString &stringValue() const { return m_string; }

    // Describes the current token for "found ..." in messages.
    QString describe() const;
    static QString describe(Tok kind);

    [[noreturn]] void fail(SourceLocation at, const QString &message) const;
    [[noreturn]] void failAt(qsizetype pos, const QString &message);

    SourceLocation locationOf(qsizetype pos);

private:
    void skipIgnored();
    void newline(qsizetype nextLineStart);
    void scanNumber(qsizetype pos);
    void scanString(qsizetype pos);
    void scanBlockString(qsizetype pos);
    // Decodes one UTF-8 sequence at pos (non-ASCII lead byte); returns the
    // code point and sets len, or throws on invalid UTF-8.
    char32_t decodeUtf8(qsizetype pos, int *len);
    [[noreturn]] void invalidCharacter(qsizetype pos);
    void checkStringLength(qsizetype start, qsizetype pos);

    QByteArrayView m_src;
    const char *m_data;
    qsizetype m_size;
    qsizetype m_pos = 0;
    const ParseLimits &m_limits;
    qsizetype m_tokenCount = 0;

    int m_line = 1;
    qsizetype m_lineStart = 0;
    // UTF-8 continuation bytes scanned on the current line, so that a token's
    // column is (offset - lineStart - continuations + 1) without a rescan.
    qsizetype m_continuations = 0;
    uint m_nameHash = 0;
    qsizetype m_colPos = 0;   // cache: column of m_colPos on the current line
    int m_col = 1;

    Token m_token;
    QString m_string;

    struct NameSlot
    {
        QByteArrayView bytes;
        QString name;
    };
    static constexpr int NameCacheSize = 1024;
    NameSlot m_names[NameCacheSize];
};

// The spec's BlockStringValue(): strips common indentation and leading and
// trailing blank lines; lines end with \n, \r\n or \r.
QString blockStringValue(QStringView raw);

} // namespace ds::graphql::detail

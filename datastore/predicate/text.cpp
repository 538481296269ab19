// The text face: a lexer and a recursive-descent parser for the syntax of
// docs/predicates.md, type-checked against the model, and the printer whose
// output parses back to an equal Predicate.
#include "predicate/text.h"

#include "predicate/predicate_p.h"

#include <QLocale>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace ds::predicate {

using namespace detail;
using Op = Predicate::Op;

namespace {

const QString kSyntax = u"PredicateSyntax"_s;
const QString kType = u"PredicateType"_s;

struct Token
{
    enum class Type { End, Ident, String, Number, Symbol };
    Type type = Type::End;
    QString text;        // identifier, symbol, number text, or the decoded string
    SourceLocation location;
};

class Lexer
{
public:
    explicit Lexer(QStringView text) : m_text(text) { }

    // Tokenizes everything; on error fills *error and returns false.
    bool run(QList<Token> *tokens, Error *error)
    {
        for (;;) {
            skipSpace();
            Token t;
            t.location = here();
            if (m_pos >= m_text.size()) {
                tokens->append(t);
                return true;
            }
            const QChar c = m_text[m_pos];
            if (c.isLetter() || c == u'_') {
                // ASCII identifiers only (GraphQL names); other letters are an error below.
                if (c.unicode() < 128) {
                    t.type = Token::Type::Ident;
                    const qsizetype start = m_pos;
                    while (m_pos < m_text.size() && m_text[m_pos].unicode() < 128
                           && (m_text[m_pos].isLetterOrNumber() || m_text[m_pos] == u'_'))
                        advance();
                    t.text = m_text.sliced(start, m_pos - start).toString();
                    tokens->append(t);
                    continue;
                }
            }
            if (c.isDigit() && c.unicode() < 128) {
                if (!number(&t, error))
                    return false;
                tokens->append(t);
                continue;
            }
            if (c == u'-') {
                if (m_pos + 1 < m_text.size() && m_text[m_pos + 1].isDigit()
                    && m_text[m_pos + 1].unicode() < 128) {
                    if (!number(&t, error))
                        return false;
                    tokens->append(t);
                    continue;
                }
                *error = Error::validation(kSyntax, u"expected a digit after '-'"_s, t.location);
                return false;
            }
            if (c == u'"') {
                if (!string(&t, error))
                    return false;
                tokens->append(t);
                continue;
            }
            static const QStringList twoChar = {u"=="_s, u"!="_s, u"<="_s, u">="_s, u"&&"_s, u"||"_s};
            const QStringView two = m_text.sliced(m_pos, std::min<qsizetype>(2, m_text.size() - m_pos));
            if (two.size() == 2 && twoChar.contains(two)) {
                t.type = Token::Type::Symbol;
                t.text = two.toString();
                advance();
                advance();
                tokens->append(t);
                continue;
            }
            if (QStringView(u"()[],=<>!").contains(c)) {
                t.type = Token::Type::Symbol;
                t.text = QString(c);
                advance();
                tokens->append(t);
                continue;
            }
            const char32_t cp = codePoint();
            const QString shown = QString::fromUcs4(&cp, 1);
            QString message = u"unexpected character '"_s + shown + u"'"_s;
            if (c == u'\'')
                message += u"; strings are written in double quotes"_s;
            else if (c == u'&' || c == u'|')
                message += u"; write 'and' / 'or' (or && / ||)"_s;
            *error = Error::validation(kSyntax, message, t.location);
            return false;
        }
    }

private:
    SourceLocation here() const { return {m_line, m_column}; }

    char32_t codePoint() const
    {
        const QChar c = m_text[m_pos];
        if (c.isHighSurrogate() && m_pos + 1 < m_text.size() && m_text[m_pos + 1].isLowSurrogate())
            return QChar::surrogateToUcs4(c, m_text[m_pos + 1]);
        return c.unicode();
    }

    // One code point forward; a column is one code point.
    void advance()
    {
        const QChar c = m_text[m_pos];
        ++m_pos;
        if (c.isHighSurrogate() && m_pos < m_text.size() && m_text[m_pos].isLowSurrogate())
            ++m_pos;
        if (c == u'\n') {
            ++m_line;
            m_column = 1;
        } else {
            ++m_column;
        }
    }

    void skipSpace()
    {
        while (m_pos < m_text.size() && m_text[m_pos].isSpace())
            advance();
    }

    bool digits()
    {
        bool any = false;
        while (m_pos < m_text.size() && m_text[m_pos].unicode() < 128 && m_text[m_pos].isDigit()) {
            advance();
            any = true;
        }
        return any;
    }

    bool number(Token *t, Error *error)
    {
        t->type = Token::Type::Number;
        const qsizetype start = m_pos;
        if (m_text[m_pos] == u'-')
            advance();
        digits();
        if (m_pos < m_text.size() && m_text[m_pos] == u'.') {
            advance();
            if (!digits()) {
                *error = Error::validation(kSyntax, u"expected a digit after the decimal point"_s, here());
                return false;
            }
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == u'e' || m_text[m_pos] == u'E')) {
            advance();
            if (m_pos < m_text.size() && (m_text[m_pos] == u'+' || m_text[m_pos] == u'-'))
                advance();
            if (!digits()) {
                *error = Error::validation(kSyntax, u"expected a digit in the exponent"_s, here());
                return false;
            }
        }
        if (m_pos < m_text.size() && (m_text[m_pos].isLetter() || m_text[m_pos] == u'_')) {
            *error = Error::validation(kSyntax, u"a number must not run into a name; add a space"_s, here());
            return false;
        }
        t->text = m_text.sliced(start, m_pos - start).toString();
        return true;
    }

    static int hexValue(QChar c)
    {
        const char16_t u = c.unicode();
        if (u >= u'0' && u <= u'9')
            return u - u'0';
        if (u >= u'a' && u <= u'f')
            return u - u'a' + 10;
        if (u >= u'A' && u <= u'F')
            return u - u'A' + 10;
        return -1;
    }

    bool string(Token *t, Error *error)
    {
        t->type = Token::Type::String;
        advance();   // opening quote
        QString out = u""_s;   // "" is an empty string, not a null one
        for (;;) {
            if (m_pos >= m_text.size() || m_text[m_pos] == u'\n') {
                *error = Error::validation(kSyntax, u"unterminated string"_s, t->location);
                return false;
            }
            const QChar c = m_text[m_pos];
            if (c == u'"') {
                advance();
                t->text = out;
                return true;
            }
            if (c != u'\\') {
                const qsizetype before = m_pos;
                advance();
                out += m_text.sliced(before, m_pos - before);
                continue;
            }
            const SourceLocation escapeAt = here();
            advance();
            if (m_pos >= m_text.size()) {
                *error = Error::validation(kSyntax, u"unterminated string"_s, t->location);
                return false;
            }
            const QChar e = m_text[m_pos];
            advance();
            switch (e.unicode()) {
            case u'"': out += u'"'; break;
            case u'\\': out += u'\\'; break;
            case u'/': out += u'/'; break;
            case u'b': out += u'\b'; break;
            case u'f': out += u'\f'; break;
            case u'n': out += u'\n'; break;
            case u'r': out += u'\r'; break;
            case u't': out += u'\t'; break;
            case u'u': {
                char32_t value = 0;
                if (m_pos < m_text.size() && m_text[m_pos] == u'{') {
                    advance();
                    int n = 0;
                    while (m_pos < m_text.size() && hexValue(m_text[m_pos]) >= 0 && n < 7) {
                        value = value * 16 + char32_t(hexValue(m_text[m_pos]));
                        advance();
                        ++n;
                    }
                    if (n == 0 || n > 6 || m_pos >= m_text.size() || m_text[m_pos] != u'}' || value > 0x10FFFF) {
                        *error = Error::validation(kSyntax, u"bad escape: \\u{...} takes 1 to 6 hex digits up to 10FFFF"_s,
                                                   escapeAt);
                        return false;
                    }
                    advance();
                } else {
                    for (int i = 0; i < 4; ++i) {
                        if (m_pos >= m_text.size() || hexValue(m_text[m_pos]) < 0) {
                            *error = Error::validation(kSyntax, u"bad escape: \\u takes 4 hex digits"_s, escapeAt);
                            return false;
                        }
                        value = value * 16 + char32_t(hexValue(m_text[m_pos]));
                        advance();
                    }
                }
                if (value > 0xFFFF)
                    out += QString::fromUcs4(&value, 1);
                else
                    out += QChar(char16_t(value));
                break;
            }
            default:
                *error = Error::validation(kSyntax, u"bad escape '\\"_s + QString(e)
                                                        + u"'; use \\\" \\\\ \\n \\t \\r \\b \\f \\/ or \\uXXXX"_s,
                                           escapeAt);
                return false;
            }
        }
    }

    QStringView m_text;
    qsizetype m_pos = 0;
    int m_line = 1;
    int m_column = 1;
};

struct OperatorWord
{
    QStringView word;
    Op op;
};

constexpr OperatorWord kOperatorWords[] = {
    {u"==", Op::Eq}, {u"=", Op::Eq}, {u"eq", Op::Eq},
    {u"!=", Op::Ne}, {u"ne", Op::Ne},
    {u"<", Op::Lt}, {u"lt", Op::Lt},
    {u"<=", Op::Le}, {u"le", Op::Le},
    {u">", Op::Gt}, {u"gt", Op::Gt},
    {u">=", Op::Ge}, {u"ge", Op::Ge},
    {u"contains", Op::Contains}, {u"notContains", Op::NotContains},
    {u"beginsWith", Op::BeginsWith}, {u"between", Op::Between},
    {u"in", Op::In}, {u"notIn", Op::NotIn},
    {u"exists", Op::AttributeExists}, {u"attributeExists", Op::AttributeExists},
};

std::optional<Op> operatorOf(const Token &t)
{
    if (t.type != Token::Type::Ident && t.type != Token::Type::Symbol)
        return std::nullopt;
    for (const OperatorWord &w : kOperatorWords) {
        if (w.word == t.text)
            return w.op;
    }
    return std::nullopt;
}

QString opSpelling(Op op)
{
    switch (op) {
    case Op::Eq: return u"=="_s;
    case Op::Ne: return u"!="_s;
    case Op::Lt: return u"<"_s;
    case Op::Le: return u"<="_s;
    case Op::Gt: return u">"_s;
    case Op::Ge: return u">="_s;
    default: return Predicate::opName(op);
    }
}

bool isWord(const Token &t, QStringView lower)
{
    return t.type == Token::Type::Ident && t.text.compare(lower, Qt::CaseInsensitive) == 0;
}

QString describeToken(const Token &t)
{
    switch (t.type) {
    case Token::Type::End:
        return u"the end"_s;
    case Token::Type::String:
        return u"a string"_s;
    case Token::Type::Number:
        return u"the number "_s + t.text;
    case Token::Type::Ident:
    case Token::Type::Symbol:
        break;
    }
    return u"'"_s + t.text + u"'"_s;
}

QString kindNoun(const FieldSchema &f)
{
    return describeType(f) + u" field '"_s + f.name + u"'"_s;
}

class Parser
{
public:
    Parser(QList<Token> tokens, const ModelSchema &model, const Schema &schema)
        : m_tokens(std::move(tokens)), m_model(model), m_schema(schema)
    {
    }

    Result<Predicate> run()
    {
        if (peek().type == Token::Type::End)
            return Error::validation(kSyntax, u"empty predicate; write 'all' to match every record"_s,
                                     peek().location);
        std::optional<Predicate> p = parseOr();
        if (!p)
            return m_error;
        if (peek().type != Token::Type::End) {
            const Token &t = peek();
            QString message = u"expected 'and', 'or' or the end, got "_s + describeToken(t);
            if (t.type == Token::Type::Symbol && t.text == u")")
                message = u"unbalanced ')'"_s;
            return Error::validation(kSyntax, message, t.location);
        }
        return *p;
    }

private:
    const Token &peek(int ahead = 0) const
    {
        const qsizetype i = std::min(m_pos + ahead, m_tokens.size() - 1);
        return m_tokens.at(i);
    }
    const Token &next() { const Token &t = peek(); if (m_pos < m_tokens.size() - 1) ++m_pos; return t; }

    std::nullopt_t fail(const QString &code, const QString &message, SourceLocation at)
    {
        m_error = Error::validation(code, message, at);
        return std::nullopt;
    }

    bool isSymbol(const Token &t, QStringView s) const { return t.type == Token::Type::Symbol && t.text == s; }
    // A keyword (not, all, none) doubles as a field name when an operator follows.
    bool startsComparison(int ahead) const { return operatorOf(peek(ahead + 1)).has_value(); }

    std::optional<Predicate> parseOr()
    {
        QList<Predicate> operands;
        for (;;) {
            std::optional<Predicate> p = parseAnd();
            if (!p)
                return std::nullopt;
            operands.append(*p);
            if (!(isWord(peek(), u"or") || isSymbol(peek(), u"||")))
                break;
            next();
        }
        return Predicate::orOf(operands);
    }

    std::optional<Predicate> parseAnd()
    {
        QList<Predicate> operands;
        for (;;) {
            std::optional<Predicate> p = parseNot();
            if (!p)
                return std::nullopt;
            operands.append(*p);
            if (!(isWord(peek(), u"and") || isSymbol(peek(), u"&&")))
                break;
            next();
        }
        return Predicate::andOf(operands);
    }

    std::optional<Predicate> parseNot()
    {
        if ((isWord(peek(), u"not") && !startsComparison(0)) || isSymbol(peek(), u"!")) {
            next();
            std::optional<Predicate> p = parseNot();
            if (!p)
                return std::nullopt;
            return Predicate::notOf(*p);
        }
        return parsePrimary();
    }

    std::optional<Predicate> parsePrimary()
    {
        const Token &t = peek();
        if (isSymbol(t, u"(")) {
            next();
            std::optional<Predicate> p = parseOr();
            if (!p)
                return std::nullopt;
            if (!isSymbol(peek(), u")"))
                return fail(kSyntax, u"expected ')' to close the '(' at column "_s
                                         + QString::number(t.location.column) + u", got "_s + describeToken(peek()),
                            peek().location);
            next();
            return p;
        }
        if (t.type == Token::Type::Ident && !startsComparison(0)) {
            if (t.text == u"all") {
                next();
                return Predicate::all();
            }
            if (t.text == u"none") {
                next();
                return Predicate::none();
            }
        }
        if (t.type != Token::Type::Ident) {
            if (t.type == Token::Type::End)
                return fail(kSyntax, u"expected a field, 'not', '(' or 'all', got the end"_s, t.location);
            return fail(kSyntax, u"expected a field name, got "_s + describeToken(t), t.location);
        }
        return parseComparison();
    }

    std::optional<Predicate> parseComparison()
    {
        const Token fieldToken = next();
        const FieldSchema *field = m_model.field(fieldToken.text);
        if (!field) {
            QStringList names;
            for (const FieldSchema &f : m_model.fields)
                names.append(f.name);
            QString message = m_model.name + u" has no field '"_s + fieldToken.text + u"'"_s;
            const QString hint = closest(fieldToken.text, names);
            if (!hint.isEmpty())
                message += u"; did you mean '"_s + hint + u"'?"_s;
            return fail(kType, message, fieldToken.location);
        }
        const FieldKind fk = fieldKind(*field);
        if (fk.kind == ValueKind::Unfilterable) {
            const QString what = field->isRelation() ? u"a relation to "_s + field->relation.relatedModel
                                                     : u"of the non-model type "_s + field->type.typeName;
            return fail(kType, m_model.name + u"."_s + field->name + u" is "_s + what
                                   + u" and cannot be used in a predicate"_s,
                        fieldToken.location);
        }

        const Token opToken = next();
        const std::optional<Op> op = operatorOf(opToken);
        if (!op) {
            QString message = u"expected an operator after '"_s + fieldToken.text + u"', got "_s
                              + describeToken(opToken);
            if (opToken.type == Token::Type::Ident) {
                QStringList words;
                for (const OperatorWord &w : kOperatorWords)
                    words.append(w.word.toString());
                const QString hint = closest(opToken.text, words);
                if (!hint.isEmpty())
                    message += u"; did you mean '"_s + hint + u"'?"_s;
            }
            return fail(kSyntax, message, opToken.location);
        }
        if (!isAllowed(fk, *op)) {
            QStringList allowed;
            const QList<Op> ops = allowedOps(fk);
            for (Op o : ops)
                allowed.append(opSpelling(o));
            return fail(kType, u"'"_s + opToken.text + u"' cannot be used on "_s + kindNoun(*field)
                                   + u"; it allows "_s + allowed.join(u", "_s),
                        opToken.location);
        }

        switch (*op) {
        case Op::AttributeExists: {
            if (opToken.text == u"exists")
                return Predicate::compare(field->name, *op, true);
            const Token v = next();
            if (!isWord(v, u"true") && !isWord(v, u"false"))
                return fail(kSyntax, u"expected true or false after 'attributeExists', got "_s + describeToken(v),
                            v.location);
            return Predicate::compare(field->name, *op, v.text == u"true");
        }
        case Op::Between: {
            std::optional<QVariant> lo = parseValue(*field, fk);
            if (!lo)
                return std::nullopt;
            if (!isWord(peek(), u"and"))
                return fail(kSyntax, u"expected 'and' in 'between low and high', got "_s + describeToken(peek()),
                            peek().location);
            next();
            std::optional<QVariant> hi = parseValue(*field, fk);
            if (!hi)
                return std::nullopt;
            return Predicate::compare(field->name, *op, QVariantList{*lo, *hi});
        }
        case Op::In:
        case Op::NotIn: {
            if (!isSymbol(peek(), u"["))
                return fail(kSyntax, u"expected '[' after '"_s + opToken.text + u"', got "_s + describeToken(peek()),
                            peek().location);
            next();
            QVariantList values;
            if (isSymbol(peek(), u"]")) {
                next();
                return Predicate::compare(field->name, *op, values);
            }
            for (;;) {
                std::optional<QVariant> v = parseValue(*field, fk);
                if (!v)
                    return std::nullopt;
                values.append(*v);
                if (isSymbol(peek(), u",")) {
                    next();
                    continue;
                }
                if (isSymbol(peek(), u"]")) {
                    next();
                    break;
                }
                return fail(kSyntax, u"expected ',' or ']' in the list, got "_s + describeToken(peek()),
                            peek().location);
            }
            return Predicate::compare(field->name, *op, values);
        }
        default:
            break;
        }
        std::optional<QVariant> v = parseValue(*field, fk);
        if (!v)
            return std::nullopt;
        return Predicate::compare(field->name, *op, *v);
    }

    // One literal, converted to the (element) type of the field.
    std::optional<QVariant> parseValue(const FieldSchema &field, const FieldKind &fk)
    {
        const Token t = next();
        const QString noun = kindNoun(field);
        auto wrongType = [&](const QString &got) {
            QString expected;
            switch (fk.kind) {
            case ValueKind::String: expected = u"a string"_s; break;
            case ValueKind::Int:
            case ValueKind::Timestamp: expected = u"a whole number"_s; break;
            case ValueKind::Float: expected = u"a number"_s; break;
            case ValueKind::Boolean: expected = u"true or false"_s; break;
            case ValueKind::Enum: expected = u"a value of "_s + field.type.typeName; break;
            case ValueKind::Unfilterable: break;
            }
            return fail(kType, noun + u" takes "_s + expected + u", got "_s + got, t.location);
        };

        switch (t.type) {
        case Token::Type::End:
            return fail(kSyntax, u"expected a value for '"_s + field.name + u"', got the end"_s, t.location);
        case Token::Type::Symbol:
            return fail(kSyntax, u"expected a value for '"_s + field.name + u"', got '"_s + t.text + u"'"_s,
                        t.location);
        case Token::Type::String:
            if (fk.kind == ValueKind::String)
                return QVariant(t.text);
            if (fk.kind == ValueKind::Enum)
                return enumValue(field, t);
            return wrongType(u"a string"_s);
        case Token::Type::Number: {
            const bool integral = !t.text.contains(u'.') && !t.text.contains(u'e') && !t.text.contains(u'E');
            if (fk.kind == ValueKind::Float) {
                bool ok = false;
                const double d = t.text.toDouble(&ok);
                if (!ok || !std::isfinite(d))
                    return fail(kType, u"the number "_s + t.text + u" is out of range"_s, t.location);
                return QVariant(d);
            }
            if (fk.kind == ValueKind::Int || fk.kind == ValueKind::Timestamp) {
                if (!integral)
                    return fail(kType, noun + u" takes a whole number, got "_s + t.text, t.location);
                bool ok = false;
                const qint64 n = t.text.toLongLong(&ok);
                if (!ok)
                    return fail(kType, u"the number "_s + t.text + u" is out of range for "_s + noun, t.location);
                if (fk.kind == ValueKind::Timestamp)
                    return QVariant(n);
                if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max())
                    return fail(kType, u"the number "_s + t.text + u" is out of range for "_s + noun
                                           + u" (a 32-bit Int)"_s,
                                t.location);
                return QVariant(int(n));
            }
            return wrongType(u"the number "_s + t.text);
        }
        case Token::Type::Ident:
            break;
        }
        if (t.text == u"true" || t.text == u"false") {
            if (fk.kind == ValueKind::Boolean)
                return QVariant(t.text == u"true");
            return wrongType(t.text);
        }
        if (t.text == u"null")
            return fail(kType, u"null is not a value to compare with; write '"_s + field.name
                                   + u" attributeExists false' to match a missing value"_s,
                        t.location);
        if (fk.kind == ValueKind::Enum)
            return enumValue(field, t);
        if (fk.kind == ValueKind::String)
            return fail(kType, noun + u" takes a string, got the bare word '"_s + t.text
                                   + u"'; strings are quoted: \""_s + t.text + u"\""_s,
                        t.location);
        return wrongType(u"'"_s + t.text + u"'"_s);
    }

    std::optional<QVariant> enumValue(const FieldSchema &field, const Token &t)
    {
        const EnumSchema *e = m_schema.enumType(field.type.typeName);
        if (!e)
            return fail(kType, u"unknown enum "_s + field.type.typeName, t.location);
        if (e->values.contains(t.text))
            return QVariant(t.text);
        QString message = e->name + u" has no value '"_s + t.text + u"'"_s;
        const QString hint = closest(t.text, e->values);
        if (!hint.isEmpty())
            message += u"; did you mean '"_s + hint + u"'?"_s;
        message += u" (values: "_s + e->values.join(u", "_s) + u")"_s;
        return fail(kType, message, t.location);
    }

    QList<Token> m_tokens;
    qsizetype m_pos = 0;
    const ModelSchema &m_model;
    const Schema &m_schema;
    Error m_error;
};

// ---- printing -------------------------------------------------------------------

QString printString(const QString &s)
{
    QString out = u"\""_s;
    out.reserve(s.size() + 2);
    for (const QChar c : s) {
        switch (c.unicode()) {
        case u'"': out += u"\\\""_s; break;
        case u'\\': out += u"\\\\"_s; break;
        case u'\n': out += u"\\n"_s; break;
        case u'\r': out += u"\\r"_s; break;
        case u'\t': out += u"\\t"_s; break;
        default:
            if (c.unicode() < 0x20 || c.unicode() == 0x7F)
                out += u"\\u"_s + QString::number(c.unicode(), 16).rightJustified(4, u'0');
            else
                out += c;
        }
    }
    // Lone surrogates survive as escapes.
    QString fixed;
    fixed.reserve(out.size());
    for (qsizetype i = 0; i < out.size(); ++i) {
        const QChar c = out[i];
        if (c.isHighSurrogate() && i + 1 < out.size() && out[i + 1].isLowSurrogate()) {
            fixed += c;
            fixed += out[++i];
        } else if (c.isSurrogate()) {
            fixed += u"\\u"_s + QString::number(c.unicode(), 16).toUpper();
        } else {
            fixed += c;
        }
    }
    return fixed + u"\""_s;
}

QString printValue(const QVariant &v)
{
    if (isNullValue(v))
        return u"null"_s;
    switch (v.typeId()) {
    case QMetaType::Bool:
        return v.toBool() ? u"true"_s : u"false"_s;
    case QMetaType::Double:
    case QMetaType::Float:
        return QString::number(v.toDouble(), 'g', QLocale::FloatingPointShortest);
    case QMetaType::QString:
        return printString(v.toString());
    case QMetaType::QVariantList:
    case QMetaType::QStringList: {
        QStringList items;
        const QVariantList list = v.toList();
        for (const QVariant &item : list)
            items.append(printValue(item));
        return u"["_s + items.join(u", "_s) + u"]"_s;
    }
    default:
        break;
    }
    if (isIntegral(v))
        return QString::number(v.toLongLong());
    return printString(v.toString());
}

QString printLeaf(const Predicate &p)
{
    const QString &f = p.field();
    switch (p.op()) {
    case Op::AttributeExists:
        if (p.value().toBool())
            return f + u" exists"_s;
        return f + u" attributeExists false"_s;
    case Op::Between: {
        const QVariantList range = p.value().toList();
        return f + u" between "_s + printValue(range.value(0)) + u" and "_s + printValue(range.value(1));
    }
    case Op::In:
    case Op::NotIn:
        return f + u' ' + opSpelling(p.op()) + u' ' + printValue(QVariant(p.value().toList()));
    default:
        return f + u' ' + opSpelling(p.op()) + u' ' + printValue(p.value());
    }
}

bool isGroup(const Predicate &p)
{
    return (p.kind() == Predicate::Kind::And || p.kind() == Predicate::Kind::Or) && !p.isNone();
}

QString printNode(const Predicate &p)
{
    switch (p.kind()) {
    case Predicate::Kind::All:
        return u"all"_s;
    case Predicate::Kind::Comparison:
        return printLeaf(p);
    case Predicate::Kind::Not: {
        const Predicate &c = p.children().front();
        if (isGroup(c))
            return u"not ("_s + printNode(c) + u")"_s;
        return u"not "_s + printNode(c);
    }
    case Predicate::Kind::And:
    case Predicate::Kind::Or: {
        if (p.isNone())
            return u"none"_s;
        const bool isAnd = p.kind() == Predicate::Kind::And;
        QStringList parts;
        for (const Predicate &c : p.children()) {
            // Or binds looser than and; a group of the same kind keeps its shape.
            const bool wrap = isGroup(c) && (isAnd || c.kind() == Predicate::Kind::Or);
            parts.append(wrap ? u"("_s + printNode(c) + u")"_s : printNode(c));
        }
        return parts.join(isAnd ? u" and "_s : u" or "_s);
    }
    }
    return QString();
}

} // namespace

Result<Predicate> parse(QStringView text, const ModelSchema &model, const Schema &schema)
{
    QList<Token> tokens;
    Error error;
    Lexer lexer(text);
    if (!lexer.run(&tokens, &error))
        return error;
    Parser parser(std::move(tokens), model, schema);
    return parser.run();
}

QString print(const Predicate &predicate)
{
    return printNode(predicate);
}

} // namespace ds::predicate

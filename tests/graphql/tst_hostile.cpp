// Hostile input: deep nesting, huge literals, NUL bytes, invalid UTF-8, token
// floods and a deterministic mutation fuzzer over the corpus. The parser must
// give a clean, located error (or a round-trippable document), never crash.
#include "graphql/parser.h"
#include "graphql/printer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ds;
using namespace ds::graphql;

namespace {

QByteArray repeated(QByteArrayView part, int n)
{
    QByteArray out;
    out.reserve(part.size() * n);
    for (int i = 0; i < n; ++i)
        out += part;
    return out;
}

// Nested documents of each bracket kind: depth levels of nesting.
QByteArray nested(const QByteArray &kind, int depth, bool closed)
{
    if (kind == "selection")
        return "query " + repeated("{ a ", depth) + (closed ? repeated("} ", depth) : QByteArray());
    if (kind == "list")   // the selection set adds one level
        return "{ a(b: " + repeated("[", depth - 1) + "1" + (closed ? repeated("]", depth - 1) + ") }" : QByteArray());
    if (kind == "object")
        return "{ a(b: " + repeated("{a: ", depth - 1) + "1" + (closed ? repeated("}", depth - 1) + ") }" : QByteArray());
    if (kind == "variable type")
        return "query ($v: " + repeated("[", depth) + "Int" + (closed ? repeated("]", depth) + ") { a }" : QByteArray());
    if (kind == "field type")
        return "type T { f: " + repeated("[", depth) + "Int" + (closed ? repeated("]", depth) + " }" : QByteArray());
    if (kind == "default value")
        return "input I { f: Int = " + repeated("[", depth) + (closed ? repeated("]", depth) + " }" : QByteArray());
    if (kind == "mixed")   // selection sets holding object and list values
        return "query " + repeated("{ a ", depth / 2) + "(b: " + repeated("{c: [", depth / 4)
            + (closed ? repeated("]}", depth / 4) + ") " + repeated("} ", depth / 2) : QByteArray());
    return {};
}

qsizetype lineCount(QByteArrayView text)
{
    qsizetype n = 1;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' || (text[i] == '\r' && !(i + 1 < text.size() && text[i + 1] == '\n')))
            ++n;
    }
    return n;
}

// Bytes in the given 1-based line (without the terminator).
qsizetype lineBytes(QByteArrayView text, int line)
{
    qsizetype start = 0;
    int current = 1;
    for (qsizetype i = 0; i < text.size() && current < line; ++i) {
        if (text[i] == '\n' || text[i] == '\r') {
            if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
            ++current;
            start = i + 1;
        }
    }
    qsizetype end = start;
    while (end < text.size() && text[end] != '\n' && text[end] != '\r')
        ++end;
    return end - start;
}

} // namespace

class tst_Hostile : public QObject
{
    Q_OBJECT

private slots:
    void deepNesting_data();
    void deepNesting();
    void nestingAtLimit_data();
    void nestingAtLimit();
    void deepNestingRaisedLimit();
    void hugeString();
    void documentSizeLimit();
    void nulBytes_data();
    void nulBytes();
    void invalidUtf8_data();
    void invalidUtf8();
    void tokenLimit();
    void mutationFuzz();
};

void tst_Hostile::deepNesting_data()
{
    QTest::addColumn<QByteArray>("kind");
    QTest::addColumn<bool>("closed");
    for (const char *kind : {"selection", "list", "object", "variable type", "field type",
                             "default value", "mixed"}) {
        QTest::newRow(QByteArray(QByteArray(kind) + " open").constData()) << QByteArray(kind) << false;
        QTest::newRow(QByteArray(QByteArray(kind) + " closed").constData()) << QByteArray(kind) << true;
    }
}

void tst_Hostile::deepNesting()
{
    QFETCH(QByteArray, kind);
    QFETCH(bool, closed);
    const QByteArray text = nested(kind, 10000, closed);
    const ParseResult r = parse(text);
    QVERIFY(!r.ok());
    QCOMPARE(r.error.message, u"nesting deeper than 128 levels"_s);
    QCOMPARE(r.error.location.line, 1);
    QVERIFY(r.error.location.column > 128);

    // parseType() and parseValue() are bounded too.
    if (kind == "list") {
        SourceError e;
        QVERIFY(!parseValue(repeated("[", 10000), &e));
        QCOMPARE(e.message, u"nesting deeper than 128 levels"_s);
        QVERIFY(!parseType(QByteArray(repeated("[", 10000) + "A" + repeated("]", 10000)), &e));
        QCOMPARE(e.message, u"nesting deeper than 128 levels"_s);
        QCOMPARE(e.location, (SourceLocation{1, 129}));
    }
}

void tst_Hostile::nestingAtLimit_data()
{
    // The shapes whose depth is exactly countable.
    QTest::addColumn<QByteArray>("kind");
    for (const char *kind : {"selection", "list", "object", "variable type", "field type"})
        QTest::newRow(kind) << QByteArray(kind);
}

void tst_Hostile::nestingAtLimit()
{
    QFETCH(QByteArray, kind);
    const ParseResult ok = parse(nested(kind, 128, true));
    QVERIFY2(ok.ok(), qPrintable(ok.error.toString()));
    const ParseResult tooDeep = parse(nested(kind, 129, true));
    QCOMPARE(tooDeep.error.message, u"nesting deeper than 128 levels"_s);
    // Printing the deepest accepted document round-trips.
    const ParseResult again = parse(print(ok.document).toUtf8());
    QVERIFY2(again.ok(), qPrintable(again.error.toString()));
    QVERIFY(again.document == ok.document);
}

void tst_Hostile::deepNestingRaisedLimit()
{
    // A caller may raise the limit, up to the hard cap of 1000 levels that
    // protects the stack: 10,000 levels still give a clean error.
    ParseLimits limits;
    limits.maxDepth = 20000;
    const ParseResult deep = parse(nested("list", 10000, true), {}, DocumentKind::Any, limits);
    QCOMPARE(deep.error.message, u"nesting deeper than 1000 levels"_s);
    const ParseResult r = parse(nested("list", 1000, true), {}, DocumentKind::Any, limits);
    QVERIFY2(r.ok(), qPrintable(r.error.toString()));
    const ParseResult again = parse(print(r.document).toUtf8(), {}, DocumentKind::Any, limits);
    QVERIFY(again.ok());
    QVERIFY(again.document == r.document);
}

void tst_Hostile::hugeString()
{
    // A 100 MB string literal: over the default document limit...
    QByteArray text;
    text.reserve(100 * 1024 * 1024 + 32);
    text += "{ a(s: \"";
    text += QByteArray(100 * 1024 * 1024, 'x');
    text += "\") }";
    ParseResult r = parse(text);
    QCOMPARE(r.error.toString(), u"1:1: document larger than 67108864 bytes"_s);

    // ...and over the string limit when the document may be that large.
    ParseLimits limits;
    limits.maxDocumentBytes = 200 * 1024 * 1024;
    r = parse(text, {}, DocumentKind::Any, limits);
    QCOMPARE(r.error.toString(), u"1:8: string longer than 16777216 bytes"_s);

    // The same for a block string, and for an unterminated one.
    text.replace(7, 1, "\"\"\"");
    text.replace(text.size() - 4, 1, "\"\"\"");
    r = parse(text, {}, DocumentKind::Any, limits);
    QCOMPARE(r.error.toString(), u"1:8: string longer than 16777216 bytes"_s);
    text.truncate(text.size() - 8);
    r = parse(text, {}, DocumentKind::Any, limits);
    QCOMPARE(r.error.toString(), u"1:8: string longer than 16777216 bytes"_s);
    text.clear();
    text.squeeze();

    // A string just under the limit parses.
    limits = ParseLimits{};
    limits.maxStringBytes = 1024 * 1024;
    const QByteArray ok = "{ a(s: \"" + QByteArray(1024 * 1024, 'y') + "\") }";
    r = parse(ok, {}, DocumentKind::Any, limits);
    QVERIFY(r.ok());
    const auto &op = std::get<OperationDefinition>(r.document.definitions[0]);
    QCOMPARE(op.selectionSet[0].arguments[0].value.text.size(), 1024 * 1024);
    const QByteArray tooLong = "{ a(s: \"" + QByteArray(1024 * 1024 + 1, 'y') + "\") }";
    QCOMPARE(parse(tooLong, {}, DocumentKind::Any, limits).error.toString(),
             u"1:8: string longer than 1048576 bytes"_s);
}

void tst_Hostile::documentSizeLimit()
{
    ParseLimits limits;
    limits.maxDocumentBytes = 10;
    QVERIFY(parse("{ abcdef }", {}, DocumentKind::Any, limits).ok());
    QCOMPARE(parse("{ abcdefg }", u"big.graphql"_s, DocumentKind::Any, limits).error.toString(),
             u"big.graphql:1:1: document larger than 10 bytes"_s);
    SourceError e;
    QVERIFY(!parseValue("[1, 2, 3, 4]", &e, limits));
    QCOMPARE(e.message, u"document larger than 10 bytes"_s);
}

void tst_Hostile::nulBytes_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("error");

    const auto bytes = [](const char *s, int n) { return QByteArray(s, n); };
    QTest::newRow("only nul") << bytes("\0", 1) << u"1:1: invalid character U+0000"_s;
    QTest::newRow("many nul") << QByteArray(1000, '\0') << u"1:1: invalid character U+0000"_s;
    QTest::newRow("nul in name") << bytes("{ ab\0c }", 8) << u"1:5: invalid character U+0000"_s;
    QTest::newRow("nul in string") << bytes("{ a(s: \"x\0y\") }", 15) << QString();
    QTest::newRow("nul in block string") << bytes("{ a(s: \"\"\"x\0y\"\"\") }", 19) << QString();
    QTest::newRow("nul in comment") << bytes("# \0\n{ a }", 9) << QString();
    QTest::newRow("nul after document") << bytes("{ a }\0", 6) << u"1:6: invalid character U+0000"_s;
    QTest::newRow("nul in number") << bytes("{ a(n: 1\0) }", 12) << u"1:9: invalid character U+0000"_s;
}

void tst_Hostile::nulBytes()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, error);
    const ParseResult r = parse(text);
    QCOMPARE(r.error.toString(), error);
    if (r.ok()) {
        const ParseResult again = parse(print(r.document).toUtf8());
        QVERIFY(again.ok());
        QVERIFY(again.document == r.document);
    }
}

void tst_Hostile::invalidUtf8_data()
{
    QTest::addColumn<QByteArray>("sequence");
    QTest::addColumn<QString>("message");

    QTest::newRow("continuation byte") << "\x80"_ba << u"invalid UTF-8 byte 0x80"_s;
    QTest::newRow("0xFF") << "\xFF"_ba << u"invalid UTF-8 byte 0xFF"_s;
    QTest::newRow("0xFE") << "\xFE"_ba << u"invalid UTF-8 byte 0xFE"_s;
    QTest::newRow("overlong 2 (C0)") << "\xC0\x80"_ba << u"invalid UTF-8 byte 0xC0"_s;
    QTest::newRow("overlong 2 (C1)") << "\xC1\xBF"_ba << u"invalid UTF-8 byte 0xC1"_s;
    QTest::newRow("overlong 3") << "\xE0\x9F\xBF"_ba << u"invalid UTF-8 sequence 0xE0 0x9F"_s;
    QTest::newRow("overlong 4") << "\xF0\x8F\xBF\xBF"_ba << u"invalid UTF-8 sequence 0xF0 0x8F"_s;
    QTest::newRow("surrogate D800") << "\xED\xA0\x80"_ba << u"invalid UTF-8 sequence 0xED 0xA0"_s;
    QTest::newRow("surrogate DFFF") << "\xED\xBF\xBF"_ba << u"invalid UTF-8 sequence 0xED 0xBF"_s;
    QTest::newRow("above 10FFFF") << "\xF4\x90\x80\x80"_ba << u"invalid UTF-8 sequence 0xF4 0x90"_s;
    QTest::newRow("F5 lead") << "\xF5\x80\x80\x80"_ba << u"invalid UTF-8 byte 0xF5"_s;
    QTest::newRow("truncated 2") << "\xC3 "_ba << u"invalid UTF-8 sequence 0xC3 0x20"_s;
    QTest::newRow("truncated 3") << "\xE2\x82 "_ba << u"invalid UTF-8 sequence 0xE2 0x82 0x20"_s;
    QTest::newRow("truncated 4") << "\xF0\x9F\x98 "_ba << u"invalid UTF-8 sequence 0xF0 0x9F 0x98 0x20"_s;
}

void tst_Hostile::invalidUtf8()
{
    QFETCH(QByteArray, sequence);
    QFETCH(QString, message);
    // The bad sequence after "ab" in every context: column 3 (or after the
    // opening quotes), line 2.
    const QList<QPair<QByteArray, QByteArray>> contexts = {
        {"{ a }\n# ab", "\n{ b }"},
        {"{ a }\n\"ab", "\" scalar S"},
        {"{ a }\n\"\"\"ab", "\"\"\" scalar S"},
        {"{ a }\n{ ab", " }"},
    };
    const int columns[] = {5, 4, 6, 5};
    for (int i = 0; i < contexts.size(); ++i) {
        const QByteArray text = contexts[i].first + sequence + contexts[i].second;
        const ParseResult r = parse(text);
        QVERIFY(!r.ok());
        QCOMPARE(r.error.message, message);
        QCOMPARE(r.error.location, (SourceLocation{2, columns[i]}));
        // The same at the very end of the document (truncated sequences).
        const ParseResult cut = parse(QByteArray(contexts[i].first + sequence.first(1)));
        QVERIFY(!cut.ok());
        QVERIFY(!cut.error.message.isEmpty());
    }
}

void tst_Hostile::tokenLimit()
{
    ParseLimits limits;
    limits.maxTokens = 1000;
    // "{", 998 names, "}" = 1000 tokens: accepted.
    const QByteArray ok = "{" + repeated(" a", 998) + " }";
    QVERIFY(parse(ok, {}, DocumentKind::Any, limits).ok());
    const QByteArray tooMany = "{" + repeated(" a", 999) + " }";
    const ParseResult r = parse(tooMany, {}, DocumentKind::Any, limits);
    QCOMPARE(r.error.toString(), u"1:2001: document has more than 1000 tokens"_s);

    // A flood of a million commas and tokens with the default limits is fine
    // (commas are ignored tokens, they do not count).
    const QByteArray flood = "{" + repeated(" a,,,,", 200000) + " }";
    QVERIFY(parse(flood).ok());
}

void tst_Hostile::mutationFuzz()
{
    QList<QByteArray> corpus;
    for (const char *path : {DS_TEST_DATA_DIR "/kitchen-sink-schema.graphql",
                             DS_TEST_DATA_DIR "/kitchen-sink-query.graphql",
                             DS_SOURCE_DIR "/models/schema.graphql",
                             DS_SOURCE_DIR "/tests/data/protocol/reference/appsync-schema.graphql"}) {
        QFile f(QString::fromUtf8(path));
        if (f.open(QIODevice::ReadOnly))
            corpus.append(f.readAll());
    }
    QCOMPARE(corpus.size(), 4);

    static const char *const snippets[] = {
        "{", "}", "[", "]", "(", ")", "\"", "\"\"\"", "\\", "\\u", "\\u{", ":", "$", "@", "!", "=",
        "|", "&", "...", ".", "#", ",", "\n", "\r", "\r\n", " ", "\t", "0", "-", "1e", "e", "on",
        "type", "extend", "fragment", "query", "\xC3", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\xFF",
        "\xEF\xBB\xBF", "\0", "\\\"\"\"", "null", "true",
    };
    QRandomGenerator rng(20211026);
    int accepted = 0;
    QElapsedTimer timer;
    timer.start();
    for (int iteration = 0; iteration < 20000; ++iteration) {
        QByteArray text = corpus[rng.bounded(int(corpus.size()))];
        const int mutations = 1 + rng.bounded(3);
        for (int m = 0; m < mutations; ++m) {
            const int size = int(text.size());
            const int pos = size ? rng.bounded(size) : 0;
            switch (rng.bounded(6)) {
            case 0:   // flip or replace a byte
                if (size)
                    text[pos] = char(rng.bounded(2) ? text[pos] ^ (1 << rng.bounded(8)) : rng.bounded(256));
                break;
            case 1:
            case 2: {   // insert punctuation, quotes, brackets, keywords
                const char *s = snippets[rng.bounded(int(std::size(snippets)))];
                text.insert(pos, s, qMax<qsizetype>(1, qstrlen(s)));
                break;
            }
            case 3:   // truncate
                text.truncate(pos);
                break;
            case 4: {   // duplicate a span
                const int len = rng.bounded(qMin(200, size - pos) + 1);
                text.insert(rng.bounded(size + 1), text.mid(pos, len));
                break;
            }
            case 5: {   // delete a span
                text.remove(pos, rng.bounded(qMin(50, size - pos) + 1));
                break;
            }
            }
        }
        const ParseResult r = parse(text, u"fuzz"_s);
        if (r.ok()) {
            ++accepted;
            const QString printed = print(r.document);
            const ParseResult again = parse(printed.toUtf8());
            if (!again.ok() || !(again.document == r.document)) {
                qWarning("iteration %d: round trip failed: %s\n--- input ---\n%s\n--- printed ---\n%s",
                         iteration, qPrintable(again.error.toString()), text.constData(),
                         qPrintable(printed));
                QFAIL("round trip");
            }
        } else {
            const SourceLocation at = r.error.location;
            const bool inside = at.line >= 1 && at.line <= lineCount(text) && at.column >= 1
                && at.column <= lineBytes(text, at.line) + 1;
            if (!inside || r.error.message.isEmpty()) {
                qWarning("iteration %d: bad error %s", iteration, qPrintable(r.error.toString()));
                QFAIL("error location outside the document");
            }
        }
    }
    qDebug("%d of 20000 mutants accepted, %lld ms", accepted, timer.elapsed());
}

QTEST_APPLESS_MAIN(tst_Hostile)
#include "tst_hostile.moc"

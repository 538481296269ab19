// The GraphQL printer: parse -> print -> parse gives an equal AST over a
// corpus of documents, printing is idempotent, strings survive exactly.
#include "graphql/parser.h"
#include "graphql/printer.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace ds;
using namespace ds::graphql;

class tst_Printer : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip_data();
    void roundTrip();
    void stringValues_data();
    void stringValues();
    void descriptions_data();
    void descriptions();
    void expectedOutput_data();
    void expectedOutput();
    void quotedText();
};

void tst_Printer::roundTrip_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("kitchen-sink schema") << QStringLiteral(DS_TEST_DATA_DIR "/kitchen-sink-schema.graphql");
    QTest::newRow("kitchen-sink query") << QStringLiteral(DS_TEST_DATA_DIR "/kitchen-sink-query.graphql");
    QTest::newRow("models schema") << QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql");
    QTest::newRow("appsync schema")
        << QStringLiteral(DS_SOURCE_DIR "/tests/data/protocol/reference/appsync-schema.graphql");
}

void tst_Printer::roundTrip()
{
    QFETCH(QString, path);
    QFile file(path);
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path + u": "_s + file.errorString()));
    const QByteArray text = file.readAll();

    const ParseResult first = parse(text, path);
    QVERIFY2(first.ok(), qPrintable(first.error.toString()));
    QVERIFY(!first.document.definitions.empty());

    const QString printed = print(first.document);
    const ParseResult second = parse(printed.toUtf8(), u"<printed>"_s);
    QVERIFY2(second.ok(), qPrintable(second.error.toString() + u"\n"_s + printed));
    QVERIFY2(second.document == first.document, qPrintable(printed));

    // Idempotent.
    QCOMPARE(print(second.document), printed);

    // Single definitions print the same way.
    for (const Definition &d : first.document.definitions) {
        const ParseResult one = parse(print(d).toUtf8());
        QVERIFY2(one.ok(), qPrintable(one.error.toString()));
        QCOMPARE(one.document.definitions.size(), size_t(1));
        QVERIFY(one.document.definitions.front() == d);
    }
}

void tst_Printer::stringValues_data()
{
    QTest::addColumn<QString>("text");

    QTest::newRow("empty") << QString();
    QTest::newRow("plain") << u"hello"_s;
    QTest::newRow("quotes") << u"say \"hi\""_s;
    QTest::newRow("triple quotes") << u"a \"\"\" b"_s;
    QTest::newRow("four quotes") << u"\"\"\"\""_s;
    QTest::newRow("escaped triple quotes") << u"\\\"\"\""_s;
    QTest::newRow("ends with quote") << u"end\""_s;
    QTest::newRow("ends with backslash") << u"end\\"_s;
    QTest::newRow("backslashes") << u"\\n \\u0041 \\"_s;
    QTest::newRow("control chars") << u"\b\f\r\t\x01\x1F\x7F"_s;
    QTest::newRow("nul") << QString(QChar(0));
    QTest::newRow("unicode") << u"café 日本語 😀 \u2028"_s;
    QTest::newRow("multi-line") << u"line 1\nline 2"_s;
    QTest::newRow("indented lines") << u"a\n  b\n    c"_s;
    QTest::newRow("all lines indented") << u"  a\n  b"_s;
    QTest::newRow("leading blank line") << u"\nx"_s;
    QTest::newRow("trailing blank line") << u"x\n"_s;
    QTest::newRow("leading whitespace line") << u"  \nx"_s;
    QTest::newRow("trailing spaces line") << u"x\n  "_s;
    QTest::newRow("inner blank lines") << u"x\n\n  \ny"_s;
    QTest::newRow("only newlines") << u"\n\n"_s;
    QTest::newRow("only spaces") << u"   "_s;
    QTest::newRow("leading spaces") << u"  x"_s;
    QTest::newRow("crlf") << u"a\r\nb"_s;
    QTest::newRow("cr") << u"a\rb"_s;
    QTest::newRow("tabs") << u"\tx\n\ty\nz"_s;
    QTest::newRow("quote at line end") << u"a\"\nb\""_s;
    QTest::newRow("hash") << u"# not a comment\n#"_s;
}

void tst_Printer::stringValues()
{
    QFETCH(QString, text);
    for (bool block : {false, true}) {
        Value v;
        v.kind = Value::Kind::String;
        v.text = text;
        v.block = block;
        const QString printed = print(v);
        SourceError error;
        const std::optional<Value> back = parseValue(printed.toUtf8(), &error);
        QVERIFY2(back, qPrintable(error.toString() + u" in "_s + printed));
        QCOMPARE(back->text, text);
        QCOMPARE(print(*back), printed);

        // The same value nested inside a selection set (indented).
        const QString doc = u"{ a { b { c(s: "_s + printed + u") } } }"_s;
        const ParseResult r = parse(doc.toUtf8());
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        const QString reprinted = print(r.document);
        const ParseResult r2 = parse(reprinted.toUtf8());
        QVERIFY2(r2.ok(), qPrintable(r2.error.toString() + u"\n"_s + reprinted));
        QVERIFY(r2.document == r.document);
        QCOMPARE(std::get<OperationDefinition>(r2.document.definitions[0])
                     .selectionSet[0].selectionSet[0].selectionSet[0].arguments[0].value.text,
                 text);
    }
}

void tst_Printer::descriptions_data()
{
    stringValues_data();
}

void tst_Printer::descriptions()
{
    QFETCH(QString, text);
    Document doc;
    TypeDefinition t;
    t.kind = TypeDefinition::Kind::Object;
    t.name = u"T"_s;
    t.description = text;
    FieldDefinition f;
    f.name = u"f"_s;
    f.description = text;
    f.type = TypeRef::named(u"Int"_s);
    InputValueDefinition arg;
    arg.name = u"a"_s;
    arg.description = text;
    arg.type = TypeRef::named(u"Int"_s);
    f.arguments.push_back(arg);
    t.fields.push_back(f);
    doc.definitions.push_back(t);
    const QString printed = print(doc);
    const ParseResult r = parse(printed.toUtf8());
    QVERIFY2(r.ok(), qPrintable(r.error.toString() + u"\n"_s + printed));
    QVERIFY2(r.document == doc, qPrintable(printed));
    QCOMPARE(print(r.document), printed);
}

void tst_Printer::expectedOutput_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("output");

    QTest::newRow("shorthand") << "{a,b{c}}"_ba << u"{\n  a\n  b {\n    c\n  }\n}\n"_s;
    QTest::newRow("query") << "query Q($v:[Int!]!=[1,2]@d){x:y(a:$v,b:{c:\"s\"})@skip(if:true){...F ...on T{z} ...@i{w}}}"_ba
                           << u"query Q($v: [Int!]! = [1, 2] @d) {\n  x: y(a: $v, b: {c: \"s\"}) @skip(if: true) {\n"
                              "    ...F\n    ... on T {\n      z\n    }\n    ... @i {\n      w\n    }\n  }\n}\n"_s;
    QTest::newRow("anonymous query keyword") << "query{a}"_ba << u"query {\n  a\n}\n"_s;
    QTest::newRow("fragment") << "fragment F on T@d{a}"_ba << u"fragment F on T @d {\n  a\n}\n"_s;
    QTest::newRow("type") << "\"d\" type T implements A&B@x{\"f\" f(a:Int=1):[T!]@y}"_ba
                          << u"\"d\"\ntype T implements A & B @x {\n  \"f\"\n  f(a: Int = 1): [T!] @y\n}\n"_s;
    QTest::newRow("described arguments") << "type T{f(\"a\" a:Int b:Int):Int}"_ba
                                         << u"type T {\n  f(\n    \"a\"\n    a: Int\n    b: Int\n  ): Int\n}\n"_s;
    QTest::newRow("multi-line description") << "\"\"\"\nline 1\n  line 2\n\"\"\" scalar S"_ba
                                            << u"\"\"\"\nline 1\n  line 2\n\"\"\"\nscalar S\n"_s;
    QTest::newRow("union") << "union U@d=|A|B"_ba << u"union U @d = A | B\n"_s;
    QTest::newRow("enum") << "enum E{A B@d}"_ba << u"enum E {\n  A\n  B @d\n}\n"_s;
    QTest::newRow("input") << "input I{a:Int=1@d}"_ba << u"input I {\n  a: Int = 1 @d\n}\n"_s;
    QTest::newRow("directive") << "directive@d(a:Int)repeatable on|FIELD|OBJECT"_ba
                               << u"directive @d(a: Int) repeatable on FIELD | OBJECT\n"_s;
    QTest::newRow("schema") << "schema@d{query:Q mutation:M}"_ba << u"schema @d {\n  query: Q\n  mutation: M\n}\n"_s;
    QTest::newRow("extensions") << "extend schema@d extend type T@e extend union U=A"_ba
                                << u"extend schema @d\n\nextend type T @e\n\nextend union U = A\n"_s;
    QTest::newRow("block value") << "{a(b:\"\"\"x\"\"\")}"_ba << u"{\n  a(b: \"\"\"x\"\"\")\n}\n"_s;
    QTest::newRow("multi-line block value") << "{a(b:\"\"\"x\n  y\"\"\")}"_ba
                                            << u"{\n  a(b: \"\"\"\n  x\n  y\n  \"\"\")\n}\n"_s;
    QTest::newRow("numbers kept") << "{a(b:1.0e+01,c:-0)}"_ba << u"{\n  a(b: 1.0e+01, c: -0)\n}\n"_s;
}

void tst_Printer::expectedOutput()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, output);
    const ParseResult r = parse(input);
    QVERIFY2(r.ok(), qPrintable(r.error.toString()));
    QCOMPARE(print(r.document), output);
}

void tst_Printer::quotedText()
{
    QCOMPARE(quoted(u"a\"b\\c\nd\x01"), u"\"a\\\"b\\\\c\\nd\\u0001\""_s);
    QCOMPARE(quoted(u"é"), u"\"é\""_s);
    QCOMPARE(print(*parseType("[[A!]]!")), u"[[A!]]!"_s);
}

QTEST_APPLESS_MAIN(tst_Printer)
#include "tst_printer.moc"

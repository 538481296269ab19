// The GraphQL parser: every construct of the October 2021 spec, node
// locations, document kinds and every error path with its location.
#include "graphql/parser.h"

#include <QLoggingCategory>
#include <QTest>

#include <optional>

using namespace Qt::StringLiterals;
using namespace ds;
using namespace ds::graphql;

namespace {

Document parseOk(QByteArrayView text, DocumentKind kind = DocumentKind::Any)
{
    ParseResult r = parse(text, u"test.graphql"_s, kind);
    if (!r.ok())
        qWarning("%s", qPrintable(r.error.toString()));
    return r.document;
}

template<typename T>
const T &def(const Document &doc, size_t i)
{
    return std::get<T>(doc.definitions.at(i));
}

Value valueOf(QByteArrayView text)
{
    SourceError error;
    const std::optional<Value> v = parseValue(text, &error);
    if (!v)
        qWarning("%s", qPrintable(error.toString()));
    return v.value_or(Value{});
}

} // namespace

class tst_Parser : public QObject
{
    Q_OBJECT

private slots:
    void shorthandQuery();
    void operations();
    void variables();
    void fields();
    void fragments();
    void values_data();
    void values();
    void strings_data();
    void strings();
    void numbers_data();
    void numbers();
    void types();
    void ignoredTokens();
    void schemaDefinition();
    void objectAndInterface();
    void unionEnumInputScalar();
    void directiveDefinition();
    void extensions();
    void descriptions();
    void keywordsAsNames();
    void locations();
    void columnsCountCodePoints();
    void documentKinds_data();
    void documentKinds();
    void errors_data();
    void errors();
    void errorString();
    void logsRejectedDocuments();
    void astHelpers();
    void listsOutliveTheirDocument();
    void largeDocument();
};

void tst_Parser::shorthandQuery()
{
    const Document doc = parseOk("{ a b }");
    QCOMPARE(doc.definitions.size(), size_t(1));
    const auto &op = def<OperationDefinition>(doc, 0);
    QVERIFY(op.shorthand);
    QCOMPARE(op.operation, OperationType::Query);
    QVERIFY(op.name.isEmpty());
    QCOMPARE(op.selectionSet.size(), size_t(2));
    QCOMPARE(op.selectionSet[0].name, u"a"_s);
    QCOMPARE(op.selectionSet[1].name, u"b"_s);
    // Shorthand is not part of equality.
    QCOMPARE(parseOk("{ a b }"), parseOk("query { a b }"));
    QVERIFY(!def<OperationDefinition>(parseOk("query { a }"), 0).shorthand);
}

void tst_Parser::operations()
{
    const Document doc = parseOk("query Q @a { x } mutation M { y } subscription S @b(c: 1) { z } query { w }");
    QCOMPARE(doc.definitions.size(), size_t(4));
    const auto &q = def<OperationDefinition>(doc, 0);
    QCOMPARE(q.operation, OperationType::Query);
    QCOMPARE(q.name, u"Q"_s);
    QCOMPARE(q.directives.size(), size_t(1));
    QCOMPARE(q.directives[0].name, u"a"_s);
    QCOMPARE(def<OperationDefinition>(doc, 1).operation, OperationType::Mutation);
    QCOMPARE(def<OperationDefinition>(doc, 1).name, u"M"_s);
    const auto &s = def<OperationDefinition>(doc, 2);
    QCOMPARE(s.operation, OperationType::Subscription);
    QCOMPARE(s.directives[0].arguments[0].name, u"c"_s);
    QCOMPARE(s.directives[0].arguments[0].value.text, u"1"_s);
    QVERIFY(def<OperationDefinition>(doc, 3).name.isEmpty());
    QVERIFY(!def<OperationDefinition>(doc, 3).shorthand);
    QCOMPARE(doc.operation(u"M")->name, u"M"_s);
    QCOMPARE(doc.operation()->name, u"Q"_s);
    QVERIFY(!doc.operation(u"Nope"));
}

void tst_Parser::variables()
{
    const Document doc = parseOk(
        "query ($a: Int, $b: [String!]! = [\"x\"] @dir(k: 1), $c: In = {f: ENUM}) { f(a: $a) }");
    const auto &op = def<OperationDefinition>(doc, 0);
    QCOMPARE(op.variables.size(), size_t(3));
    QCOMPARE(op.variables[0].name, u"a"_s);
    QCOMPARE(op.variables[0].type, TypeRef::named(u"Int"_s));
    QVERIFY(!op.variables[0].defaultValue);
    QCOMPARE(op.variables[1].type,
             TypeRef::nonNull(TypeRef::listOf(TypeRef::nonNull(TypeRef::named(u"String"_s)))));
    QVERIFY(op.variables[1].defaultValue);
    QCOMPARE(op.variables[1].defaultValue->kind, Value::Kind::List);
    QCOMPARE(op.variables[1].defaultValue->list[0].text, u"x"_s);
    QCOMPARE(op.variables[1].directives[0].name, u"dir"_s);
    QCOMPARE(op.variables[2].defaultValue->fields[0].name, u"f"_s);
    QCOMPARE(op.variables[2].defaultValue->fields[0].value.kind, Value::Kind::Enum);
    const Value &arg = op.selectionSet[0].arguments[0].value;
    QCOMPARE(arg.kind, Value::Kind::Variable);
    QCOMPARE(arg.text, u"a"_s);
}

void tst_Parser::fields()
{
    const Document doc = parseOk("{ alias: field(a: 1, b: \"s\") @include(if: true) @skip(if: false) { sub } plain }");
    const auto &set = def<OperationDefinition>(doc, 0).selectionSet;
    QCOMPARE(set.size(), size_t(2));
    const Selection &f = set[0];
    QCOMPARE(f.kind, Selection::Kind::Field);
    QCOMPARE(f.alias, u"alias"_s);
    QCOMPARE(f.name, u"field"_s);
    QCOMPARE(f.responseKey(), u"alias"_s);
    QCOMPARE(f.arguments.size(), size_t(2));
    QCOMPARE(f.arguments[1].value.kind, Value::Kind::String);
    QCOMPARE(f.arguments[1].value.text, u"s"_s);
    QCOMPARE(f.directives.size(), size_t(2));
    QCOMPARE(f.directives[0].name, u"include"_s);
    QCOMPARE(f.directives[0].arguments[0].value.boolean, true);
    QCOMPARE(f.directives[1].arguments[0].value.boolean, false);
    QCOMPARE(f.selectionSet.size(), size_t(1));
    QCOMPARE(f.selectionSet[0].name, u"sub"_s);
    QCOMPARE(set[1].responseKey(), u"plain"_s);
    QVERIFY(set[1].selectionSet.empty());
}

void tst_Parser::fragments()
{
    const Document doc = parseOk(
        "fragment F on User @d { id ...G @s ... on Admin { level } ... @include(if: $x) { a } ... { b } }");
    const auto &f = def<FragmentDefinition>(doc, 0);
    QCOMPARE(f.name, u"F"_s);
    QCOMPARE(f.typeCondition, u"User"_s);
    QCOMPARE(f.directives[0].name, u"d"_s);
    QCOMPARE(f.selectionSet.size(), size_t(5));
    QCOMPARE(f.selectionSet[1].kind, Selection::Kind::FragmentSpread);
    QCOMPARE(f.selectionSet[1].name, u"G"_s);
    QCOMPARE(f.selectionSet[1].directives[0].name, u"s"_s);
    QCOMPARE(f.selectionSet[2].kind, Selection::Kind::InlineFragment);
    QCOMPARE(f.selectionSet[2].typeCondition, u"Admin"_s);
    QCOMPARE(f.selectionSet[2].selectionSet[0].name, u"level"_s);
    QCOMPARE(f.selectionSet[3].kind, Selection::Kind::InlineFragment);
    QVERIFY(f.selectionSet[3].typeCondition.isEmpty());
    QCOMPARE(f.selectionSet[3].directives[0].name, u"include"_s);
    QCOMPARE(f.selectionSet[4].kind, Selection::Kind::InlineFragment);
    QVERIFY(f.selectionSet[4].directives.empty());
    QCOMPARE(doc.fragment(u"F")->name, u"F"_s);
}

void tst_Parser::values_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("str");

    QTest::newRow("int") << "42"_ba << int(Value::Kind::Int) << u"42"_s;
    QTest::newRow("negative") << "-7"_ba << int(Value::Kind::Int) << u"-7"_s;
    QTest::newRow("float") << "1.5e-3"_ba << int(Value::Kind::Float) << u"1.5e-3"_s;
    QTest::newRow("string") << "\"hi\""_ba << int(Value::Kind::String) << u"hi"_s;
    QTest::newRow("block") << "\"\"\"hi\"\"\""_ba << int(Value::Kind::String) << u"hi"_s;
    QTest::newRow("true") << "true"_ba << int(Value::Kind::Boolean) << QString();
    QTest::newRow("null") << "null"_ba << int(Value::Kind::Null) << QString();
    QTest::newRow("enum") << "RED"_ba << int(Value::Kind::Enum) << u"RED"_s;
    QTest::newRow("variable") << "$v"_ba << int(Value::Kind::Variable) << u"v"_s;
    QTest::newRow("list") << "[1, [2], {}]"_ba << int(Value::Kind::List) << QString();
    QTest::newRow("empty list") << "[]"_ba << int(Value::Kind::List) << QString();
    QTest::newRow("object") << "{a: 1, b: [x]}"_ba << int(Value::Kind::Object) << QString();
}

void tst_Parser::values()
{
    QFETCH(QByteArray, text);
    QFETCH(int, kind);
    QFETCH(QString, str);
    const Value v = valueOf(text);
    QCOMPARE(int(v.kind), kind);
    QCOMPARE(v.text, str);
    if (v.kind == Value::Kind::List && text.size() > 2) {
        QCOMPARE(v.list.size(), size_t(3));
        QCOMPARE(v.list[1].list[0].text, u"2"_s);
        QCOMPARE(v.list[2].kind, Value::Kind::Object);
    }
    if (v.kind == Value::Kind::Object) {
        QCOMPARE(v.fields.size(), size_t(2));
        QCOMPARE(v.fields[0].name, u"a"_s);
        QCOMPARE(v.fields[1].value.list[0].text, u"x"_s);
    }
}

void tst_Parser::strings_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << "\"\""_ba << QString();
    QTest::newRow("simple escapes") << R"("\" \\ \/ \b \f \n \r \t")"_ba << u"\" \\ / \b \f \n \r \t"_s;
    QTest::newRow("unicode 4") << R"("caf\u00e9 \u00E9")"_ba << u"café é"_s;
    QTest::newRow("unicode braces") << R"("\u{1F600}\u{0000041}")"_ba << u"😀A"_s;
    QTest::newRow("surrogate pair") << R"("\uD83D\uDE00")"_ba << u"😀"_s;
    QTest::newRow("utf8 literal") << "\"日本語 ü 😀\""_ba << u"日本語 ü 😀"_s;
    QTest::newRow("control char allowed") << "\"a\x01z\""_ba << u"a\x01z"_s;
    QTest::newRow("nul allowed") << QByteArray("\"a\0z\"", 5) << QString(u"a\0z"_s);
    QTest::newRow("block simple") << "\"\"\"abc\"\"\""_ba << u"abc"_s;
    QTest::newRow("block empty") << "\"\"\"\"\"\""_ba << QString();
    QTest::newRow("block indent")
        << "\"\"\"\n    Hello,\n      World!\n\n    Yours,\n      GraphQL.\n  \"\"\""_ba
        << u"Hello,\n  World!\n\nYours,\n  GraphQL."_s;
    QTest::newRow("block first line kept") << "\"\"\"  first\n    second\n  third\"\"\""_ba
                                           << u"  first\n  second\nthird"_s;
    QTest::newRow("block blank lines") << "\"\"\"\n\n  \n  x\n \n\n\"\"\""_ba << u"x"_s;
    QTest::newRow("block only blank") << "\"\"\"   \n   \"\"\""_ba << QString();
    QTest::newRow("block escaped quotes") << R"("""a \""" b""")"_ba << u"a \"\"\" b"_s;
    QTest::newRow("block no escapes") << R"("""\n \u00e9""")"_ba << u"\\n \\u00e9"_s;
    QTest::newRow("block crlf") << "\"\"\"a\r\n  b\r  c\"\"\""_ba << u"a\nb\nc"_s;
    QTest::newRow("block tabs") << "\"\"\"\n\tx\n\t\ty\n\"\"\""_ba << u"x\n\ty"_s;
    QTest::newRow("block quote before end") << "\"\"\"a\"\"\"\""_ba << u"a"_s;   // + a stray '"' (error below)
}

void tst_Parser::strings()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, expected);
    if (QByteArray(QTest::currentDataTag()) == "block quote before end") {
        SourceError e;
        QVERIFY(!parseValue(text, &e));
        QCOMPARE(e.message, u"unterminated string"_s);
        return;
    }
    SourceError e;
    const std::optional<Value> v = parseValue(text, &e);
    QVERIFY2(v, qPrintable(e.toString()));
    QCOMPARE(v->kind, Value::Kind::String);
    QCOMPARE(v->text, expected);
    QCOMPARE(v->block, text.startsWith("\"\"\""));
}

void tst_Parser::numbers_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("isFloat");

    QTest::newRow("0") << "0"_ba << false;
    QTest::newRow("-0") << "-0"_ba << false;
    QTest::newRow("123") << "123"_ba << false;
    QTest::newRow("0.0") << "0.0"_ba << true;
    QTest::newRow("-1.25") << "-1.25"_ba << true;
    QTest::newRow("1e10") << "1e10"_ba << true;
    QTest::newRow("1E+10") << "1E+10"_ba << true;
    QTest::newRow("1.5e-10") << "1.5e-10"_ba << true;
    QTest::newRow("0e0") << "0e0"_ba << true;
    QTest::newRow("big") << "123456789012345678901234567890"_ba << false;
}

void tst_Parser::numbers()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, isFloat);
    const Value v = valueOf(text);
    QCOMPARE(v.kind, isFloat ? Value::Kind::Float : Value::Kind::Int);
    QCOMPARE(v.text, QString::fromLatin1(text));
}

void tst_Parser::types()
{
    QCOMPARE(*parseType("Post"), TypeRef::named(u"Post"_s));
    QCOMPARE(*parseType("Post!"), TypeRef::nonNull(TypeRef::named(u"Post"_s)));
    QCOMPARE(*parseType("[Post]"), TypeRef::listOf(TypeRef::named(u"Post"_s)));
    const TypeRef t = *parseType("[[Post!]]!");
    QCOMPARE(t, TypeRef::nonNull(TypeRef::listOf(TypeRef::listOf(TypeRef::nonNull(TypeRef::named(u"Post"_s))))));
    QVERIFY(t.isList());
    QVERIFY(t.isNonNull());
    QCOMPARE(t.namedType(), u"Post"_s);
    QVERIFY(!TypeRef::named(u"A"_s).isList());
    QVERIFY(TypeRef::listOf(TypeRef::named(u"A"_s)).isList());
    QCOMPARE(t.inner().kind, TypeRef::Kind::List);
    SourceError e;
    QVERIFY(!parseType("Post!!", &e));
    QCOMPARE(e.message, u"expected end of document after the type, found '!'"_s);
    QVERIFY(!parseType("[Post", &e));
    QCOMPARE(e.message, u"unexpected end of document, expected ']' to close the list type"_s);
}

void tst_Parser::ignoredTokens()
{
    // BOM, commas, comments, all kinds of line terminators.
    const QByteArray text = "\xEF\xBB\xBF# comment \xC3\xA9 \x01\r\n{ a,,, b\r c\n#x\n, d }\xEF\xBB\xBF"_ba;
    const Document doc = parseOk(text);
    QCOMPARE(def<OperationDefinition>(doc, 0).selectionSet.size(), size_t(4));
    QCOMPARE(def<OperationDefinition>(doc, 0).selectionSet[2].loc.at, (SourceLocation{3, 2}));
    QCOMPARE(def<OperationDefinition>(doc, 0).selectionSet[3].loc.at, (SourceLocation{5, 3}));
}

void tst_Parser::schemaDefinition()
{
    const Document doc = parseOk("\"desc\" schema @a { query: Q mutation: M subscription: S }");
    const auto &s = def<SchemaDefinition>(doc, 0);
    QVERIFY(!s.isExtension);
    QCOMPARE(s.description, u"desc"_s);
    QCOMPARE(s.directives[0].name, u"a"_s);
    QCOMPARE(s.operationTypes.size(), size_t(3));
    QCOMPARE(s.operationTypes[0].operation, OperationType::Query);
    QCOMPARE(s.operationTypes[0].typeName, u"Q"_s);
    QCOMPARE(s.operationTypes[1].operation, OperationType::Mutation);
    QCOMPARE(s.operationTypes[2].operation, OperationType::Subscription);
    QCOMPARE(s.operationTypes[2].typeName, u"S"_s);
}

void tst_Parser::objectAndInterface()
{
    const Document doc = parseOk(
        "type Post implements & Node & Entity @model { id: ID! \"t\" title(lang: String = \"en\" @x, n: Int): String @deprecated }"
        " interface Node implements Base { id: ID! } type Bare",
        DocumentKind::TypeSystem);
    const auto &t = def<TypeDefinition>(doc, 0);
    QCOMPARE(t.kind, TypeDefinition::Kind::Object);
    QCOMPARE(t.name, u"Post"_s);
    QCOMPARE(t.interfaces, (QStringList{u"Node"_s, u"Entity"_s}));
    QCOMPARE(t.directive(u"model")->name, u"model"_s);
    QCOMPARE(t.fields.size(), size_t(2));
    QCOMPARE(t.fields[0].type, TypeRef::nonNull(TypeRef::named(u"ID"_s)));
    const FieldDefinition *title = t.field(u"title");
    QVERIFY(title);
    QCOMPARE(title->description, u"t"_s);
    QCOMPARE(title->arguments.size(), size_t(2));
    QCOMPARE(title->argument(u"lang")->defaultValue->text, u"en"_s);
    QVERIFY(title->argument(u"lang")->directive(u"x"));
    QVERIFY(!title->argument(u"n")->defaultValue);
    QVERIFY(title->directive(u"deprecated"));
    QVERIFY(!t.field(u"nope"));
    const auto &i = def<TypeDefinition>(doc, 1);
    QCOMPARE(i.kind, TypeDefinition::Kind::Interface);
    QCOMPARE(i.interfaces, QStringList{u"Base"_s});
    const auto &bare = def<TypeDefinition>(doc, 2);
    QVERIFY(bare.fields.empty());
    QCOMPARE(doc.typeDefinition(u"Bare"), &bare);
}

void tst_Parser::unionEnumInputScalar()
{
    const Document doc = parseOk(
        "union U @d = | A | B union V = C union W @only "
        "enum E @e { \"first\" A B @deprecated } "
        "input I @i { a: Int = 1 b: [String!] @x } scalar Date @specifiedBy(url: \"u\")");
    const auto &u = def<TypeDefinition>(doc, 0);
    QCOMPARE(u.kind, TypeDefinition::Kind::Union);
    QCOMPARE(u.unionMembers, (QStringList{u"A"_s, u"B"_s}));
    QCOMPARE(u.directives[0].name, u"d"_s);
    QCOMPARE(def<TypeDefinition>(doc, 1).unionMembers, QStringList{u"C"_s});
    QVERIFY(def<TypeDefinition>(doc, 2).unionMembers.isEmpty());
    const auto &e = def<TypeDefinition>(doc, 3);
    QCOMPARE(e.kind, TypeDefinition::Kind::Enum);
    QCOMPARE(e.enumValues.size(), size_t(2));
    QCOMPARE(e.enumValues[0].description, u"first"_s);
    QCOMPARE(e.enumValues[0].name, u"A"_s);
    QCOMPARE(e.enumValues[1].directives[0].name, u"deprecated"_s);
    const auto &in = def<TypeDefinition>(doc, 4);
    QCOMPARE(in.kind, TypeDefinition::Kind::InputObject);
    QCOMPARE(in.inputFields.size(), size_t(2));
    QCOMPARE(in.inputField(u"a")->defaultValue->text, u"1"_s);
    QCOMPARE(in.inputField(u"b")->directives[0].name, u"x"_s);
    const auto &s = def<TypeDefinition>(doc, 5);
    QCOMPARE(s.kind, TypeDefinition::Kind::Scalar);
    QCOMPARE(s.directive(u"specifiedBy")->argument(u"url")->value.text, u"u"_s);
}

void tst_Parser::directiveDefinition()
{
    const Document doc = parseOk(
        "\"\"\"Doc\"\"\" directive @auth(rules: [Rule!]! = [], \"d\" x: Int) repeatable on | OBJECT | FIELD_DEFINITION\n"
        "directive @a on QUERY");
    const auto &d = def<DirectiveDefinition>(doc, 0);
    QCOMPARE(d.description, u"Doc"_s);
    QCOMPARE(d.name, u"auth"_s);
    QCOMPARE(d.arguments.size(), size_t(2));
    QCOMPARE(d.arguments[0].defaultValue->kind, Value::Kind::List);
    QCOMPARE(d.arguments[1].description, u"d"_s);
    QVERIFY(d.repeatable);
    QCOMPARE(d.locations, (QStringList{u"OBJECT"_s, u"FIELD_DEFINITION"_s}));
    QVERIFY(!def<DirectiveDefinition>(doc, 1).repeatable);
    QCOMPARE(def<DirectiveDefinition>(doc, 1).locations, QStringList{u"QUERY"_s});
}

void tst_Parser::extensions()
{
    const Document doc = parseOk(
        "extend schema @a extend schema { query: Q } extend scalar S @b "
        "extend type T implements I extend type T @c extend type T { f: Int } "
        "extend interface N @d extend union U = X extend union U @e extend enum E { V } "
        "extend enum E @f extend input In { g: Int } extend input In @h");
    QCOMPARE(doc.definitions.size(), size_t(13));
    QVERIFY(def<SchemaDefinition>(doc, 0).isExtension);
    QCOMPARE(def<SchemaDefinition>(doc, 0).directives[0].name, u"a"_s);
    QVERIFY(def<SchemaDefinition>(doc, 1).operationTypes.size() == 1);
    for (size_t i = 2; i < doc.definitions.size(); ++i)
        QVERIFY(def<TypeDefinition>(doc, i).isExtension);
    QCOMPARE(def<TypeDefinition>(doc, 2).kind, TypeDefinition::Kind::Scalar);
    QCOMPARE(def<TypeDefinition>(doc, 3).interfaces, QStringList{u"I"_s});
    QCOMPARE(def<TypeDefinition>(doc, 5).fields[0].name, u"f"_s);
    QCOMPARE(def<TypeDefinition>(doc, 6).kind, TypeDefinition::Kind::Interface);
    QCOMPARE(def<TypeDefinition>(doc, 7).unionMembers, QStringList{u"X"_s});
    QCOMPARE(def<TypeDefinition>(doc, 9).enumValues[0].name, u"V"_s);
    QCOMPARE(def<TypeDefinition>(doc, 11).inputFields[0].name, u"g"_s);
    // Extensions are not definitions for the look-up.
    QVERIFY(!doc.typeDefinition(u"T"));
}

void tst_Parser::descriptions()
{
    const Document doc = parseOk(
        "\"\"\"\n  Multi\n  line\n\"\"\"\ntype T {\n  \"\"\"field\"\"\" f(\"arg\" a: Int): Int\n}\n"
        "\"s\" scalar S \"u\" union U = A \"e\" enum E { \"v\" V } \"i\" input I { \"f\" f: Int }");
    QCOMPARE(def<TypeDefinition>(doc, 0).description, u"Multi\nline"_s);
    QCOMPARE(def<TypeDefinition>(doc, 0).fields[0].description, u"field"_s);
    QCOMPARE(def<TypeDefinition>(doc, 0).fields[0].arguments[0].description, u"arg"_s);
    QCOMPARE(def<TypeDefinition>(doc, 1).description, u"s"_s);
    QCOMPARE(def<TypeDefinition>(doc, 2).description, u"u"_s);
    QCOMPARE(def<TypeDefinition>(doc, 3).description, u"e"_s);
    QCOMPARE(def<TypeDefinition>(doc, 3).enumValues[0].description, u"v"_s);
    QCOMPARE(def<TypeDefinition>(doc, 4).inputFields[0].description, u"f"_s);
}

void tst_Parser::keywordsAsNames()
{
    const Document doc = parseOk(
        "type type { query: query fragment(on: on): Int extend: schema true: Boolean }"
        "query query { on: fragment(type: input) query type ... on on { on } }"
        "fragment frag on on { true }");
    QCOMPARE(def<TypeDefinition>(doc, 0).name, u"type"_s);
    QCOMPARE(def<TypeDefinition>(doc, 0).fields[1].arguments[0].name, u"on"_s);
    QCOMPARE(def<TypeDefinition>(doc, 0).fields[3].name, u"true"_s);
    const auto &op = def<OperationDefinition>(doc, 1);
    QCOMPARE(op.name, u"query"_s);
    QCOMPARE(op.selectionSet[0].alias, u"on"_s);
    QCOMPARE(op.selectionSet[0].name, u"fragment"_s);
    QCOMPARE(op.selectionSet[0].arguments[0].value.kind, Value::Kind::Enum);
    QCOMPARE(op.selectionSet[3].typeCondition, u"on"_s);
    QCOMPARE(def<FragmentDefinition>(doc, 2).typeCondition, u"on"_s);
}

void tst_Parser::locations()
{
    const Document doc = parseOk("type Post {\n  id: ID!\n  tags(first: Int): [String] @x\n}\n\n"
                                 "\"d\" scalar S\nquery Q($v: Int = 3) {\n  a: b(c: {d: [1]}) { ...F }\n}\n");
    const auto &t = def<TypeDefinition>(doc, 0);
    QCOMPARE(t.loc.at, (SourceLocation{1, 1}));
    QCOMPARE(t.fields[0].loc.at, (SourceLocation{2, 3}));
    QCOMPARE(t.fields[0].type.loc.at, (SourceLocation{2, 7}));
    QCOMPARE(t.fields[0].type.inner().loc.at, (SourceLocation{2, 7}));
    QCOMPARE(t.fields[1].loc.at, (SourceLocation{3, 3}));
    QCOMPARE(t.fields[1].arguments[0].loc.at, (SourceLocation{3, 8}));
    QCOMPARE(t.fields[1].type.loc.at, (SourceLocation{3, 21}));
    QCOMPARE(t.fields[1].directives[0].loc.at, (SourceLocation{3, 30}));
    QCOMPARE(def<TypeDefinition>(doc, 1).loc.at, (SourceLocation{6, 1}));   // the description
    const auto &op = def<OperationDefinition>(doc, 2);
    QCOMPARE(op.loc.at, (SourceLocation{7, 1}));
    QCOMPARE(op.variables[0].loc.at, (SourceLocation{7, 9}));
    QCOMPARE(op.variables[0].defaultValue->loc.at, (SourceLocation{7, 19}));
    const Selection &s = op.selectionSet[0];
    QCOMPARE(s.loc.at, (SourceLocation{8, 3}));
    QCOMPARE(s.arguments[0].loc.at, (SourceLocation{8, 8}));
    QCOMPARE(s.arguments[0].value.loc.at, (SourceLocation{8, 11}));
    QCOMPARE(s.arguments[0].value.fields[0].loc.at, (SourceLocation{8, 12}));
    QCOMPARE(s.arguments[0].value.fields[0].value.list[0].loc.at, (SourceLocation{8, 16}));
    QCOMPARE(s.selectionSet[0].loc.at, (SourceLocation{8, 23}));
}

void tst_Parser::columnsCountCodePoints()
{
    // "é" is 2 bytes, "😀" 4 bytes (2 UTF-16 units): each one column.
    const Document doc = parseOk("{ a(s: \"é😀\") b }\r\n\"\"\"x\r\ny\n\"\"\" scalar S");
    const auto &op = def<OperationDefinition>(doc, 0);
    QCOMPARE(op.selectionSet[1].loc.at, (SourceLocation{1, 14}));
    QCOMPARE(def<TypeDefinition>(doc, 1).loc.at, (SourceLocation{2, 1}));
    const ParseResult r = parse("\"é😀\" ?");
    QCOMPARE(r.error.location, (SourceLocation{1, 6}));
    const ParseResult r2 = parse("\"\"\"a\rb\r\n\"\"\" ?");
    QCOMPARE(r2.error.location, (SourceLocation{3, 5}));
}

void tst_Parser::documentKinds_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("error");

    const int any = int(DocumentKind::Any);
    const int exe = int(DocumentKind::Executable);
    const int ts = int(DocumentKind::TypeSystem);
    QTest::newRow("any mixed") << "type A { a: Int } { a }"_ba << any << QString();
    QTest::newRow("exe ok") << "query { a } fragment F on A { a }"_ba << exe << QString();
    QTest::newRow("ts ok") << "type A { a: Int } extend type A @x directive @d on FIELD"_ba << ts << QString();
    QTest::newRow("exe type") << "{ a } type A { a: Int }"_ba << exe
                              << u"1:7: type system definition not allowed in an executable document"_s;
    QTest::newRow("exe extension") << "{ a }\nextend type A @x"_ba << exe
                                   << u"2:1: type system extension not allowed in an executable document"_s;
    QTest::newRow("exe schema") << "schema { query: Q }"_ba << exe
                                << u"1:1: type system definition not allowed in an executable document"_s;
    QTest::newRow("exe directive") << "directive @d on FIELD"_ba << exe
                                   << u"1:1: type system definition not allowed in an executable document"_s;
    QTest::newRow("exe description") << "\"d\" scalar S"_ba << exe
                                     << u"1:1: type system definition not allowed in an executable document"_s;
    QTest::newRow("ts shorthand") << "scalar S { a }"_ba << ts
                                  << u"1:10: operation not allowed in a type system document"_s;
    QTest::newRow("ts query") << "query Q { a }"_ba << ts
                              << u"1:1: operation not allowed in a type system document"_s;
    QTest::newRow("ts fragment") << "fragment F on T { a }"_ba << ts
                                 << u"1:1: fragment definition not allowed in a type system document"_s;
}

void tst_Parser::documentKinds()
{
    QFETCH(QByteArray, text);
    QFETCH(int, kind);
    QFETCH(QString, error);
    const ParseResult r = parse(text, {}, DocumentKind(kind));
    QCOMPARE(r.error.toString(), error);
    QCOMPARE(r.ok(), error.isEmpty());
}

void tst_Parser::errors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("error");

    // Lexical errors.
    QTest::newRow("empty") << ""_ba << u"1:1: unexpected end of document, expected a definition"_s;
    QTest::newRow("only comment") << "# nothing\n"_ba << u"2:1: unexpected end of document, expected a definition"_s;
    QTest::newRow("control char") << "{ a \x07 }"_ba << u"1:5: invalid character U+0007"_s;
    QTest::newRow("nul outside string") << QByteArray("{ a \0 }", 7) << u"1:5: invalid character U+0000"_s;
    QTest::newRow("non-ascii name") << "{ caf\xC3\xA9 }"_ba << u"1:6: invalid character U+00E9"_s;
    QTest::newRow("question mark") << "{ a? }"_ba << u"1:4: unexpected character '?'"_s;
    QTest::newRow("single dot") << "{ a . }"_ba << u"1:5: unexpected character '.', expected '...'"_s;
    QTest::newRow("two dots") << "{ .. }"_ba << u"1:3: unexpected character '.', expected '...'"_s;
    QTest::newRow("invalid utf8 byte") << "{ a \xFF }"_ba << u"1:5: invalid UTF-8 byte 0xFF"_s;
    QTest::newRow("overlong in string") << "{ a(s: \"\xC0\xAF\") }"_ba << u"1:9: invalid UTF-8 byte 0xC0"_s;
    QTest::newRow("overlong 3 in string") << "{ a(s: \"\xE0\x80\xAF\") }"_ba << u"1:9: invalid UTF-8 sequence 0xE0 0x80"_s;
    QTest::newRow("surrogate in string") << "{ a(s: \"\xED\xA0\x80\") }"_ba << u"1:9: invalid UTF-8 sequence 0xED 0xA0"_s;
    QTest::newRow("truncated utf8") << "# \xE2\x82"_ba << u"1:3: truncated UTF-8 sequence at end of document"_s;
    QTest::newRow("bad utf8 in comment") << "# ok\n# \xF5\n{ a }"_ba << u"2:3: invalid UTF-8 byte 0xF5"_s;
    QTest::newRow("bad utf8 in block") << "\"\"\"\nab\x80\"\"\" scalar S"_ba << u"2:3: invalid UTF-8 byte 0x80"_s;
    QTest::newRow("unterminated string") << "{ a(s: \"abc) }"_ba << u"1:8: unterminated string"_s;
    QTest::newRow("string with newline") << "{ a(s: \"ab\nc\") }"_ba << u"1:8: unterminated string"_s;
    QTest::newRow("unterminated block") << "\"\"\"abc\n\n"_ba << u"1:1: unterminated block string"_s;
    QTest::newRow("bad escape") << R"({ a(s: "a\x") })"_ba << u"1:10: invalid escape sequence '\\x'"_s;
    QTest::newRow("bad unicode escape") << R"({ a(s: "\u12G4") })"_ba << u"1:9: invalid Unicode escape sequence"_s;
    QTest::newRow("short unicode escape") << R"({ a(s: "\u12") })"_ba << u"1:9: invalid Unicode escape sequence"_s;
    QTest::newRow("empty braces escape") << R"({ a(s: "\u{}") })"_ba << u"1:9: invalid Unicode escape sequence"_s;
    QTest::newRow("too big escape") << R"({ a(s: "\u{110000}") })"_ba
                                    << u"1:9: invalid Unicode escape sequence '\\u{110000}': not a Unicode scalar value"_s;
    QTest::newRow("braced surrogate") << R"({ a(s: "\u{D800}") })"_ba
                                      << u"1:9: invalid Unicode escape sequence '\\u{D800}': not a Unicode scalar value"_s;
    QTest::newRow("lone lead surrogate") << R"({ a(s: "\uD83Dx") })"_ba
                                         << u"1:9: invalid Unicode escape sequence '\\uD83D': unpaired surrogate"_s;
    QTest::newRow("lone trail surrogate") << R"({ a(s: "\uDE00") })"_ba
                                          << u"1:9: invalid Unicode escape sequence '\\uDE00': unpaired surrogate"_s;
    QTest::newRow("lead + non-trail") << R"({ a(s: "\uD83D\u0041") })"_ba
                                      << u"1:9: invalid Unicode escape sequence '\\uD83D': unpaired surrogate"_s;
    // Numbers.
    QTest::newRow("hex number") << "{ a(n: 0x1) }"_ba << u"1:9: invalid number, unexpected 'x' after number"_s;
    QTest::newRow("leading zero") << "{ a(n: 01) }"_ba << u"1:9: invalid number, unexpected digit after 0: '1'"_s;
    QTest::newRow("dot without digits") << "{ a(n: 1.) }"_ba << u"1:10: invalid number, expected digit after '.', found ')'"_s;
    QTest::newRow("exponent without digits") << "{ a(n: 1e) }"_ba << u"1:10: invalid number, expected digit in exponent, found ')'"_s;
    QTest::newRow("name after number") << "{ a(n: 123abc) }"_ba << u"1:11: invalid number, unexpected 'a' after number"_s;
    QTest::newRow("dot after float") << "{ a(n: 1.5.3) }"_ba << u"1:11: invalid number, unexpected '.' after number"_s;
    QTest::newRow("lone minus") << "{ a(n: -x) }"_ba << u"1:9: invalid number, expected digit after '-', found 'x'"_s;
    QTest::newRow("leading dot") << "{ a(n: .5) }"_ba << u"1:8: unexpected character '.', expected '...'"_s;
    // Syntax errors.
    QTest::newRow("unclosed selection") << "{ a"_ba << u"1:4: unexpected end of document, expected field name"_s;
    QTest::newRow("empty selection") << "{ }"_ba << u"1:3: expected field or fragment (a selection set cannot be empty), found '}'"_s;
    QTest::newRow("stray brace") << "}"_ba << u"1:1: expected a definition, found '}'"_s;
    QTest::newRow("unknown keyword") << "foo { a }"_ba << u"1:1: expected a definition, found name 'foo'"_s;
    QTest::newRow("missing selection") << "query Q"_ba << u"1:8: unexpected end of document, expected '{' to start the selection set of operation 'Q'"_s;
    QTest::newRow("empty arguments") << "{ a() }"_ba << u"1:5: expected argument name, found ')'"_s;
    QTest::newRow("argument without colon") << "{ a(b 1) }"_ba << u"1:7: expected ':' after argument name 'b', found number 1"_s;
    QTest::newRow("missing value") << "{ a(b: ) }"_ba << u"1:8: expected value, found ')'"_s;
    QTest::newRow("unclosed list") << "{ a(b: [1 2 ) }"_ba << u"1:13: expected value, found ')'"_s;
    QTest::newRow("object without colon") << "{ a(b: {c 1}) }"_ba << u"1:11: expected ':' after object field name 'c', found number 1"_s;
    QTest::newRow("alias without name") << "{ a: }"_ba << u"1:6: expected field name after alias 'a', found '}'"_s;
    QTest::newRow("directive without name") << "{ a @ }"_ba << u"1:7: expected directive name after '@', found '}'"_s;
    QTest::newRow("variable without name") << "query ($: Int) { a }"_ba << u"1:9: expected variable name after '$', found ':'"_s;
    QTest::newRow("variable without type") << "query ($a) { a }"_ba << u"1:10: expected ':' after variable '$a', found ')'"_s;
    QTest::newRow("empty variables") << "query () { a }"_ba << u"1:8: expected variable definition, found ')'"_s;
    QTest::newRow("variable in const default") << "query ($a: Int = $b) { a }"_ba << u"1:18: variables are not allowed in a constant value"_s;
    QTest::newRow("variable in sdl directive") << "type T @d(a: $x)"_ba << u"1:14: variables are not allowed in a constant value"_s;
    QTest::newRow("fragment named on") << "fragment on on T { a }"_ba << u"1:10: a fragment cannot be named 'on'"_s;
    QTest::newRow("fragment without on") << "fragment F T { a }"_ba << u"1:12: expected 'on' after fragment name 'F', found name 'T'"_s;
    QTest::newRow("inline fragment without set") << "{ ... on T }"_ba << u"1:12: expected '{' to start the selection set of the inline fragment, found '}'"_s;
    QTest::newRow("description on query") << "\"d\" query { a }"_ba << u"1:5: descriptions are allowed only on type system definitions"_s;
    QTest::newRow("description on extend") << "\"d\" extend type T @a"_ba << u"1:5: descriptions are not allowed on extensions"_s;
    QTest::newRow("field without colon") << "type Post {\n  title String\n}"_ba << u"2:9: expected ':' after field name 'title', found name 'String'"_s;
    QTest::newRow("field without type") << "type Post { title: }"_ba << u"1:20: expected type, found '}'"_s;
    QTest::newRow("empty fields") << "type Post {}"_ba << u"1:12: expected field definition, found '}'"_s;
    QTest::newRow("type without name") << "type { a: Int }"_ba << u"1:6: expected type name, found '{'"_s;
    QTest::newRow("implements without name") << "type T implements { a: Int }"_ba << u"1:19: expected interface name, found '{'"_s;
    QTest::newRow("implements trailing amp") << "type T implements A & { a: Int }"_ba << u"1:23: expected interface name after '&', found '{'"_s;
    QTest::newRow("list type unclosed") << "type T { a: [Int }"_ba << u"1:18: expected ']' to close the list type, found '}'"_s;
    QTest::newRow("double bang") << "type T { a: Int!! }"_ba << u"1:17: expected field name, found '!'"_s;
    QTest::newRow("union without member") << "union U = "_ba << u"1:11: unexpected end of document, expected union member type"_s;
    QTest::newRow("union trailing pipe") << "union U = A |"_ba << u"1:14: unexpected end of document, expected union member type after '|'"_s;
    QTest::newRow("enum true") << "enum E { true }"_ba << u"1:10: enum value cannot be named 'true'"_s;
    QTest::newRow("enum null") << "enum E { A null }"_ba << u"1:12: enum value cannot be named 'null'"_s;
    QTest::newRow("empty enum") << "enum E { }"_ba << u"1:10: expected enum value, found '}'"_s;
    QTest::newRow("empty input") << "input I {}"_ba << u"1:10: expected input field, found '}'"_s;
    QTest::newRow("input field without type") << "input I { a }"_ba << u"1:13: expected ':' after name 'a', found '}'"_s;
    QTest::newRow("empty argument definitions") << "type T { f(): Int }"_ba << u"1:12: expected argument definition, found ')'"_s;
    QTest::newRow("directive without at") << "directive d on FIELD"_ba << u"1:11: expected '@' after 'directive', found name 'd'"_s;
    QTest::newRow("directive without on") << "directive @d(a: Int) FIELD"_ba << u"1:22: expected 'on' in the definition of directive '@d', found name 'FIELD'"_s;
    QTest::newRow("unknown location") << "directive @d on FIELD | SOMEWHERE"_ba << u"1:25: unknown directive location 'SOMEWHERE'"_s;
    QTest::newRow("no locations") << "directive @d on"_ba << u"1:16: unexpected end of document, expected directive location"_s;
    QTest::newRow("schema empty") << "schema {}"_ba << u"1:9: expected 'query', 'mutation' or 'subscription', found '}'"_s;
    QTest::newRow("schema bad operation") << "schema { query Q }"_ba << u"1:16: expected ':' after 'query', found name 'Q'"_s;
    QTest::newRow("schema unknown operation") << "schema { other: Q }"_ba << u"1:10: expected 'query', 'mutation' or 'subscription', found name 'other'"_s;
    QTest::newRow("schema without body") << "schema @a"_ba << u"1:10: unexpected end of document, expected '{' after 'schema'"_s;
    QTest::newRow("empty extend schema") << "extend schema"_ba << u"1:14: unexpected end of document, expected directives or '{' in the schema extension"_s;
    QTest::newRow("empty extend type") << "extend type T\ntype U"_ba
                                       << u"2:1: expected 'implements', directives or '{' in the extension of type 'T', found name 'type'"_s;
    QTest::newRow("empty extend scalar") << "extend scalar S"_ba << u"1:16: unexpected end of document, expected directives in the extension of scalar 'S'"_s;
    QTest::newRow("empty extend union") << "extend union U"_ba << u"1:15: unexpected end of document, expected directives or '=' in the extension of union 'U'"_s;
    QTest::newRow("empty extend enum") << "extend enum E"_ba << u"1:14: unexpected end of document, expected directives or '{' in the extension of enum 'E'"_s;
    QTest::newRow("extend directive") << "extend directive @d on FIELD"_ba
                                      << u"1:8: expected 'schema', 'scalar', 'type', 'interface', 'union', 'enum' or 'input' after 'extend', found name 'directive'"_s;
    QTest::newRow("extend nothing") << "extend"_ba
                                    << u"1:7: unexpected end of document, expected 'schema', 'scalar', 'type', 'interface', 'union', 'enum' or 'input' after 'extend'"_s;
    QTest::newRow("description alone") << "\"d\""_ba << u"1:4: unexpected end of document, expected a definition"_s;
}

void tst_Parser::errors()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, error);
    const ParseResult r = parse(text);
    QVERIFY(!r.ok());
    QCOMPARE(r.error.toString(), error);
    QVERIFY(r.document.definitions.empty());
}

void tst_Parser::errorString()
{
    const ParseResult r = parse("type Post {\n  id: ID!\n  title String\n}\n", u"schema.graphql"_s);
    QCOMPARE(r.error.sourceName, u"schema.graphql"_s);
    QCOMPARE(r.error.location, (SourceLocation{3, 9}));
    QCOMPARE(r.error.toString(),
             u"schema.graphql:3:9: expected ':' after field name 'title', found name 'String'"_s);
}

namespace {
QStringList g_graphqlMessages;
void collectGraphQLMessages(QtMsgType, const QMessageLogContext &context, const QString &message)
{
    if (context.category && qstrcmp(context.category, "ds.graphql") == 0)
        g_graphqlMessages.append(message);
}
} // namespace

// A rejected document is logged under ds.graphql (debug), with its location;
// an accepted one is not.
void tst_Parser::logsRejectedDocuments()
{
    g_graphqlMessages.clear();
    const QtMessageHandler previous = qInstallMessageHandler(collectGraphQLMessages);
    QLoggingCategory::setFilterRules(u"ds.graphql.debug=true"_s);
    const bool rejected = !parse("{ a { b ", u"q.graphql"_s).ok();
    const bool accepted = parse("{ a { b } }", u"q.graphql"_s).ok();
    QLoggingCategory::setFilterRules(u"ds.graphql.debug=false"_s);
    const bool rejectedQuietly = !parse("{ a { b ", u"q.graphql"_s).ok();
    qInstallMessageHandler(previous);

    QVERIFY(rejected && accepted && rejectedQuietly);
    QCOMPARE(g_graphqlMessages,
             QStringList{u"rejected a document of 8 bytes: q.graphql:1:9: unexpected end of document, expected field name"_s});
}

void tst_Parser::astHelpers()
{
    QCOMPARE(operationTypeName(OperationType::Query), u"query");
    QCOMPARE(operationTypeName(OperationType::Mutation), u"mutation");
    QCOMPARE(operationTypeName(OperationType::Subscription), u"subscription");
    // Value equality ignores the block flag and locations.
    Value a = valueOf("\"\"\"x\"\"\"");
    Value b = valueOf("  \"x\"");
    QVERIFY(a.block);
    QVERIFY(!b.block);
    QCOMPARE(a, b);
    QVERIFY(!(valueOf("1") == valueOf("1.0")));
    QVERIFY(!(valueOf("{a: 1}") == valueOf("{a: 2}")));
    QVERIFY(!(valueOf("[1]") == valueOf("[1, 1]")));
    QVERIFY(!(valueOf("true") == valueOf("false")));
    QVERIFY(!(valueOf("A") == valueOf("\"A\"")));
}

void tst_Parser::listsOutliveTheirDocument()
{
    // The parser puts a document's lists in one arena; a node moved or copied
    // out of the document stays valid once the document is gone, and a
    // parsed list can still grow.
    Selection moved;
    Selection copied;
    TypeRef type;
    {
        Document doc = parseOk("query Q($v: [Int!]! = [1, 2]) { a(x: {y: [3]}) { b c @d } }");
        auto &op = std::get<OperationDefinition>(doc.definitions[0]);
        copied = op.selectionSet[0];
        moved = std::move(op.selectionSet[0]);
        type = op.variables[0].type;
        op.selectionSet.push_back(copied);
        QCOMPARE(op.selectionSet.size(), size_t(2));
    }
    QCOMPARE(moved, copied);
    QCOMPARE(moved.selectionSet.size(), size_t(2));
    QCOMPARE(moved.selectionSet[1].directives[0].name, u"d"_s);
    QCOMPARE(moved.arguments[0].value.fields[0].value.list[0].text, u"3"_s);
    moved.selectionSet.push_back(copied);
    QCOMPARE(moved.selectionSet.size(), size_t(3));
    QCOMPARE(type.namedType(), u"Int"_s);
    QVERIFY(type.isList());

    // A copy made while the document lives, then the document destroyed:
    // the copy owns its storage.
    std::optional<Document> doc = parseOk("type T { f(a: Int = 1): [String!] @x(y: \"z\") }");
    const Document copy = *doc;
    doc.reset();
    QCOMPARE(copy, parseOk("type T { f(a: Int = 1): [String!] @x(y: \"z\") }"));
}

void tst_Parser::largeDocument()
{
    // Several megabytes of AST: the arena's large chunks, and lists larger
    // than a chunk.
    QByteArray text = "type Big {\n";
    for (int i = 0; i < 20000; ++i)
        text += "  f" + QByteArray::number(i) + "(a: [Int!] = [1, 2, 3]): [String!]! @d(x: {y: \"z\"})\n";
    text += "}\n";
    for (int i = 0; i < 5000; ++i)
        text += "query Q" + QByteArray::number(i) + " { a { b c(x: 1) } }\n";
    const Document doc = parseOk(text);
    QCOMPARE(doc.definitions.size(), size_t(5001));
    const auto &big = def<TypeDefinition>(doc, 0);
    QCOMPARE(big.fields.size(), size_t(20000));
    QCOMPARE(big.fields[19999].name, u"f19999"_s);
    QCOMPARE(big.fields[12345].arguments[0].defaultValue->list[2].text, u"3"_s);
    QCOMPARE(big.fields[12345].directives[0].arguments[0].value.fields[0].value.text, u"z"_s);
    QCOMPARE(def<OperationDefinition>(doc, 5000).name, u"Q4999"_s);
    QCOMPARE(Document(doc), doc);
}

QTEST_APPLESS_MAIN(tst_Parser)
#include "tst_parser.moc"

// The text face: every construct parses to the expected AST, located errors
// (exact column and message), and print() -> parse() round trips over random
// predicates.
#include "predicate/text.h"

#include "testschema.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace predicatetest;
using ds::Predicate;
using Op = ds::Predicate::Op;

namespace {

Predicate cmp(const char *field, Op op, const QVariant &v)
{
    return Predicate::compare(QString::fromUtf8(field), op, v);
}

} // namespace

class tst_Text : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void errors_data();
    void errors();
    void print_data();
    void print();
    void roundTrip();
};

void tst_Text::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<Predicate>("expected");

    const Predicate ratingGt5 = cmp("rating", Op::Gt, 5);
    QTest::newRow("gt") << u"rating > 5"_s << ratingGt5;
    QTest::newRow("gt word") << u"rating gt 5"_s << ratingGt5;
    QTest::newRow("eq ==") << u"rating == 5"_s << cmp("rating", Op::Eq, 5);
    QTest::newRow("eq =") << u"rating = 5"_s << cmp("rating", Op::Eq, 5);
    QTest::newRow("eq word") << u"rating eq 5"_s << cmp("rating", Op::Eq, 5);
    QTest::newRow("ne") << u"rating != -3"_s << cmp("rating", Op::Ne, -3);
    QTest::newRow("ne word") << u"rating ne 0"_s << cmp("rating", Op::Ne, 0);
    QTest::newRow("lt") << u"rating < 5"_s << cmp("rating", Op::Lt, 5);
    QTest::newRow("lt word") << u"rating lt 5"_s << cmp("rating", Op::Lt, 5);
    QTest::newRow("le") << u"rating <= 5"_s << cmp("rating", Op::Le, 5);
    QTest::newRow("le word") << u"rating le 5"_s << cmp("rating", Op::Le, 5);
    QTest::newRow("ge") << u"rating >= 5"_s << cmp("rating", Op::Ge, 5);
    QTest::newRow("ge word") << u"rating ge 5"_s << cmp("rating", Op::Ge, 5);
    QTest::newRow("float") << u"score > 2.5"_s << cmp("score", Op::Gt, 2.5);
    QTest::newRow("float from integer") << u"score > 2"_s << cmp("score", Op::Gt, 2.0);
    QTest::newRow("float exponent") << u"score < -1.5e3"_s << cmp("score", Op::Lt, -1500.0);
    QTest::newRow("boolean") << u"published == true"_s << cmp("published", Op::Eq, true);
    QTest::newRow("boolean false") << u"published != false"_s << cmp("published", Op::Ne, false);
    QTest::newRow("enum bare") << u"status == PUBLISHED"_s << cmp("status", Op::Eq, u"PUBLISHED"_s);
    QTest::newRow("enum quoted") << u"status == \"DRAFT\""_s << cmp("status", Op::Eq, u"DRAFT"_s);
    QTest::newRow("string") << u"title == \"Hello\""_s << cmp("title", Op::Eq, u"Hello"_s);
    QTest::newRow("escapes") << u"title == \"a\\\"b\\\\c\\n\\t\\u00e9\\u{1F600}\\uD83D\\uDE00\""_s
                             << cmp("title", Op::Eq, u"a\"b\\c\n\t\u00e9\U0001F600\U0001F600"_s);
    QTest::newRow("unicode literal") << u"title == \"日本😀\""_s << cmp("title", Op::Eq, u"日本😀"_s);
    QTest::newRow("beginsWith") << u"title beginsWith \"This\""_s << cmp("title", Op::BeginsWith, u"This"_s);
    QTest::newRow("contains string") << u"title contains \"x\""_s << cmp("title", Op::Contains, u"x"_s);
    QTest::newRow("notContains") << u"title notContains \"x\""_s << cmp("title", Op::NotContains, u"x"_s);
    QTest::newRow("contains list") << u"tags contains \"qt\""_s << cmp("tags", Op::Contains, u"qt"_s);
    QTest::newRow("between") << u"rating between 1 and 5"_s << cmp("rating", Op::Between, QVariantList{1, 5});
    QTest::newRow("between dates") << u"createdOn between \"2024-01-01\" and \"2024-12-31\""_s
                                   << cmp("createdOn", Op::Between, QVariantList{u"2024-01-01"_s, u"2024-12-31"_s});
    QTest::newRow("in") << u"status in [DRAFT, PUBLISHED]"_s
                        << cmp("status", Op::In, QVariantList{u"DRAFT"_s, u"PUBLISHED"_s});
    QTest::newRow("notIn") << u"rating notIn [1, 2]"_s << cmp("rating", Op::NotIn, QVariantList{1, 2});
    QTest::newRow("in empty") << u"rating in []"_s << cmp("rating", Op::In, QVariantList{});
    QTest::newRow("exists") << u"content exists"_s << cmp("content", Op::AttributeExists, true);
    // As {"status":{"eq":null}} reads from JSON: the text says it too.
    QTest::newRow("enum missing") << u"status attributeExists false"_s << cmp("status", Op::AttributeExists, false);
    QTest::newRow("attributeExists false") << u"content attributeExists false"_s
                                           << cmp("content", Op::AttributeExists, false);
    QTest::newRow("attributeExists true") << u"content attributeExists true"_s
                                          << cmp("content", Op::AttributeExists, true);
    QTest::newRow("all") << u"all"_s << Predicate::all();
    QTest::newRow("none") << u"none"_s << Predicate::none();
    QTest::newRow("not") << u"not (rating < 3)"_s << Predicate::notOf(cmp("rating", Op::Lt, 3));
    QTest::newRow("not bare") << u"not rating < 3"_s << Predicate::notOf(cmp("rating", Op::Lt, 3));
    QTest::newRow("bang") << u"!(rating < 3)"_s << Predicate::notOf(cmp("rating", Op::Lt, 3));
    QTest::newRow("not not") << u"not not rating < 3"_s
                             << Predicate::notOf(Predicate::notOf(cmp("rating", Op::Lt, 3)));
    QTest::newRow("not all") << u"not all"_s << Predicate::notOf(Predicate::all());
    const Predicate example = Predicate::andOf(
        {ratingGt5, Predicate::orOf({cmp("title", Op::BeginsWith, u"This"_s),
                                     cmp("status", Op::Eq, u"PUBLISHED"_s)})});
    QTest::newRow("design example")
        << u"rating > 5 and (title beginsWith \"This\" or status == PUBLISHED)"_s << example;
    QTest::newRow("symbols && ||") << u"rating > 5 && (title beginsWith \"This\" || status == PUBLISHED)"_s
                                   << example;
    QTest::newRow("upper-case AND OR") << u"rating > 5 AND (title beginsWith \"This\" OR status == PUBLISHED)"_s
                                       << example;
    QTest::newRow("and binds tighter than or")
        << u"rating > 5 or rating < 1 and content exists"_s
        << Predicate::orOf({ratingGt5, Predicate::andOf({cmp("rating", Op::Lt, 1),
                                                         cmp("content", Op::AttributeExists, true)})});
    QTest::newRow("not binds tighter than and")
        << u"not rating > 5 and content exists"_s
        << Predicate::andOf({Predicate::notOf(ratingGt5), cmp("content", Op::AttributeExists, true)});
    QTest::newRow("flattened and") << u"(rating > 5 and rating < 9) and content exists"_s
                                   << Predicate::andOf({ratingGt5, cmp("rating", Op::Lt, 9),
                                                        cmp("content", Op::AttributeExists, true)});
    QTest::newRow("all is and's identity") << u"all and rating > 5"_s << ratingGt5;
    QTest::newRow("whitespace and newlines") << u"  rating\n>\t5  "_s << ratingGt5;
    QTest::newRow("timestamp 64-bit") << u"id == \"x\" or rating == 2147483647"_s
                                      << Predicate::orOf({cmp("id", Op::Eq, u"x"_s), cmp("rating", Op::Eq, 2147483647)});
}

void tst_Text::parse()
{
    QFETCH(QString, text);
    QFETCH(Predicate, expected);
    const auto result = ds::predicate::parse(text, model(u"Post"), schema());
    QVERIFY2(result.ok(), qPrintable(result.error().message()));
    if (!(*result == expected))
        QFAIL(qPrintable(u"got: "_s + ds::predicate::print(*result) + u"\nexpected: "_s
                         + ds::predicate::print(expected)));
}

void tst_Text::errors_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("code");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message");

    const QString syntax = u"PredicateSyntax"_s;
    const QString type = u"PredicateType"_s;
    QTest::newRow("unknown field") << u"ratng > 5"_s << type << 1
                                   << u"Post has no field 'ratng'; did you mean 'rating'?"_s;
    QTest::newRow("unknown field later") << u"rating > 5 and titel == \"x\""_s << type << 16
                                         << u"Post has no field 'titel'; did you mean 'title'?"_s;
    QTest::newRow("unknown field no hint") << u"zzzzzz > 5"_s << type << 1 << u"Post has no field 'zzzzzz'"_s;
    QTest::newRow("case hint") << u"Rating > 5"_s << type << 1
                               << u"Post has no field 'Rating'; did you mean 'rating'?"_s;
    QTest::newRow("beginsWith on Int") << u"rating beginsWith 5"_s << type << 8
                                       << u"'beginsWith' cannot be used on Int field 'rating'; it allows ==, !=, <, <=, >, >=, between, in, notIn, attributeExists"_s;
    QTest::newRow("gt on Boolean") << u"published > true"_s << type << 11
                                   << u"'>' cannot be used on Boolean field 'published'; it allows ==, !=, attributeExists"_s;
    QTest::newRow("contains on enum") << u"status contains DRAFT"_s << type << 8
                                      << u"'contains' cannot be used on enum PostStatus field 'status'; it allows ==, !=, in, notIn, attributeExists"_s;
    QTest::newRow("lt on list") << u"tags < \"a\""_s << type << 6
                                << u"'<' cannot be used on [String] field 'tags'; it allows contains, notContains, attributeExists"_s;
    QTest::newRow("string for Int") << u"rating == \"5\""_s << type << 11
                                    << u"Int field 'rating' takes a whole number, got a string"_s;
    QTest::newRow("fraction for Int") << u"rating > 2.5"_s << type << 10
                                      << u"Int field 'rating' takes a whole number, got 2.5"_s;
    QTest::newRow("Int out of range") << u"rating > 3000000000"_s << type << 10
                                      << u"the number 3000000000 is out of range for Int field 'rating' (a 32-bit Int)"_s;
    QTest::newRow("number for String") << u"title == 5"_s << type << 10
                                       << u"String field 'title' takes a string, got the number 5"_s;
    QTest::newRow("bare word for String") << u"title == hello"_s << type << 10
                                          << u"String field 'title' takes a string, got the bare word 'hello'; strings are quoted: \"hello\""_s;
    QTest::newRow("bool for Int") << u"rating == true"_s << type << 11
                                  << u"Int field 'rating' takes a whole number, got true"_s;
    QTest::newRow("string for Boolean") << u"published == \"yes\""_s << type << 14
                                        << u"Boolean field 'published' takes true or false, got a string"_s;
    QTest::newRow("string for Float") << u"score >= \"1\""_s << type << 10
                                      << u"Float field 'score' takes a number, got a string"_s;
    QTest::newRow("enum value") << u"status == DRAFTS"_s << type << 11
                                << u"PostStatus has no value 'DRAFTS'; did you mean 'DRAFT'? (values: DRAFT, PUBLISHED, ARCHIVED)"_s;
    QTest::newRow("enum value in list") << u"status in [DRAFT, GONE]"_s << type << 19
                                        << u"PostStatus has no value 'GONE' (values: DRAFT, PUBLISHED, ARCHIVED)"_s;
    QTest::newRow("number for enum") << u"status == 1"_s << type << 11
                                     << u"enum PostStatus field 'status' takes a value of PostStatus, got the number 1"_s;
    QTest::newRow("null") << u"content == null"_s << type << 12
                          << u"null is not a value to compare with; write 'content attributeExists false' to match a missing value"_s;
    QTest::newRow("relation") << u"comments contains \"x\""_s << type << 1
                              << u"Post.comments is a relation to Comment and cannot be used in a predicate"_s;
    QTest::newRow("non-model") << u"address exists"_s << type << 1
                               << u"Post.address is of the non-model type Address and cannot be used in a predicate"_s;
    QTest::newRow("empty") << u""_s << syntax << 1 << u"empty predicate; write 'all' to match every record"_s;
    QTest::newRow("blank") << u"   "_s << syntax << 4 << u"empty predicate; write 'all' to match every record"_s;
    QTest::newRow("missing operator") << u"rating"_s << syntax << 7
                                      << u"expected an operator after 'rating', got the end"_s;
    QTest::newRow("unknown operator") << u"title beginswith \"x\""_s << syntax << 7
                                      << u"expected an operator after 'title', got 'beginswith'; did you mean 'beginsWith'?"_s;
    QTest::newRow("missing value") << u"rating >"_s << syntax << 9 << u"expected a value for 'rating', got the end"_s;
    QTest::newRow("symbol as value") << u"rating > )"_s << syntax << 10 << u"expected a value for 'rating', got ')'"_s;
    QTest::newRow("unterminated string") << u"title == \"abc"_s << syntax << 10 << u"unterminated string"_s;
    QTest::newRow("bad escape") << u"title == \"a\\qb\""_s << syntax << 12
                                << u"bad escape '\\q'; use \\\" \\\\ \\n \\t \\r \\b \\f \\/ or \\uXXXX"_s;
    QTest::newRow("short unicode escape") << u"title == \"\\u12\""_s << syntax << 11
                                          << u"bad escape: \\u takes 4 hex digits"_s;
    QTest::newRow("unclosed paren") << u"(rating > 5"_s << syntax << 12
                                    << u"expected ')' to close the '(' at column 1, got the end"_s;
    QTest::newRow("extra paren") << u"rating > 5)"_s << syntax << 11 << u"unbalanced ')'"_s;
    QTest::newRow("dangling and") << u"rating > 5 and"_s << syntax << 15
                                  << u"expected a field, 'not', '(' or 'all', got the end"_s;
    QTest::newRow("two comparisons") << u"rating > 5 rating < 9"_s << syntax << 12
                                     << u"expected 'and', 'or' or the end, got 'rating'"_s;
    QTest::newRow("between without and") << u"rating between 1 5"_s << syntax << 18
                                         << u"expected 'and' in 'between low and high', got the number 5"_s;
    QTest::newRow("in without list") << u"rating in 1"_s << syntax << 11 << u"expected '[' after 'in', got the number 1"_s;
    QTest::newRow("list without comma") << u"rating in [1 2]"_s << syntax << 14
                                        << u"expected ',' or ']' in the list, got the number 2"_s;
    QTest::newRow("attributeExists without bool") << u"content attributeExists yes"_s << syntax << 25
                                                  << u"expected true or false after 'attributeExists', got 'yes'"_s;
    QTest::newRow("single quotes") << u"title == 'x'"_s << syntax << 10
                                   << u"unexpected character '''; strings are written in double quotes"_s;
    QTest::newRow("single ampersand") << u"rating > 5 & content exists"_s << syntax << 12
                                      << u"unexpected character '&'; write 'and' / 'or' (or && / ||)"_s;
    QTest::newRow("column counts code points") << u"title == \"😀😀\" and x > 1"_s << type << 19
                                               << u"Post has no field 'x'"_s;
    QTest::newRow("minus without digit") << u"rating > -x"_s << syntax << 10 << u"expected a digit after '-'"_s;
    QTest::newRow("number into name") << u"rating > 5x"_s << syntax << 11
                                      << u"a number must not run into a name; add a space"_s;
    QTest::newRow("string as field") << u"\"title\" == \"x\""_s << syntax << 1
                                     << u"expected a field name, got a string"_s;
}

void tst_Text::errors()
{
    QFETCH(QString, text);
    QFETCH(QString, code);
    QFETCH(int, column);
    QFETCH(QString, message);
    const auto result = ds::predicate::parse(text, model(u"Post"), schema());
    QVERIFY2(!result.ok(), qPrintable(ds::predicate::print(result.ok() ? *result : Predicate())));
    QCOMPARE(result.error().domain(), ds::Error::Domain::Validation);
    QCOMPARE(result.error().message(), message);
    QCOMPARE(result.error().code(), code);
    QCOMPARE(result.error().location().line, 1);
    QCOMPARE(result.error().location().column, column);
}

void tst_Text::print_data()
{
    QTest::addColumn<Predicate>("predicate");
    QTest::addColumn<QString>("text");

    const Predicate a = cmp("rating", Op::Gt, 5);
    const Predicate b = cmp("title", Op::BeginsWith, u"This"_s);
    const Predicate c = cmp("status", Op::Eq, u"PUBLISHED"_s);
    QTest::newRow("design example") << (a && (b || c))
                                    << u"rating > 5 and (title beginsWith \"This\" or status == \"PUBLISHED\")"_s;
    QTest::newRow("or of and") << ((a && b) || c)
                               << u"rating > 5 and title beginsWith \"This\" or status == \"PUBLISHED\""_s;
    QTest::newRow("not group") << Predicate::notOf(a && b) << u"not (rating > 5 and title beginsWith \"This\")"_s;
    QTest::newRow("not leaf") << Predicate::notOf(a) << u"not rating > 5"_s;
    QTest::newRow("between") << cmp("score", Op::Between, QVariantList{0.5, 1e10})
                             << u"score between 0.5 and 1e+10"_s;
    QTest::newRow("in") << cmp("status", Op::In, QVariantList{u"DRAFT"_s}) << u"status in [\"DRAFT\"]"_s;
    QTest::newRow("exists") << cmp("content", Op::AttributeExists, true) << u"content exists"_s;
    QTest::newRow("missing") << cmp("content", Op::AttributeExists, false) << u"content attributeExists false"_s;
    QTest::newRow("escapes") << cmp("title", Op::Eq, u"a\"\\\n\u0001"_s) << u"title == \"a\\\"\\\\\\n\\u0001\""_s;
    QTest::newRow("all") << Predicate::all() << u"all"_s;
    QTest::newRow("none") << Predicate::none() << u"none"_s;
    QTest::newRow("not all") << !Predicate::all() << u"none"_s;
}

void tst_Text::print()
{
    QFETCH(Predicate, predicate);
    QFETCH(QString, text);
    QCOMPARE(ds::predicate::print(predicate), text);
}

void tst_Text::roundTrip()
{
    Random random(4242);
    for (const QString &name : {u"Item"_s, u"Post"_s}) {
        const ds::ModelSchema &m = model(name);
        PredicateGenerator generator(random, m);
        for (int i = 0; i < 2000; ++i) {
            const Predicate p = generator.generate(1 + random.below(4));
            const QString text = ds::predicate::print(p);
            const auto back = ds::predicate::parse(text, m, schema());
            if (!back.ok())
                QFAIL(qPrintable(text + u"\n  -> "_s + back.error().message() + u" at column "_s
                                 + QString::number(back.error().location().column)));
            if (!(*back == p))
                QFAIL(qPrintable(text + u"\n  reparsed as "_s + ds::predicate::print(*back)));
        }
    }
}

QTEST_GUILESS_MAIN(tst_Text)
#include "tst_text.moc"

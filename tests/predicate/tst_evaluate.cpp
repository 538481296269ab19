// The in-memory face: the null / missing-attribute table, typed list
// membership, UTF-8 ordering and numeric Int/Float comparison.
#include "predicate/evaluate.h"
#include "predicate/text.h"

#include "testschema.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace predicatetest;

class tst_Evaluate : public QObject
{
    Q_OBJECT

private slots:
    void evaluate_data();
    void evaluate();
};

void tst_Evaluate::evaluate_data()
{
    QTest::addColumn<QString>("predicate");
    QTest::addColumn<QVariantMap>("record");
    QTest::addColumn<bool>("expected");

    const QVariantMap missing{{u"id"_s, u"1"_s}};
    const QVariantMap nulls{{u"id"_s, u"1"_s}, {u"count"_s, QVariant()}, {u"name"_s, QVariant()},
                            {u"tags"_s, QVariant()}, {u"color"_s, QVariant()}};
    for (const auto &[label, r] : {std::pair{"missing", missing}, std::pair{"null", nulls}}) {
        auto row = [&](const char *what, const QString &p, bool expected) {
            QTest::addRow("%s: %s", label, what) << p << r << expected;
        };
        row("eq", u"count == 1"_s, false);
        row("ne", u"count != 1"_s, true);
        row("lt", u"count < 1"_s, false);
        row("ge", u"count >= 1"_s, false);
        row("between", u"count between -10 and 10"_s, false);
        row("beginsWith", u"name beginsWith \"\""_s, false);
        row("contains", u"name contains \"\""_s, false);
        row("notContains", u"name notContains \"a\""_s, true);
        row("list contains", u"tags contains \"a\""_s, false);
        row("list notContains", u"tags notContains \"a\""_s, true);
        row("in", u"color in [RED]"_s, false);
        row("notIn", u"color notIn [RED]"_s, true);
        row("exists", u"count exists"_s, false);
        row("attributeExists false", u"count attributeExists false"_s, true);
        row("not gt", u"not count > 1"_s, true);
    }
    const QVariantMap r{{u"id"_s, u"1"_s}, {u"count"_s, 5}, {u"score"_s, 5.0}, {u"name"_s, u"This post"_s},
                        {u"tags"_s, QVariantList{u"qt"_s, QVariant(), u"5"_s}}, {u"numbers"_s, QVariantList{1, 5.0}},
                        {u"flags"_s, QVariantList{true}}, {u"flag"_s, false}, {u"color"_s, u"RED"_s},
                        {u"stamp"_s, qint64(1700000000000)}};
    QTest::newRow("int eq") << u"count == 5"_s << r << true;
    QTest::newRow("float vs int") << u"score == 5"_s << r << true;
    QTest::newRow("float gt") << u"score > 4.5"_s << r << true;
    QTest::newRow("between inclusive") << u"count between 5 and 5"_s << r << true;
    QTest::newRow("between reversed") << u"count between 6 and 4"_s << r << false;
    QTest::newRow("beginsWith") << u"name beginsWith \"This\""_s << r << true;
    QTest::newRow("beginsWith case") << u"name beginsWith \"this\""_s << r << false;
    QTest::newRow("substring") << u"name contains \"s p\""_s << r << true;
    QTest::newRow("empty substring") << u"name contains \"\""_s << r << true;
    QTest::newRow("list element") << u"tags contains \"qt\""_s << r << true;
    QTest::newRow("list element not substring") << u"tags contains \"q\""_s << r << false;
    QTest::newRow("int list typed 5.0 == 5") << u"numbers contains 5"_s << r << true;
    QTest::newRow("int list notContains") << u"numbers notContains 2"_s << r << true;
    QTest::newRow("bool list") << u"flags contains true"_s << r << true;
    QTest::newRow("bool false") << u"flag == false"_s << r << true;
    QTest::newRow("bool ne") << u"flag != true"_s << r << true;
    QTest::newRow("enum in") << u"color in [GREEN, RED]"_s << r << true;
    QTest::newRow("enum notIn") << u"color notIn [GREEN, RED]"_s << r << false;
    QTest::newRow("timestamp") << u"stamp > 1699999999999"_s << r << true;
    QTest::newRow("and") << u"count > 1 and name exists"_s << r << true;
    QTest::newRow("or") << u"count > 10 or color == RED"_s << r << true;
    QTest::newRow("none") << u"none"_s << r << false;
    QTest::newRow("all") << u"all"_s << r << true;
    QTest::newRow("not all") << u"not all"_s << r << false;
    // UTF-8 byte order: an astral character sorts above U+E000..U+FFFF (UTF-16 says below).
    const QVariantMap astral{{u"id"_s, u"1"_s}, {u"name"_s, u"\U0001F600"_s}};
    QTest::newRow("astral > private use") << u"name > \"\uE000\""_s << astral << true;
    QTest::newRow("astral > U+FFFD") << u"name > \"\uFFFD\""_s << astral << true;
    const QVariantMap empty{{u"id"_s, u"1"_s}, {u"name"_s, u""_s}, {u"tags"_s, QVariantList{}}};
    QTest::newRow("empty string exists") << u"name exists"_s << empty << true;
    QTest::newRow("empty string beginsWith empty") << u"name beginsWith \"\""_s << empty << true;
    QTest::newRow("empty list exists") << u"tags exists"_s << empty << true;
    QTest::newRow("empty list contains") << u"tags contains \"\""_s << empty << false;
    const QVariantMap jsonText{{u"id"_s, u"1"_s}, {u"tags"_s, u"[\"a\",\"b\"]"_s}};
    QTest::newRow("list as JSON text") << u"tags contains \"b\""_s << jsonText << true;
}

void tst_Evaluate::evaluate()
{
    QFETCH(QString, predicate);
    QFETCH(QVariantMap, record);
    QFETCH(bool, expected);
    const auto p = ds::predicate::parse(predicate, model(u"Item"), schema());
    QVERIFY2(p.ok(), qPrintable(p.error().message()));
    QCOMPARE(ds::predicate::evaluate(*p, record, model(u"Item")), expected);
    // not(p) is the exact complement.
    QCOMPARE(ds::predicate::evaluate(ds::Predicate::notOf(*p), record, model(u"Item")), !expected);
}

QTEST_GUILESS_MAIN(tst_Evaluate)
#include "tst_evaluate.moc"

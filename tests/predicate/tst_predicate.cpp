// ds::Predicate itself: factories and their canonical form, the combinators,
// structural equality, operator names.
#include <datastore/predicate.h>

#include <QTest>

using namespace Qt::StringLiterals;
using ds::Predicate;
using Op = ds::Predicate::Op;

class tst_Predicate : public QObject
{
    Q_OBJECT

private slots:
    void opNames_data();
    void opNames();
    void combinators();
    void canonicalForm();
    void equality();
    void accessors();
};

void tst_Predicate::opNames_data()
{
    QTest::addColumn<int>("op");
    QTest::addColumn<QString>("name");
    const QStringList names = {u"eq"_s, u"ne"_s, u"lt"_s, u"le"_s, u"gt"_s, u"ge"_s, u"contains"_s,
                               u"notContains"_s, u"beginsWith"_s, u"between"_s, u"in"_s, u"notIn"_s,
                               u"attributeExists"_s};
    for (int i = 0; i < names.size(); ++i)
        QTest::newRow(qPrintable(names.at(i))) << i << names.at(i);
}

void tst_Predicate::opNames()
{
    QFETCH(int, op);
    QFETCH(QString, name);
    QCOMPARE(Predicate::opName(Op(op)), name);
    QCOMPARE(Predicate::opFromName(name), std::optional<Op>(Op(op)));
    QCOMPARE(Predicate::opFromName(name.toUpper()), std::nullopt);
}

void tst_Predicate::combinators()
{
    const Predicate a = Predicate::compare(u"rating"_s, Op::Gt, 5);
    const Predicate b = Predicate::compare(u"title"_s, Op::BeginsWith, u"x"_s);
    const Predicate c = Predicate::compare(u"status"_s, Op::Eq, u"DRAFT"_s);

    const Predicate abc = (a && b) && c;
    QCOMPARE(abc.kind(), Predicate::Kind::And);
    QCOMPARE(abc.children().size(), 3);
    QVERIFY(abc == (a && (b && c)));
    QCOMPARE(((a || b) || c).children().size(), 3);
    QCOMPARE(((a && b) || c).children().size(), 2);

    QVERIFY((Predicate::all() && a) == a);
    QVERIFY((a && Predicate::all()) == a);
    QVERIFY((a || Predicate::all()).isAll());
    QVERIFY((a && Predicate::none()).isNone());
    QVERIFY((a || Predicate::none()) == a);

    QVERIFY((!Predicate::all()).isNone());
    QVERIFY((!Predicate::none()).isAll());
    QVERIFY((!!a) == a);
    QCOMPARE((!a).kind(), Predicate::Kind::Not);
    QVERIFY((!a).children().front() == a);
    // notOf() keeps what it is given.
    QCOMPARE(Predicate::notOf(Predicate::notOf(a)).children().front().kind(), Predicate::Kind::Not);
}

void tst_Predicate::canonicalForm()
{
    const Predicate a = Predicate::compare(u"rating"_s, Op::Gt, 5);
    QVERIFY(Predicate::andOf({}).isAll());
    QVERIFY(Predicate::orOf({}).isNone());
    QVERIFY(Predicate::andOf({a}) == a);
    QVERIFY(Predicate::orOf({a}) == a);
    QVERIFY(Predicate() == Predicate::all());
}

void tst_Predicate::equality()
{
    const Predicate i = Predicate::compare(u"rating"_s, Op::Eq, 5);
    QVERIFY(i == Predicate::compare(u"rating"_s, Op::Eq, qint64(5)));
    QVERIFY(i == Predicate::compare(u"rating"_s, Op::Eq, 5.0));
    QVERIFY(!(i == Predicate::compare(u"rating"_s, Op::Eq, u"5"_s)));
    QVERIFY(!(i == Predicate::compare(u"rating"_s, Op::Ne, 5)));
    QVERIFY(!(i == Predicate::compare(u"count"_s, Op::Eq, 5)));
    QVERIFY(!(Predicate::compare(u"flag"_s, Op::Eq, true) == Predicate::compare(u"flag"_s, Op::Eq, 1)));
    QVERIFY(Predicate::compare(u"r"_s, Op::In, QVariantList{1, 2})
            == Predicate::compare(u"r"_s, Op::In, QVariantList{1LL, 2.0}));
    QVERIFY(!(Predicate::compare(u"r"_s, Op::In, QVariantList{1, 2})
              == Predicate::compare(u"r"_s, Op::In, QVariantList{2, 1})));
    // Order of operands matters (structural, not logical, equality).
    const Predicate j = Predicate::compare(u"title"_s, Op::Eq, u"x"_s);
    QVERIFY(!((i && j) == (j && i)));
}

void tst_Predicate::accessors()
{
    const Predicate p = Predicate::compare(u"rating"_s, Op::Between, QVariantList{1, 5});
    QCOMPARE(p.field(), u"rating"_s);
    QCOMPARE(p.op(), Op::Between);
    QCOMPARE(p.value().toList().size(), 2);
    QVERIFY(p.children().isEmpty());
    const Predicate g = p && p;
    QVERIFY(g.field().isEmpty());
    QVERIFY(!g.value().isValid());
    QCOMPARE(g.children().size(), 2);
}

QTEST_GUILESS_MAIN(tst_Predicate)
#include "tst_predicate.moc"

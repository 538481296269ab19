// The AppSync face: exact filter / condition / subscription JSON (wrapping
// and flattening rules, primary keys dropped from conditions, in/notIn
// expanded outside subscriptions, no `not` in subscriptions), and reading
// JSON back with located errors.
#include "predicate/appsync.h"
#include "predicate/evaluate.h"
#include "predicate/text.h"

#include "testschema.h"

#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace predicatetest;
using ds::Predicate;
using ds::predicate::JsonKind;

Q_DECLARE_METATYPE(ds::predicate::JsonKind)

namespace {

Predicate parsed(const QString &model, const QString &text)
{
    const auto p = ds::predicate::parse(text, predicatetest::model(model), schema());
    if (!p.ok())
        qFatal("%s: %s", qPrintable(text), qPrintable(p.error().message()));
    return *p;
}

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject object(const QString &json)
{
    return QJsonDocument::fromJson(json.toUtf8()).object();
}

} // namespace

class tst_AppSync : public QObject
{
    Q_OBJECT

private slots:
    void toJson_data();
    void toJson();
    void fromJson_data();
    void fromJson();
    void fromJsonErrors_data();
    void fromJsonErrors();
    void roundTrip();
    void subscriptionWidens();
};

void tst_AppSync::toJson_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("predicate");
    QTest::addColumn<JsonKind>("kind");
    QTest::addColumn<QString>("json");

    const JsonKind F = JsonKind::Filter;
    const JsonKind C = JsonKind::Condition;
    const JsonKind S = JsonKind::Subscription;
    QTest::newRow("single leaf wrapped") << u"Post"_s << u"rating > 5"_s << F << uR"({"and":[{"rating":{"gt":5}}]})"_s;
    QTest::newRow("and") << u"Post"_s << u"rating > 5 and title beginsWith \"This\""_s << F
                         << uR"({"and":[{"rating":{"gt":5}},{"title":{"beginsWith":"This"}}]})"_s;
    QTest::newRow("design example") << u"Post"_s
                                    << u"rating > 5 and (title beginsWith \"This\" or status == PUBLISHED)"_s << F
                                    << uR"({"and":[{"rating":{"gt":5}},{"or":[{"title":{"beginsWith":"This"}},{"status":{"eq":"PUBLISHED"}}]}]})"_s;
    QTest::newRow("root or") << u"Post"_s << u"rating > 5 or rating < 1"_s << F
                             << uR"({"or":[{"rating":{"gt":5}},{"rating":{"lt":1}}]})"_s;
    QTest::newRow("not leaf") << u"Post"_s << u"not rating < 3"_s << F << uR"({"not":{"rating":{"lt":3}}})"_s;
    QTest::newRow("not group") << u"Post"_s << u"not (rating < 3 or content exists)"_s << F
                               << uR"({"not":{"or":[{"rating":{"lt":3}},{"content":{"attributeExists":true}}]}})"_s;
    QTest::newRow("nested not") << u"Post"_s << u"rating > 1 and not title contains \"x\""_s << F
                                << uR"({"and":[{"rating":{"gt":1}},{"not":{"title":{"contains":"x"}}}]})"_s;
    QTest::newRow("between") << u"Post"_s << u"rating between 1 and 5"_s << F
                             << uR"({"and":[{"rating":{"between":[1,5]}}]})"_s;
    QTest::newRow("float") << u"Post"_s << u"score >= 2.5"_s << F << uR"({"and":[{"score":{"ge":2.5}}]})"_s;
    QTest::newRow("boolean") << u"Post"_s << u"published == true"_s << F
                             << uR"({"and":[{"published":{"eq":true}}]})"_s;
    QTest::newRow("list contains") << u"Post"_s << u"tags contains \"qt\""_s << F
                                   << uR"({"and":[{"tags":{"contains":"qt"}}]})"_s;
    QTest::newRow("attributeExists false") << u"Post"_s << u"content attributeExists false"_s << F
                                           << uR"({"and":[{"content":{"attributeExists":false}}]})"_s;
    // ModelPostStatusInput has only eq/ne: a missing enum is eq null.
    QTest::newRow("enum attributeExists false") << u"Post"_s << u"status attributeExists false"_s << F
                                                << uR"({"and":[{"status":{"eq":null}}]})"_s;
    QTest::newRow("enum exists in a condition") << u"Post"_s << u"status exists and rating > 1"_s << C
                                                << uR"({"and":[{"status":{"ne":null}},{"rating":{"gt":1}}]})"_s;
    QTest::newRow("in expands to or (flattened at root)") << u"Post"_s << u"status in [DRAFT, PUBLISHED]"_s << F
                                   << uR"({"or":[{"status":{"eq":"DRAFT"}},{"status":{"eq":"PUBLISHED"}}]})"_s;
    QTest::newRow("in inside and") << u"Post"_s << u"rating > 1 and status in [DRAFT, PUBLISHED]"_s << F
                                   << uR"({"and":[{"rating":{"gt":1}},{"or":[{"status":{"eq":"DRAFT"}},{"status":{"eq":"PUBLISHED"}}]}]})"_s;
    QTest::newRow("in single") << u"Post"_s << u"status in [DRAFT]"_s << F
                               << uR"({"and":[{"status":{"eq":"DRAFT"}}]})"_s;
    QTest::newRow("notIn expands to and") << u"Post"_s << u"rating notIn [1, 2]"_s << F
                                          << uR"({"and":[{"rating":{"ne":1}},{"rating":{"ne":2}}]})"_s;
    QTest::newRow("in empty") << u"Post"_s << u"rating in []"_s << F << uR"({"or":[]})"_s;
    QTest::newRow("notIn empty") << u"Post"_s << u"rating notIn []"_s << F << u"{}"_s;
    QTest::newRow("all") << u"Post"_s << u"all"_s << F << u"{}"_s;
    QTest::newRow("none") << u"Post"_s << u"none"_s << F << uR"({"or":[]})"_s;
    QTest::newRow("condition drops id") << u"Post"_s << u"id == \"p1\" and rating > 5"_s << C
                                        << uR"({"and":[{"rating":{"gt":5}}]})"_s;
    QTest::newRow("condition only id") << u"Post"_s << u"id == \"p1\""_s << C << u"{}"_s;
    QTest::newRow("condition drops id in or") << u"Post"_s << u"id == \"p1\" or rating > 5 or rating < 1"_s << C
                                              << uR"({"or":[{"rating":{"gt":5}},{"rating":{"lt":1}}]})"_s;
    QTest::newRow("condition nested single child flattened")
        << u"Post"_s << u"rating > 5 and (id == \"a\" or content exists)"_s << C
        << uR"({"and":[{"rating":{"gt":5}},{"content":{"attributeExists":true}}]})"_s;
    QTest::newRow("condition drops custom key") << u"Book"_s << u"isbn == \"1\" and edition == 2 and title == \"t\""_s
                                                << C << uR"({"and":[{"title":{"eq":"t"}}]})"_s;
    QTest::newRow("condition keeps non-key") << u"Book"_s << u"title == \"t\""_s << C
                                             << uR"({"and":[{"title":{"eq":"t"}}]})"_s;
    QTest::newRow("filter keeps id") << u"Post"_s << u"id == \"p1\""_s << F << uR"({"and":[{"id":{"eq":"p1"}}]})"_s;
    QTest::newRow("subscription keeps in") << u"Post"_s << u"status in [DRAFT, PUBLISHED]"_s << S
                                           << uR"({"and":[{"status":{"in":["DRAFT","PUBLISHED"]}}]})"_s;
    QTest::newRow("subscription not eq") << u"Post"_s << u"not status == DRAFT"_s << S
                                         << uR"({"and":[{"status":{"ne":"DRAFT"}}]})"_s;
    QTest::newRow("subscription de morgan") << u"Post"_s << u"not (status == DRAFT or tags contains \"x\")"_s << S
                                            << uR"({"and":[{"status":{"ne":"DRAFT"}},{"tags":{"notContains":"x"}}]})"_s;
    QTest::newRow("subscription not in") << u"Post"_s << u"not rating in [1]"_s << S
                                         << uR"({"and":[{"rating":{"notIn":[1]}}]})"_s;
    QTest::newRow("subscription not gt on required") << u"Book"_s << u"not edition > 2"_s << S
                                                     << uR"({"and":[{"edition":{"le":2}}]})"_s;
    QTest::newRow("subscription not between on required") << u"Book"_s << u"not edition between 1 and 3"_s << S
                                                          << uR"({"or":[{"edition":{"lt":1}},{"edition":{"gt":3}}]})"_s;
    QTest::newRow("subscription not gt on optional widens") << u"Post"_s << u"not rating > 2"_s << S << u"{}"_s;
    QTest::newRow("subscription drops a conjunct") << u"Post"_s << u"rating > 2 and content exists"_s << S
                                                   << uR"({"and":[{"rating":{"gt":2}}]})"_s;
    QTest::newRow("subscription widens a disjunct") << u"Post"_s << u"rating > 2 or content exists"_s << S
                                                    << u"{}"_s;
    QTest::newRow("subscription not beginsWith widens") << u"Post"_s << u"title == \"a\" and not title beginsWith \"x\""_s
                                                        << S << uR"({"and":[{"title":{"eq":"a"}}]})"_s;
    QTest::newRow("subscription double not") << u"Post"_s << u"not not rating > 2"_s << S
                                             << uR"({"and":[{"rating":{"gt":2}}]})"_s;
}

void tst_AppSync::toJson()
{
    QFETCH(QString, model);
    QFETCH(QString, predicate);
    QFETCH(JsonKind, kind);
    QFETCH(QString, json);
    QCOMPARE(compact(ds::predicate::toJson(parsed(model, predicate), predicatetest::model(model), kind)), json);
}

void tst_AppSync::fromJson_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("predicate");

    QTest::newRow("wrapped leaf") << uR"({"and":[{"rating":{"gt":5}}]})"_s << u"rating > 5"_s;
    QTest::newRow("bare leaf") << uR"({"rating":{"gt":5}})"_s << u"rating > 5"_s;
    QTest::newRow("two ops on a field") << uR"({"rating":{"gt":1,"lt":5}})"_s << u"rating > 1 and rating < 5"_s;
    QTest::newRow("two fields") << uR"({"rating":{"gt":1},"content":{"attributeExists":true}})"_s
                                << u"content exists and rating > 1"_s;
    QTest::newRow("or") << uR"({"or":[{"rating":{"gt":5}},{"status":{"eq":"DRAFT"}}]})"_s
                        << u"rating > 5 or status == DRAFT"_s;
    QTest::newRow("not") << uR"({"not":{"title":{"beginsWith":"x"}}})"_s << u"not title beginsWith \"x\""_s;
    QTest::newRow("JSON double to Int") << uR"({"rating":{"eq":5.0}})"_s << u"rating == 5"_s;
    QTest::newRow("JSON integer to Float") << uR"({"score":{"lt":2}})"_s << u"score < 2.0"_s;
    QTest::newRow("between") << uR"({"rating":{"between":[1,5]}})"_s << u"rating between 1 and 5"_s;
    QTest::newRow("in") << uR"({"status":{"in":["DRAFT","PUBLISHED"]}})"_s << u"status in [DRAFT, PUBLISHED]"_s;
    QTest::newRow("eq null") << uR"({"content":{"eq":null}})"_s << u"content attributeExists false"_s;
    QTest::newRow("ne null") << uR"({"content":{"ne":null}})"_s << u"content exists"_s;
    QTest::newRow("enum eq null") << uR"({"status":{"eq":null}})"_s << u"status attributeExists false"_s;
    QTest::newRow("enum ne null") << uR"({"not":{"status":{"ne":null}}})"_s << u"not status exists"_s;
    QTest::newRow("empty") << u"{}"_s << u"all"_s;
    QTest::newRow("empty or") << uR"({"or":[]})"_s << u"none"_s;
    QTest::newRow("nested single") << uR"({"and":[{"or":[{"and":[{"rating":{"gt":5}}]}]}]})"_s << u"rating > 5"_s;
}

void tst_AppSync::fromJson()
{
    QFETCH(QString, json);
    QFETCH(QString, predicate);
    const auto p = ds::predicate::fromJson(object(json), model(u"Post"), schema());
    QVERIFY2(p.ok(), qPrintable(p.error().message()));
    QCOMPARE(ds::predicate::print(*p), ds::predicate::print(parsed(u"Post"_s, predicate)));
    QVERIFY(*p == parsed(u"Post"_s, predicate));
}

void tst_AppSync::fromJsonErrors_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("message");

    QTest::newRow("unknown field") << uR"({"and":[{"rating":{"gt":1}},{"ratng":{"gt":5}}]})"_s << u"PredicateType"_s
                                   << u"filter.and[1].ratng: Post has no field 'ratng'; did you mean 'rating'?"_s;
    QTest::newRow("unknown operator") << uR"({"rating":{"gtt":5}})"_s << u"PredicateType"_s
                                      << u"filter.rating.gtt: unknown operator 'gtt'; did you mean 'gt'?"_s;
    QTest::newRow("attributeType") << uR"({"rating":{"attributeType":"number"}})"_s << u"PredicateType"_s
                                   << u"filter.rating.attributeType: 'attributeType' is not supported"_s;
    QTest::newRow("operator for type") << uR"({"or":[{"rating":{"beginsWith":"1"}}]})"_s << u"PredicateType"_s
                                       << u"filter.or[0].rating.beginsWith: 'beginsWith' cannot be used on Int field 'rating'; it allows eq, ne, lt, le, gt, ge, between, in, notIn, attributeExists"_s;
    QTest::newRow("fraction for Int") << uR"({"rating":{"eq":2.5}})"_s << u"PredicateType"_s
                                      << u"filter.rating.eq: Int field 'rating' takes a whole number"_s;
    QTest::newRow("string for Int") << uR"({"not":{"rating":{"eq":"2"}}})"_s << u"PredicateType"_s
                                    << u"filter.not.rating.eq: Int field 'rating' takes a whole number"_s;
    QTest::newRow("enum value") << uR"({"status":{"eq":"GONE"}})"_s << u"PredicateType"_s
                                << u"filter.status.eq: enum PostStatus field 'status' takes one of DRAFT, PUBLISHED, ARCHIVED"_s;
    QTest::newRow("between shape") << uR"({"rating":{"between":[1]}})"_s << u"PredicateType"_s
                                   << u"filter.rating.between: expected [low, high]"_s;
    QTest::newRow("and not array") << uR"({"and":{"rating":{"gt":1}}})"_s << u"PredicateSyntax"_s
                                   << u"filter.and: expected an array of filters"_s;
    QTest::newRow("leaf not object") << uR"({"rating":5})"_s << u"PredicateSyntax"_s
                                     << u"filter.rating: expected an object of operators such as {\"eq\": ...}"_s;
    QTest::newRow("relation") << uR"({"comments":{"eq":"x"}})"_s << u"PredicateType"_s
                              << u"filter.comments: Post.comments cannot be used in a filter"_s;
}

void tst_AppSync::fromJsonErrors()
{
    QFETCH(QString, json);
    QFETCH(QString, code);
    QFETCH(QString, message);
    const auto p = ds::predicate::fromJson(object(json), model(u"Post"), schema());
    QVERIFY(!p.ok());
    QCOMPARE(p.error().domain(), ds::Error::Domain::Validation);
    QCOMPARE(p.error().code(), code);
    QCOMPARE(p.error().message(), message);
}

// toJson(Filter) then fromJson() selects the same records (in/notIn are
// expanded, so the trees differ; the meaning may not).
void tst_AppSync::roundTrip()
{
    Random random(777);
    const ds::ModelSchema &item = model(u"Item");
    PredicateGenerator generator(random, item);
    QList<QVariantMap> records;
    for (int i = 0; i < 60; ++i)
        records.append(random.record(item, QString::number(i)));
    for (int i = 0; i < 1500; ++i) {
        const Predicate p = generator.generate(1 + random.below(4));
        const QJsonObject json = ds::predicate::toJson(p, item, JsonKind::Filter);
        const auto back = ds::predicate::fromJson(json, item, schema());
        QVERIFY2(back.ok(), qPrintable(compact(json) + u": "_s + back.error().message()));
        for (const QVariantMap &r : std::as_const(records)) {
            if (ds::predicate::evaluate(p, r, item) != ds::predicate::evaluate(*back, r, item))
                QFAIL(qPrintable(ds::predicate::print(p) + u"\n  json "_s + compact(json) + u"\n  back "_s
                                 + ds::predicate::print(*back)));
        }
    }
}

// A subscription filter never misses a record the predicate matches.
void tst_AppSync::subscriptionWidens()
{
    Random random(31337);
    const ds::ModelSchema &item = model(u"Item");
    PredicateGenerator generator(random, item);
    QList<QVariantMap> records;
    for (int i = 0; i < 60; ++i)
        records.append(random.record(item, QString::number(i)));
    for (int i = 0; i < 1500; ++i) {
        const Predicate p = generator.generate(1 + random.below(4));
        const QJsonObject json = ds::predicate::toJson(p, item, JsonKind::Subscription);
        QVERIFY(!compact(json).contains(u"\"not\""_s));
        QVERIFY(!compact(json).contains(u"attributeExists"_s));
        const auto back = ds::predicate::fromJson(json, item, schema());
        QVERIFY2(back.ok(), qPrintable(compact(json) + u": "_s + back.error().message()));
        for (const QVariantMap &r : std::as_const(records)) {
            if (ds::predicate::evaluate(p, r, item) && !ds::predicate::evaluate(*back, r, item))
                QFAIL(qPrintable(ds::predicate::print(p) + u"\n  subscription filter "_s + compact(json)));
        }
    }
}

QTEST_GUILESS_MAIN(tst_AppSync)
#include "tst_appsync.moc"

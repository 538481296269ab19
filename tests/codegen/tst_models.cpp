// The classes datastore-codegen generates, compiled and exercised: the app's
// schema (namespace app) and a kitchen-sink schema (namespace kitchen).

#include "CodegenAppModels_models/models.h"
#include "CodegenKitchenModels_models/models.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>
#include <QTest>
#include <QUuid>

using namespace Qt::StringLiterals;

class TestModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newModelHasUuidId();
    void gettersSettersAndWith();
    void queryFieldConstants();
    void variantMapShape();
    void variantMapRoundTrip();
    void jsonTextRoundTrip();
    void fromVariantMapRejectsBadInput_data();
    void fromVariantMapRejectsBadInput();
    void metadataKeysAreIgnored();
    void schemaAndProvider();
    void everyScalarRoundTrips();
    void nonModelValues();
    void recursiveNonModelValues();
    void defaultsApply();
    void keywordFieldNames();
    void enumTraits();
};

void TestModels::newModelHasUuidId()
{
    const app::Post a;
    const app::Post b;
    QVERIFY(!QUuid::fromString(a.id()).isNull());
    QVERIFY(a.id() != b.id());
    const app::Post c(u"p1"_s);
    QCOMPARE(c.id(), u"p1"_s);
}

void TestModels::gettersSettersAndWith()
{
    app::Post post(u"p1"_s);
    QVERIFY(!post.rating().has_value());
    post.setTitle(u"Hello"_s);
    post.setRating(7);
    post.setStatus(app::PostStatus::Published);
    post.setTags(QList<QString>{u"qt"_s, u"sync"_s});
    QCOMPARE(post.title(), u"Hello"_s);
    QCOMPARE(post.rating(), std::optional<int>(7));
    QCOMPARE(post.status(), std::optional<app::PostStatus>(app::PostStatus::Published));

    const app::Post changed = post.withTitle(u"Changed"_s).withRating(std::nullopt);
    QCOMPARE(changed.title(), u"Changed"_s);
    QVERIFY(!changed.rating().has_value());
    QCOMPARE(changed.id(), post.id());
    QCOMPARE(post.title(), u"Hello"_s);   // the original is untouched
    QVERIFY(changed != post);
    QVERIFY(changed.withTitle(u"Hello"_s).withRating(7) == post);
}

void TestModels::queryFieldConstants()
{
    QCOMPARE(app::Post::RATING.name(), u"rating");
    QCOMPARE(app::Post::RATING.modelName(), u"Post");
    QCOMPARE(app::Comment::POST_ID.name(), u"postID");
    QCOMPARE(app::User::LAST_NAME.name(), u"lastName");
    QCOMPARE(app::User::CREATED_AT.name(), u"createdAt");
    static_assert(std::is_same_v<decltype(app::Post::RATING)::ValueType, int>);
    static_assert(std::is_same_v<decltype(app::Post::STATUS)::ValueType, app::PostStatus>);
    static_assert(std::is_same_v<decltype(app::Post::TAGS)::ValueType, QList<QString>>);
    static_assert(std::is_same_v<decltype(app::User::CREATED_AT)::ValueType, QDateTime>);
    static_assert(std::is_same_v<decltype(kitchen::Everything::STAMP)::ValueType, qint64>);
}

void TestModels::variantMapShape()
{
    app::Post post(u"p1"_s);
    post.setTitle(u"Hi"_s);
    post.setStatus(app::PostStatus::Draft);
    const QVariantMap map = post.toVariantMap();
    QCOMPARE(map.value(u"id"_s), QVariant(u"p1"_s));
    QCOMPARE(map.value(u"title"_s), QVariant(u"Hi"_s));
    QCOMPARE(map.value(u"status"_s), QVariant(u"DRAFT"_s));   // enums by their GraphQL name
    QVERIFY(map.contains(u"rating"_s) && map.value(u"rating"_s).isNull());
    // Relations are not fields of the map; unset read-only timestamps are left out.
    QVERIFY(!map.contains(u"comments"_s));
    QVERIFY(!map.contains(u"createdAt"_s));
    QVERIFY(!map.contains(u"updatedAt"_s));

    app::Comment comment;
    comment.setPostID(u"p1"_s);
    comment.setContent(u"nice"_s);
    const QVariantMap c = comment.toVariantMap();
    QCOMPARE(c.value(u"postID"_s), QVariant(u"p1"_s));
    QVERIFY(!c.contains(u"post"_s));
}

void TestModels::variantMapRoundTrip()
{
    app::Post post(u"p1"_s);
    post.setTitle(u"Round trip"_s);
    post.setContent(u"Body"_s);
    post.setRating(-3);
    post.setStatus(app::PostStatus::Archived);
    post.setTags(QList<QString>{u"a"_s, u""_s});

    QString error;
    const auto back = app::Post::fromVariantMap(post.toVariantMap(), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(*back, post);

    // Server timestamps come back too.
    QVariantMap withTimes = post.toVariantMap();
    withTimes.insert(u"createdAt"_s, u"2024-05-06T10:00:00.000Z"_s);
    withTimes.insert(u"updatedAt"_s, u"2024-05-06T10:05:00.000Z"_s);
    const auto timed = app::Post::fromVariantMap(withTimes, &error);
    QVERIFY2(timed, qPrintable(error));
    QCOMPARE(timed->createdAt()->toMSecsSinceEpoch(),
             QDateTime(QDate(2024, 5, 6), QTime(10, 0), Qt::UTC).toMSecsSinceEpoch());
    QCOMPARE(timed->toVariantMap().value(u"updatedAt"_s), QVariant(u"2024-05-06T10:05:00.000Z"_s));
}

void TestModels::jsonTextRoundTrip()
{
    app::User user(u"u1"_s);
    user.setFirstName(u"Jane"_s);
    user.setLastName(u"Doe"_s);
    user.setCreatedAt(QDateTime(QDate(2020, 10, 11), QTime(8, 30, 0, 250), Qt::UTC));
    const QByteArray text = QJsonDocument(user.toJson()).toJson(QJsonDocument::Compact);
    QVERIFY(text.contains("\"createdAt\":\"2020-10-11T08:30:00.250Z\""));
    QString error;
    const auto back = app::User::fromJson(QJsonDocument::fromJson(text).object(), &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(*back, user);
}

void TestModels::fromVariantMapRejectsBadInput_data()
{
    QTest::addColumn<QVariantMap>("map");
    QTest::addColumn<QString>("expectedError");

    const QVariantMap good{{u"id"_s, u"p1"_s}, {u"title"_s, u"T"_s}};
    auto with = [&](const QString &key, const QVariant &value) {
        QVariantMap m = good;
        m.insert(key, value);
        return m;
    };
    auto without = [&](const QString &key) {
        QVariantMap m = good;
        m.remove(key);
        return m;
    };
    QTest::newRow("unknown field") << with(u"ratng"_s, 5) << u"Post has no field 'ratng'"_s;
    QTest::newRow("missing required") << without(u"title"_s)
                                      << u"Post.title: a value is required (the field is non-null)"_s;
    QTest::newRow("null required") << with(u"title"_s, QVariant()) << u"Post.title: a value is required (the field is non-null)"_s;
    QTest::newRow("int as string") << with(u"rating"_s, u"five"_s)
                                   << u"Post.rating: expected an Int (a whole number in 32 bits), got \"five\""_s;
    QTest::newRow("fractional int") << with(u"rating"_s, 2.5)
                                    << u"Post.rating: expected an Int (a whole number in 32 bits), got 2.5"_s;
    QTest::newRow("int overflow") << with(u"rating"_s, 4294967296.0)
                                  << u"Post.rating: expected an Int (a whole number in 32 bits), got 4294967296"_s;
    QTest::newRow("string as number") << with(u"title"_s, 12) << u"Post.title: expected a string, got 12"_s;
    QTest::newRow("bad enum") << with(u"status"_s, u"LIVE"_s)
                              << u"Post.status: expected a value of the enum, got \"LIVE\""_s;
    QTest::newRow("list expected") << with(u"tags"_s, u"qt"_s) << u"Post.tags: expected a list, got \"qt\""_s;
    QTest::newRow("bad list element") << with(u"tags"_s, QVariantList{u"a"_s, 3})
                                      << u"Post.tags[1]: expected a string, got 3"_s;
    QTest::newRow("null required element") << with(u"tags"_s, QVariantList{u"a"_s, QVariant(), u"b"_s})
                                           << QString();   // [String]: a null element is allowed
}

void TestModels::fromVariantMapRejectsBadInput()
{
    QFETCH(QVariantMap, map);
    QFETCH(QString, expectedError);
    QString error;
    const auto post = app::Post::fromVariantMap(map, &error);
    if (expectedError.isEmpty()) {
        QVERIFY2(post, qPrintable(error));
        return;
    }
    QVERIFY(!post);
    QCOMPARE(error, expectedError);
}

void TestModels::metadataKeysAreIgnored()
{
    // A sync item as the server sends it: metadata, __typename and relation objects.
    const QVariantMap item{
        {u"id"_s, u"c1"_s},
        {u"postID"_s, u"p1"_s},
        {u"content"_s, u"hello"_s},
        {u"createdAt"_s, u"2024-05-06T10:00:00.000Z"_s},
        {u"updatedAt"_s, u"2024-05-06T10:00:00.000Z"_s},
        {u"_version"_s, 3},
        {u"_lastChangedAt"_s, 1714989600000.0},
        {u"_deleted"_s, QVariant()},
        {u"__typename"_s, u"Comment"_s},
        {u"post"_s, QVariantMap{{u"id"_s, u"p1"_s}, {u"_deleted"_s, QVariant()}}},
    };
    QString error;
    const auto comment = app::Comment::fromVariantMap(item, &error);
    QVERIFY2(comment, qPrintable(error));
    QCOMPARE(comment->postID(), u"p1"_s);
    QCOMPARE(comment->content(), u"hello"_s);
}

void TestModels::schemaAndProvider()
{
    QCOMPARE(app::ModelProvider::schema().version(), app::ModelProvider::version.toString());
    QCOMPARE(app::ModelProvider::version.size(), 64);   // hex SHA-256
    QCOMPARE(app::ModelProvider::schema().models().size(), 4);
    QCOMPARE(app::Post::schema().name, u"Post"_s);
    QCOMPARE(app::Post::schema().syncQuery, u"syncPosts"_s);
    QCOMPARE(app::Comment::schema().createMutation, u"createComment"_s);
    QVERIFY(app::Note::schema().hasOwnerAuth());
    QVERIFY(!app::Post::schema().hasOwnerAuth());
    QVERIFY(app::ModelProvider::version != kitchen::ModelProvider::version);

    // Owner auth adds an owner field the app can read.
    app::Note note;
    note.setOwner(u"alice"_s);
    QCOMPARE(note.toVariantMap().value(u"owner"_s), QVariant(u"alice"_s));
    kitchen::Owned owned;
    QVERIFY(owned.toVariantMap().contains(u"owner"_s));
}

void TestModels::everyScalarRoundTrips()
{
    kitchen::Everything e(u"e1"_s);
    e.setName(u"all"_s);
    e.setCount(-2147483647 - 1);
    e.setRatio(0.1);
    e.setDone(false);
    e.setDay(QDate(2024, 2, 29));
    e.setTime(u"12:30:24.5-07:00"_s);
    e.setWhen(QDateTime(QDate(2024, 5, 6), QTime(10, 0), QTimeZone(7200)));
    e.setStamp(qint64(1714990000123));
    e.setEmail(u"a@example.com"_s);
    e.setJson(QJsonObject{{u"k"_s, QJsonArray{1, u"two"_s, true}}});
    e.setUrl(u"https://example.com/x?y=1"_s);
    e.setPhone(u"+1 555 0100"_s);
    e.setIp(u"127.0.0.1"_s);
    e.setPriority(kitchen::Priority::InProgress);
    e.setPriorities(QList<kitchen::Priority>{kitchen::Priority::Low, kitchen::Priority::High});
    e.setNumbers(QList<int>{1, 2, 3});

    const QVariantMap map = e.toVariantMap();
    QCOMPARE(map.value(u"day"_s), QVariant(u"2024-02-29"_s));
    QCOMPARE(map.value(u"when"_s), QVariant(u"2024-05-06T10:00:00.000+02:00"_s));
    QCOMPARE(map.value(u"json"_s), QVariant(u"{\"k\":[1,\"two\",true]}"_s));
    QCOMPARE(map.value(u"priority"_s), QVariant(u"IN_PROGRESS"_s));
    QCOMPARE(map.value(u"priorities"_s), QVariant(QVariantList{u"LOW"_s, u"HIGH"_s}));

    QString error;
    const auto back = kitchen::Everything::fromVariantMap(map, &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(*back, e);

    // Through JSON text, where every number is a double.
    const QByteArray text = QJsonDocument(e.toJson()).toJson();
    const auto fromText = kitchen::Everything::fromJson(QJsonDocument::fromJson(text).object(), &error);
    QVERIFY2(fromText, qPrintable(error));
    QCOMPARE(*fromText, e);

    // AWSDate with a zone designator is accepted.
    QVariantMap zoned = map;
    zoned.insert(u"day"_s, u"2024-02-29Z"_s);
    QCOMPARE(kitchen::Everything::fromVariantMap(zoned, &error)->day(), std::optional<QDate>(QDate(2024, 2, 29)));
    // AWSDateTime without a zone is not an AWSDateTime.
    zoned.insert(u"when"_s, u"2024-05-06T10:00:00"_s);
    QVERIFY(!kitchen::Everything::fromVariantMap(zoned, &error));
    QVERIFY2(error.startsWith(u"Everything.when: expected an AWSDateTime"_s), qPrintable(error));
}

void TestModels::nonModelValues()
{
    kitchen::Address home;
    home.setStreet(u"1 Main St"_s);
    home.setGeo(kitchen::Geo().withLat(52.5).withLng(13.4));
    home.setTags(QList<QString>{u"home"_s});
    kitchen::Address work;
    work.setStreet(u"2 Side St"_s);
    work.setCity(u"Oslo"_s);

    kitchen::Everything e(u"e2"_s);
    e.setName(u"n"_s);
    e.setAddress(home);
    e.setAddresses(QList<kitchen::Address>{home, work});

    const QVariantMap map = e.toVariantMap();
    const QVariantMap address = map.value(u"address"_s).toMap();
    QCOMPARE(address.value(u"street"_s), QVariant(u"1 Main St"_s));
    QCOMPARE(address.value(u"geo"_s).toMap().value(u"lat"_s), QVariant(52.5));
    QCOMPARE(map.value(u"addresses"_s).toList().size(), 2);

    QString error;
    const auto back = kitchen::Everything::fromVariantMap(map, &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(back->addresses()->at(1).city(), std::optional<QString>(u"Oslo"_s));
    QCOMPARE(*back, e);

    // A nested error names the nested field.
    QVariantMap bad = map;
    QVariantMap badAddress = address;
    badAddress.remove(u"street"_s);
    bad.insert(u"address"_s, badAddress);
    QVERIFY(!kitchen::Everything::fromVariantMap(bad, &error));
    QCOMPARE(error, u"Everything.address: Address.street: a value is required (the field is non-null)"_s);

    // In a list of objects, the element is named; deeper still, the nested field.
    QVariantMap badWork = map.value(u"addresses"_s).toList().at(1).toMap();
    badWork.insert(u"geo"_s, QVariantMap{{u"lat"_s, u"north"_s}});
    bad = map;
    bad.insert(u"addresses"_s, QVariantList{address, badWork});
    QVERIFY(!kitchen::Everything::fromVariantMap(bad, &error));
    QCOMPARE(error, u"Everything.addresses[1]: Address.geo: Geo.lat: expected a Float (a finite number), got \"north\""_s);
    bad.insert(u"addresses"_s, QVariantList{address, u"2 Side St"_s});
    QVERIFY(!kitchen::Everything::fromVariantMap(bad, &error));
    QCOMPARE(error, u"Everything.addresses[1]: expected an object, got \"2 Side St\""_s);
}

void TestModels::recursiveNonModelValues()
{
    const kitchen::Tree leaf = kitchen::Tree().withLabel(u"leaf"_s);
    const kitchen::Tree branch = kitchen::Tree().withLabel(u"branch"_s).withChildren(QList<kitchen::Tree>{leaf, leaf});
    const kitchen::Tree root = kitchen::Tree().withLabel(u"root"_s).withChildren(QList<kitchen::Tree>{branch});

    kitchen::Inner inner;
    inner.setNote(u"in"_s);
    inner.setOuters(QList<kitchen::Outer>{kitchen::Outer().withInner(kitchen::Inner().withNote(u"deeper"_s))});

    kitchen::Everything e(u"e3"_s);
    e.setName(u"n"_s);
    e.setTree(root);
    e.setOuter(kitchen::Outer().withInner(inner));

    const QVariantMap map = e.toVariantMap();
    const QVariantList children = map.value(u"tree"_s).toMap().value(u"children"_s).toList();
    QCOMPARE(children.size(), 1);
    QCOMPARE(children.at(0).toMap().value(u"children"_s).toList().at(1).toMap().value(u"label"_s),
             QVariant(u"leaf"_s));
    QString error;
    const auto back = kitchen::Everything::fromVariantMap(map, &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(*back, e);
    QCOMPARE(back->outer()->inner().outers()->at(0).inner().note(), std::optional<QString>(u"deeper"_s));

    // A bad value deep down is named with its path.
    QVariantMap bad = map;
    QVariantMap tree = map.value(u"tree"_s).toMap();
    QVariantMap badBranch = children.at(0).toMap();
    badBranch.insert(u"children"_s, QVariantList{QVariantMap{{u"label"_s, 5}}});
    tree.insert(u"children"_s, QVariantList{badBranch});
    bad.insert(u"tree"_s, tree);
    QVERIFY(!kitchen::Everything::fromVariantMap(bad, &error));
    QCOMPARE(error, u"Everything.tree: Tree.children[0]: Tree.children[0]: Tree.label: expected a string, got 5"_s);
}

void TestModels::defaultsApply()
{
    const kitchen::Everything e;
    QCOMPARE(e.level(), std::optional<int>(3));
    QCOMPARE(e.label(), std::optional<QString>(u"untitled"_s));
    QCOMPARE(e.mode(), std::optional<kitchen::Priority>(kitchen::Priority::Low));
    QVERIFY(!e.count().has_value());
}

void TestModels::keywordFieldNames()
{
    kitchen::Everything e;
    e.setClass(u"first"_s);
    QCOMPARE(e.class_(), std::optional<QString>(u"first"_s));
    QCOMPARE(e.toVariantMap().value(u"class"_s), QVariant(u"first"_s));
    QCOMPARE(kitchen::Everything::CLASS.name(), u"class");

    // A getter never takes a name the class already uses: the static schema(),
    // a constant (the field SKU has the constant SKU), the class name, or the
    // getter of another field (class -> class_, class_ -> class__).
    e.setClass_(u"second"_s);
    e.setSchema(u"s"_s);
    e.setSKU(u"A-1"_s);
    e.setEverything(42);
    QCOMPARE(e.class__(), std::optional<QString>(u"second"_s));
    QCOMPARE(e.class_(), std::optional<QString>(u"first"_s));
    QCOMPARE(e.schema_(), std::optional<QString>(u"s"_s));
    QCOMPARE(e.SKU_(), std::optional<QString>(u"A-1"_s));
    QCOMPARE(e.Everything_(), std::optional<int>(42));
    QCOMPARE(kitchen::Everything::SKU.name(), u"SKU");
    QCOMPARE(kitchen::Everything::schema().name, u"Everything"_s);
    const QVariantMap map = e.toVariantMap();
    QCOMPARE(map.value(u"class_"_s), QVariant(u"second"_s));
    QCOMPARE(map.value(u"SKU"_s), QVariant(u"A-1"_s));
    QString error;
    const auto back = kitchen::Everything::fromVariantMap(map, &error);
    QVERIFY2(back, qPrintable(error));
    QCOMPARE(*back, e);
}

void TestModels::enumTraits()
{
    using Traits = ds::EnumTraits<kitchen::Priority>;
    QCOMPARE(Traits::name(kitchen::Priority::InProgress), u"IN_PROGRESS"_s);
    QCOMPARE(Traits::fromName(u"HIGH"), std::optional<kitchen::Priority>(kitchen::Priority::High));
    QVERIFY(!Traits::fromName(u"high").has_value());
}

QTEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"

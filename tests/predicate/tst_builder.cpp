// The C++ face: QueryField constants of generated model classes build the
// same predicates the text syntax gives, in wire form.
#include "PredicateTestModels_models/models.h"

#include "predicate/appsync.h"
#include "predicate/evaluate.h"
#include "predicate/text.h"

#include <QFile>
#include <QJsonDocument>
#include <QTest>

using namespace Qt::StringLiterals;
using ds::Predicate;
using pt::Post;
using pt::PostStatus;

class tst_Builder : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sameAsText_data();
    void sameAsText();
    void evaluatesModels();
    void toJson();

private:
    Predicate parsed(const QString &text) const
    {
        const auto p = ds::predicate::parse(text, Post::schema(), *m_schema);
        if (!p.ok())
            qFatal("%s: %s", qPrintable(text), qPrintable(p.error().message()));
        return *p;
    }

    std::optional<ds::Schema> m_schema;
};

void tst_Builder::initTestCase()
{
    QFile file(QStringLiteral(DS_TEST_DATA_DIR "/models.graphql"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    ds::SourceError error;
    m_schema = ds::Schema::fromGraphQL(file.readAll(), u"models.graphql"_s, &error);
    QVERIFY2(m_schema, qPrintable(error.toString()));
}

void tst_Builder::sameAsText_data()
{
    QTest::addColumn<Predicate>("built");
    QTest::addColumn<QString>("text");

    QTest::newRow("gt") << Post::RATING.gt(5) << u"rating > 5"_s;
    QTest::newRow("design example")
        << (Post::RATING.gt(5) && (Post::TITLE.beginsWith(u"This"_s) || Post::STATUS.eq(PostStatus::Published)))
        << u"rating > 5 and (title beginsWith \"This\" or status == PUBLISHED)"_s;
    QTest::newRow("ops") << (Post::RATING.eq(1) || Post::RATING.ne(2) || Post::RATING.lt(3) || Post::RATING.le(4)
                             || Post::RATING.ge(6))
                         << u"rating == 1 or rating != 2 or rating < 3 or rating <= 4 or rating >= 6"_s;
    QTest::newRow("not") << !Post::RATING.lt(3) << u"not rating < 3"_s;
    QTest::newRow("between") << Post::RATING.between(1, 5) << u"rating between 1 and 5"_s;
    QTest::newRow("float") << Post::SCORE.le(2.5) << u"score <= 2.5"_s;
    QTest::newRow("bool") << Post::PUBLISHED.eq(true) << u"published == true"_s;
    QTest::newRow("enum in") << Post::STATUS.in({PostStatus::Draft, PostStatus::Published})
                             << u"status in [DRAFT, PUBLISHED]"_s;
    QTest::newRow("enum notIn") << Post::STATUS.notIn({PostStatus::Archived}) << u"status notIn [ARCHIVED]"_s;
    QTest::newRow("list contains") << Post::TAGS.contains(u"qt"_s) << u"tags contains \"qt\""_s;
    QTest::newRow("int list contains") << Post::NUMBERS.notContains(7) << u"numbers notContains 7"_s;
    QTest::newRow("substring") << Post::CONTENT.notContains(u"x"_s) << u"content notContains \"x\""_s;
    QTest::newRow("exists") << Post::CONTENT.attributeExists() << u"content exists"_s;
    QTest::newRow("missing") << Post::CONTENT.attributeExists(false) << u"content attributeExists false"_s;
    QTest::newRow("date time") << Post::CREATED_ON.gt(QDateTime(QDate(2024, 5, 6), QTime(10, 0), Qt::UTC))
                               << u"createdOn > \"2024-05-06T10:00:00.000Z\""_s;
    QTest::newRow("timestamp") << Post::STAMP.ge(qint64(1700000000000)) << u"stamp >= 1700000000000"_s;
    QTest::newRow("all identity") << (Predicate::all() && Post::RATING.gt(5)) << u"rating > 5"_s;
}

void tst_Builder::sameAsText()
{
    QFETCH(Predicate, built);
    QFETCH(QString, text);
    const Predicate p = parsed(text);
    if (!(built == p))
        QFAIL(qPrintable(u"built: "_s + ds::predicate::print(built) + u"\nparsed: "_s + ds::predicate::print(p)));
}

void tst_Builder::evaluatesModels()
{
    Post post(u"p1"_s);
    post.setTitle(u"This post"_s);
    post.setRating(7);
    post.setStatus(PostStatus::Published);
    post.setTags(QList<QString>{u"qt"_s, u"cpp"_s});
    const QVariantMap record = post.toVariantMap();
    const ds::ModelSchema &m = Post::schema();
    QVERIFY(ds::predicate::evaluate(
        Post::RATING.gt(5) && (Post::TITLE.beginsWith(u"This"_s) || Post::STATUS.eq(PostStatus::Draft)), record, m));
    QVERIFY(ds::predicate::evaluate(Post::TAGS.contains(u"qt"_s), record, m));
    QVERIFY(!ds::predicate::evaluate(Post::TAGS.contains(u"q"_s), record, m));
    QVERIFY(ds::predicate::evaluate(Post::CONTENT.attributeExists(false), record, m));
    QVERIFY(ds::predicate::evaluate(Post::SCORE.ne(1.0), record, m));
    QVERIFY(!ds::predicate::evaluate(Post::STATUS.in({PostStatus::Draft, PostStatus::Archived}), record, m));
}

void tst_Builder::toJson()
{
    const QJsonObject json = ds::predicate::toJson(Post::RATING.gt(5) && Post::STATUS.eq(PostStatus::Published),
                                                   Post::schema(), ds::predicate::JsonKind::Filter);
    QCOMPARE(QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Compact)),
             uR"({"and":[{"rating":{"gt":5}},{"status":{"eq":"PUBLISHED"}}]})"_s);
}

QTEST_GUILESS_MAIN(tst_Builder)
#include "tst_builder.moc"

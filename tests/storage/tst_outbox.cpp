// The outbox merge rules (PROTOCOL.md 6.5, amplify-js semantics): sequences
// of local writes on one record -> the expected queued entries.
//
// Steps: "create k=v ...", "update k=v ...", "update? k=v" (with a condition),
// "delete", "delete?", "send" (the head goes in flight), "ack" (the head is
// acknowledged: removed, and the row gets _version 5 as the merge would do).
// Entries print as "Type k=v ... [vN] [?] [*]": ? has a condition, * in flight.
#include "storagetest_p.h"

#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;
using ds::MutationType;
using ds::OutboxEntry;
using ds::Storage;

class tst_Outbox : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void merge_data();
    void merge();
    void otherRecordsUntouched();
    void fifoAcrossRecords();
    void conditionStoredAsAppSyncJson();
    void wholeRecordCreateReadsTheRow();
    void createsInATransactionKeepTheirOrder();

private:
    ds::Schema m_schema;
    QTemporaryDir m_dir;
};

namespace {

QString describe(const OutboxEntry &e)
{
    static const char *types[] = {"Create", "Update", "Delete"};
    QStringList parts{QString::fromLatin1(types[int(e.type)])};
    for (auto it = e.data.cbegin(); it != e.data.cend(); ++it) {
        if (it.key() != u"id")
            parts.append(it.key() + u'=' + (it->isNull() ? u"null"_s : it->toString()));
    }
    if (e.version)
        parts.append(u'v' + QString::number(*e.version));
    if (!e.condition.isEmpty())
        parts.append(u"?"_s);
    if (e.state == OutboxEntry::State::InFlight)
        parts.append(u"*"_s);
    return parts.join(u' ');
}

} // namespace

void tst_Outbox::initTestCase()
{
    m_schema = storagetest::appSchema();
    QVERIFY(m_dir.isValid());
}

void tst_Outbox::merge_data()
{
    QTest::addColumn<QStringList>("steps");
    QTest::addColumn<QStringList>("expected");
    auto row = [](const char *name, QStringList steps, QStringList expected) {
        QTest::newRow(name) << steps << expected;
    };
    row("create", {u"create title=A"_s}, {u"Create title=A"_s});
    row("create+update folds", {u"create title=A"_s, u"update rating=2"_s},
        {u"Create rating=2 title=A"_s});
    row("create+conditional update folds, condition dropped",
        {u"create title=A"_s, u"update? title=B"_s}, {u"Create title=B"_s});
    row("create+delete cancels", {u"create title=A"_s, u"delete"_s}, {});
    row("create+update+delete cancels", {u"create title=A"_s, u"update title=B"_s, u"delete"_s}, {});
    row("in-flight create + update appends", {u"create title=A"_s, u"send"_s, u"update title=B"_s},
        {u"Create title=A *"_s, u"Update title=B"_s});
    row("in-flight create + delete appends", {u"create title=A"_s, u"send"_s, u"delete"_s},
        {u"Create title=A *"_s, u"Delete"_s});
    row("in-flight create + update + update merge behind it",
        {u"create title=A"_s, u"send"_s, u"update title=B"_s, u"update rating=3"_s},
        {u"Create title=A *"_s, u"Update rating=3 title=B"_s});
    row("update", {u"create title=A"_s, u"ack"_s, u"update title=B"_s}, {u"Update title=B v5"_s});
    row("update+update merge", {u"create title=A"_s, u"ack"_s, u"update title=B"_s, u"update rating=1"_s},
        {u"Update rating=1 title=B v5"_s});
    row("update+update same field, newest wins",
        {u"create title=A"_s, u"ack"_s, u"update title=B"_s, u"update title=C"_s},
        {u"Update title=C v5"_s});
    row("update+delete merge into delete",
        {u"create title=A"_s, u"ack"_s, u"update title=B"_s, u"delete"_s}, {u"Delete title=B v5"_s});
    row("update+conditional update appends",
        {u"create title=A"_s, u"ack"_s, u"update title=B"_s, u"update? title=C"_s},
        {u"Update title=B v5"_s, u"Update title=C v5 ?"_s});
    row("update+conditional delete appends",
        {u"create title=A"_s, u"ack"_s, u"update title=B"_s, u"delete?"_s},
        {u"Update title=B v5"_s, u"Delete v5 ?"_s});
    row("conditional update + plain update replaces both",
        {u"create title=A"_s, u"ack"_s, u"update? title=B"_s, u"update rating=4"_s},
        {u"Update rating=4 title=B v5"_s});
    row("in-flight update is never merged into",
        {u"create title=A"_s, u"ack"_s, u"update title=B"_s, u"send"_s, u"update title=C"_s},
        {u"Update title=B v5 *"_s, u"Update title=C v5"_s});
    row("in-flight update + update + update",
        {u"create title=A"_s, u"ack"_s, u"update title=B"_s, u"send"_s, u"update title=C"_s,
         u"update rating=2"_s},
        {u"Update title=B v5 *"_s, u"Update rating=2 title=C v5"_s});
    row("delete then re-create goes out as an update",
        {u"create title=A"_s, u"ack"_s, u"delete"_s, u"create title=Z"_s},
        {u"Update title=Z v5"_s});
    row("in-flight delete then re-create appends a create",
        {u"create title=A"_s, u"ack"_s, u"delete"_s, u"send"_s, u"create title=Z"_s},
        {u"Delete v5 *"_s, u"Create title=Z"_s});
    row("patch carries only changed fields and nulls",
        {u"create title=A rating=1"_s, u"ack"_s, u"update title=A rating=null"_s},
        {u"Update rating=null v5"_s});
}

void tst_Outbox::merge()
{
    QFETCH(QStringList, steps);
    QFETCH(QStringList, expected);
    const QString path = m_dir.filePath(QString::fromLatin1(QTest::currentDataTag()).replace(u' ', u'_')
                                        + u".db"_s);
    Storage s(m_schema);
    DS_VERIFY_OK(s.open(path));
    const ds::ModelSchema &post = *m_schema.model(u"Post");
    const QVariantMap key{{u"id"_s, u"p"_s}};
    const ds::Predicate condition = storagetest::parse(m_schema, u"Post"_s, u"title attributeExists true"_s);

    for (const QString &step : std::as_const(steps)) {
        QStringList words = step.split(u' ');
        const QString verb = words.takeFirst();
        QVariantMap fields = key;
        for (const QString &w : std::as_const(words)) {
            const QString name = w.section(u'=', 0, 0);
            const QString value = w.section(u'=', 1);
            fields.insert(name, value == u"null" ? QVariant()
                                : name == u"rating" ? QVariant(value.toInt()) : QVariant(value));
        }
        if (verb == u"create" || verb == u"update" || verb == u"update?") {
            if (verb == u"update" || verb == u"update?") {
                // A whole record as an app would save it: start from the current one.
                QVariantMap current = (*s.get(post, key))->fields;
                current.insert(fields);
                fields = current;
            }
            DS_VERIFY_OK(s.save(post, fields, verb.endsWith(u'?') ? condition : ds::Predicate::all()));
        } else if (verb == u"delete" || verb == u"delete?") {
            DS_VERIFY_OK(s.remove(post, key, verb.endsWith(u'?') ? condition : ds::Predicate::all()));
        } else if (verb == u"send") {
            OutboxEntry head = **s.peekOutbox();
            head.state = OutboxEntry::State::InFlight;
            DS_VERIFY_OK(s.updateOutboxEntry(head));
        } else if (verb == u"ack") {
            DS_VERIFY_OK(s.removeOutboxEntry((*s.peekOutbox())->id));
            const QString name = u"raw-"_s + QString::fromLatin1(QTest::currentDataTag());
            {
                QSqlDatabase raw = QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
                raw.setDatabaseName(path);
                QVERIFY(raw.open());
                QSqlQuery q(raw);
                QVERIFY(q.exec(u"UPDATE \"Post\" SET _version = 5, _lastChangedAt = 1000"_s));
            }
            QSqlDatabase::removeDatabase(name);
        } else {
            QFAIL(qPrintable(u"unknown step "_s + step));
        }
    }

    QStringList actual;
    const QList<OutboxEntry> entries = *s.outbox();
    for (const OutboxEntry &e : entries) {
        QCOMPARE(e.recordId, u"p"_s);
        QCOMPARE(e.data.value(u"id"_s), QVariant(u"p"_s));
        actual.append(describe(e));
    }
    QCOMPARE(actual, expected);
}

void tst_Outbox::otherRecordsUntouched()
{
    Storage s(m_schema);
    DS_VERIFY_OK(s.open(u":memory:"_s));
    const ds::ModelSchema &post = *m_schema.model(u"Post");
    const ds::ModelSchema &comment = *m_schema.model(u"Comment");
    DS_VERIFY_OK(s.save(post, {{u"id"_s, u"a"_s}, {u"title"_s, u"A"_s}}));
    DS_VERIFY_OK(s.save(post, {{u"id"_s, u"b"_s}, {u"title"_s, u"B"_s}}));
    // Same id, other model: its own queue.
    DS_VERIFY_OK(s.save(comment, {{u"id"_s, u"a"_s}, {u"postID"_s, u"a"_s}, {u"content"_s, u"C"_s}}));
    DS_VERIFY_OK(s.remove(post, {{u"id"_s, u"a"_s}}));
    QStringList actual;
    const QList<OutboxEntry> entries = *s.outbox();
    for (const OutboxEntry &e : entries)
        actual.append(e.model + u':' + e.recordId);
    QCOMPARE(actual, (QStringList{u"Post:b"_s, u"Comment:a"_s}));
}

void tst_Outbox::fifoAcrossRecords()
{
    Storage s(m_schema);
    DS_VERIFY_OK(s.open(u":memory:"_s));
    const ds::ModelSchema &post = *m_schema.model(u"Post");
    for (const char *id : {"a", "b", "c"})
        DS_VERIFY_OK(s.save(post, {{u"id"_s, QString::fromLatin1(id)}, {u"title"_s, u"T"_s}}));
    const QList<OutboxEntry> sent = *s.outbox();
    for (const OutboxEntry &e : sent)
        DS_VERIFY_OK(s.removeOutboxEntry(e.id));
    DS_VERIFY_OK(s.save(post, {{u"id"_s, u"a"_s}, {u"title"_s, u"1"_s}}));
    DS_VERIFY_OK(s.save(post, {{u"id"_s, u"b"_s}, {u"title"_s, u"2"_s}}));
    DS_VERIFY_OK(s.save(post, {{u"id"_s, u"a"_s}, {u"title"_s, u"3"_s}}));   // merged, moves to the tail
    QStringList order;
    qint64 lastId = 0;
    const QList<OutboxEntry> entries = *s.outbox();
    for (const OutboxEntry &e : entries) {
        QVERIFY(e.id > lastId);
        lastId = e.id;
        order.append(e.recordId + u'=' + e.data.value(u"title"_s).toString());
    }
    QCOMPARE(order, (QStringList{u"b=2"_s, u"a=3"_s}));
}

void tst_Outbox::conditionStoredAsAppSyncJson()
{
    Storage s(m_schema);
    DS_VERIFY_OK(s.open(u":memory:"_s));
    const ds::ModelSchema &post = *m_schema.model(u"Post");
    DS_VERIFY_OK(s.save(post, {{u"id"_s, u"a"_s}, {u"title"_s, u"A"_s}, {u"rating"_s, 3}}));
    DS_VERIFY_OK(s.removeOutboxEntry((*s.peekOutbox())->id));
    const ds::Predicate condition = storagetest::parse(m_schema, u"Post"_s, u"rating > 2 and id == \"a\""_s);
    DS_VERIFY_OK(s.save(post, {{u"id"_s, u"a"_s}, {u"title"_s, u"B"_s}, {u"rating"_s, 3}}, condition));
    const OutboxEntry e = **s.peekOutbox();
    QCOMPARE(e.condition, ds::predicate::toJson(condition, post, ds::predicate::JsonKind::Condition));
    // The primary key is dropped from conditions, as ModelPostConditionInput has none.
    QVERIFY(!QString::fromUtf8(QJsonDocument(e.condition).toJson()).contains(u"\"id\""_s));
    QVERIFY(QString::fromUtf8(QJsonDocument(e.condition).toJson()).contains(u"rating"_s));
}

void tst_Outbox::wholeRecordCreateReadsTheRow()
{
    // A create naming every writable field stores no data: the row is its
    // data until it is sent (docs/storage.md). The entries read the same.
    Storage s(m_schema);
    DS_VERIFY_OK(s.open(u":memory:"_s));
    const ds::ModelSchema &post = *m_schema.model(u"Post");
    auto dataIsNull = [&s] {
        QSqlQuery q(QSqlDatabase::database(s.connectionName()));
        return q.exec(u"SELECT data IS NULL FROM _outbox ORDER BY id LIMIT 1"_s) && q.next()
            && q.value(0).toBool();
    };
    QVariantMap record{{u"id"_s, u"w"_s}, {u"title"_s, u"A"_s}, {u"content"_s, QVariant()},
                       {u"rating"_s, 1}, {u"status"_s, u"DRAFT"_s},
                       {u"tags"_s, QVariantList{u"x"_s}}};
    DS_VERIFY_OK(s.save(post, record));
    QVERIFY(dataIsNull());
    QCOMPARE(s.outbox()->first().data, record);
    QCOMPARE((*s.peekOutbox())->data, record);
    QCOMPARE(*s.pendingMutationCount(), 1);

    // An update folds into it (the row holds it).
    record[u"rating"_s] = 2;
    DS_VERIFY_OK(s.save(post, record));
    QVERIFY(dataIsNull());
    QCOMPARE(s.outbox()->size(), 1);
    QCOMPARE(s.outbox()->first().type, MutationType::Create);
    QCOMPARE(s.outbox()->first().data, record);

    // In flight, the entry keeps what was sent; later changes queue behind it.
    OutboxEntry head = **s.peekOutbox();
    head.state = OutboxEntry::State::InFlight;
    DS_VERIFY_OK(s.updateOutboxEntry(head));
    QVERIFY(!dataIsNull());
    const QVariantMap sent = record;
    record[u"title"_s] = u"B"_s;
    DS_VERIFY_OK(s.save(post, record));
    const QList<OutboxEntry> entries = *s.outbox();
    QCOMPARE(entries.size(), 2);
    QCOMPARE(entries.at(0).data, sent);
    QCOMPARE(entries.at(1).type, MutationType::Update);
    QCOMPARE(entries.at(1).data, (QVariantMap{{u"id"_s, u"w"_s}, {u"title"_s, u"B"_s}}));

    // A delete drops a queued whole-record create.
    DS_VERIFY_OK(s.removeOutboxEntry(entries.at(0).id));
    DS_VERIFY_OK(s.removeOutboxEntry(entries.at(1).id));
    QVariantMap other = record;
    other[u"id"_s] = u"v"_s;
    DS_VERIFY_OK(s.save(post, other));
    QVERIFY(dataIsNull());
    QCOMPARE(*s.pendingMutationCount(), 1);
    DS_VERIFY_OK(s.remove(post, {{u"id"_s, u"v"_s}}));
    QCOMPARE(s.outbox()->size(), 0);
    QCOMPARE(*s.pendingMutationCount(), 0);
}

void tst_Outbox::createsInATransactionKeepTheirOrder()
{
    // Whole-record creates inside a transaction are queued together before
    // anything else touches the outbox or the rows (docs/storage.md): the
    // entries keep the order of the changes, a delete still cancels a create,
    // and a rollback leaves neither rows nor entries.
    Storage s(m_schema);
    DS_VERIFY_OK(s.open(u":memory:"_s));
    const ds::ModelSchema &post = *m_schema.model(u"Post");
    auto whole = [](const QString &id) {
        return QVariantMap{{u"id"_s, id}, {u"title"_s, id}, {u"content"_s, QVariant()},
                           {u"rating"_s, 1}, {u"status"_s, u"DRAFT"_s}, {u"tags"_s, QVariantList()}};
    };
    DS_VERIFY_OK(s.save(post, {{u"id"_s, u"c"_s}, {u"title"_s, u"C"_s}}));
    DS_VERIFY_OK(s.removeOutboxEntry((*s.peekOutbox())->id));
    DS_VERIFY_OK(s.transaction([&]() -> ds::Result<void> {
        if (auto r = s.save(post, whole(u"a"_s)); !r)
            return r.error();
        if (auto r = s.save(post, whole(u"b"_s)); !r)
            return r.error();
        if (auto r = s.save(post, {{u"id"_s, u"c"_s}, {u"title"_s, u"C2"_s}}); !r)
            return r.error();
        if (auto r = s.save(post, whole(u"d"_s)); !r)
            return r.error();
        if (auto r = s.remove(post, {{u"id"_s, u"b"_s}}); !r)
            return r.error();
        if (auto r = s.save(post, whole(u"e"_s)); !r)
            return r.error();
        return {};
    }));
    QStringList order;
    for (const OutboxEntry &e : *s.outbox())
        order.append(e.recordId + u'=' + QString::fromLatin1(e.type == MutationType::Create ? "C" : "U")
                     + e.data.value(u"title"_s).toString());
    QCOMPARE(order, (QStringList{u"a=Ca"_s, u"c=UC2"_s, u"d=Cd"_s, u"e=Ce"_s}));
    QCOMPARE(*s.pendingMutationCount(), 4);

    const auto failed = s.transaction([&]() -> ds::Result<void> {
        if (auto r = s.save(post, whole(u"f"_s)); !r)
            return r.error();
        if (auto r = s.save(post, whole(u"g"_s)); !r)
            return r.error();
        return ds::Error::validation(u"Test"_s, u"give up"_s);
    });
    QVERIFY(!failed);
    QVERIFY(!s.get(post, {{u"id"_s, u"f"_s}})->has_value());
    QCOMPARE(*s.pendingMutationCount(), 4);
    QCOMPARE(s.outbox()->size(), 4);
}

QTEST_GUILESS_MAIN(tst_Outbox)
#include "tst_outbox.moc"

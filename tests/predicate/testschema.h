// The schema and random generators the predicate tests share.
#pragma once

#include <datastore/modelschema.h>
#include <datastore/predicate.h>

#include "predicate/predicate_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>

#include <functional>
#include <limits>

namespace predicatetest {

using namespace Qt::StringLiterals;

inline const char *kSchema = R"(
enum Color { RED GREEN BLUE }
enum PostStatus { DRAFT PUBLISHED ARCHIVED }

type Item @model @auth(rules: [{ allow: public }]) {
  id: ID!
  name: String
  count: Int
  score: Float
  flag: Boolean
  color: Color
  tags: [String]
  numbers: [Int]
  floats: [Float]
  flags: [Boolean]
  when: AWSDateTime
  stamp: AWSTimestamp
  day: AWSDate
  colors: [Color]
}

type Post @model @auth(rules: [{ allow: public }]) {
  id: ID!
  title: String!
  content: String
  rating: Int
  status: PostStatus
  tags: [String]
  score: Float
  published: Boolean
  createdOn: AWSDateTime
  address: Address
  comments: [Comment] @hasMany(indexName: "byPost", fields: ["id"])
}

type Comment @model @auth(rules: [{ allow: public }]) {
  id: ID!
  postID: ID! @index(name: "byPost")
  post: Post @belongsTo(fields: ["postID"])
  content: String!
}

type Address {
  street: String
}

type Book @model @auth(rules: [{ allow: public }]) {
  isbn: String! @primaryKey(sortKeyFields: ["edition"])
  edition: Int!
  title: String
}
)";

inline const ds::Schema &schema()
{
    static const ds::Schema s = [] {
        ds::SourceError error;
        auto built = ds::Schema::fromGraphQL(QByteArray(kSchema), u"predicates.graphql"_s, &error);
        if (!built)
            qFatal("test schema: %s", qPrintable(error.toString()));
        return *built;
    }();
    return s;
}

inline const ds::ModelSchema &model(QStringView name)
{
    const ds::ModelSchema *m = schema().model(name);
    Q_ASSERT(m);
    return *m;
}

// ---- random values -----------------------------------------------------------

class Random
{
public:
    explicit Random(quint32 seed) : m_rng(seed) { }

    int below(int n) { return int(m_rng.bounded(quint32(n))); }
    bool chance(int percent) { return below(100) < percent; }
    template<typename T>
    const T &pick(const QList<T> &list) { return list.at(below(int(list.size()))); }

    QVariant string()
    {
        static const QStringList pool = {
            u""_s, u"a"_s, u"ab"_s, u"abc"_s, u"b"_s, u"B"_s, u"This"_s, u"This post"_s, u"th"_s,
            u"\u00e9"_s, u"e\u0301"_s, u"\u65e5\u672c"_s, u"\U0001F600"_s, u"a\U0001F600"_s,
            u"\uE000"_s, u"\uFFFD"_s, u"\uFFFF"_s, u"z"_s, u"'; DROP TABLE Item; --"_s, u"%_"_s,
            u"qt"_s, u"Qt 6"_s, u" "_s, u"\"quoted\""_s, u"back\\slash"_s, u"line\nbreak"_s,
        };
        return pick(pool);
    }
    QVariant dateTime()
    {
        static const QStringList pool = {
            u"2024-01-01T00:00:00.000Z"_s, u"2024-01-01T00:00:00Z"_s, u"2023-12-31T23:59:59.999Z"_s,
            u"2024-05-06T10:00:00.000Z"_s, u"1970-01-01T00:00:00.000Z"_s,
        };
        return pick(pool);
    }
    QVariant date()
    {
        static const QStringList pool = {u"2024-01-01"_s, u"2023-12-31"_s, u"2024-05-06"_s};
        return pick(pool);
    }
    QVariant integer()
    {
        static const QList<int> pool = {-2147483647 - 1, -5, -1, 0, 1, 2, 3, 5, 42, 100, 2147483647};
        return pick(pool);
    }
    QVariant timestamp()
    {
        static const QList<qint64> pool = {-1, 0, 1, 1700000000000LL, 1700000000001LL,
                                           std::numeric_limits<qint64>::max(), 9007199254740993LL};
        return QVariant(pick(pool));
    }
    QVariant floating()
    {
        static const QList<double> pool = {-2.5, -1.0, 0.0, 0.5, 1.0, 2.0, 2.5, 3.25, 1e10, -1e-3};
        return pick(pool);
    }
    QVariant boolean() { return chance(50); }
    QVariant enumValue(const ds::FieldSchema &f)
    {
        const ds::EnumSchema *e = schema().enumType(f.type.typeName);
        return e->values.at(below(int(e->values.size())));
    }

    QVariant scalar(const ds::FieldSchema &f)
    {
        if (f.type.kind == ds::FieldType::Kind::Enum)
            return enumValue(f);
        switch (f.type.scalar) {
        case ds::ScalarType::Int:
            return integer();
        case ds::ScalarType::AWSTimestamp:
            return timestamp();
        case ds::ScalarType::Float:
            return chance(20) ? QVariant(double(below(5))) : floating();
        case ds::ScalarType::Boolean:
            return boolean();
        case ds::ScalarType::AWSDateTime:
            return dateTime();
        case ds::ScalarType::AWSDate:
            return date();
        default:
            return string();
        }
    }

    // A record value for the field: null, a scalar, or a list (with the odd null element).
    QVariant recordValue(const ds::FieldSchema &f)
    {
        if (!f.type.isList)
            return scalar(f);
        QVariantList list;
        const int n = below(4);
        for (int i = 0; i < n; ++i)
            list.append(chance(8) ? QVariant() : scalar(f));
        return list;
    }

    QVariantMap record(const ds::ModelSchema &m, const QString &id)
    {
        QVariantMap r;
        for (const ds::FieldSchema *f : m.storedFields()) {
            if (f->name == u"id") {
                r.insert(f->name, id);
                continue;
            }
            const int roll = below(100);
            if (roll < 12)
                continue;                            // missing attribute
            if (roll < 22)
                r.insert(f->name, QVariant());       // explicit null
            else
                r.insert(f->name, recordValue(*f));
        }
        return r;
    }

private:
    QRandomGenerator m_rng;
};

// ---- random predicates ---------------------------------------------------------

class PredicateGenerator
{
public:
    PredicateGenerator(Random &random, const ds::ModelSchema &model)
        : m_random(random), m_model(model)
    {
        for (const ds::FieldSchema *f : model.storedFields()) {
            if (!ops(*f).isEmpty())
                m_fields.append(f);
        }
    }

    ds::Predicate generate(int depth)
    {
        using P = ds::Predicate;
        if (depth <= 0 || m_random.chance(35))
            return m_random.chance(3) ? (m_random.chance(50) ? P::all() : P::none()) : leaf();
        const int which = m_random.below(3);
        if (which == 2)
            return P::notOf(generate(depth - 1));
        QList<P> children;
        const int n = 2 + m_random.below(2);
        for (int i = 0; i < n; ++i)
            children.append(generate(depth - 1));
        return which == 0 ? P::andOf(children) : P::orOf(children);
    }

    ds::Predicate leaf()
    {
        using Op = ds::Predicate::Op;
        const ds::FieldSchema &f = *m_fields.at(m_random.below(int(m_fields.size())));
        const QList<Op> allowed = ops(f);
        const Op op = allowed.at(m_random.below(int(allowed.size())));
        QVariant value;
        switch (op) {
        case Op::AttributeExists:
            value = m_random.boolean();
            break;
        case Op::Between:
            value = QVariantList{m_random.scalar(f), m_random.scalar(f)};
            break;
        case Op::In:
        case Op::NotIn: {
            QVariantList list;
            const int n = m_random.below(4);
            for (int i = 0; i < n; ++i)
                list.append(m_random.scalar(f));
            value = list;
            break;
        }
        case Op::BeginsWith:
        case Op::Contains:
        case Op::NotContains:
            if (!f.type.isList && m_random.chance(50)) {
                // A prefix / piece of a pool value, so that matches are common.
                // Sliced by code point: never half a surrogate pair.
                const QList<uint> s = m_random.scalar(f).toString().toUcs4();
                const int from = m_random.below(int(s.size()) + 1);
                const QList<uint> piece = op == Op::BeginsWith ? s.first(from)
                                                               : s.mid(from, m_random.below(3));
                value = QString::fromUcs4(reinterpret_cast<const char32_t *>(piece.constData()),
                                          piece.size());
                if (piece.isEmpty())
                    value = u""_s;   // empty, not null
                break;
            }
            value = m_random.scalar(f);
            break;
        default:
            value = m_random.scalar(f);
            break;
        }
        return ds::Predicate::compare(f.name, op, value);
    }

    static QList<ds::Predicate::Op> ops(const ds::FieldSchema &f)
    {
        return ds::predicate::detail::allowedOps(ds::predicate::detail::fieldKind(f));
    }

private:
    Random &m_random;
    const ds::ModelSchema &m_model;
    QList<const ds::FieldSchema *> m_fields;
};

} // namespace predicatetest

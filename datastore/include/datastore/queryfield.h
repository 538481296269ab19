// A typed handle on one field of a model, as the generated classes expose it
// (Post::RATING, Post::TITLE): the C++ face of the predicate engine.
//
//   Post::RATING.gt(5) && Post::TITLE.beginsWith(u"This"_s)
//   Post::STATUS.in({PostStatus::Draft, PostStatus::Published})
//   Post::TAGS.contains(u"qt"_s)         // list fields: element membership
#pragma once

#include <datastore/modelcodec.h>
#include <datastore/predicate.h>

#include <QString>
#include <QStringView>

#include <initializer_list>

namespace ds {

namespace detail {
template<typename T> struct OperandOf { using type = T; };
template<typename E> struct OperandOf<QList<E>> { using type = E; };
} // namespace detail

template<typename T>
class QueryField
{
public:
    using ValueType = T;

    constexpr QueryField(QStringView model, QStringView name) : m_model(model), m_name(name) {}

    constexpr QStringView modelName() const { return m_model; }
    constexpr QStringView name() const { return m_name; }

    // For list fields (QList<E>), comparisons take the element type.
    using Operand = typename detail::OperandOf<T>::type;

    Predicate eq(const Operand &v) const { return cmp(Predicate::Op::Eq, v); }
    Predicate ne(const Operand &v) const { return cmp(Predicate::Op::Ne, v); }
    Predicate lt(const Operand &v) const { return cmp(Predicate::Op::Lt, v); }
    Predicate le(const Operand &v) const { return cmp(Predicate::Op::Le, v); }
    Predicate gt(const Operand &v) const { return cmp(Predicate::Op::Gt, v); }
    Predicate ge(const Operand &v) const { return cmp(Predicate::Op::Ge, v); }
    Predicate contains(const Operand &v) const { return cmp(Predicate::Op::Contains, v); }
    Predicate notContains(const Operand &v) const { return cmp(Predicate::Op::NotContains, v); }
    Predicate beginsWith(const Operand &v) const { return cmp(Predicate::Op::BeginsWith, v); }
    Predicate between(const Operand &low, const Operand &high) const
    {
        return Predicate::compare(m_name.toString(), Predicate::Op::Between,
                                  QVariantList{codec::toVariant(low), codec::toVariant(high)});
    }
    Predicate in(std::initializer_list<Operand> values) const { return list(Predicate::Op::In, values); }
    Predicate notIn(std::initializer_list<Operand> values) const { return list(Predicate::Op::NotIn, values); }
    Predicate attributeExists(bool exists = true) const
    {
        return Predicate::compare(m_name.toString(), Predicate::Op::AttributeExists, exists);
    }

private:
    Predicate cmp(Predicate::Op op, const Operand &v) const
    {
        return Predicate::compare(m_name.toString(), op, codec::toVariant(v));
    }
    Predicate list(Predicate::Op op, std::initializer_list<Operand> values) const
    {
        QVariantList out;
        for (const Operand &v : values)
            out.append(codec::toVariant(v));
        return Predicate::compare(m_name.toString(), op, out);
    }

    QStringView m_model;
    QStringView m_name;
};

} // namespace ds

// A typed handle on one field of a model, as the generated classes expose it
// (Post::RATING, Post::TITLE). Predicates are built from these.
#pragma once

#include <QString>
#include <QStringView>

namespace ds {

template<typename T>
class QueryField
{
public:
    using ValueType = T;

    constexpr QueryField(QStringView model, QStringView name) : m_model(model), m_name(name) {}

    constexpr QStringView modelName() const { return m_model; }
    constexpr QStringView name() const { return m_name; }

private:
    QStringView m_model;
    QStringView m_name;
};

} // namespace ds

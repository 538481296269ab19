// Conversion between the typed fields of generated model classes and their
// QVariantMap / JSON form, which is also the AppSync wire form: enums as their
// GraphQL names, AWSDate/AWSDateTime as ISO 8601 text, AWSJSON as JSON text,
// non-model values as nested maps, lists as QVariantList.
//
// Generated code calls these; applications rarely need to.
#pragma once

#include <datastore/global.h>

#include <QDate>
#include <QDateTime>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QVariant>
#include <QVariantMap>

#include <concepts>
#include <optional>
#include <type_traits>

namespace ds {

// Specialized by generated code for every enum of a schema.
template<typename E>
struct EnumTraits;

template<typename E>
concept GeneratedEnum = std::is_enum_v<E> && requires(E e, QStringView s) {
    { EnumTraits<E>::name(e) } -> std::convertible_to<QString>;
    { EnumTraits<E>::fromName(s) } -> std::same_as<std::optional<E>>;
};

// Generated non-model (custom) types and models.
template<typename T>
concept VariantMapConvertible = requires(const T &t, const QVariantMap &m, QString *error) {
    { t.toVariantMap() } -> std::same_as<QVariantMap>;
    { T::fromVariantMap(m, error) } -> std::same_as<std::optional<T>>;
};

namespace codec {

// ---- scalar -> QVariant (wire form) ----------------------------------------

DATASTORE_EXPORT QVariant toVariant(const QString &v);
DATASTORE_EXPORT QVariant toVariant(int v);
DATASTORE_EXPORT QVariant toVariant(qint64 v);
DATASTORE_EXPORT QVariant toVariant(double v);
DATASTORE_EXPORT QVariant toVariant(bool v);
DATASTORE_EXPORT QVariant toVariant(const QDate &v);       // AWSDate: "2024-05-06"
DATASTORE_EXPORT QVariant toVariant(const QDateTime &v);   // AWSDateTime: "2024-05-06T10:00:00.000Z"
DATASTORE_EXPORT QVariant toVariant(const QJsonValue &v);  // AWSJSON: compact JSON text

// The templates refer to each other (lists of optionals of lists...), so they
// are all declared before any is defined.
template<typename T> QVariant toVariant(const std::optional<T> &v);
template<typename T> QVariant toVariant(const QList<T> &list);
template<typename T> bool fromVariant(const QVariant &v, QList<T> &out, QString *what);

template<GeneratedEnum E>
QVariant toVariant(E v) { return QString(EnumTraits<E>::name(v)); }

template<VariantMapConvertible T>
QVariant toVariant(const T &v) { return v.toVariantMap(); }

template<typename T>
QVariant toVariant(const std::optional<T> &v) { return v ? toVariant(*v) : QVariant(); }

template<typename T>
QVariant toVariant(const QList<T> &list)
{
    QVariantList out;
    out.reserve(list.size());
    for (const T &item : list)
        out.append(toVariant(item));
    return out;
}

// ---- QVariant (wire form or native) -> scalar ------------------------------
// Each returns false and leaves `out` alone when the value has the wrong type;
// `what` is filled with a short description of the expected type.

DATASTORE_EXPORT bool fromVariant(const QVariant &v, QString &out, QString *what);
DATASTORE_EXPORT bool fromVariant(const QVariant &v, int &out, QString *what);
DATASTORE_EXPORT bool fromVariant(const QVariant &v, qint64 &out, QString *what);
DATASTORE_EXPORT bool fromVariant(const QVariant &v, double &out, QString *what);
DATASTORE_EXPORT bool fromVariant(const QVariant &v, bool &out, QString *what);
DATASTORE_EXPORT bool fromVariant(const QVariant &v, QDate &out, QString *what);
DATASTORE_EXPORT bool fromVariant(const QVariant &v, QDateTime &out, QString *what);
DATASTORE_EXPORT bool fromVariant(const QVariant &v, QJsonValue &out, QString *what);

template<GeneratedEnum E>
bool fromVariant(const QVariant &v, E &out, QString *what)
{
    if (v.typeId() == QMetaType::QString) {
        if (auto e = EnumTraits<E>::fromName(v.toString())) {
            out = *e;
            return true;
        }
    }
    if (what)
        *what = QStringLiteral("a value of the enum");
    return false;
}

template<VariantMapConvertible T>
bool fromVariant(const QVariant &v, T &out, QString *what)
{
    if (v.typeId() == QMetaType::QVariantMap) {
        QString error;
        if (auto value = T::fromVariantMap(v.toMap(), &error)) {
            out = std::move(*value);
            return true;
        }
        if (what)
            *what = error;
        return false;
    }
    if (what)
        *what = QStringLiteral("an object");
    return false;
}

template<typename T>
bool fromVariant(const QVariant &v, QList<T> &out, QString *what)
{
    if (v.typeId() != QMetaType::QVariantList && v.typeId() != QMetaType::QStringList) {
        if (what)
            *what = QStringLiteral("a list");
        return false;
    }
    const QVariantList items = v.toList();
    QList<T> result;
    result.reserve(items.size());
    for (const QVariant &item : items) {
        if (item.isNull()) {
            // A null element of a [T] list: kept as a default value where T
            // can express null (a null QString), dropped otherwise.
            if constexpr (std::is_same_v<T, QString>)
                result.append(QString());
            continue;
        }
        T value{};
        if (!fromVariant(item, value, what))
            return false;
        result.append(std::move(value));
    }
    out = std::move(result);
    return true;
}

// Reads field `name` of `model` from `map` into `out`. A missing key or a null
// value is an error when `required`; otherwise `out` becomes nullopt.
// On error fills *error with where and what: "Post.rating: expected an Int,
// got \"five\"", "Post.tags[1]: expected a string, got 3",
// "Place.address: Address.street: a value is required (the field is non-null)",
// and returns false.
DATASTORE_EXPORT QString fieldError(QStringView model, QStringView name, const QString &what,
                                    const QVariant &got);
DATASTORE_EXPORT QString missingFieldError(QStringView model, QStringView name);

namespace detail {

// Converts the value at `path` of a `model` field ("tags[1]"), naming the path
// on error; lists and nested objects are walked so that the error names the
// element that is wrong, not the whole value.
template<typename T>
bool readValue(const QVariant &v, QStringView model, const QString &path, T &out, QString *error)
{
    QString what;
    if (fromVariant(v, out, &what))
        return true;
    if (error)
        *error = fieldError(model, path, what, v);
    return false;
}

template<VariantMapConvertible T>
bool readValue(const QVariant &v, QStringView model, const QString &path, T &out, QString *error)
{
    if (v.typeId() != QMetaType::QVariantMap) {
        if (error)
            *error = fieldError(model, path, QStringLiteral("an object"), v);
        return false;
    }
    QString inner;
    auto value = T::fromVariantMap(v.toMap(), &inner);
    if (!value) {
        if (error)
            *error = model.toString() + u'.' + path + QStringLiteral(": ") + inner;
        return false;
    }
    out = std::move(*value);
    return true;
}

template<typename T>
bool readValue(const QVariant &v, QStringView model, const QString &path, QList<T> &out,
               QString *error)
{
    if (v.typeId() != QMetaType::QVariantList && v.typeId() != QMetaType::QStringList) {
        if (error)
            *error = fieldError(model, path, QStringLiteral("a list"), v);
        return false;
    }
    const QVariantList items = v.toList();
    QList<T> result;
    result.reserve(items.size());
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QVariant &item = items.at(i);
        if (item.isNull()) {
            // As fromVariant(): a null element stays where T can express it.
            if constexpr (std::is_same_v<T, QString>)
                result.append(QString());
            continue;
        }
        T value{};
        if (!readValue(item, model, path + u'[' + QString::number(i) + u']', value, error))
            return false;
        result.append(std::move(value));
    }
    out = std::move(result);
    return true;
}

} // namespace detail

template<typename T>
bool readField(const QVariantMap &map, QStringView model, QStringView name, T &out,
               QString *error)
{
    const auto it = map.constFind(name.toString());
    if (it == map.cend() || it->isNull()) {
        if (error)
            *error = missingFieldError(model, name);
        return false;
    }
    return detail::readValue(*it, model, name.toString(), out, error);
}

template<typename T>
bool readField(const QVariantMap &map, QStringView model, QStringView name,
               std::optional<T> &out, QString *error)
{
    const auto it = map.constFind(name.toString());
    if (it == map.cend() || it->isNull()) {
        out.reset();
        return true;
    }
    T value{};
    if (!detail::readValue(*it, model, name.toString(), value, error))
        return false;
    out = std::move(value);
    return true;
}

// Keys a model map may carry besides its fields: sync metadata (_version,
// _deleted, _lastChangedAt), __typename, and relation objects.
DATASTORE_EXPORT bool isMetadataKey(QStringView key);

// The first key of `map` that is neither in `known` nor metadata; empty if none.
DATASTORE_EXPORT QString unknownKey(const QVariantMap &map, std::initializer_list<QStringView> known);

} // namespace codec
} // namespace ds

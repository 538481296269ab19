#include "qml/qmlutil_p.h"

#include <QDateTime>
#include <QMetaEnum>

#include <cmath>
#include <cstring>

using namespace Qt::StringLiterals;

namespace ds::qml {

namespace {

QVariant normalizeValue(const FieldSchema &field, const QVariant &value)
{
    if (value.typeId() == QMetaType::QVariantList) {
        QVariantList out;
        const QVariantList list = value.toList();
        out.reserve(list.size());
        for (const QVariant &item : list)
            out.append(normalizeValue(field, item));
        return out;
    }
    if (field.type.kind != FieldType::Kind::Scalar)
        return value;
    switch (field.type.scalar) {
    case ScalarType::Int:
    case ScalarType::AWSTimestamp:
        if (value.typeId() == QMetaType::Double) {
            const double d = value.toDouble();
            if (std::isfinite(d) && std::trunc(d) == d && std::abs(d) < 9007199254740992.0) {
                const auto i = qint64(d);
                return i >= std::numeric_limits<int>::min() && i <= std::numeric_limits<int>::max()
                    ? QVariant(int(i)) : QVariant(i);
            }
        }
        return value;
    case ScalarType::AWSDateTime:
        if (value.typeId() == QMetaType::QDateTime)
            return value.toDateTime().toUTC().toString(Qt::ISODateWithMs);
        return value;
    case ScalarType::AWSDate:
        if (value.typeId() == QMetaType::QDateTime)
            return value.toDateTime().date().toString(Qt::ISODate);
        if (value.typeId() == QMetaType::QDate)
            return value.toDate().toString(Qt::ISODate);
        return value;
    case ScalarType::AWSTime:
        if (value.typeId() == QMetaType::QDateTime)
            return value.toDateTime().time().toString(Qt::ISODateWithMs);
        return value;
    default:
        return value;
    }
}

} // namespace

QString recordKey(const ModelSchema &model, const QVariantMap &record)
{
    return DataStore::keyOf(model, record);
}

bool recordLessThan(const QList<SortBy> &sort, const QVariantMap &a, const QVariantMap &b)
{
    for (const SortBy &s : sort) {
        const int c = SortBy::compareValues(a.value(s.field), b.value(s.field));
        if (c != 0)
            return s.order == SortBy::Order::Descending ? c > 0 : c < 0;
    }
    return false;
}

QList<SortBy> withKeyTieBreak(const ModelSchema &model, QList<SortBy> sort)
{
    for (const QString &field : model.primaryKey) {
        const bool present = std::any_of(sort.cbegin(), sort.cend(),
                                         [&](const SortBy &s) { return s.field == field; });
        if (!present)
            sort.append(SortBy::asc(field));
    }
    return sort;
}

Result<QList<SortBy>> parseSort(const DataStore &store, const QString &model, const QString &text)
{
    Result<QList<SortBy>> sort = store.parseSort(model, text);
    if (!sort)
        return sort;
    const ModelSchema *schema = store.schema().model(model);
    for (const SortBy &s : *sort) {
        const FieldSchema *field = schema ? schema->field(s.field) : nullptr;
        if (field && (field->type.isList || field->type.kind == FieldType::Kind::NonModel)) {
            // Columns SQLite holds as JSON text: no order worth reproducing.
            const qsizetype at = text.indexOf(s.field);
            return Error::validation(u"SortField"_s,
                                     u"cannot sort by '"_s + s.field
                                         + u"': lists and structured values have no order"_s,
                                     SourceLocation{1, at < 0 ? 0 : int(at) + 1});
        }
    }
    return sort;
}

QVariantMap normalizeRecord(const ModelSchema &model, const QVariantMap &record)
{
    QVariantMap out;
    for (auto it = record.cbegin(); it != record.cend(); ++it) {
        const FieldSchema *field = model.field(it.key());
        out.insert(it.key(), field ? normalizeValue(*field, it.value()) : it.value());
    }
    return out;
}

QVariantMap errorToMap(const Error &error)
{
    if (error.isNull())
        return {};
    const QMetaEnum domains = QMetaEnum::fromType<Error::Domain>();
    return {
        {u"domain"_s, QString::fromLatin1(domains.valueToKey(int(error.domain())))},
        {u"code"_s, error.code()},
        {u"message"_s, error.message()},
        {u"line"_s, error.location().line},
        {u"column"_s, error.location().column},
        {u"transient"_s, error.isTransient()},
    };
}

} // namespace ds::qml

#include <datastore/modelcodec.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonArray>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace ds::codec {

namespace {

bool fail(QString *what, QString expected)
{
    if (what)
        *what = std::move(expected);
    return false;
}

bool isNumber(const QVariant &v)
{
    switch (v.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Long:
    case QMetaType::ULong:
    case QMetaType::Short:
    case QMetaType::UShort:
    case QMetaType::Double:
    case QMetaType::Float:
        return true;
    default:
        return false;
    }
}

// An integral number within [lo, hi], whatever numeric type carries it (JSON
// numbers arrive as double).
bool integral(const QVariant &v, qint64 lo, qint64 hi, qint64 &out)
{
    if (!isNumber(v))
        return false;
    if (v.typeId() == QMetaType::Double || v.typeId() == QMetaType::Float) {
        const double d = v.toDouble();
        if (!std::isfinite(d) || std::floor(d) != d || d < double(lo) || d > double(hi))
            return false;
        out = qint64(d);
        return true;
    }
    if (v.typeId() == QMetaType::ULongLong || v.typeId() == QMetaType::ULong) {
        const quint64 u = v.toULongLong();
        if (u > quint64(hi))
            return false;
        out = qint64(u);
        return true;
    }
    const qint64 i = v.toLongLong();
    if (i < lo || i > hi)
        return false;
    out = i;
    return true;
}

// AWSDate allows an optional zone designator ("2024-05-06Z", "2024-05-06+02:00").
QStringView stripZone(QStringView text)
{
    if (text.endsWith(u'Z'))
        return text.chopped(1);
    if (text.size() > 6 && (text[text.size() - 6] == u'+' || text[text.size() - 6] == u'-')
        && text[text.size() - 3] == u':')
        return text.chopped(6);
    return text;
}

} // namespace

QVariant toVariant(const QString &v) { return v; }
QVariant toVariant(int v) { return v; }
QVariant toVariant(qint64 v) { return v; }
QVariant toVariant(double v) { return v; }
QVariant toVariant(bool v) { return v; }
QVariant toVariant(const QDate &v) { return v.toString(Qt::ISODate); }

QVariant toVariant(const QDateTime &v)
{
    // UTC prints with "Z"; a fixed offset keeps its offset.
    return v.toString(Qt::ISODateWithMs);
}

QVariant toVariant(const QJsonValue &v)
{
    switch (v.type()) {
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    default: {
        // A scalar JSON value: wrap it in an array to serialize, then unwrap.
        const QByteArray text = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
        return QString::fromUtf8(text.mid(1, text.size() - 2));
    }
    }
}

bool fromVariant(const QVariant &v, QString &out, QString *what)
{
    if (v.typeId() != QMetaType::QString)
        return fail(what, u"a string"_s);
    out = v.toString();
    return true;
}

bool fromVariant(const QVariant &v, int &out, QString *what)
{
    qint64 i = 0;
    if (!integral(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max(), i))
        return fail(what, u"an Int (a whole number in 32 bits)"_s);
    out = int(i);
    return true;
}

bool fromVariant(const QVariant &v, qint64 &out, QString *what)
{
    // Whole numbers that a double carries exactly (JSON's safe range).
    constexpr qint64 safe = (qint64(1) << 53);
    if (!integral(v, -safe, safe, out))
        return fail(what, u"a whole number"_s);
    return true;
}

bool fromVariant(const QVariant &v, double &out, QString *what)
{
    if (!isNumber(v) || !std::isfinite(v.toDouble()))
        return fail(what, u"a Float (a finite number)"_s);
    out = v.toDouble();
    return true;
}

bool fromVariant(const QVariant &v, bool &out, QString *what)
{
    if (v.typeId() != QMetaType::Bool)
        return fail(what, u"a Boolean"_s);
    out = v.toBool();
    return true;
}

bool fromVariant(const QVariant &v, QDate &out, QString *what)
{
    if (v.typeId() == QMetaType::QDate && v.toDate().isValid()) {
        out = v.toDate();
        return true;
    }
    if (v.typeId() == QMetaType::QString) {
        const QDate d = QDate::fromString(stripZone(v.toString()).toString(), Qt::ISODate);
        if (d.isValid()) {
            out = d;
            return true;
        }
    }
    return fail(what, u"an AWSDate (YYYY-MM-DD)"_s);
}

bool fromVariant(const QVariant &v, QDateTime &out, QString *what)
{
    if (v.typeId() == QMetaType::QDateTime && v.toDateTime().isValid()) {
        out = v.toDateTime();
        return true;
    }
    if (v.typeId() == QMetaType::QString) {
        const QString text = v.toString();
        const QDateTime dt = QDateTime::fromString(text, Qt::ISODateWithMs);
        // AWSDateTime requires a zone designator.
        if (dt.isValid() && dt.timeSpec() != Qt::LocalTime) {
            out = dt;
            return true;
        }
    }
    return fail(what, u"an AWSDateTime (YYYY-MM-DDThh:mm:ss.sssZ)"_s);
}

bool fromVariant(const QVariant &v, QJsonValue &out, QString *what)
{
    if (v.typeId() == QMetaType::QString) {
        // Wire form: JSON text. Parse it wrapped in an array so that scalars work too.
        const QByteArray text = "[" + v.toString().toUtf8() + "]";
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
        if (error.error == QJsonParseError::NoError && doc.isArray() && doc.array().size() == 1) {
            out = doc.array().first();
            return true;
        }
        return fail(what, u"AWSJSON (valid JSON text)"_s);
    }
    const QJsonValue json = QJsonValue::fromVariant(v);
    if (json.isUndefined())
        return fail(what, u"AWSJSON (valid JSON text)"_s);
    out = json;
    return true;
}

QString fieldError(QStringView model, QStringView name, const QString &what, const QVariant &got)
{
    QString shown;
    if (got.typeId() == QMetaType::QString)
        shown = u'"' + got.toString().left(40) + u'"';
    else if (got.typeId() == QMetaType::QVariantMap)
        shown = u"an object"_s;
    else if (got.typeId() == QMetaType::QVariantList)
        shown = u"a list"_s;
    else
        shown = got.toString().left(40);
    if (shown.isEmpty())
        shown = QString::fromLatin1(got.typeName() ? got.typeName() : "nothing");
    return model + u'.' + name + u": expected "_s + what + u", got "_s + shown;
}

QString missingFieldError(QStringView model, QStringView name)
{
    return model + u'.' + name + u": a value is required (the field is non-null)"_s;
}

bool isMetadataKey(QStringView key)
{
    return key.startsWith(u'_');
}

QString unknownKey(const QVariantMap &map, std::initializer_list<QStringView> known)
{
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (isMetadataKey(it.key()))
            continue;
        if (std::find(known.begin(), known.end(), QStringView(it.key())) == known.end())
            return it.key();
    }
    return {};
}

} // namespace ds::codec

// Internals shared by the faces of the predicate engine: what a field's type
// allows, and value comparison in the wire form.
#pragma once

#include <datastore/modelschema.h>
#include <datastore/predicate.h>

#include <QList>
#include <QString>
#include <QVariant>

#include <optional>

namespace ds::predicate::detail {

// The comparison domain of a field (of its elements for a list).
enum class ValueKind {
    String,        // ID, String, AWSDate/Time/DateTime, AWSEmail, AWSJSON, AWSURL, AWSPhone, AWSIPAddress
    Int,           // Int (32-bit)
    Timestamp,     // AWSTimestamp (64-bit integer)
    Float,
    Boolean,
    Enum,
    Unfilterable,  // relation, non-model (structured) values
};

struct FieldKind
{
    ValueKind kind = ValueKind::Unfilterable;
    bool isList = false;
    bool isNumeric() const { return kind == ValueKind::Int || kind == ValueKind::Timestamp || kind == ValueKind::Float; }
};

FieldKind fieldKind(const FieldSchema &field);

// The operators a field's type offers (docs/predicates.md, "Operators per
// field type"), in the order Predicate::Op declares them.
QList<Predicate::Op> allowedOps(const FieldKind &kind);
bool isAllowed(const FieldKind &kind, Predicate::Op op);

// "Int", "[String]", "enum PostStatus", "AWSDateTime".
QString describeType(const FieldSchema &field);

// Null, invalid, or a null QString / QByteArray (the Qt SQL drivers bind those as NULL).
bool isNullValue(const QVariant &v);
bool isIntegral(const QVariant &v);   // int, qint64, ...; not bool
bool isNumber(const QVariant &v);     // integral or floating; not bool

// Structural equality of AST values: numbers by value (5 == 5LL == 5.0),
// strings, bools, lists element-wise; different kinds are unequal.
bool sameValue(const QVariant &a, const QVariant &b);

// UTF-8 byte order (that of SQLite's BINARY collation and PostgreSQL's "C").
int compareUtf8(const QString &a, const QString &b);

// Compares a non-null record value with a non-null operand in the field's
// domain; nullopt when they are not comparable (wrong types).
std::optional<int> compareValues(const QVariant &value, const QVariant &operand, ValueKind kind);

// Typed equality of a list element with an operand (a JSON number 5 equals 5;
// "5" does not equal 5; null equals nothing).
bool elementEquals(const QVariant &element, const QVariant &operand, ValueKind kind);

// Levenshtein distance, for did-you-mean hints.
int editDistance(QStringView a, QStringView b);
// The candidate closest to `word` when it is close enough to be a likely typo.
QString closest(QStringView word, const QStringList &candidates);

} // namespace ds::predicate::detail

// The value types of the model schema and the naming helpers.

#include "schema/modelschema.h"
#include "schema/schemautil_p.h"

#include <QCryptographicHash>
#include <QHash>
#include <QSet>

#include <functional>

using namespace Qt::StringLiterals;

namespace ds {

namespace {

struct ScalarName
{
    ScalarType type;
    QLatin1StringView name;
};

constexpr ScalarName scalarNames[] = {
    {ScalarType::ID, "ID"_L1},
    {ScalarType::String, "String"_L1},
    {ScalarType::Int, "Int"_L1},
    {ScalarType::Float, "Float"_L1},
    {ScalarType::Boolean, "Boolean"_L1},
    {ScalarType::AWSDate, "AWSDate"_L1},
    {ScalarType::AWSTime, "AWSTime"_L1},
    {ScalarType::AWSDateTime, "AWSDateTime"_L1},
    {ScalarType::AWSTimestamp, "AWSTimestamp"_L1},
    {ScalarType::AWSEmail, "AWSEmail"_L1},
    {ScalarType::AWSJSON, "AWSJSON"_L1},
    {ScalarType::AWSURL, "AWSURL"_L1},
    {ScalarType::AWSPhone, "AWSPhone"_L1},
    {ScalarType::AWSIPAddress, "AWSIPAddress"_L1},
};

} // namespace

QString scalarTypeName(ScalarType type)
{
    for (const ScalarName &entry : scalarNames) {
        if (entry.type == type)
            return QString(entry.name);
    }
    return {};
}

std::optional<ScalarType> scalarTypeFromName(QStringView name)
{
    for (const ScalarName &entry : scalarNames) {
        if (name == entry.name)
            return entry.type;
    }
    return std::nullopt;
}

QString FieldType::toGraphQL() const
{
    QString out = typeName;
    if (isList) {
        if (isListElementRequired)
            out += u'!';
        out = u'[' + out + u']';
    }
    if (isRequired)
        out += u'!';
    return out;
}

bool AuthRule::allows(QStringView operation) const
{
    if (operations.contains(operation))
        return true;
    static const QStringList readOperations = {
        u"get"_s, u"list"_s, u"sync"_s, u"listen"_s, u"search"_s,
    };
    if (operations.contains(u"read"_s) && readOperations.contains(operation))
        return true;
    // "read" is allowed when the rule allows every read operation.
    if (operation == u"read") {
        for (const QString &op : readOperations) {
            if (op != u"search" && !operations.contains(op))
                return false;
        }
        return true;
    }
    return false;
}

const FieldSchema *ModelSchema::field(QStringView name) const
{
    for (const FieldSchema &f : fields) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

QList<const FieldSchema *> ModelSchema::storedFields() const
{
    QList<const FieldSchema *> out;
    for (const FieldSchema &f : fields) {
        if (f.isStored())
            out.append(&f);
    }
    return out;
}

bool ModelSchema::hasOwnerAuth() const
{
    for (const AuthRule &rule : authRules) {
        if (rule.allow == AuthRule::Strategy::Owner)
            return true;
    }
    return false;
}

const FieldSchema *NonModelSchema::field(QStringView name) const
{
    for (const FieldSchema &f : fields) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

const ModelSchema *Schema::model(QStringView name) const
{
    for (const ModelSchema &m : m_models) {
        if (m.name == name)
            return &m;
    }
    return nullptr;
}

const EnumSchema *Schema::enumType(QStringView name) const
{
    for (const EnumSchema &e : m_enums) {
        if (e.name == name)
            return &e;
    }
    return nullptr;
}

const NonModelSchema *Schema::nonModel(QStringView name) const
{
    for (const NonModelSchema &n : m_nonModels) {
        if (n.name == name)
            return &n;
    }
    return nullptr;
}

QList<const ModelSchema *> Schema::topologicallySortedModels() const
{
    // Depth-first: before a model, emit the models its BelongsTo fields point
    // to. A model already on the stack (a cycle) is skipped, which breaks the
    // cycle in schema order.
    QList<const ModelSchema *> out;
    QSet<QString> done;
    QSet<QString> visiting;

    std::function<void(const ModelSchema &)> visit = [&](const ModelSchema &m) {
        if (done.contains(m.name) || visiting.contains(m.name))
            return;
        visiting.insert(m.name);
        for (const FieldSchema &f : m.fields) {
            if (f.relation.kind != RelationKind::BelongsTo || f.relation.relatedModel == m.name)
                continue;
            if (const ModelSchema *parent = model(f.relation.relatedModel))
                visit(*parent);
        }
        visiting.remove(m.name);
        done.insert(m.name);
        out.append(&m);
    };
    for (const ModelSchema &m : m_models)
        visit(m);
    return out;
}

namespace schema_detail {

QString upperFirst(const QString &word)
{
    if (word.isEmpty())
        return word;
    return word.left(1).toUpper() + word.mid(1);
}

QString lowerFirst(const QString &word)
{
    if (word.isEmpty())
        return word;
    return word.left(1).toLower() + word.mid(1);
}

QString camelCase(const QStringList &words)
{
    QString out;
    for (qsizetype i = 0; i < words.size(); ++i)
        out += i == 0 ? lowerFirst(words.at(i)) : upperFirst(words.at(i));
    return out;
}

QString graphqlName(const QString &name)
{
    QString out;
    bool started = false;
    for (const QChar c : name) {
        const bool letter = (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || c == u'_';
        const bool digit = c >= u'0' && c <= u'9';
        if (!started) {
            if (!letter)
                continue;
            started = true;
        }
        if (letter || digit)
            out += c;
    }
    return out;
}

QString filterScalarName(ScalarType type)
{
    switch (type) {
    case ScalarType::ID:
        return u"ID"_s;
    case ScalarType::Int:
    case ScalarType::AWSTimestamp:
        return u"Int"_s;
    case ScalarType::Float:
        return u"Float"_s;
    case ScalarType::Boolean:
        return u"Boolean"_s;
    case ScalarType::String:
    case ScalarType::AWSDate:
    case ScalarType::AWSTime:
    case ScalarType::AWSDateTime:
    case ScalarType::AWSEmail:
    case ScalarType::AWSJSON:
    case ScalarType::AWSURL:
    case ScalarType::AWSPhone:
    case ScalarType::AWSIPAddress:
        break;
    }
    return u"String"_s;
}

QString subscriptionName(const QString &prefix, const QString &typeName)
{
    const QString name = camelCase({prefix, typeName});
    if (name.size() <= 50)
        return name;
    const QByteArray md5 = QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Md5).toHex();
    return name.left(45) + QString::fromLatin1(md5.left(5));
}

QString indexQueryName(const QString &modelName, const QStringList &keyFields)
{
    QStringList upper;
    for (const QString &f : keyFields)
        upper.append(upperFirst(f));
    return lowerFirst(pluralize(modelName)) + u"By"_s + upper.join(u"And"_s);
}

} // namespace schema_detail

} // namespace ds

#include "codegen/generator.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <functional>

using namespace Qt::StringLiterals;

namespace ds::codegen {

namespace {

const QSet<QString> &reservedWords()
{
    // C++ keywords and alternative tokens, plus the names the generated
    // classes use themselves.
    static const QSet<QString> words = {
        u"alignas"_s, u"alignof"_s, u"and"_s, u"and_eq"_s, u"asm"_s, u"auto"_s, u"bitand"_s,
        u"bitor"_s, u"bool"_s, u"break"_s, u"case"_s, u"catch"_s, u"char"_s, u"char8_t"_s,
        u"char16_t"_s, u"char32_t"_s, u"class"_s, u"compl"_s, u"concept"_s, u"const"_s,
        u"consteval"_s, u"constexpr"_s, u"constinit"_s, u"const_cast"_s, u"continue"_s,
        u"co_await"_s, u"co_return"_s, u"co_yield"_s, u"decltype"_s, u"default"_s, u"delete"_s,
        u"do"_s, u"double"_s, u"dynamic_cast"_s, u"else"_s, u"enum"_s, u"explicit"_s,
        u"export"_s, u"extern"_s, u"false"_s, u"float"_s, u"for"_s, u"friend"_s, u"goto"_s,
        u"if"_s, u"inline"_s, u"int"_s, u"long"_s, u"mutable"_s, u"namespace"_s, u"new"_s,
        u"noexcept"_s, u"not"_s, u"not_eq"_s, u"nullptr"_s, u"operator"_s, u"or"_s,
        u"or_eq"_s, u"private"_s, u"protected"_s, u"public"_s, u"register"_s,
        u"reinterpret_cast"_s, u"requires"_s, u"return"_s, u"short"_s, u"signed"_s,
        u"sizeof"_s, u"static"_s, u"static_assert"_s, u"static_cast"_s, u"struct"_s,
        u"switch"_s, u"template"_s, u"this"_s, u"thread_local"_s, u"throw"_s, u"true"_s,
        u"try"_s, u"typedef"_s, u"typeid"_s, u"typename"_s, u"union"_s, u"unsigned"_s,
        u"using"_s, u"virtual"_s, u"void"_s, u"volatile"_s, u"wchar_t"_s, u"while"_s,
        u"xor"_s, u"xor_eq"_s,
        // Qt macros and names of our own members.
        u"signals"_s, u"slots"_s, u"emit"_s, u"foreach"_s, u"forever"_s,
        u"schema"_s, u"toVariantMap"_s, u"fromVariantMap"_s, u"toJson"_s, u"fromJson"_s,
        u"typeName"_s,
    };
    return words;
}

QString capitalized(QStringView name)
{
    if (name.isEmpty())
        return {};
    return name.first(1).toString().toUpper() + name.sliced(1);
}

QString scalarCppType(ScalarType type)
{
    switch (type) {
    case ScalarType::Int:
        return u"int"_s;
    case ScalarType::Float:
        return u"double"_s;
    case ScalarType::Boolean:
        return u"bool"_s;
    case ScalarType::AWSTimestamp:
        return u"qint64"_s;
    case ScalarType::AWSDate:
        return u"QDate"_s;
    case ScalarType::AWSDateTime:
        return u"QDateTime"_s;
    case ScalarType::AWSJSON:
        return u"QJsonValue"_s;
    case ScalarType::ID:
    case ScalarType::String:
    case ScalarType::AWSTime:   // kept as text: QTime cannot hold the zone offset AWSTime allows
    case ScalarType::AWSEmail:
    case ScalarType::AWSURL:
    case ScalarType::AWSPhone:
    case ScalarType::AWSIPAddress:
        return u"QString"_s;
    }
    return u"QString"_s;
}

// The C++ type of one value of the field (a list's element type for lists).
QString elementCppType(const FieldType &type)
{
    switch (type.kind) {
    case FieldType::Kind::Scalar:
        return scalarCppType(type.scalar);
    case FieldType::Kind::Enum:
    case FieldType::Kind::NonModel:
    case FieldType::Kind::Model:
        return type.typeName;
    }
    return {};
}

// The value type a QueryField and the storage use: QList<T> for lists.
QString valueCppType(const FieldType &type)
{
    const QString element = elementCppType(type);
    return type.isList ? u"QList<"_s + element + u'>' : element;
}

// The member's type: the value type, in std::optional unless the field is non-null.
QString memberCppType(const FieldType &type, bool optional)
{
    const QString value = valueCppType(type);
    return optional ? u"std::optional<"_s + value + u'>' : value;
}

// A C++ expression for a @default value, or empty when it cannot be expressed.
QString defaultExpression(const FieldSchema &field)
{
    if (!field.defaultValue || field.type.isList)
        return {};
    const QVariant &v = *field.defaultValue;
    switch (field.type.kind) {
    case FieldType::Kind::Enum:
        return field.type.typeName + u"::"_s + enumeratorName(v.toString());
    case FieldType::Kind::Scalar:
        switch (field.type.scalar) {
        case ScalarType::Int:
            return QString::number(v.toInt());
        case ScalarType::AWSTimestamp:
            return u"qint64("_s + QString::number(v.toLongLong()) + u')';
        case ScalarType::Float:
            return QString::number(v.toDouble(), 'g', 17);
        case ScalarType::Boolean:
            return v.toBool() ? u"true"_s : u"false"_s;
        case ScalarType::AWSDate:
        case ScalarType::AWSDateTime:
        case ScalarType::AWSJSON: {
            const QString type = scalarCppType(field.type.scalar);
            QString text = v.toString();
            text.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s);
            return u"[] { "_s + type + u" out{}; ds::codec::fromVariant(QVariant(u\""_s + text
                + u"\"_s), out, nullptr); return out; }()"_s;
        }
        default: {
            QString text = v.toString();
            text.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s).replace(u'\n', u"\\n"_s);
            return u"u\""_s + text + u"\"_s"_s;
        }
        }
    default:
        return {};
    }
}

class Writer
{
public:
    Writer &operator<<(const QString &text)
    {
        m_out += text;
        return *this;
    }
    Writer &operator<<(QStringView text)
    {
        m_out += text;
        return *this;
    }
    Writer &operator<<(const char16_t *text)
    {
        m_out += QStringView(text);
        return *this;
    }
    Writer &operator<<(char16_t ch)
    {
        m_out += QChar(ch);
        return *this;
    }
    QString take() { return std::move(m_out); }

private:
    QString m_out;
};

struct FieldInfo
{
    const FieldSchema *schema;
    QString member;      // "m_title"
    QString accessor;    // "title" (or "class_")
    QString upper;       // "Title"
    QString cppType;     // member type
    QString valueType;   // QueryField type
    // Held in std::optional: nullable fields, and the createdAt/updatedAt
    // timestamps, which a record has only once the server has set them.
    bool optional = false;
    // Left out of toVariantMap() while unset, so that a create never sends them.
    bool omitWhenUnset = false;
};

// The fields a generated class holds (and has a constant for).
bool hasMember(const FieldSchema &f)
{
    return f.isStored() && f.type.kind != FieldType::Kind::Model;
}

QList<FieldInfo> fieldInfos(const QString &className, const QList<FieldSchema> &fields,
                            const ModelSchema *model)
{
    QList<FieldInfo> out;
    // Names a getter must not take: the class's constants (a field "URL" has
    // the constant URL), the class itself and its private helper type.
    QSet<QString> taken{className, u"Uninitialized"_s};
    for (const FieldSchema &f : fields) {
        if (hasMember(f))
            taken.insert(constantName(f.name));
    }
    for (const FieldSchema &f : fields) {
        if (!hasMember(f))
            continue;
        FieldInfo info;
        info.schema = &f;
        info.accessor = memberName(f.name);
        while (taken.contains(info.accessor))   // also keeps "class_" and "class" apart
            info.accessor += u'_';
        taken.insert(info.accessor);
        info.member = u"m_"_s + f.name;
        info.upper = capitalized(f.name);
        const bool timestamp = model
            && (f.name == model->createdAtField || f.name == model->updatedAtField);
        info.optional = !f.type.isRequired || f.isReadOnly || timestamp;
        info.omitWhenUnset = info.optional && (f.isReadOnly || timestamp);
        info.cppType = memberCppType(f.type, info.optional);
        info.valueType = valueCppType(f.type);
        out.append(info);
    }
    return out;
}

// A field that holds a non-model value directly (not in a list): its class
// must be complete before the class of the field.
bool holdsByValue(const FieldSchema &f)
{
    return f.type.kind == FieldType::Kind::NonModel && !f.type.isList;
}

// Non-model types ordered so that each comes after the types its fields hold
// by value. Lists need only a declaration (every class is declared first), so
// a type may list itself or a type that lists it: type Tree { children: [Tree] }.
QList<const NonModelSchema *> orderedNonModels(const Schema &schema)
{
    QList<const NonModelSchema *> out;
    QSet<QString> done;
    QSet<QString> visiting;
    std::function<void(const NonModelSchema &)> visit = [&](const NonModelSchema &type) {
        if (done.contains(type.name) || visiting.contains(type.name))
            return;
        visiting.insert(type.name);
        for (const FieldSchema &f : type.fields) {
            if (holdsByValue(f))
                if (const NonModelSchema *dep = schema.nonModel(f.type.typeName))
                    visit(*dep);
        }
        visiting.remove(type.name);
        done.insert(type.name);
        out.append(&type);
    };
    for (const NonModelSchema &type : schema.nonModels())
        visit(type);
    return out;
}

QString knownKeysList(const QList<FieldSchema> &fields)
{
    QStringList keys;
    for (const FieldSchema &f : fields)
        keys.append(u"u\""_s + f.name + u'"');
    return keys.join(u", "_s);
}

void writeClassDeclaration(Writer &h, const QString &className, const QList<FieldSchema> &fields,
                           bool isModel, const ModelSchema *model)
{
    const QList<FieldInfo> infos = fieldInfos(className, fields, model);
    const bool hasGeneratedId = isModel && model->primaryKey == QStringList{u"id"_s}
        && model->field(u"id") && model->field(u"id")->type.kind == FieldType::Kind::Scalar;

    h << u"class "_s << className << u"\n{\npublic:\n"_s;
    h << u"    static constexpr QStringView typeName = u\""_s << className << u"\";\n"_s;
    if (isModel)
        h << u"    // The model's schema: fields, keys, auth rules, operation names.\n"_s
          << u"    static const ds::ModelSchema &schema();\n"_s;
    h << u"\n"_s;
    for (const FieldInfo &f : infos) {
        h << u"    static constexpr ds::QueryField<"_s << f.valueType << u"> "_s
          << constantName(f.schema->name) << u"{u\""_s << className << u"\", u\""_s
          << f.schema->name << u"\"};\n"_s;
    }
    h << u"\n"_s;
    if (hasGeneratedId) {
        h << u"    // A new "_s << className << u" with a fresh random id (a UUID), as Amplify does.\n"_s;
        h << u"    "_s << className << u"();\n"_s;
        h << u"    explicit "_s << className << u"(QString id);\n\n"_s;
    } else {
        h << u"    "_s << className << u"();\n\n"_s;
    }

    for (const FieldInfo &f : infos) {
        h << u"    const "_s << f.cppType << u" &"_s << f.accessor << u"() const { return "_s
          << f.member << u"; }\n"_s;
        const bool settable = !f.schema->isReadOnly && !(hasGeneratedId && f.schema->name == u"id");
        if (settable) {
            h << u"    void set"_s << f.upper << u'(' << f.cppType << u" value) { "_s << f.member
              << u" = std::move(value); }\n"_s;
            h << u"    [[nodiscard]] "_s << className << u" with"_s << f.upper << u'(' << f.cppType
              << u" value) const\n    {\n        "_s << className
              << u" copy = *this;\n        copy."_s << f.member
              << u" = std::move(value);\n        return copy;\n    }\n"_s;
        }
    }
    h << u"\n"_s;
    h << u"    // The QVariantMap / JSON form (the AppSync wire form). fromVariantMap() checks\n"_s
      << u"    // every field's type and that non-null fields are present; unknown keys are\n"_s
      << u"    // errors, sync metadata (_version, ...) is ignored.\n"_s;
    h << u"    QVariantMap toVariantMap() const;\n"_s;
    h << u"    static std::optional<"_s << className
      << u"> fromVariantMap(const QVariantMap &map, QString *error = nullptr);\n"_s;
    h << u"    QJsonObject toJson() const;\n"_s;
    h << u"    static std::optional<"_s << className
      << u"> fromJson(const QJsonObject &json, QString *error = nullptr);\n\n"_s;
    h << u"    friend bool operator==(const "_s << className << u" &, const "_s << className
      << u" &) = default;\n\n"_s;
    h << u"private:\n"_s;
    h << u"    struct Uninitialized {};\n"_s;
    h << u"    explicit "_s << className << u"(Uninitialized) {}\n\n"_s;
    for (const FieldInfo &f : infos)
        h << u"    "_s << f.cppType << u' ' << f.member << u"{};\n"_s;
    h << u"};\n\n"_s;
}

void writeClassDefinition(Writer &c, const QString &className, const QList<FieldSchema> &fields,
                          bool isModel, const ModelSchema *model)
{
    const QList<FieldInfo> infos = fieldInfos(className, fields, model);
    const bool hasGeneratedId = isModel && model->primaryKey == QStringList{u"id"_s}
        && model->field(u"id") && model->field(u"id")->type.kind == FieldType::Kind::Scalar;

    QString defaults;
    for (const FieldInfo &f : infos) {
        const QString expr = defaultExpression(*f.schema);
        if (!expr.isEmpty())
            defaults += u"    "_s + f.member + u" = "_s + expr + u";\n"_s;
    }

    if (isModel) {
        c << u"const ds::ModelSchema &"_s << className << u"::schema()\n{\n"_s
          << u"    static const ds::ModelSchema &s = *ModelProvider::schema().model(u\""_s
          << className << u"\");\n    return s;\n}\n\n"_s;
    }
    if (hasGeneratedId) {
        c << className << u"::"_s << className
          << u"()\n    : m_id(QUuid::createUuid().toString(QUuid::WithoutBraces))\n{\n"_s << defaults
          << u"}\n\n"_s;
        c << className << u"::"_s << className
          << u"(QString id)\n    : m_id(std::move(id))\n{\n"_s << defaults << u"}\n\n"_s;
    } else {
        c << className << u"::"_s << className << u"()\n{\n"_s << defaults << u"}\n\n"_s;
    }

    c << u"QVariantMap "_s << className << u"::toVariantMap() const\n{\n    QVariantMap map;\n"_s;
    for (const FieldInfo &f : infos) {
        if (f.omitWhenUnset) {
            c << u"    if ("_s << f.member << u")\n    "_s;
        }
        c << u"    map.insert(u\""_s << f.schema->name << u"\"_s, ds::codec::toVariant("_s << f.member
          << u"));\n"_s;
    }
    c << u"    return map;\n}\n\n"_s;

    c << u"std::optional<"_s << className << u"> "_s << className
      << u"::fromVariantMap(const QVariantMap &map, QString *error)\n{\n"_s;
    c << u"    const QString unknown = ds::codec::unknownKey(map, {"_s << knownKeysList(fields)
      << u"});\n"_s;
    c << u"    if (!unknown.isEmpty()) {\n        if (error)\n            *error = u\""_s << className
      << u" has no field '\"_s + unknown + u\"'\"_s;\n        return std::nullopt;\n    }\n"_s;
    c << u"    "_s << className << u" out{Uninitialized{}};\n"_s;
    for (const FieldInfo &f : infos) {
        c << u"    if (!ds::codec::readField(map, u\""_s << className << u"\", u\""_s
          << f.schema->name << u"\", out."_s << f.member << u", error))\n"_s
          << u"        return std::nullopt;\n"_s;
    }
    c << u"    return out;\n}\n\n"_s;

    c << u"QJsonObject "_s << className
      << u"::toJson() const\n{\n    return QJsonObject::fromVariantMap(toVariantMap());\n}\n\n"_s;
    c << u"std::optional<"_s << className << u"> "_s << className
      << u"::fromJson(const QJsonObject &json, QString *error)\n{\n"_s
      << u"    return fromVariantMap(json.toVariantMap(), error);\n}\n\n"_s;
}

QString byteArrayInitializer(const QByteArray &bytes)
{
    QString out;
    out.reserve(bytes.size() * 5 + 64);
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        if (i % 16 == 0)
            out += u"\n    "_s;
        out += QString::number(int(static_cast<unsigned char>(bytes[i]))) + u',';
    }
    out += u"\n    0"_s;
    return out;
}

} // namespace

QString constantName(QStringView fieldName)
{
    // Word boundaries: lower->Upper ("postId" -> POST_ID), and the end of an
    // acronym ("postID" -> POST_ID, "URLPath" -> URL_PATH), digits stay attached.
    QString out;
    for (qsizetype i = 0; i < fieldName.size(); ++i) {
        const QChar ch = fieldName[i];
        if (i > 0 && ch.isUpper()) {
            const QChar prev = fieldName[i - 1];
            const bool nextLower = i + 1 < fieldName.size() && fieldName[i + 1].isLower();
            if (prev.isLower() || prev.isDigit() || (prev.isUpper() && nextLower))
                out += u'_';
        }
        out += ch == u'-' ? QChar(u'_') : ch.toUpper();
    }
    if (reservedWords().contains(out))
        out += u'_';
    return out;
}

QString enumeratorName(QStringView value)
{
    // DRAFT -> Draft, IN_PROGRESS -> InProgress, inProgress -> InProgress.
    QString out;
    const bool screaming = value.toString().toUpper() == value;
    bool startOfWord = true;
    for (const QChar ch : value) {
        if (ch == u'_') {
            startOfWord = true;
            continue;
        }
        if (startOfWord)
            out += ch.toUpper();
        else
            out += screaming ? ch.toLower() : ch;
        startOfWord = false;
    }
    if (out.isEmpty() || out[0].isDigit())
        out.prepend(u'V');
    return out;
}

QString memberName(QStringView fieldName)
{
    const QString name = fieldName.toString();
    return reservedWords().contains(name) ? name + u'_' : name;
}

bool isValidNamespace(QStringView ns)
{
    // The generated classes' own member names are fine as namespace names.
    static const QSet<QString> ownNames = {
        u"schema"_s, u"toVariantMap"_s, u"fromVariantMap"_s, u"toJson"_s, u"fromJson"_s, u"typeName"_s,
    };
    for (QStringView part : ns.split(u"::")) {
        if (part.isEmpty() || !(part.front().isLetter() || part.front() == u'_'))
            return false;
        for (QChar ch : part) {
            if (ch.unicode() > 0x7F || !(ch.isLetterOrNumber() || ch == u'_'))
                return false;
        }
        const QString name = part.toString();
        if (reservedWords().contains(name) && !ownNames.contains(name))
            return false;
    }
    return true;
}

QList<SourceError> checkNames(const Schema &schema, const QString &sourceName)
{
    QList<SourceError> errors;
    const auto fail = [&](SourceLocation at, const QString &message) {
        errors.append(SourceError{sourceName, at, message});
    };
    const auto checkTypeName = [&](const QString &name, SourceLocation at) {
        if (name == u"ModelProvider" || name == u"Uninitialized" || reservedWords().contains(name))
            fail(at, name + u": the type name '"_s + name
                         + u"' cannot name a generated C++ class (a C++ keyword or a name the generated code uses)"_s);
    };
    const auto checkFields = [&](const QString &typeName, const QList<FieldSchema> &fields) {
        QHash<QString, QString> constants;   // constant -> the field that has it
        for (const FieldSchema &f : fields) {
            if (!hasMember(f))
                continue;
            const QString constant = constantName(f.name);
            if (const auto it = constants.constFind(constant); it != constants.cend()) {
                fail(f.location, typeName + u'.' + f.name + u": its C++ query-field constant "_s + constant
                                     + u" is already that of field '"_s + it.value()
                                     + u"'; rename one of the two fields"_s);
                continue;
            }
            constants.insert(constant, f.name);
        }
    };
    for (const EnumSchema &e : schema.enums()) {
        checkTypeName(e.name, e.location);
        QHash<QString, QString> enumerators;
        for (const QString &value : e.values) {
            const QString enumerator = enumeratorName(value);
            if (const auto it = enumerators.constFind(enumerator); it != enumerators.cend()) {
                fail(e.location, e.name + u": the values '"_s + it.value() + u"' and '"_s + value
                                     + u"' would both be the C++ enumerator "_s + enumerator);
                continue;
            }
            enumerators.insert(enumerator, value);
        }
    }
    for (const NonModelSchema &type : schema.nonModels()) {
        checkTypeName(type.name, type.location);
        checkFields(type.name, type.fields);
    }
    // Non-model types that hold each other by value (A { b: B } B { a: A })
    // would be infinitely large; through a list they are fine.
    QSet<QString> done;
    QStringList path;   // the fields from the first type of the walk: "A.b"
    QStringList onPath; // the types on the walk
    std::function<void(const NonModelSchema &)> visit = [&](const NonModelSchema &type) {
        onPath.append(type.name);
        for (const FieldSchema &f : type.fields) {
            if (!holdsByValue(f))
                continue;
            path.append(type.name + u'.' + f.name);
            if (const qsizetype at = onPath.indexOf(f.type.typeName); at >= 0) {
                fail(f.location, type.name + u'.' + f.name + u": the non-model type "_s + f.type.typeName
                                     + u" would contain itself ("_s + path.sliced(at).join(u" -> "_s)
                                     + u" -> "_s + f.type.typeName
                                     + u"); a C++ value cannot, make one of the fields a list"_s);
            } else if (!done.contains(f.type.typeName)) {
                if (const NonModelSchema *dep = schema.nonModel(f.type.typeName))
                    visit(*dep);
            }
            path.removeLast();
        }
        onPath.removeLast();
        done.insert(type.name);
    };
    for (const NonModelSchema &type : schema.nonModels()) {
        if (!done.contains(type.name))
            visit(type);
    }
    for (const ModelSchema &model : schema.models()) {
        checkTypeName(model.name, model.location);
        checkFields(model.name, model.fields);
    }
    std::stable_sort(errors.begin(), errors.end(), [](const SourceError &a, const SourceError &b) {
        return std::pair(a.location.line, a.location.column) < std::pair(b.location.line, b.location.column);
    });
    return errors;
}

GeneratedFiles generate(const Schema &schema, const Options &options)
{
    const QString ns = options.nameSpace;
    const QString banner = u"// Generated by datastore-codegen from "_s
        + (options.sourceName.isEmpty() ? u"a schema"_s : options.sourceName)
        + u". Do not edit: edit the schema and rebuild.\n// Schema version "_s + schema.version()
        + u"\n"_s;
    auto openNs = [&](Writer &w) {
        if (!ns.isEmpty())
            w << u"namespace "_s << ns << u" {\n\n"_s;
    };
    auto closeNs = [&](Writer &w) {
        if (!ns.isEmpty())
            w << u"} // namespace "_s << ns << u"\n\n"_s;
    };
    const QString qualifier = ns.isEmpty() ? u"::"_s : u"::"_s + ns + u"::"_s;

    Writer h;
    h << banner << u"#pragma once\n\n"_s;
    h << u"#include <datastore/modelcodec.h>\n#include <datastore/modelschema.h>\n"_s
      << u"#include <datastore/queryfield.h>\n\n"_s;
    h << u"#include <QDate>\n#include <QDateTime>\n#include <QJsonObject>\n#include <QJsonValue>\n"_s
      << u"#include <QList>\n#include <QString>\n#include <QVariantMap>\n\n#include <optional>\n\n"_s;

    // Enums, then their traits (which must live in namespace ds).
    openNs(h);
    for (const EnumSchema &e : schema.enums()) {
        h << u"enum class "_s << e.name << u" {\n"_s;
        for (const QString &value : e.values)
            h << u"    "_s << enumeratorName(value) << u",\n"_s;
        h << u"};\n\n"_s;
    }
    closeNs(h);
    if (!schema.enums().isEmpty()) {
        h << u"namespace ds {\n\n"_s;
        for (const EnumSchema &e : schema.enums()) {
            h << u"template<>\nstruct EnumTraits<"_s << qualifier << e.name << u">\n{\n"_s
              << u"    static QString name("_s << qualifier << e.name << u" value);\n"_s
              << u"    static std::optional<"_s << qualifier << e.name
              << u"> fromName(QStringView name);\n};\n\n"_s;
        }
        h << u"} // namespace ds\n\n"_s;
    }

    openNs(h);
    if (!schema.nonModels().isEmpty()) {
        for (const NonModelSchema &type : schema.nonModels())
            h << u"class "_s << type.name << u";\n"_s;
        h << u"\n"_s;
    }
    for (const NonModelSchema *type : orderedNonModels(schema))
        writeClassDeclaration(h, type->name, type->fields, false, nullptr);
    for (const ModelSchema &model : schema.models())
        writeClassDeclaration(h, model.name, model.fields, true, &model);

    h << u"// Every model of the schema, for ds::DataStore.\nclass ModelProvider\n{\npublic:\n"_s
      << u"    // Parsed once, on first use, from the schema text embedded at build time.\n"_s
      << u"    static const ds::Schema &schema();\n"_s
      << u"    // The schema version hash computed at build time; equals schema().version().\n"_s
      << u"    static constexpr QStringView version = u\""_s << schema.version() << u"\";\n"_s
      << u"};\n\n"_s;
    closeNs(h);

    Writer c;
    c << banner << u"#include \"models.h\"\n\n#include <QUuid>\n\n"_s
      << u"using namespace Qt::StringLiterals;\n\n"_s;

    if (!schema.enums().isEmpty()) {
        c << u"namespace ds {\n\n"_s;
        for (const EnumSchema &e : schema.enums()) {
            const QString type = qualifier + e.name;
            c << u"QString EnumTraits<"_s << type << u">::name("_s << type
              << u" value)\n{\n    switch (value) {\n"_s;
            for (const QString &value : e.values)
                c << u"    case "_s << type << u"::"_s << enumeratorName(value)
                  << u":\n        return u\""_s << value << u"\"_s;\n"_s;
            c << u"    }\n    return {};\n}\n\n"_s;
            c << u"std::optional<"_s << type << u"> EnumTraits<"_s << type
              << u">::fromName(QStringView name)\n{\n"_s;
            for (const QString &value : e.values)
                c << u"    if (name == u\""_s << value << u"\")\n        return "_s << type << u"::"_s
                  << enumeratorName(value) << u";\n"_s;
            c << u"    return std::nullopt;\n}\n\n"_s;
        }
        c << u"} // namespace ds\n\n"_s;
    }

    openNs(c);
    c << u"namespace {\n\n// The schema text, embedded verbatim.\nconst char schemaSource[] = {"_s
      << byteArrayInitializer(schema.source()) << u"\n};\n\n} // namespace\n\n"_s;
    c << u"const ds::Schema &ModelProvider::schema()\n{\n"_s
      << u"    static const ds::Schema s = [] {\n"_s
      << u"        ds::SourceError error;\n"_s
      << u"        auto parsed = ds::Schema::fromGraphQL(\n"_s
      << u"            QByteArrayView(schemaSource, sizeof(schemaSource) - 1), u\""_s
      << options.sourceName << u"\"_s, &error);\n"_s
      << u"        if (!parsed)\n"_s
      << u"            qFatal(\"embedded schema does not parse: %s\", qPrintable(error.toString()));\n"_s
      << u"        return *parsed;\n    }();\n    return s;\n}\n\n"_s;

    for (const NonModelSchema *type : orderedNonModels(schema))
        writeClassDefinition(c, type->name, type->fields, false, nullptr);
    for (const ModelSchema &model : schema.models())
        writeClassDefinition(c, model.name, model.fields, true, &model);
    closeNs(c);

    return {h.take(), c.take()};
}

} // namespace ds::codegen

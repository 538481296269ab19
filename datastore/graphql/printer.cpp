#include "graphql/printer.h"

using namespace Qt::StringLiterals;

namespace ds::graphql {

namespace {

QString indentOf(int level)
{
    return QString(level * 2, u' ');
}

bool isBlankLine(QStringView line)
{
    for (QChar c : line) {
        if (c != u' ' && c != u'\t')
            return false;
    }
    return true;
}

// Whether text survives a """block string""" unchanged (see blockStringValue()
// in the lexer): no \r, no control characters but tab and newline, no blank
// first or last line, and at least one non-blank line without indentation
// (otherwise the common indentation would be stripped).
bool blockRepresentable(QStringView text)
{
    if (text.isEmpty())
        return true;
    for (QChar c : text) {
        const char16_t u = c.unicode();
        if ((u < 0x20 && u != u'\t' && u != u'\n') || u == 0x7F)
            return false;
    }
    const QList<QStringView> lines = text.split(u'\n');
    if (isBlankLine(lines.front()) || isBlankLine(lines.back()))
        return false;
    for (QStringView line : lines) {
        if (!isBlankLine(line) && line.front() != u' ' && line.front() != u'\t')
            return true;
    }
    return false;
}

QString escapeTripleQuotes(QStringView text)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == u'"' && text.sliced(i).startsWith(u"\"\"\"")) {
            out += u"\\\"\"\""_s;
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// A block string at the given indentation, or a quoted string when the
// value cannot be written as a block string exactly.
QString blockString(QStringView text, int level, bool preferSingleLine)
{
    if (!blockRepresentable(text))
        return quoted(text);
    if (text.isEmpty())
        return u"\"\"\"\"\"\""_s;
    if (preferSingleLine && !text.contains(u'\n') && !text.endsWith(u'"') && !text.endsWith(u'\\'))
        return u"\"\"\""_s + escapeTripleQuotes(text) + u"\"\"\""_s;
    const QString indent = indentOf(level);
    QString out = u"\"\"\"\n"_s;
    const QString escaped = escapeTripleQuotes(text);
    for (QStringView line : QStringView(escaped).split(u'\n')) {
        if (!line.isEmpty())
            out += indent + line;
        out += u'\n';
    }
    out += indent + u"\"\"\""_s;
    return out;
}

QString description(const QString &text, int level)
{
    if (text.isEmpty())
        return {};
    const QString body = text.contains(u'\n') ? blockString(text, level, false) : quoted(text);
    return indentOf(level) + body + u'\n';
}

QString printValue(const Value &v, int level);

QString printArguments(const List<Argument> &args, int level)
{
    if (args.empty())
        return {};
    QString out = u"("_s;
    bool first = true;
    for (const Argument &a : args) {
        if (!first)
            out += u", "_s;
        first = false;
        out += a.name + u": "_s + printValue(a.value, level);
    }
    return out + u')';
}

QString printDirectives(const List<Directive> &dirs, int level)
{
    QString out;
    for (const Directive &d : dirs)
        out += u" @"_s + d.name + printArguments(d.arguments, level);
    return out;
}

QString printValue(const Value &v, int level)
{
    switch (v.kind) {
    case Value::Kind::Variable:
        return u'$' + v.text;
    case Value::Kind::Int:
    case Value::Kind::Float:
    case Value::Kind::Enum:
        return v.text;
    case Value::Kind::String:
        return v.block ? blockString(v.text, level, true) : quoted(v.text);
    case Value::Kind::Boolean:
        return v.boolean ? u"true"_s : u"false"_s;
    case Value::Kind::Null:
        return u"null"_s;
    case Value::Kind::List: {
        QString out = u"["_s;
        for (size_t i = 0; i < v.list.size(); ++i) {
            if (i)
                out += u", "_s;
            out += printValue(v.list[i], level);
        }
        return out + u']';
    }
    case Value::Kind::Object: {
        QString out = u"{"_s;
        for (size_t i = 0; i < v.fields.size(); ++i) {
            if (i)
                out += u", "_s;
            out += v.fields[i].name + u": "_s + printValue(v.fields[i].value, level);
        }
        return out + u'}';
    }
    }
    return {};
}

QString printType(const TypeRef &t)
{
    switch (t.kind) {
    case TypeRef::Kind::Named:
        return t.name;
    case TypeRef::Kind::List:
        return u'[' + (t.ofType.empty() ? QString() : printType(t.ofType.front())) + u']';
    case TypeRef::Kind::NonNull:
        return (t.ofType.empty() ? QString() : printType(t.ofType.front())) + u'!';
    }
    return {};
}

QString printSelectionSet(const List<Selection> &set, int level);

QString printSelection(const Selection &s, int level)
{
    QString out = indentOf(level);
    switch (s.kind) {
    case Selection::Kind::Field:
        if (!s.alias.isEmpty())
            out += s.alias + u": "_s;
        out += s.name + printArguments(s.arguments, level) + printDirectives(s.directives, level);
        if (!s.selectionSet.empty())
            out += u' ' + printSelectionSet(s.selectionSet, level);
        break;
    case Selection::Kind::FragmentSpread:
        out += u"..."_s + s.name + printDirectives(s.directives, level);
        break;
    case Selection::Kind::InlineFragment:
        out += u"..."_s;
        if (!s.typeCondition.isEmpty())
            out += u" on "_s + s.typeCondition;
        out += printDirectives(s.directives, level) + u' ' + printSelectionSet(s.selectionSet, level);
        break;
    }
    return out;
}

QString printSelectionSet(const List<Selection> &set, int level)
{
    QString out = u"{\n"_s;
    for (const Selection &s : set)
        out += printSelection(s, level + 1) + u'\n';
    return out + indentOf(level) + u'}';
}

QString printInputValue(const InputValueDefinition &v, int level)
{
    QString out = v.name + u": "_s + printType(v.type);
    if (v.defaultValue)
        out += u" = "_s + printValue(*v.defaultValue, level);
    return out + printDirectives(v.directives, level);
}

// "(a: Int, b: String)" or, when an argument has a description, one per line.
QString printArgumentDefinitions(const List<InputValueDefinition> &args, int level)
{
    if (args.empty())
        return {};
    bool multiLine = false;
    for (const InputValueDefinition &a : args)
        multiLine = multiLine || !a.description.isEmpty();
    QString out = u"("_s;
    if (multiLine) {
        out += u'\n';
        for (const InputValueDefinition &a : args)
            out += description(a.description, level + 1) + indentOf(level + 1)
                + printInputValue(a, level + 1) + u'\n';
        out += indentOf(level);
    } else {
        for (size_t i = 0; i < args.size(); ++i) {
            if (i)
                out += u", "_s;
            out += printInputValue(args[i], level);
        }
    }
    return out + u')';
}

QString printOperation(const OperationDefinition &op)
{
    if (op.shorthand && op.operation == OperationType::Query && op.name.isEmpty()
        && op.variables.empty() && op.directives.empty())
        return printSelectionSet(op.selectionSet, 0);
    QString out = operationTypeName(op.operation).toString();
    if (!op.name.isEmpty())
        out += u' ' + op.name;
    if (!op.variables.empty()) {
        out += u'(';
        for (size_t i = 0; i < op.variables.size(); ++i) {
            const VariableDefinition &v = op.variables[i];
            if (i)
                out += u", "_s;
            out += u'$' + v.name + u": "_s + printType(v.type);
            if (v.defaultValue)
                out += u" = "_s + printValue(*v.defaultValue, 0);
            out += printDirectives(v.directives, 0);
        }
        out += u')';
    }
    return out + printDirectives(op.directives, 0) + u' ' + printSelectionSet(op.selectionSet, 0);
}

QString printFragment(const FragmentDefinition &f)
{
    return u"fragment "_s + f.name + u" on "_s + f.typeCondition + printDirectives(f.directives, 0)
        + u' ' + printSelectionSet(f.selectionSet, 0);
}

QString printSchema(const SchemaDefinition &s)
{
    QString out = s.isExtension ? u"extend schema"_s : description(s.description, 0) + u"schema"_s;
    out += printDirectives(s.directives, 0);
    if (!s.operationTypes.empty()) {
        out += u" {\n"_s;
        for (const RootOperationTypeDefinition &r : s.operationTypes)
            out += u"  "_s + operationTypeName(r.operation) + u": "_s + r.typeName + u'\n';
        out += u'}';
    }
    return out;
}

QString printTypeDefinition(const TypeDefinition &t)
{
    QString out = t.isExtension ? u"extend "_s : description(t.description, 0);
    switch (t.kind) {
    case TypeDefinition::Kind::Scalar: out += u"scalar "_s; break;
    case TypeDefinition::Kind::Object: out += u"type "_s; break;
    case TypeDefinition::Kind::Interface: out += u"interface "_s; break;
    case TypeDefinition::Kind::Union: out += u"union "_s; break;
    case TypeDefinition::Kind::Enum: out += u"enum "_s; break;
    case TypeDefinition::Kind::InputObject: out += u"input "_s; break;
    }
    out += t.name;
    if (!t.interfaces.isEmpty())
        out += u" implements "_s + t.interfaces.join(u" & "_s);
    out += printDirectives(t.directives, 0);
    switch (t.kind) {
    case TypeDefinition::Kind::Scalar:
        break;
    case TypeDefinition::Kind::Object:
    case TypeDefinition::Kind::Interface:
        if (!t.fields.empty()) {
            out += u" {\n"_s;
            for (const FieldDefinition &f : t.fields)
                out += description(f.description, 1) + u"  "_s + f.name
                    + printArgumentDefinitions(f.arguments, 1) + u": "_s + printType(f.type)
                    + printDirectives(f.directives, 1) + u'\n';
            out += u'}';
        }
        break;
    case TypeDefinition::Kind::Union:
        if (!t.unionMembers.isEmpty())
            out += u" = "_s + t.unionMembers.join(u" | "_s);
        break;
    case TypeDefinition::Kind::Enum:
        if (!t.enumValues.empty()) {
            out += u" {\n"_s;
            for (const EnumValueDefinition &e : t.enumValues)
                out += description(e.description, 1) + u"  "_s + e.name
                    + printDirectives(e.directives, 1) + u'\n';
            out += u'}';
        }
        break;
    case TypeDefinition::Kind::InputObject:
        if (!t.inputFields.empty()) {
            out += u" {\n"_s;
            for (const InputValueDefinition &f : t.inputFields)
                out += description(f.description, 1) + u"  "_s + printInputValue(f, 1) + u'\n';
            out += u'}';
        }
        break;
    }
    return out;
}

QString printDirectiveDefinition(const DirectiveDefinition &d)
{
    QString out = description(d.description, 0) + u"directive @"_s + d.name
        + printArgumentDefinitions(d.arguments, 0);
    if (d.repeatable)
        out += u" repeatable"_s;
    return out + u" on "_s + d.locations.join(u" | "_s);
}

} // namespace

QString print(const Document &document)
{
    QString out;
    for (const Definition &d : document.definitions) {
        if (!out.isEmpty())
            out += u"\n\n"_s;
        out += print(d);
    }
    if (!out.isEmpty())
        out += u'\n';
    return out;
}

QString print(const Definition &definition)
{
    return std::visit(
        [](const auto &d) -> QString {
            using T = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<T, OperationDefinition>)
                return printOperation(d);
            else if constexpr (std::is_same_v<T, FragmentDefinition>)
                return printFragment(d);
            else if constexpr (std::is_same_v<T, SchemaDefinition>)
                return printSchema(d);
            else if constexpr (std::is_same_v<T, TypeDefinition>)
                return printTypeDefinition(d);
            else
                return printDirectiveDefinition(d);
        },
        definition);
}

QString print(const Value &value)
{
    return printValue(value, 0);
}

QString print(const TypeRef &type)
{
    return printType(type);
}

QString print(const List<Selection> &selectionSet)
{
    return printSelectionSet(selectionSet, 0);
}

QString quoted(QStringView text)
{
    QString out;
    out.reserve(text.size() + 2);
    out += u'"';
    for (QChar c : text) {
        const char16_t u = c.unicode();
        switch (u) {
        case u'"': out += u"\\\""_s; break;
        case u'\\': out += u"\\\\"_s; break;
        case u'\b': out += u"\\b"_s; break;
        case u'\f': out += u"\\f"_s; break;
        case u'\n': out += u"\\n"_s; break;
        case u'\r': out += u"\\r"_s; break;
        case u'\t': out += u"\\t"_s; break;
        default:
            if (u < 0x20 || u == 0x7F)
                out += u"\\u"_s + QString::number(u, 16).toUpper().rightJustified(4, u'0');
            else
                out += c;
        }
    }
    out += u'"';
    return out;
}

} // namespace ds::graphql

#include "graphql/parser.h"

#include "common/logging_p.h"
#include "graphql/lexer_p.h"

#include <algorithm>
#include <concepts>
#include <deque>
#include <iterator>

using namespace Qt::StringLiterals;

namespace ds::graphql {

namespace {

using detail::Lexer;
using detail::SyntaxError;
using detail::Tok;

// Reusable buffers for the items of one list (selection set, arguments, ...)
// per nesting level: items collect here and move into an exactly-sized
// vector at the end, instead of regrowing each list from empty.
template<typename T>
class Scratch
{
public:
    class Lease
    {
    public:
        explicit Lease(Scratch *s) : m_s(s)
        {
            if (m_s->m_used == m_s->m_levels.size())
                m_s->m_levels.emplace_back();
            m_items = &m_s->m_levels[m_s->m_used++];
        }
        ~Lease()
        {
            m_items->clear();
            --m_s->m_used;
        }
        Lease(const Lease &) = delete;
        Lease &operator=(const Lease &) = delete;

        std::vector<T> &items() { return *m_items; }
        // The items, moved into an exactly-sized list in the document's arena.
        List<T> take(const AstAllocator<char> &arena)
        {
            return List<T>(std::make_move_iterator(m_items->begin()),
                           std::make_move_iterator(m_items->end()), AstAllocator<T>(arena));
        }

    private:
        Scratch *m_s;
        std::vector<T> *m_items;
    };

private:
    std::deque<std::vector<T>> m_levels;   // deque: references stay valid
    size_t m_used = 0;
};

// "scalar", "type", ...: the keyword of a type definition, for messages.
QString typeKeyword(TypeDefinition::Kind kind)
{
    switch (kind) {
    case TypeDefinition::Kind::Scalar: return u"scalar"_s;
    case TypeDefinition::Kind::Object: return u"type"_s;
    case TypeDefinition::Kind::Interface: return u"interface"_s;
    case TypeDefinition::Kind::Union: return u"union"_s;
    case TypeDefinition::Kind::Enum: return u"enum"_s;
    case TypeDefinition::Kind::InputObject: return u"input"_s;
    }
    return {};
}

class Parser
{
public:
    Parser(QByteArrayView utf8, DocumentKind kind, const ParseLimits &limits)
        : m_arena(detail::AstArena::create()), m_lex(utf8, limits), m_kind(kind),
          m_maxDepth(qBound(0, limits.maxDepth, HardMaxDepth))
    {
    }
    Parser(const Parser &) = delete;
    Parser &operator=(const Parser &) = delete;

    // Called before the AST leaves the parser: later growth of its lists
    // (by another thread, maybe) allocates under the arena's lock.
    void seal() { m_arena.arena()->seal(); }

    // The recursion bound whatever ParseLimits says, so that a raised limit
    // cannot overflow the stack of a secondary thread (the parser, the
    // printer and the AST's destructors all recurse once per level).
    static constexpr int HardMaxDepth = 1000;

    Document parseDocument();
    Value parseStandaloneValue();
    TypeRef parseStandaloneType();

private:
    // ---- token helpers
    const detail::Token &tok() const { return m_lex.token(); }
    bool at(Tok kind) const { return tok().kind == kind; }
    template<qsizetype N>
    bool atKeyword(const char (&kw)[N]) const { return m_lex.textIs(kw); }
    Loc loc() const { return Loc{tok().loc}; }
    void advance() { m_lex.next(); }
    bool skip(Tok kind)
    {
        if (!at(kind))
            return false;
        advance();
        return true;
    }

    [[noreturn]] void unexpected(const QString &expected)
    {
        if (at(Tok::End))
            m_lex.fail(tok().loc, u"unexpected end of document, expected "_s + expected);
        m_lex.fail(tok().loc, u"expected "_s + expected + u", found "_s + m_lex.describe());
    }
    void expect(Tok kind, const QString &context = {})
    {
        if (!at(kind))
            unexpected(Lexer::describe(kind) + context);
        advance();
    }
    QString expectName(const QString &what = u"name"_s)
    {
        if (!at(Tok::Name))
            unexpected(what);
        QString n = m_lex.name();
        advance();
        return n;
    }
    // The same with the message's context built only on error: contexts that
    // name something ("after field name 'title'") would otherwise cost a
    // string concatenation per field, argument and input value parsed.
    template<std::invocable F>
    void expect(Tok kind, F &&context)
    {
        if (!at(kind))
            unexpected(Lexer::describe(kind) + context());
        advance();
    }
    template<std::invocable F>
    QString expectName(F &&what)
    {
        if (!at(Tok::Name))
            unexpected(what());
        QString n = m_lex.name();
        advance();
        return n;
    }
    template<qsizetype N, std::invocable F>
    void expectKeyword(const char (&kw)[N], F &&context)
    {
        if (!atKeyword(kw))
            unexpected(u"'"_s + QLatin1StringView(kw) + u"'"_s + context());
        advance();
    }

    struct DepthGuard
    {
        Parser *p;
        explicit DepthGuard(Parser *parser) : p(parser)
        {
            if (++p->m_depth > p->m_maxDepth)
                p->m_lex.fail(p->tok().loc, u"nesting deeper than %1 levels"_s.arg(p->m_maxDepth));
        }
        ~DepthGuard() { --p->m_depth; }
        DepthGuard(const DepthGuard &) = delete;
        DepthGuard &operator=(const DepthGuard &) = delete;
    };

    // ---- executable definitions
    Definition parseDefinition();
    OperationDefinition parseOperation();
    FragmentDefinition parseFragment();
    List<Selection> parseSelectionSet();
    Selection parseSelection();
    List<Argument> parseArguments(bool isConst);
    List<Directive> parseDirectives(bool isConst);
    VariableDefinition parseVariableDefinition();
    QString parseTypeCondition();

    // ---- values and types
    Value parseValue(bool isConst);
    TypeRef parseType();

    // ---- type system
    Definition parseTypeSystemDefinition(const QString &description, Loc start, bool extension);
    SchemaDefinition parseSchema(const QString &description, Loc start, bool extension);
    std::optional<QString> parseDescription();
    QStringList parseImplements();
    List<FieldDefinition> parseFieldsDefinition();
    List<InputValueDefinition> parseInputValueDefinitions(Tok open, Tok close,
                                                                 const QString &what);
    InputValueDefinition parseInputValueDefinition();
    List<EnumValueDefinition> parseEnumValues();
    QStringList parseUnionMembers();
    DirectiveDefinition parseDirectiveDefinition(const QString &description, Loc start);

    void checkKind(bool executable, Loc start, const QString &what);

    Scratch<Selection> m_selections;
    Scratch<Argument> m_arguments;
    Scratch<Directive> m_directives;
    Scratch<Value> m_values;
    Scratch<ObjectField> m_objectFields;
    Scratch<FieldDefinition> m_fieldDefinitions;
    Scratch<InputValueDefinition> m_inputValues;
    Scratch<EnumValueDefinition> m_enumValues;

    // The arena of the document's lists; this allocator holds a reference.
    AstAllocator<char> m_arena;
    Lexer m_lex;
    DocumentKind m_kind;
    int m_maxDepth;
    int m_depth = 0;
};

// ---------------------------------------------------------------------------

Document Parser::parseDocument()
{
    // Definitions collect in segments of growing size in the arena, then
    // move into one exactly-sized list: a large document's list of
    // definitions (megabytes for an API schema) is neither regrown on the
    // heap nor copied more than once.
    std::vector<List<Definition>> segments;
    size_t count = 0;
    advance();
    if (at(Tok::End))
        unexpected(u"a definition"_s);
    while (!at(Tok::End)) {
        if (segments.empty() || segments.back().size() == segments.back().capacity()) {
            segments.emplace_back(AstAllocator<Definition>(m_arena));
            segments.back().reserve(size_t(16) << std::min<size_t>(segments.size(), 6));   // up to 1024
        }
        segments.back().push_back(parseDefinition());
        ++count;
    }
    Document doc;
    doc.definitions = List<Definition>(AstAllocator<Definition>(m_arena));
    doc.definitions.reserve(count);
    for (List<Definition> &segment : segments) {
        for (Definition &d : segment)
            doc.definitions.push_back(std::move(d));
    }
    return doc;
}

void Parser::checkKind(bool executable, Loc start, const QString &what)
{
    if (executable && m_kind == DocumentKind::TypeSystem)
        m_lex.fail(start.at, what + u" not allowed in a type system document"_s);
    if (!executable && m_kind == DocumentKind::Executable)
        m_lex.fail(start.at, what + u" not allowed in an executable document"_s);
}

Definition Parser::parseDefinition()
{
    const Loc start = loc();
    if (at(Tok::BraceL)) {
        checkKind(true, start, u"operation"_s);
        OperationDefinition op;
        op.loc = start;
        op.shorthand = true;
        op.selectionSet = parseSelectionSet();
        return op;
    }
    if (at(Tok::String) || at(Tok::BlockString)) {
        const QString description = *parseDescription();
        if (atKeyword("query") || atKeyword("mutation") || atKeyword("subscription")
            || atKeyword("fragment") || at(Tok::BraceL))
            m_lex.fail(tok().loc, u"descriptions are allowed only on type system definitions"_s);
        if (atKeyword("extend"))
            m_lex.fail(tok().loc, u"descriptions are not allowed on extensions"_s);
        return parseTypeSystemDefinition(description, start, false);
    }
    if (!at(Tok::Name))
        unexpected(u"a definition"_s);
    if (atKeyword("query") || atKeyword("mutation") || atKeyword("subscription")) {
        checkKind(true, start, u"operation"_s);
        return parseOperation();
    }
    if (atKeyword("fragment")) {
        checkKind(true, start, u"fragment definition"_s);
        return parseFragment();
    }
    if (atKeyword("extend")) {
        advance();
        return parseTypeSystemDefinition({}, start, true);
    }
    return parseTypeSystemDefinition({}, start, false);
}

OperationDefinition Parser::parseOperation()
{
    OperationDefinition op;
    op.loc = loc();
    if (atKeyword("query"))
        op.operation = OperationType::Query;
    else if (atKeyword("mutation"))
        op.operation = OperationType::Mutation;
    else
        op.operation = OperationType::Subscription;
    advance();
    if (at(Tok::Name))
        op.name = expectName();
    if (at(Tok::ParenL)) {
        advance();
        if (at(Tok::ParenR))
            unexpected(u"variable definition"_s);
        while (!skip(Tok::ParenR))
            op.variables.push_back(parseVariableDefinition());
    }
    op.directives = parseDirectives(false);
    if (!at(Tok::BraceL))
        unexpected(u"'{' to start the selection set of "_s
                   + (op.name.isEmpty() ? u"the operation"_s : u"operation '"_s + op.name + u"'"_s));
    op.selectionSet = parseSelectionSet();
    return op;
}

VariableDefinition Parser::parseVariableDefinition()
{
    VariableDefinition v;
    v.loc = loc();
    if (!at(Tok::Dollar))
        unexpected(u"variable definition"_s);
    advance();
    v.name = expectName(u"variable name after '$'"_s);
    expect(Tok::Colon, [&]() -> QString { return u" after variable '$"_s + v.name + u"'"_s; });
    v.type = parseType();
    if (skip(Tok::Equals))
        v.defaultValue = parseValue(true);
    v.directives = parseDirectives(true);
    return v;
}

FragmentDefinition Parser::parseFragment()
{
    FragmentDefinition f;
    f.loc = loc();
    advance();   // 'fragment'
    if (atKeyword("on"))
        m_lex.fail(tok().loc, u"a fragment cannot be named 'on'"_s);
    f.name = expectName(u"fragment name"_s);
    if (!atKeyword("on"))
        unexpected(u"'on' after fragment name '"_s + f.name + u"'"_s);
    f.typeCondition = parseTypeCondition();
    f.directives = parseDirectives(false);
    if (!at(Tok::BraceL))
        unexpected(u"'{' to start the selection set of fragment '"_s + f.name + u"'"_s);
    f.selectionSet = parseSelectionSet();
    return f;
}

QString Parser::parseTypeCondition()
{
    advance();   // 'on'
    return expectName(u"type name after 'on'"_s);
}

List<Selection> Parser::parseSelectionSet()
{
    DepthGuard guard(this);
    Scratch<Selection>::Lease set(&m_selections);
    advance();   // '{'
    if (at(Tok::BraceR))
        unexpected(u"field or fragment (a selection set cannot be empty)"_s);
    while (!skip(Tok::BraceR))
        set.items().push_back(parseSelection());
    return set.take(m_arena);
}

Selection Parser::parseSelection()
{
    Selection s;
    s.loc = loc();
    if (at(Tok::Spread)) {
        advance();
        if (at(Tok::Name) && !atKeyword("on")) {
            s.kind = Selection::Kind::FragmentSpread;
            s.name = expectName();
            s.directives = parseDirectives(false);
            return s;
        }
        s.kind = Selection::Kind::InlineFragment;
        if (atKeyword("on"))
            s.typeCondition = parseTypeCondition();
        s.directives = parseDirectives(false);
        if (!at(Tok::BraceL))
            unexpected(u"'{' to start the selection set of the inline fragment"_s);
        s.selectionSet = parseSelectionSet();
        return s;
    }
    s.kind = Selection::Kind::Field;
    s.name = expectName(u"field name"_s);
    if (skip(Tok::Colon)) {
        s.alias = std::move(s.name);
        s.name = expectName([&]() -> QString { return u"field name after alias '"_s + s.alias + u"'"_s; });
    }
    s.arguments = parseArguments(false);
    s.directives = parseDirectives(false);
    if (at(Tok::BraceL))
        s.selectionSet = parseSelectionSet();
    return s;
}

List<Argument> Parser::parseArguments(bool isConst)
{
    if (!skip(Tok::ParenL))
        return {};
    Scratch<Argument>::Lease args(&m_arguments);
    if (at(Tok::ParenR))
        unexpected(u"argument name"_s);
    while (!skip(Tok::ParenR)) {
        Argument a;
        a.loc = loc();
        a.name = expectName(u"argument name"_s);
        expect(Tok::Colon, [&]() -> QString { return u" after argument name '"_s + a.name + u"'"_s; });
        a.value = parseValue(isConst);
        args.items().push_back(std::move(a));
    }
    return args.take(m_arena);
}

List<Directive> Parser::parseDirectives(bool isConst)
{
    if (!at(Tok::At))
        return {};
    Scratch<Directive>::Lease dirs(&m_directives);
    while (at(Tok::At)) {
        Directive d;
        d.loc = loc();
        advance();
        d.name = expectName(u"directive name after '@'"_s);
        d.arguments = parseArguments(isConst);
        dirs.items().push_back(std::move(d));
    }
    return dirs.take(m_arena);
}

Value Parser::parseValue(bool isConst)
{
    Value v;
    v.loc = loc();
    switch (tok().kind) {
    case Tok::Dollar:
        if (isConst)
            m_lex.fail(tok().loc, u"variables are not allowed in a constant value"_s);
        advance();
        v.kind = Value::Kind::Variable;
        v.text = expectName(u"variable name after '$'"_s);
        return v;
    case Tok::Int:
    case Tok::Float:
        v.kind = at(Tok::Int) ? Value::Kind::Int : Value::Kind::Float;
        v.text = m_lex.name();
        advance();
        return v;
    case Tok::String:
    case Tok::BlockString:
        v.kind = Value::Kind::String;
        v.block = at(Tok::BlockString);
        v.text = m_lex.stringValue();
        advance();
        return v;
    case Tok::Name:
        if (atKeyword("true") || atKeyword("false")) {
            v.kind = Value::Kind::Boolean;
            v.boolean = atKeyword("true");
        } else if (atKeyword("null")) {
            v.kind = Value::Kind::Null;
        } else {
            v.kind = Value::Kind::Enum;
            v.text = m_lex.name();
        }
        advance();
        return v;
    case Tok::BracketL: {
        DepthGuard guard(this);
        v.kind = Value::Kind::List;
        advance();
        Scratch<Value>::Lease items(&m_values);
        while (!skip(Tok::BracketR)) {
            if (at(Tok::End))
                unexpected(u"']'"_s);
            items.items().push_back(parseValue(isConst));
        }
        v.list = items.take(m_arena);
        return v;
    }
    case Tok::BraceL: {
        DepthGuard guard(this);
        v.kind = Value::Kind::Object;
        advance();
        Scratch<ObjectField>::Lease fields(&m_objectFields);
        while (!skip(Tok::BraceR)) {
            ObjectField f;
            f.loc = loc();
            f.name = expectName(u"object field name or '}'"_s);
            expect(Tok::Colon, [&]() -> QString { return u" after object field name '"_s + f.name + u"'"_s; });
            f.value = parseValue(isConst);
            fields.items().push_back(std::move(f));
        }
        v.fields = fields.take(m_arena);
        return v;
    }
    default:
        unexpected(u"value"_s);
    }
}

TypeRef Parser::parseType()
{
    TypeRef t;
    t.loc = loc();
    if (at(Tok::BracketL)) {
        DepthGuard guard(this);
        advance();
        t.kind = TypeRef::Kind::List;
        t.ofType = List<TypeRef>(AstAllocator<TypeRef>(m_arena));
        t.ofType.reserve(1);
        t.ofType.push_back(parseType());
        expect(Tok::BracketR, u" to close the list type"_s);
    } else {
        t.kind = TypeRef::Kind::Named;
        t.name = expectName(u"type"_s);
    }
    if (at(Tok::Bang)) {
        advance();
        TypeRef nn;
        nn.loc = t.loc;
        nn.kind = TypeRef::Kind::NonNull;
        nn.ofType = List<TypeRef>(AstAllocator<TypeRef>(m_arena));
        nn.ofType.reserve(1);
        nn.ofType.push_back(std::move(t));
        return nn;
    }
    return t;
}

// ---- type system -------------------------------------------------------------

std::optional<QString> Parser::parseDescription()
{
    if (!at(Tok::String) && !at(Tok::BlockString))
        return std::nullopt;
    QString d = m_lex.stringValue();
    advance();
    return d;
}

Definition Parser::parseTypeSystemDefinition(const QString &description, Loc start, bool extension)
{
    const QString what = extension ? u"type system extension"_s : u"type system definition"_s;
    if (!at(Tok::Name))
        unexpected(extension ? u"'schema', 'scalar', 'type', 'interface', 'union', 'enum' or 'input' after 'extend'"_s
                             : u"a definition"_s);
    if (atKeyword("schema")) {
        checkKind(false, start, what);
        return parseSchema(description, start, extension);
    }
    if (atKeyword("directive")) {
        if (extension)
            unexpected(u"'schema', 'scalar', 'type', 'interface', 'union', 'enum' or 'input' after 'extend'"_s);
        checkKind(false, start, what);
        return parseDirectiveDefinition(description, start);
    }
    TypeDefinition t;
    t.loc = start;
    t.isExtension = extension;
    t.description = description;
    QString keyword;
    if (atKeyword("scalar"))
        t.kind = TypeDefinition::Kind::Scalar;
    else if (atKeyword("type"))
        t.kind = TypeDefinition::Kind::Object;
    else if (atKeyword("interface"))
        t.kind = TypeDefinition::Kind::Interface;
    else if (atKeyword("union"))
        t.kind = TypeDefinition::Kind::Union;
    else if (atKeyword("enum"))
        t.kind = TypeDefinition::Kind::Enum;
    else if (atKeyword("input"))
        t.kind = TypeDefinition::Kind::InputObject;
    else if (extension)
        unexpected(u"'schema', 'scalar', 'type', 'interface', 'union', 'enum' or 'input' after 'extend'"_s);
    else
        unexpected(u"a definition"_s);
    checkKind(false, start, what);
    keyword = typeKeyword(t.kind);
    advance();
    t.name = expectName([&]() -> QString { return keyword + u" name"_s; });
    bool hasBody = false;
    QString bodyExpected;
    switch (t.kind) {
    case TypeDefinition::Kind::Scalar:
        t.directives = parseDirectives(true);
        hasBody = !t.directives.empty();
        bodyExpected = u"directives"_s;
        break;
    case TypeDefinition::Kind::Object:
    case TypeDefinition::Kind::Interface:
        if (atKeyword("implements"))
            t.interfaces = parseImplements();
        t.directives = parseDirectives(true);
        if (at(Tok::BraceL))
            t.fields = parseFieldsDefinition();
        hasBody = !t.interfaces.isEmpty() || !t.directives.empty() || !t.fields.empty();
        bodyExpected = u"'implements', directives or '{'"_s;
        break;
    case TypeDefinition::Kind::Union:
        t.directives = parseDirectives(true);
        if (at(Tok::Equals))
            t.unionMembers = parseUnionMembers();
        hasBody = !t.directives.empty() || !t.unionMembers.isEmpty();
        bodyExpected = u"directives or '='"_s;
        break;
    case TypeDefinition::Kind::Enum:
        t.directives = parseDirectives(true);
        if (at(Tok::BraceL))
            t.enumValues = parseEnumValues();
        hasBody = !t.directives.empty() || !t.enumValues.empty();
        bodyExpected = u"directives or '{'"_s;
        break;
    case TypeDefinition::Kind::InputObject:
        t.directives = parseDirectives(true);
        if (at(Tok::BraceL))
            t.inputFields = parseInputValueDefinitions(Tok::BraceL, Tok::BraceR, u"input field"_s);
        hasBody = !t.directives.empty() || !t.inputFields.empty();
        bodyExpected = u"directives or '{'"_s;
        break;
    }
    if (extension && !hasBody)
        unexpected(bodyExpected + u" in the extension of "_s + keyword + u" '"_s + t.name + u"'"_s);
    return t;
}

SchemaDefinition Parser::parseSchema(const QString &description, Loc start, bool extension)
{
    SchemaDefinition s;
    s.loc = start;
    s.isExtension = extension;
    s.description = description;
    advance();   // 'schema'
    s.directives = parseDirectives(true);
    if (!at(Tok::BraceL)) {
        if (extension && !s.directives.empty())
            return s;
        unexpected(extension ? u"directives or '{' in the schema extension"_s : u"'{' after 'schema'"_s);
    }
    advance();
    if (at(Tok::BraceR))
        unexpected(u"'query', 'mutation' or 'subscription'"_s);
    while (!skip(Tok::BraceR)) {
        RootOperationTypeDefinition r;
        r.loc = loc();
        if (atKeyword("query"))
            r.operation = OperationType::Query;
        else if (atKeyword("mutation"))
            r.operation = OperationType::Mutation;
        else if (atKeyword("subscription"))
            r.operation = OperationType::Subscription;
        else
            unexpected(u"'query', 'mutation' or 'subscription'"_s);
        advance();
        expect(Tok::Colon, [&]() -> QString { return u" after '"_s + operationTypeName(r.operation) + u"'"_s; });
        r.typeName = expectName(u"type name"_s);
        s.operationTypes.push_back(std::move(r));
    }
    return s;
}

QStringList Parser::parseImplements()
{
    advance();   // 'implements'
    QStringList names;
    skip(Tok::Amp);
    names.append(expectName(u"interface name"_s));
    while (skip(Tok::Amp))
        names.append(expectName(u"interface name after '&'"_s));
    return names;
}

List<FieldDefinition> Parser::parseFieldsDefinition()
{
    Scratch<FieldDefinition>::Lease fields(&m_fieldDefinitions);
    advance();   // '{'
    if (at(Tok::BraceR))
        unexpected(u"field definition"_s);
    while (!skip(Tok::BraceR)) {
        FieldDefinition f;
        f.loc = loc();
        if (auto d = parseDescription())
            f.description = *d;
        f.name = expectName(u"field name"_s);
        if (at(Tok::ParenL))
            f.arguments = parseInputValueDefinitions(Tok::ParenL, Tok::ParenR, u"argument definition"_s);
        expect(Tok::Colon, [&]() -> QString { return u" after field name '"_s + f.name + u"'"_s; });
        f.type = parseType();
        f.directives = parseDirectives(true);
        fields.items().push_back(std::move(f));
    }
    return fields.take(m_arena);
}

List<InputValueDefinition> Parser::parseInputValueDefinitions(Tok open, Tok close,
                                                                     const QString &what)
{
    Q_UNUSED(open);
    Scratch<InputValueDefinition>::Lease values(&m_inputValues);
    advance();   // open
    if (at(close))
        unexpected(what);
    while (!skip(close))
        values.items().push_back(parseInputValueDefinition());
    return values.take(m_arena);
}

InputValueDefinition Parser::parseInputValueDefinition()
{
    InputValueDefinition v;
    v.loc = loc();
    if (auto d = parseDescription())
        v.description = *d;
    v.name = expectName(u"name"_s);
    expect(Tok::Colon, [&]() -> QString { return u" after name '"_s + v.name + u"'"_s; });
    v.type = parseType();
    if (skip(Tok::Equals))
        v.defaultValue = parseValue(true);
    v.directives = parseDirectives(true);
    return v;
}

List<EnumValueDefinition> Parser::parseEnumValues()
{
    Scratch<EnumValueDefinition>::Lease values(&m_enumValues);
    advance();   // '{'
    if (at(Tok::BraceR))
        unexpected(u"enum value"_s);
    while (!skip(Tok::BraceR)) {
        EnumValueDefinition e;
        e.loc = loc();
        if (auto d = parseDescription())
            e.description = *d;
        if (atKeyword("true") || atKeyword("false") || atKeyword("null"))
            m_lex.fail(tok().loc, u"enum value cannot be named '"_s
                                      + QString::fromLatin1(m_lex.text()) + u"'"_s);
        e.name = expectName(u"enum value"_s);
        e.directives = parseDirectives(true);
        values.items().push_back(std::move(e));
    }
    return values.take(m_arena);
}

QStringList Parser::parseUnionMembers()
{
    advance();   // '='
    QStringList names;
    skip(Tok::Pipe);
    names.append(expectName(u"union member type"_s));
    while (skip(Tok::Pipe))
        names.append(expectName(u"union member type after '|'"_s));
    return names;
}

DirectiveDefinition Parser::parseDirectiveDefinition(const QString &description, Loc start)
{
    DirectiveDefinition d;
    d.loc = start;
    d.description = description;
    advance();   // 'directive'
    expect(Tok::At, u" after 'directive'"_s);
    d.name = expectName(u"directive name"_s);
    if (at(Tok::ParenL))
        d.arguments = parseInputValueDefinitions(Tok::ParenL, Tok::ParenR, u"argument definition"_s);
    if (atKeyword("repeatable")) {
        d.repeatable = true;
        advance();
    }
    expectKeyword("on", [&]() -> QString { return u" in the definition of directive '@"_s + d.name + u"'"_s; });
    static const char *const locations[] = {
        "QUERY", "MUTATION", "SUBSCRIPTION", "FIELD", "FRAGMENT_DEFINITION", "FRAGMENT_SPREAD",
        "INLINE_FRAGMENT", "VARIABLE_DEFINITION", "SCHEMA", "SCALAR", "OBJECT",
        "FIELD_DEFINITION", "ARGUMENT_DEFINITION", "INTERFACE", "UNION", "ENUM", "ENUM_VALUE",
        "INPUT_OBJECT", "INPUT_FIELD_DEFINITION",
    };
    skip(Tok::Pipe);
    do {
        if (!at(Tok::Name))
            unexpected(u"directive location"_s);
        bool known = false;
        for (const char *l : locations)
            known = known || m_lex.textIs(l);
        if (!known)
            m_lex.fail(tok().loc, u"unknown directive location '"_s
                                      + QString::fromLatin1(m_lex.text()) + u"'"_s);
        d.locations.append(m_lex.name());
        advance();
    } while (skip(Tok::Pipe));
    return d;
}

Value Parser::parseStandaloneValue()
{
    advance();
    Value v = parseValue(false);
    if (!at(Tok::End))
        unexpected(u"end of document after the value"_s);
    return v;
}

TypeRef Parser::parseStandaloneType()
{
    advance();
    TypeRef t = parseType();
    if (!at(Tok::End))
        unexpected(u"end of document after the type"_s);
    return t;
}

bool checkSize(QByteArrayView utf8, const ParseLimits &limits, SourceError *error)
{
    if (utf8.size() <= limits.maxDocumentBytes)
        return true;
    error->location = SourceLocation{1, 1};
    error->message = u"document larger than %1 bytes"_s.arg(limits.maxDocumentBytes);
    return false;
}

} // namespace

ParseResult parse(QByteArrayView utf8, const QString &sourceName, DocumentKind kind,
                  const ParseLimits &limits)
{
    ParseResult result;
    result.error.sourceName = sourceName;
    if (checkSize(utf8, limits, &result.error)) {
        try {
            Parser parser(utf8, kind, limits);
            result.document = parser.parseDocument();
            parser.seal();
        } catch (const SyntaxError &e) {
            result.error.location = e.location;
            result.error.message = e.message;
            result.document = {};
        }
    }
    if (!result.ok())
        qCDebug(lcGraphQL).noquote() << "rejected a document of" << utf8.size() << "bytes:"
                                     << result.error.toString();
    return result;
}

std::optional<Value> parseValue(QByteArrayView utf8, SourceError *error, const ParseLimits &limits)
{
    SourceError err;
    if (!checkSize(utf8, limits, &err)) {
        if (error)
            *error = err;
        return std::nullopt;
    }
    try {
        Parser parser(utf8, DocumentKind::Any, limits);
        Value v = parser.parseStandaloneValue();
        parser.seal();
        return v;
    } catch (const SyntaxError &e) {
        if (error)
            *error = SourceError{{}, e.location, e.message};
        return std::nullopt;
    }
}

std::optional<TypeRef> parseType(QByteArrayView utf8, SourceError *error, const ParseLimits &limits)
{
    SourceError err;
    if (!checkSize(utf8, limits, &err)) {
        if (error)
            *error = err;
        return std::nullopt;
    }
    try {
        Parser parser(utf8, DocumentKind::Any, limits);
        TypeRef t = parser.parseStandaloneType();
        parser.seal();
        return t;
    } catch (const SyntaxError &e) {
        if (error)
            *error = SourceError{{}, e.location, e.message};
        return std::nullopt;
    }
}

} // namespace ds::graphql

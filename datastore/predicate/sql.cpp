// The SQL face: every leaf compiles to an expression that is never NULL, so
// NOT, AND and OR keep two-valued logic and NOT(p) is the exact complement of
// p (docs/predicates.md, "Null semantics"). Values are only ever bindings.
#include "predicate/sql.h"

#include "predicate/predicate_p.h"

using namespace Qt::StringLiterals;

namespace ds::predicate {

using namespace detail;
using Op = Predicate::Op;

namespace {

QString quoteIdentifier(const QString &name)
{
    QString quoted = name;
    quoted.replace(u'"', u"\"\""_s);
    return u'"' + quoted + u'"';
}

class SqlCompiler
{
public:
    SqlCompiler(const ModelSchema &model, const SqlOptions &options)
        : m_model(model), m_options(options), m_pg(options.dialect == SqlDialect::PostgreSQL),
          m_next(options.firstParameter)
    {
    }

    QString compile(const Predicate &p)
    {
        switch (p.kind()) {
        case Predicate::Kind::All:
            return constant(true);
        case Predicate::Kind::And:
        case Predicate::Kind::Or: {
            if (p.children().isEmpty())
                return constant(p.kind() == Predicate::Kind::And);
            const QString joiner = p.kind() == Predicate::Kind::And ? u" AND "_s : u" OR "_s;
            QString out = u"("_s;
            bool first = true;
            for (const Predicate &c : p.children()) {
                if (!first)
                    out += joiner;
                first = false;
                out += compile(c);
            }
            return out + u")"_s;
        }
        case Predicate::Kind::Not:
            return u"NOT ("_s + compile(p.children().front()) + u")"_s;
        case Predicate::Kind::Comparison:
            break;
        }
        return leaf(p);
    }

    QVariantList bindings;

private:
    QString constant(bool value) const
    {
        if (m_pg)
            return value ? u"TRUE"_s : u"FALSE"_s;
        return value ? u"1"_s : u"0"_s;
    }

    QString bind(const QVariant &value, ValueKind kind)
    {
        QVariant v = value;
        if (kind == ValueKind::Boolean && !m_pg)
            v = value.toBool() ? 1 : 0;
        else if ((kind == ValueKind::Int || kind == ValueKind::Timestamp) && isIntegral(value))
            v = value.toLongLong();
        bindings.append(v);
        if (m_pg)
            return u"$"_s + QString::number(m_next++);
        return u"?"_s;
    }

    QString column(const FieldSchema &field) const
    {
        if (m_options.column)
            return m_options.column(field);
        return quoteIdentifier(field.name);
    }

    // PostgreSQL orders text by byte in the "C" collation (as SQLite's BINARY does).
    QString ordered(const QString &col, ValueKind kind) const
    {
        if (m_pg && (kind == ValueKind::String || kind == ValueKind::Enum))
            return col + u" COLLATE \"C\""_s;
        return col;
    }

    QString pgElementType(ValueKind kind) const
    {
        switch (kind) {
        case ValueKind::Int:
        case ValueKind::Timestamp:
            return u"bigint"_s;
        case ValueKind::Float:
            return u"double precision"_s;
        case ValueKind::Boolean:
            return u"boolean"_s;
        default:
            return u"text"_s;
        }
    }

    QString listMembership(const QString &col, const QVariant &operand, ValueKind kind)
    {
        if (m_pg)
            return u"COALESCE(CAST("_s + col + u" AS jsonb) @> jsonb_build_array(CAST("_s + bind(operand, kind)
                   + u" AS "_s + pgElementType(kind) + u")), FALSE)"_s;
        // json_each() gives JSON numbers as INTEGER/REAL, strings as TEXT and
        // true/false as 1/0, so the comparison is typed: 5 = 5.0, '5' <> 5.
        return u"EXISTS (SELECT 1 FROM json_each("_s + col + u") AS je WHERE je.value = "_s + bind(operand, kind)
               + u")"_s;
    }

    QString leaf(const Predicate &p)
    {
        const FieldSchema *field = m_model.field(p.field());
        if (!field)
            return constant(false);
        const FieldKind fk = fieldKind(*field);
        const QString col = column(*field);
        const QVariant &operand = p.value();
        const QString notNull = col + u" IS NOT NULL"_s;
        const QString isNull = col + u" IS NULL"_s;

        auto comparison = [&](QStringView sqlOp) -> QString {
            if (isNullValue(operand))
                return constant(false);
            return u"("_s + notNull + u" AND "_s + ordered(col, fk.kind) + u' ' + sqlOp + u' '
                   + bind(operand, fk.kind) + u")"_s;
        };

        switch (p.op()) {
        case Op::AttributeExists:
            return u"("_s + (operand.toBool() ? notNull : isNull) + u")"_s;
        case Op::Eq:
            return comparison(u"=");
        case Op::Ne:
            if (isNullValue(operand))
                return constant(true);
            return u"("_s + isNull + u" OR "_s + col + u" <> "_s + bind(operand, fk.kind) + u")"_s;
        case Op::Lt:
            return comparison(u"<");
        case Op::Le:
            return comparison(u"<=");
        case Op::Gt:
            return comparison(u">");
        case Op::Ge:
            return comparison(u">=");
        case Op::Between: {
            const QVariantList range = operand.toList();
            if (range.size() != 2 || isNullValue(range.at(0)) || isNullValue(range.at(1)))
                return constant(false);
            const QString c = ordered(col, fk.kind);
            const QString lo = bind(range.at(0), fk.kind);
            const QString hi = bind(range.at(1), fk.kind);
            return u"("_s + notNull + u" AND "_s + c + u" >= "_s + lo + u" AND "_s + c + u" <= "_s + hi + u")"_s;
        }
        case Op::BeginsWith: {
            if (isNullValue(operand))
                return constant(false);
            if (m_pg)
                return u"("_s + notNull + u" AND starts_with("_s + col + u", CAST("_s
                       + bind(operand, fk.kind) + u" AS text)))"_s;
            const QString a = bind(operand, fk.kind);
            const QString b = bind(operand, fk.kind);
            return u"("_s + notNull + u" AND substr("_s + col + u", 1, length("_s + a + u")) = "_s + b + u")"_s;
        }
        case Op::Contains:
        case Op::NotContains: {
            const bool positive = p.op() == Op::Contains;
            if (isNullValue(operand))
                return constant(!positive);
            QString found;
            if (fk.isList) {
                found = listMembership(col, operand, fk.kind);
            } else if (m_pg) {
                found = u"strpos("_s + col + u", CAST("_s + bind(operand, fk.kind) + u" AS text)) > 0"_s;
            } else {
                found = u"instr("_s + col + u", "_s + bind(operand, fk.kind) + u") > 0"_s;
            }
            if (positive)
                return u"("_s + notNull + u" AND "_s + found + u")"_s;
            return u"("_s + isNull + u" OR NOT ("_s + found + u"))"_s;
        }
        case Op::In:
        case Op::NotIn: {
            const bool positive = p.op() == Op::In;
            QStringList placeholders;
            const QVariantList candidates = operand.toList();
            for (const QVariant &c : candidates) {
                if (!isNullValue(c))
                    placeholders.append(bind(c, fk.kind));
            }
            if (placeholders.isEmpty())
                return constant(!positive);
            const QString list = u"("_s + placeholders.join(u", "_s) + u")"_s;
            if (positive)
                return u"("_s + notNull + u" AND "_s + col + u" IN "_s + list + u")"_s;
            return u"("_s + isNull + u" OR "_s + col + u" NOT IN "_s + list + u")"_s;
        }
        }
        return constant(false);
    }

    const ModelSchema &m_model;
    const SqlOptions &m_options;
    const bool m_pg;
    int m_next;
};

} // namespace

SqlFragment toSql(const Predicate &predicate, const ModelSchema &model, const SqlOptions &options)
{
    SqlCompiler compiler(model, options);
    SqlFragment out;
    out.sql = compiler.compile(predicate);
    out.bindings = std::move(compiler.bindings);
    return out;
}

} // namespace ds::predicate

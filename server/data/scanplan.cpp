#include "data/scanplan.h"

#include "data/values_p.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace ds::server::data {

namespace {

using Op = Predicate::Op;

bool isRange(Op op)
{
    switch (op) {
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
    case Op::Between:
    case Op::BeginsWith:
        return true;
    default:
        return false;
    }
}

bool hasValue(const Predicate &p)
{
    const QVariant &v = p.value();
    if (!v.isValid() || v.isNull())
        return false;
    if (p.op() == Op::Between) {
        const QVariantList range = v.toList();
        return range.size() == 2 && !range.at(0).isNull() && !range.at(1).isNull();
    }
    return true;
}

struct Candidate
{
    QString name;
    QStringList fields;
    bool primaryKey = false;
};

struct Match
{
    int fixed = 0;
    QString rangeField;
    QStringList terms;   // "lastName eq", "createdAt gt"

    bool usable() const { return fixed > 0 || !rangeField.isEmpty(); }
    // Better: more fixed fields, then a range after them, then the primary key.
    int score(bool primaryKey) const { return fixed * 4 + (rangeField.isEmpty() ? 0 : 2) + (primaryKey ? 1 : 0); }
};

Match match(const Candidate &index, const QList<Predicate> &conjuncts)
{
    Match m;
    for (const QString &field : index.fields) {
        bool fixed = false;
        QStringList ranges;
        for (const Predicate &c : conjuncts) {
            if (c.kind() != Predicate::Kind::Comparison || c.field() != field || !hasValue(c))
                continue;
            if (c.op() == Op::Eq)
                fixed = true;
            else if (isRange(c.op()))
                ranges.append(Predicate::opName(c.op()));
        }
        if (fixed) {
            ++m.fixed;
            m.terms.append(field % u" eq"_s);
            continue;
        }
        if (!ranges.isEmpty()) {
            m.rangeField = field;
            m.terms.append(field % u' ' % ranges.join(u'+'));
        }
        break;
    }
    return m;
}

} // namespace

QStringList ScanPlan::constrainedFields() const
{
    QStringList fields = fixedFields;
    if (!rangeField.isEmpty())
        fields.append(rangeField);
    return fields;
}

QString ScanPlan::describe() const
{
    if (kind == Kind::Scan)
        return u"scan ("_s % reason % u')';
    QStringList terms;
    for (const QString &f : fixedFields)
        terms.append(f % u" eq"_s);
    if (!rangeField.isEmpty())
        terms.append(rangeField % u" range"_s);
    return u"index "_s % index % u" ("_s % terms.join(u", "_s) % u')';
}

QJsonObject ScanPlan::toJson() const
{
    QJsonObject o{{u"plan"_s, kind == Kind::Index ? u"index"_s : u"scan"_s},
                  {u"order"_s, QJsonArray::fromStringList(orderFields)},
                  {u"reason"_s, reason}};
    if (kind == Kind::Index) {
        o.insert(u"index"_s, index);
        o.insert(u"fields"_s, QJsonArray::fromStringList(indexFields));
        o.insert(u"fixed"_s, QJsonArray::fromStringList(fixedFields));
        o.insert(u"range"_s, rangeField.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(rangeField));
    }
    return o;
}

QList<Predicate> topLevelConjuncts(const Predicate &filter)
{
    switch (filter.kind()) {
    case Predicate::Kind::And:
        return filter.children();
    case Predicate::Kind::Comparison:
        return {filter};
    default:
        return {};
    }
}

ScanPlan planBaseScan(const ModelSchema &model, const Predicate &filter)
{
    ScanPlan plan;
    plan.orderFields = model.primaryKey;
    const QList<Predicate> conjuncts = topLevelConjuncts(filter);
    if (conjuncts.isEmpty()) {
        switch (filter.kind()) {
        case Predicate::Kind::All: plan.reason = u"no filter"_s; break;
        case Predicate::Kind::Or: plan.reason = u"an `or` at the top level constrains no field on its own"_s; break;
        case Predicate::Kind::Not: plan.reason = u"a `not` at the top level constrains no field on its own"_s; break;
        default: plan.reason = u"the filter constrains no field"_s; break;
        }
        return plan;
    }

    QList<Candidate> candidates{{ScanPlan::kPrimaryKey.toString(), model.primaryKey, true}};
    for (const IndexSchema &index : model.indexes)
        candidates.append({index.name, index.fields, false});

    const Candidate *best = nullptr;
    Match bestMatch;
    for (const Candidate &c : candidates) {
        if (c.fields.isEmpty())
            continue;
        const Match m = match(c, conjuncts);
        if (!m.usable())
            continue;
        if (!best || m.score(c.primaryKey) > bestMatch.score(best->primaryKey)) {
            best = &c;
            bestMatch = m;
        }
    }
    if (!best) {
        QStringList firsts;
        for (const Candidate &c : candidates) {
            if (!c.fields.isEmpty() && !firsts.contains(c.fields.constFirst()))
                firsts.append(c.fields.constFirst());
        }
        plan.reason = u"no top-level eq or range on the first field of an index ("_s % firsts.join(u", "_s) % u')';
        return plan;
    }

    plan.kind = ScanPlan::Kind::Index;
    plan.index = best->name;
    plan.indexFields = best->fields;
    plan.fixedFields = best->fields.mid(0, bestMatch.fixed);
    plan.rangeField = bestMatch.rangeField;
    plan.orderFields = best->fields;
    for (const QString &f : model.primaryKey) {
        if (!plan.orderFields.contains(f))
            plan.orderFields.append(f);
    }
    plan.reason = bestMatch.terms.join(u", "_s) % u" on "_s
        % (best->primaryKey ? u"the primary key"_s : u"@index "_s % best->name) % u" ("_s
        % best->fields.join(u", "_s) % u')';
    return plan;
}

QString prefixUpperBound(const QString &prefix)
{
    QList<uint> codePoints = prefix.toUcs4();
    while (!codePoints.isEmpty() && codePoints.constLast() >= 0x10FFFF)
        codePoints.removeLast();
    if (codePoints.isEmpty())
        return {};
    uint &last = codePoints.last();
    ++last;
    if (last >= 0xD800 && last <= 0xDFFF)   // no surrogates in a string
        last = 0xE000;
    return QString::fromUcs4(reinterpret_cast<const char32_t *>(codePoints.constData()), codePoints.size());
}

QString keysetCondition(const QStringList &fields, const QVariantList &values, bool descending,
                        const std::function<bool(const QString &)> &neverNull, const KeysetSql &sql)
{
    bool rowValue = true;
    for (qsizetype i = 0; i < fields.size(); ++i) {
        if (values.at(i).isNull() || (descending && !neverNull(fields.at(i))))
            rowValue = false;
    }
    auto columns = [](const QStringList &names) {
        QStringList quotedNames;
        for (const QString &n : names)
            quotedNames.append(quoted(n));
        return quotedNames.join(u", "_s);
    };
    if (rowValue) {
        QStringList marks;
        for (qsizetype i = 0; i < values.size(); ++i)
            marks.append(sql.mark(i));
        return u"("_s % columns(fields) % (descending ? u") < ("_s : u") > ("_s) % marks.join(u", "_s) % u')';
    }
    QStringList bounds;
    qsizetype leading = 0;
    while (leading < fields.size() && neverNull(fields.at(leading)) && !values.at(leading).isNull())
        ++leading;
    if (leading > 0) {
        QStringList row;
        for (qsizetype i = 0; i < leading; ++i)
            row.append(sql.mark(i));
        bounds.append(u"("_s % columns(fields.mid(0, leading)) % (descending ? u") <= ("_s : u") >= ("_s)
                      % row.join(u", "_s) % u')');
    } else if (sql.boundFirstColumn && !descending && !values.at(0).isNull()) {
        const QString mark = sql.mark(0);
        bounds.append(quoted(fields.at(0)) % u" >= "_s % mark);
    } else if (sql.boundFirstColumn && descending && values.at(0).isNull()) {
        bounds.append(quoted(fields.at(0)) % u" IS NULL"_s);
    }
    // Placeholders are taken in text order (SQLite binds by position).
    std::function<QString(qsizetype)> after = [&](qsizetype i) -> QString {
        if (i == fields.size())
            return sql.falseLiteral;
        const QString column = sql.columnPrefix % quoted(fields.at(i));
        if (values.at(i).isNull()) {
            const QString rest = after(i + 1);
            if (descending)   // NULLs last: only NULLs can follow
                return u"("_s % column % u" IS NULL AND "_s % rest % u')';
            return u"("_s % column % u" IS NOT NULL OR ("_s % column % u" IS NULL AND "_s % rest % u"))"_s;
        }
        const QString beyond = sql.mark(i);
        const QString head = descending && !neverNull(fields.at(i))
            ? QString(u"("_s % column % u" < "_s % beyond % u" OR "_s % column % u" IS NULL"_s)
            : QString(u"("_s % column % (descending ? u" < "_s : u" > "_s) % beyond);
        const QString equal = sql.mark(i);
        const QString rest = after(i + 1);
        return head % u" OR ("_s % column % u" = "_s % equal % u" AND "_s % rest % u"))"_s;
    };
    bounds.append(after(0));
    return bounds.join(u" AND "_s);
}

} // namespace ds::server::data

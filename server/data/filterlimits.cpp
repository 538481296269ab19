#include "data/filterlimits.h"

#include "data/tuning_p.h"

#include <QJsonArray>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace ds::server::data {

namespace {

bool isGroup(QStringView key)
{
    return key == u"and" || key == u"or" || key == u"not";
}

class JsonChecker
{
public:
    explicit JsonChecker(const FilterLimits &limits) : m_limits(limits) {}

    // A filter object: group keys hold filters, other keys field conditions.
    QString object(const QJsonValue &value, const QString &path, int depth)
    {
        if (!value.isObject())
            return {};   // the shape is predicate::fromJson()'s to judge
        const QJsonObject o = value.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            const QString here = path % u'.' % it.key();
            if (isGroup(it.key())) {
                if (depth + 1 > m_limits.maxDepth)
                    return here % u": nesting depth exceeds the maximum of "_s
                        % QString::number(m_limits.maxDepth) % u" (and/or/not groups)"_s;
                if (it.value().isArray()) {
                    const QJsonArray children = it.value().toArray();
                    for (qsizetype i = 0; i < children.size(); ++i) {
                        if (QString e = object(children.at(i), here % u'[' % QString::number(i) % u']', depth + 1);
                            !e.isEmpty())
                            return e;
                    }
                } else if (QString e = object(it.value(), here, depth + 1); !e.isEmpty()) {
                    return e;
                }
                continue;
            }
            if (++m_conditions > m_limits.maxConditions)
                return here % u": the filter has more than "_s % QString::number(m_limits.maxConditions)
                    % u" conditions (the maximum)"_s;
            if (!it.value().isObject())
                continue;
            const QJsonObject operators = it.value().toObject();
            for (auto op = operators.begin(); op != operators.end(); ++op) {
                if (op.value().isArray() && op.value().toArray().size() > m_limits.maxListValues)
                    return here % u'.' % op.key() % u": "_s % QString::number(op.value().toArray().size())
                        % u" values; the maximum is "_s % QString::number(m_limits.maxListValues);
            }
        }
        return {};
    }

private:
    const FilterLimits &m_limits;
    int m_conditions = 0;
};

QString predicateDepth(const Predicate &p, int depth, int *conditions, const FilterLimits &limits)
{
    switch (p.kind()) {
    case Predicate::Kind::All:
        return {};
    case Predicate::Kind::Comparison: {
        if (++*conditions > limits.maxConditions)
            return u"the predicate has more than "_s % QString::number(limits.maxConditions)
                % u" conditions (the maximum)"_s;
        const QVariant &v = p.value();
        if (v.metaType().id() == QMetaType::QVariantList && v.toList().size() > limits.maxListValues)
            return p.field() % u' ' % Predicate::opName(p.op()) % u": "_s % QString::number(v.toList().size())
                % u" values; the maximum is "_s % QString::number(limits.maxListValues);
        return {};
    }
    case Predicate::Kind::And:
    case Predicate::Kind::Or:
    case Predicate::Kind::Not:
        if (depth + 1 > limits.maxDepth)
            return u"predicate nesting depth exceeds the maximum of "_s % QString::number(limits.maxDepth)
                % u" (and/or/not groups)"_s;
        for (const Predicate &c : p.children()) {
            if (QString e = predicateDepth(c, depth + 1, conditions, limits); !e.isEmpty())
                return e;
        }
        return {};
    }
    return {};
}

} // namespace

FilterLimits FilterLimits::defaults()
{
    return {tuning::kMaxFilterDepth, tuning::kMaxFilterConditions, tuning::kMaxFilterListValues};
}

QString checkFilterLimits(const QJsonValue &filter, const QString &path, const FilterLimits &limits)
{
    JsonChecker checker(limits);
    return checker.object(filter, path, 0);
}

QString checkPredicateLimits(const Predicate &predicate, const FilterLimits &limits)
{
    int conditions = 0;
    return predicateDepth(predicate, 0, &conditions, limits);
}

} // namespace ds::server::data

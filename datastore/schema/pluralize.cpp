// pluralize(): the plural rules of the npm `pluralize` package (8.x), which
// the Amplify GraphQL transformer uses through plurality(name, true) for
// listPosts / syncPosts and index query names.
//
// How the package works, reproduced here:
//  1. The whole word, lower-cased, is looked up among the irregular plurals
//     (returned as they are) and the irregular singulars (replaced).
//  2. Uncountable words (a set of lower-case words) are returned unchanged.
//  3. Otherwise the ordered regex rules are tried from the LAST added to the
//     first; the first that matches replaces its (leftmost) match. The
//     uncountable regexes are added after the plural rules, so they win.
//  4. Case is restored from the text that was replaced (or, for an empty
//     match, from the character before it): "Person" -> "People",
//     "BABY" -> "BABIES", "BlogPost" -> "BlogPosts".

#include "schema/modelschema.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>

using namespace Qt::StringLiterals;

namespace ds {
namespace {

struct PluralRule
{
    QRegularExpression pattern;
    QString replacement;   // "$1ies": $N are capture groups, $0 the match
};

struct PluralTables
{
    QHash<QString, QString> singleToPlural;   // irregular singular -> plural: "ox" -> "oxen"
    QSet<QString> irregularPlurals;           // the irregular plurals, kept as they are: "oxen"
    QSet<QString> uncountables;
    std::vector<PluralRule> rules;            // in the order they are tried (highest priority first)

    PluralTables()
    {
        static const char *const irregular[][2] = {
            // pronouns
            {"i", "we"}, {"me", "us"}, {"he", "they"}, {"she", "they"}, {"them", "them"},
            {"myself", "ourselves"}, {"yourself", "yourselves"}, {"itself", "themselves"},
            {"herself", "themselves"}, {"himself", "themselves"}, {"themself", "themselves"},
            {"is", "are"}, {"was", "were"}, {"has", "have"}, {"this", "these"}, {"that", "those"},
            // consonant + o
            {"echo", "echoes"}, {"dingo", "dingoes"}, {"volcano", "volcanoes"},
            {"tornado", "tornadoes"}, {"torpedo", "torpedoes"},
            // -us
            {"genus", "genera"}, {"viscus", "viscera"},
            // -ma
            {"stigma", "stigmata"}, {"stoma", "stomata"}, {"dogma", "dogmata"},
            {"lemma", "lemmata"}, {"schema", "schemata"}, {"anathema", "anathemata"},
            // others
            {"ox", "oxen"}, {"axe", "axes"}, {"die", "dice"}, {"yes", "yeses"}, {"foot", "feet"},
            {"eave", "eaves"}, {"goose", "geese"}, {"tooth", "teeth"}, {"quiz", "quizzes"},
            {"human", "humans"}, {"proof", "proofs"}, {"carve", "carves"}, {"valve", "valves"},
            {"looey", "looies"}, {"thief", "thieves"}, {"groove", "grooves"},
            {"pickaxe", "pickaxes"}, {"passerby", "passersby"},
        };
        for (const auto &pair : irregular) {
            const QString single = QString::fromLatin1(pair[0]);
            const QString plural = QString::fromLatin1(pair[1]);
            singleToPlural.insert(single, plural);
            irregularPlurals.insert(plural);
        }

        static const char *const uncountableWords[] = {
            "adulthood", "advice", "agenda", "aid", "aircraft", "alcohol", "ammo", "analytics",
            "anime", "athletics", "audio", "bison", "blood", "bream", "buffalo", "butter", "carp",
            "cash", "chassis", "chess", "clothing", "cod", "commerce", "cooperation", "corps",
            "debris", "diabetes", "digestion", "elk", "energy", "equipment", "excretion",
            "expertise", "firmware", "flounder", "fun", "gallows", "garbage", "graffiti",
            "hardware", "headquarters", "health", "herpes", "highjinks", "homework", "housework",
            "information", "jeans", "justice", "kudos", "labour", "literature", "machinery",
            "mackerel", "mail", "media", "mews", "moose", "music", "mud", "manga", "news", "only",
            "personnel", "pike", "plankton", "pliers", "police", "pollution", "premises", "rain",
            "research", "rice", "salmon", "scissors", "series", "sewage", "shambles", "shrimp",
            "software", "staff", "swine", "tennis", "traffic", "transportation", "trout", "tuna",
            "wealth", "welfare", "whiting", "wildebeest", "wildlife", "you",
        };
        for (const char *word : uncountableWords)
            uncountables.insert(QString::fromLatin1(word));

        // The plural rules in the order the package adds them (lowest
        // priority first); the uncountable regexes come last with "$0".
        static const char *const pluralRules[][2] = {
            {"s?$", "s"},
            {"[^\\x{0000}-\\x{007F}]$", "$0"},
            {"([^aeiou]ese)$", "$1"},
            {"(ax|test)is$", "$1es"},
            {"(alias|[^aou]us|t[lm]as|gas|ris)$", "$1es"},
            {"(e[mn]u)s?$", "$1s"},
            {"([^l]ias|[aeiou]las|[ejzr]as|[iu]am)$", "$1"},
            {"(alumn|syllab|vir|radi|nucle|fung|cact|stimul|termin|bacill|foc|uter|loc|strat)(?:us|i)$", "$1i"},
            {"(alumn|alg|vertebr)(?:a|ae)$", "$1ae"},
            {"(seraph|cherub)(?:im)?$", "$1im"},
            {"(her|at|gr)o$", "$1oes"},
            {"(agend|addend|millenni|dat|extrem|bacteri|desiderat|strat|candelabr|errat|ov|symposi|curricul|automat|quor)(?:a|um)$", "$1a"},
            {"(apheli|hyperbat|periheli|asyndet|noumen|phenomen|criteri|organ|prolegomen|hedr|automat)(?:a|on)$", "$1a"},
            {"sis$", "ses"},
            {"(?:(kni|wi|li)fe|(ar|l|ea|eo|oa|hoo)f)$", "$1$2ves"},
            {"([^aeiouy]|qu)y$", "$1ies"},
            {"([^ch][ieo][ln])ey$", "$1ies"},
            {"(x|ch|ss|sh|zz)$", "$1es"},
            {"(matr|cod|mur|sil|vert|ind|append)(?:ix|ex)$", "$1ices"},
            {"\\b((?:tit)?m|l)(?:ice|ouse)$", "$1ice"},
            {"(pe)(?:rson|ople)$", "$1ople"},
            {"(child)(?:ren)?$", "$1ren"},
            {"eaux$", "$0"},
            {"m[ae]n$", "men"},
            {"^thou$", "you"},
            // uncountable regexes
            {"pok[e\\x{00E9}]mon$", "$0"},
            {"[^aeiou]ese$", "$0"},
            {"deer$", "$0"},
            {"fish$", "$0"},
            {"measles$", "$0"},
            {"o[iu]s$", "$0"},
            {"pox$", "$0"},
            {"sheep$", "$0"},
        };
        const auto count = std::size(pluralRules);
        rules.reserve(count);
        for (size_t i = count; i-- > 0;) {
            rules.push_back({QRegularExpression(QString::fromLatin1(pluralRules[i][0]),
                                                QRegularExpression::CaseInsensitiveOption),
                             QString::fromLatin1(pluralRules[i][1])});
        }
    }
};

const PluralTables &tables()
{
    static const PluralTables t;
    return t;
}

// The package's restoreCase(): gives `token` the case pattern of `word`.
QString restoreCase(const QString &word, const QString &token)
{
    if (word == token)
        return token;
    if (word == word.toLower())
        return token.toLower();
    if (word == word.toUpper())
        return token.toUpper();
    if (!word.isEmpty() && word.at(0) == word.at(0).toUpper())
        return token.left(1).toUpper() + token.mid(1).toLower();
    return token.toLower();
}

// Expands $0..$99 in a replacement; groups that did not take part give "".
QString interpolate(const QString &replacement, const QRegularExpressionMatch &match)
{
    QString out;
    out.reserve(replacement.size() + 8);
    for (qsizetype i = 0; i < replacement.size(); ++i) {
        const QChar c = replacement.at(i);
        if (c == u'$' && i + 1 < replacement.size() && replacement.at(i + 1).isDigit()) {
            int group = replacement.at(i + 1).digitValue();
            ++i;
            if (i + 1 < replacement.size() && replacement.at(i + 1).isDigit()) {
                group = group * 10 + replacement.at(i + 1).digitValue();
                ++i;
            }
            if (group <= match.lastCapturedIndex())
                out += match.captured(group);
            continue;
        }
        out += c;
    }
    return out;
}

} // namespace

QString pluralize(const QString &word)
{
    const PluralTables &t = tables();
    const QString token = word.toLower();

    if (t.irregularPlurals.contains(token))
        return restoreCase(word, token);
    if (const auto it = t.singleToPlural.constFind(token); it != t.singleToPlural.cend())
        return restoreCase(word, it.value());
    if (token.isEmpty() || t.uncountables.contains(token))
        return word;

    for (const PluralRule &rule : t.rules) {
        const QRegularExpressionMatch match = rule.pattern.match(word);
        if (!match.hasMatch())
            continue;
        const QString result = interpolate(rule.replacement, match);
        const qsizetype start = match.capturedStart(0);
        const QString matched = match.captured(0);
        const QString caseSource = matched.isEmpty() ? word.mid(start - 1, 1) : matched;
        return word.left(start) + restoreCase(caseSource, result)
               + word.mid(match.capturedEnd(0));
    }
    return word;
}

} // namespace ds

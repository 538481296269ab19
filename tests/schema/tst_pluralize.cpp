// pluralize() against the npm `pluralize` package (8.0.0), which the Amplify
// transformer uses for listPosts / syncPosts. The expected values were
// produced by running that package on the same words.
#include "schema/modelschema.h"

#include <QFile>
#include <QTest>

using namespace Qt::StringLiterals;

class tst_Pluralize : public QObject
{
    Q_OBJECT

private slots:
    void plural_data();
    void plural();
    void lowerCaseWords_data();
    void lowerCaseWords();
    void npmTable();
};

void tst_Pluralize::plural_data()
{
    QTest::addColumn<QString>("word");
    QTest::addColumn<QString>("expected");

    QTest::newRow("Post") << u"Post"_s << u"Posts"_s;
    QTest::newRow("Comment") << u"Comment"_s << u"Comments"_s;
    QTest::newRow("User") << u"User"_s << u"Users"_s;
    QTest::newRow("Note") << u"Note"_s << u"Notes"_s;
    QTest::newRow("Person") << u"Person"_s << u"People"_s;
    QTest::newRow("Status") << u"Status"_s << u"Statuses"_s;
    QTest::newRow("Baby") << u"Baby"_s << u"Babies"_s;
    QTest::newRow("Category") << u"Category"_s << u"Categories"_s;
    QTest::newRow("Box") << u"Box"_s << u"Boxes"_s;
    QTest::newRow("Match") << u"Match"_s << u"Matches"_s;
    QTest::newRow("Man") << u"Man"_s << u"Men"_s;
    QTest::newRow("Woman") << u"Woman"_s << u"Women"_s;
    QTest::newRow("Child") << u"Child"_s << u"Children"_s;
    QTest::newRow("Mouse") << u"Mouse"_s << u"Mice"_s;
    QTest::newRow("Goose") << u"Goose"_s << u"Geese"_s;
    QTest::newRow("Foot") << u"Foot"_s << u"Feet"_s;
    QTest::newRow("Tooth") << u"Tooth"_s << u"Teeth"_s;
    QTest::newRow("Ox") << u"Ox"_s << u"Oxen"_s;
    QTest::newRow("Quiz") << u"Quiz"_s << u"Quizzes"_s;
    QTest::newRow("Die") << u"Die"_s << u"Dice"_s;
    QTest::newRow("Human") << u"Human"_s << u"Humans"_s;
    QTest::newRow("Equipment") << u"Equipment"_s << u"Equipment"_s;
    QTest::newRow("Information") << u"Information"_s << u"Information"_s;
    QTest::newRow("Rice") << u"Rice"_s << u"Rice"_s;
    QTest::newRow("Money") << u"Money"_s << u"Monies"_s;
    QTest::newRow("Species") << u"Species"_s << u"Species"_s;
    QTest::newRow("Series") << u"Series"_s << u"Series"_s;
    QTest::newRow("Fish") << u"Fish"_s << u"Fish"_s;
    QTest::newRow("Goldfish") << u"Goldfish"_s << u"Goldfish"_s;
    QTest::newRow("Sheep") << u"Sheep"_s << u"Sheep"_s;
    QTest::newRow("Deer") << u"Deer"_s << u"Deer"_s;
    QTest::newRow("Reindeer") << u"Reindeer"_s << u"Reindeer"_s;
    QTest::newRow("News") << u"News"_s << u"News"_s;
    QTest::newRow("Data") << u"Data"_s << u"Data"_s;
    QTest::newRow("Datum") << u"Datum"_s << u"Data"_s;
    QTest::newRow("Police") << u"Police"_s << u"Police"_s;
    QTest::newRow("Software") << u"Software"_s << u"Software"_s;
    QTest::newRow("Chinese") << u"Chinese"_s << u"Chinese"_s;
    QTest::newRow("Bus") << u"Bus"_s << u"Buses"_s;
    QTest::newRow("Class") << u"Class"_s << u"Classes"_s;
    QTest::newRow("Address") << u"Address"_s << u"Addresses"_s;
    QTest::newRow("Gas") << u"Gas"_s << u"Gases"_s;
    QTest::newRow("Tax") << u"Tax"_s << u"Taxes"_s;
    QTest::newRow("Fox") << u"Fox"_s << u"Foxes"_s;
    QTest::newRow("Index") << u"Index"_s << u"Indices"_s;
    QTest::newRow("Matrix") << u"Matrix"_s << u"Matrices"_s;
    QTest::newRow("Vertex") << u"Vertex"_s << u"Vertices"_s;
    QTest::newRow("Church") << u"Church"_s << u"Churches"_s;
    QTest::newRow("Wish") << u"Wish"_s << u"Wishes"_s;
    QTest::newRow("Buzz") << u"Buzz"_s << u"Buzzes"_s;
    QTest::newRow("Waltz") << u"Waltz"_s << u"Waltzs"_s;
    QTest::newRow("City") << u"City"_s << u"Cities"_s;
    QTest::newRow("Day") << u"Day"_s << u"Days"_s;
    QTest::newRow("Key") << u"Key"_s << u"Keys"_s;
    QTest::newRow("Journey") << u"Journey"_s << u"Journeys"_s;
    QTest::newRow("Knife") << u"Knife"_s << u"Knives"_s;
    QTest::newRow("Wife") << u"Wife"_s << u"Wives"_s;
    QTest::newRow("Leaf") << u"Leaf"_s << u"Leaves"_s;
    QTest::newRow("Wolf") << u"Wolf"_s << u"Wolves"_s;
    QTest::newRow("Half") << u"Half"_s << u"Halves"_s;
    QTest::newRow("Roof") << u"Roof"_s << u"Roofs"_s;
    QTest::newRow("Chief") << u"Chief"_s << u"Chiefs"_s;
    QTest::newRow("Thief") << u"Thief"_s << u"Thieves"_s;
    QTest::newRow("Proof") << u"Proof"_s << u"Proofs"_s;
    QTest::newRow("Safe") << u"Safe"_s << u"Safes"_s;
    QTest::newRow("Hero") << u"Hero"_s << u"Heroes"_s;
    QTest::newRow("Potato") << u"Potato"_s << u"Potatoes"_s;
    QTest::newRow("Photo") << u"Photo"_s << u"Photos"_s;
    QTest::newRow("Piano") << u"Piano"_s << u"Pianos"_s;
    QTest::newRow("Echo") << u"Echo"_s << u"Echoes"_s;
    QTest::newRow("Volcano") << u"Volcano"_s << u"Volcanoes"_s;
    QTest::newRow("Cactus") << u"Cactus"_s << u"Cacti"_s;
    QTest::newRow("Fungus") << u"Fungus"_s << u"Fungi"_s;
    QTest::newRow("Radius") << u"Radius"_s << u"Radii"_s;
    QTest::newRow("Virus") << u"Virus"_s << u"Viri"_s;
    QTest::newRow("Octopus") << u"Octopus"_s << u"Octopuses"_s;
    QTest::newRow("Campus") << u"Campus"_s << u"Campuses"_s;
    QTest::newRow("Genus") << u"Genus"_s << u"Genera"_s;
    QTest::newRow("Analysis") << u"Analysis"_s << u"Analyses"_s;
    QTest::newRow("Thesis") << u"Thesis"_s << u"Theses"_s;
    QTest::newRow("Axis") << u"Axis"_s << u"Axes"_s;
    QTest::newRow("Crisis") << u"Crisis"_s << u"Crises"_s;
    QTest::newRow("Criterion") << u"Criterion"_s << u"Criteria"_s;
    QTest::newRow("Phenomenon") << u"Phenomenon"_s << u"Phenomena"_s;
    QTest::newRow("Curriculum") << u"Curriculum"_s << u"Curricula"_s;
    QTest::newRow("Album") << u"Album"_s << u"Albums"_s;
    QTest::newRow("Posts") << u"Posts"_s << u"Posts"_s;
    QTest::newRow("People") << u"People"_s << u"People"_s;
    QTest::newRow("Children") << u"Children"_s << u"Children"_s;
    QTest::newRow("Men") << u"Men"_s << u"Men"_s;
    QTest::newRow("Mice") << u"Mice"_s << u"Mice"_s;
    QTest::newRow("Feet") << u"Feet"_s << u"Feet"_s;
    QTest::newRow("Statuses") << u"Statuses"_s << u"Statuses"_s;
    QTest::newRow("Boxes") << u"Boxes"_s << u"Boxes"_s;
    QTest::newRow("Categories") << u"Categories"_s << u"Categories"_s;
    QTest::newRow("Indices") << u"Indices"_s << u"Indices"_s;
    QTest::newRow("Criteria") << u"Criteria"_s << u"Criteria"_s;
    QTest::newRow("Cacti") << u"Cacti"_s << u"Cacti"_s;
    QTest::newRow("POST") << u"POST"_s << u"POSTS"_s;
    QTest::newRow("BABY") << u"BABY"_s << u"BABIES"_s;
    QTest::newRow("PERSON") << u"PERSON"_s << u"PEOPLE"_s;
    QTest::newRow("BlogPost") << u"BlogPost"_s << u"BlogPosts"_s;
    QTest::newRow("UserCategory") << u"UserCategory"_s << u"UserCategories"_s;
    QTest::newRow("SalesPerson") << u"SalesPerson"_s << u"SalesPeople"_s;
    QTest::newRow("TodoItem") << u"TodoItem"_s << u"TodoItems"_s;
    QTest::newRow("GameMatch") << u"GameMatch"_s << u"GameMatches"_s;
    QTest::newRow("Café") << u"Café"_s << u"Café"_s;
    QTest::newRow("Schema") << u"Schema"_s << u"Schemata"_s;
    QTest::newRow("Cheese") << u"Cheese"_s << u"Cheeses"_s;
    QTest::newRow("Movie") << u"Movie"_s << u"Movies"_s;
    QTest::newRow("Menu") << u"Menu"_s << u"Menus"_s;
    QTest::newRow("Alias") << u"Alias"_s << u"Aliases"_s;
    QTest::newRow("Salesman") << u"Salesman"_s << u"Salesmen"_s;
    QTest::newRow("House") << u"House"_s << u"Houses"_s;
    QTest::newRow("Zero") << u"Zero"_s << u"Zeros"_s;
    QTest::newRow("Famous") << u"Famous"_s << u"Famous"_s;
    QTest::newRow("Pokemon") << u"Pokemon"_s << u"Pokemon"_s;
    QTest::newRow("<empty>") << u""_s << u""_s;
}

void tst_Pluralize::plural()
{
    QFETCH(QString, word);
    QFETCH(QString, expected);
    QCOMPARE(ds::pluralize(word), expected);
}

void tst_Pluralize::lowerCaseWords_data()
{
    plural_data();
}

// A lower-case word gives the lower-case plural (restoreCase keeps the case
// of the replaced text, here all lower case).
void tst_Pluralize::lowerCaseWords()
{
    QFETCH(QString, word);
    QFETCH(QString, expected);
    QCOMPARE(ds::pluralize(word.toLower()), expected.toLower());
}

// data/pluralize-npm.tsv: 5,000 words and what the npm package makes of them.
void tst_Pluralize::npmTable()
{
    QFile file(QStringLiteral(DS_TEST_DATA_DIR "/pluralize-npm.tsv"));
    QVERIFY2(file.open(QIODevice::ReadOnly | QIODevice::Text), qPrintable(file.errorString()));
    int count = 0;
    QStringList mismatches;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).chopped(1);
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const QStringList parts = line.split(u'\t');
        QCOMPARE(parts.size(), 2);
        ++count;
        const QString actual = ds::pluralize(parts.at(0));
        if (actual != parts.at(1))
            mismatches.append(parts.at(0) + u": expected "_s + parts.at(1) + u", got "_s + actual);
    }
    QVERIFY(count >= 5000);
    QVERIFY2(mismatches.isEmpty(), qPrintable(mismatches.join(u'\n')));
}

QTEST_APPLESS_MAIN(tst_Pluralize)
#include "tst_pluralize.moc"

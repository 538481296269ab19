#include "graphql/parser.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace ds::graphql;

class tst_Parser : public QObject
{
    Q_OBJECT

private slots:
    void basicSdl();
};

void tst_Parser::basicSdl()
{
    const auto r = parse("type Post @model { id: ID! title: String }", u"s.graphql"_s);
    QVERIFY2(r.ok(), qPrintable(r.error.toString()));
    QCOMPARE(r.document.definitions.size(), size_t(1));
}

QTEST_APPLESS_MAIN(tst_Parser)
#include "tst_parser.moc"

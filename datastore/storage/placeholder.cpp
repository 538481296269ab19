// placeholder until storage lands
#include <QtSql/QSqlDatabase>

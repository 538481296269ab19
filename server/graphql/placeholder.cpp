// placeholder: the GraphQL executor lands here
#include <QtGlobal>

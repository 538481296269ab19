// placeholder: the HTTP layer lands here
#include <QtGlobal>

#include "data/logging_p.h"

Q_LOGGING_CATEGORY(lcServerData, "server.data", QtInfoMsg)

#include "http/logging_p.h"

Q_LOGGING_CATEGORY(lcServer, "server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcServerHttp, "server.http", QtWarningMsg)
Q_LOGGING_CATEGORY(lcServerWs, "server.http.ws", QtWarningMsg)

#include "realtime/logging_p.h"

Q_LOGGING_CATEGORY(lcServerRealtime, "server.realtime", QtWarningMsg)

// Logging category of the realtime hub (see http/logging_p.h for the tree).
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcServerRealtime)  // server.realtime  connections, subscriptions, fan-out

// Every logging category of datastore-server, in one place.
// Names form a tree under "server" so that QT_LOGGING_RULES can switch whole
// branches: QT_LOGGING_RULES="server.http.*=true".
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcServer)      // server       process lifetime, options, signals
Q_DECLARE_LOGGING_CATEGORY(lcServerHttp)  // server.http  connections, requests, TLS
Q_DECLARE_LOGGING_CATEGORY(lcServerWs)    // server.http.ws  WebSocket upgrades

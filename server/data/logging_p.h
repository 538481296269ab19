// Logging category of the server's data plane (see STYLE.md rule 7).
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcServerData)   // server.data  store, resolvers, sweeps

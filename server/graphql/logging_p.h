// Logging category of the server's GraphQL engine (see STYLE.md rule 7).
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcServerGraphQL)   // server.graphql

#include "graphql/logging_p.h"

Q_LOGGING_CATEGORY(lcServerGraphQL, "server.graphql", QtWarningMsg)

#include "common/logging_p.h"

Q_LOGGING_CATEGORY(lcGraphQL, "ds.graphql", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSchema, "ds.schema", QtWarningMsg)
Q_LOGGING_CATEGORY(lcCodegen, "ds.codegen", QtWarningMsg)
Q_LOGGING_CATEGORY(lcPredicate, "ds.predicate", QtWarningMsg)
Q_LOGGING_CATEGORY(lcStorage, "ds.storage", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSync, "ds.sync", QtWarningMsg)
Q_LOGGING_CATEGORY(lcSyncWs, "ds.sync.ws", QtWarningMsg)
Q_LOGGING_CATEGORY(lcOutbox, "ds.outbox", QtWarningMsg)
Q_LOGGING_CATEGORY(lcNet, "ds.net", QtWarningMsg)

// Every logging category of the DataStore library, in one place.
// Names form a tree (ds.sync, ds.sync.ws, ...) so that QT_LOGGING_RULES can
// switch whole branches: QT_LOGGING_RULES="ds.sync.*=true".
#pragma once

#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcGraphQL)    // ds.graphql
Q_DECLARE_LOGGING_CATEGORY(lcSchema)     // ds.schema
Q_DECLARE_LOGGING_CATEGORY(lcCodegen)    // ds.codegen
Q_DECLARE_LOGGING_CATEGORY(lcPredicate)  // ds.predicate
Q_DECLARE_LOGGING_CATEGORY(lcStorage)    // ds.storage
Q_DECLARE_LOGGING_CATEGORY(lcSync)       // ds.sync
Q_DECLARE_LOGGING_CATEGORY(lcSyncWs)     // ds.sync.ws
Q_DECLARE_LOGGING_CATEGORY(lcOutbox)     // ds.outbox
Q_DECLARE_LOGGING_CATEGORY(lcNet)        // ds.net

// Export macro of the DataStore library. The library is static for now, so
// DATASTORE_EXPORT is empty; a shared build defines DATASTORE_SHARED.
#pragma once

#include <QtGlobal>

#if defined(DATASTORE_SHARED)
#  if defined(DATASTORE_BUILD_LIBRARY)
#    define DATASTORE_EXPORT Q_DECL_EXPORT
#  else
#    define DATASTORE_EXPORT Q_DECL_IMPORT
#  endif
#else
#  define DATASTORE_EXPORT
#endif

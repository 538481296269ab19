// The DataStore facade lands here (offline-store issue).
#include <datastore/result.h>

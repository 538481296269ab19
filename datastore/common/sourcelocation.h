// Moved to the public headers; kept so internal code can include it by module path.
#pragma once
#include <datastore/sourcelocation.h>

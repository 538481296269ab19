// placeholder until the predicate engine lands
#include "predicate/sql.h"

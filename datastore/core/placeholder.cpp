#include "common/logging_p.h"

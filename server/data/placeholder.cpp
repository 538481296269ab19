// placeholder until the data plane lands
#include "data/changefeed.h"

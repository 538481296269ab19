// placeholder until the realtime hub lands
#include "data/changefeed.h"

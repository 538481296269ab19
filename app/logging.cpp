#include "logging.h"

namespace notes {
Q_LOGGING_CATEGORY(lcUi, "app.ui")
}

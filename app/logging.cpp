#include "logging.h"

namespace notes {
Q_LOGGING_CATEGORY(lcUi, "app.ui")
Q_LOGGING_CATEGORY(lcAccount, "app.account")
}

// The app's logging categories (README: "Logging categories").
#pragma once

#include <QLoggingCategory>

namespace notes {
Q_DECLARE_LOGGING_CATEGORY(lcUi)        // app.ui
Q_DECLARE_LOGGING_CATEGORY(lcAccount)   // app.account
}

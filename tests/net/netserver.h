// Test helper (not a test class): the real datastore-server for the net suites.
#pragma once

#include "serverprocess.h"

namespace nettest {

// The real datastore-server with the suite's API key (tests/support/serverprocess.h).
class NetServer : public dstest::ServerProcess
{
public:
    static QString apiKey() { return QStringLiteral("da2-nettestkey"); }

    // Starts on port (0: any free one). Returns an error message, empty on success.
    QString start(quint16 port = 0, const QStringList &extraArguments = {})
    {
        return ServerProcess::start(QStringList{QStringLiteral("--api-key"), apiKey()} + extraArguments,
                                    port);
    }
};

using dstest::makeSelfSignedCertificate;

} // namespace nettest

// Comparison of secrets (API keys, signatures, password hashes) without an
// early exit on the first differing byte, so timing reveals nothing about
// how much of a guess was right.
#pragma once

#include <QByteArrayView>

namespace ds::server {

inline bool equalConstantTime(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

} // namespace ds::server

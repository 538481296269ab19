// libFuzzer target for the GraphQL parser (built with -DDS_FUZZ=ON and clang):
// any input must parse or give a located error; a parsed document must print
// back to GraphQL that parses to an equal AST, and printing is idempotent.
#include "graphql/parser.h"
#include "graphql/printer.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace ds::graphql;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));
    const ParseResult first = parse(input);
    if (!first.ok()) {
        if (!first.error.location.isValid() || first.error.message.isEmpty()) {
            std::fprintf(stderr, "error without location: %s\n", qPrintable(first.error.toString()));
            std::abort();
        }
        return 0;
    }
    const QString printed = print(first.document);
    const QByteArray utf8 = printed.toUtf8();
    const ParseResult second = parse(utf8);
    if (!second.ok() || !(second.document == first.document)) {
        std::fprintf(stderr, "round trip failed: %s\n--- printed ---\n%s\n",
                     qPrintable(second.error.toString()), utf8.constData());
        std::abort();
    }
    if (print(second.document) != printed) {
        std::fprintf(stderr, "print is not idempotent\n");
        std::abort();
    }
    return 0;
}

// Tuning constants of the GraphQL parser, in one place. Measure before you
// change one: datastore-bench --filter parse (tools/bench) times the parser
// on 1 MB documents.
#pragma once

#include <cstddef>

namespace ds::graphql::tuning {

// The arena of a parsed document's lists (ast.h): chunk sizes grow from
// small (a request of a few hundred bytes needs little) to a cap that stays
// below glibc's mmap threshold. A list larger than a quarter of the cap gets
// a chunk of its own.
inline constexpr std::size_t kArenaFirstChunkBytes = 2 * 1024;
inline constexpr std::size_t kArenaMaxChunkBytes = 64 * 1024;
// Past this much, the document is large (a whole API schema, say): chunks
// become 2 MB transparent huge pages where the system offers them (Linux,
// madvise), one page fault each instead of 512. The memory goes back to the
// system with the arena.
inline constexpr std::size_t kArenaLargeBytes = 1024 * 1024;
inline constexpr std::size_t kArenaHugeChunkBytes = 2 * 1024 * 1024;

} // namespace ds::graphql::tuning

// Tuning constants of the QML module. Measure (datastore-bench, a 100,000-row
// DataStoreListModel) before you change one.
#pragma once

namespace ds::qml::tuning {

// Rows a DataStoreListModel loads per page (the first page and every
// fetchMore()). Big enough to fill a tall list view, small enough that the
// first page of a 100,000-row table arrives in a few milliseconds.
inline constexpr int listModelPageSize = 100;

// How often DataStoreListModel retries a page whose window no longer lines up
// with the loaded rows (writes raced the query) before it reloads instead.
inline constexpr int maxPageRetries = 5;

// The least time between two count queries of a DataStoreListModel's
// totalCount while changes keep arriving (each count reads the table).
inline constexpr int recountInterval = 100;   // ms

} // namespace ds::qml::tuning

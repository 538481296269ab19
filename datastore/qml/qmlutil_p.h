// Helpers of the QML module: record ordering as SQLite's ORDER BY sorts,
// record keys, sort validation, and conversion of
// values coming from JavaScript into the wire form the store expects.
//
// Pure functions; safe on any thread.
#pragma once

#include <datastore/datastore.h>

#include <QFuture>
#include <QFutureWatcher>
#include <QVariantMap>

namespace ds::qml {

// The record's key as ChangeEvent::key carries it (DataStore::keyOf).
QString recordKey(const ModelSchema &model, const QVariantMap &record);

// `sort` (primary key fields appended as the last tie-break, as the list
// model always queries) orders a before b (SortBy::compareValues per field).
bool recordLessThan(const QList<SortBy> &sort, const QVariantMap &a, const QVariantMap &b);

// The sort list with the primary key fields that are not in it appended in
// ascending order, so the order of equal rows is defined the same way in
// SQLite and in memory.
QList<SortBy> withKeyTieBreak(const ModelSchema &model, QList<SortBy> sort);

// DataStore::parseSort() ("rating desc, title"), refusing list and
// structured fields, whose stored form (JSON text) has no useful order.
Result<QList<SortBy>> parseSort(const DataStore &store, const QString &model, const QString &text);

// Converts a record from JavaScript to the wire form: integral numbers of
// Int/AWSTimestamp fields become integers (JS numbers arrive as doubles),
// Date values of AWSDate/AWSDateTime/AWSTime fields become ISO text. Unknown
// fields are left alone (the store rejects them with a clear error).
QVariantMap normalizeRecord(const ModelSchema &model, const QVariantMap &record);

// Continues `future` with f(result) on context's thread, on a later turn of
// its event loop; nothing happens if context is destroyed first. Not
// QFuture::then(context, ...): on Qt 6.4 that asserts when the context dies
// before the future finishes (a model deleted while its query runs), and it
// calls f at once when the future has already finished, re-entering the
// caller (a model in the middle of a reset, JavaScript expecting its callback
// later). A QFutureWatcher owned by context has neither problem.
template<typename T, typename F>
void continueLater(const QFuture<T> &future, QObject *context, F f)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, f] {
        watcher->deleteLater();
        const QFuture<T> done = watcher->future();
        f(done.resultCount() > 0 ? done.result() : T());   // T(): an error (cancelled)
    });
    watcher->setFuture(future);
}

// {domain, code, message, line, column, transient} for JavaScript.
QVariantMap errorToMap(const Error &error);

} // namespace ds::qml

// Shared by the QML module's tests: the app's schema, and waiting on futures
// while the event loop runs (as the GUI thread of an app would).
#pragma once

#include <datastore/datastore.h>

#include <QCoreApplication>
#include <QFile>
#include <QFuture>

namespace testsupport {

inline ds::Schema appSchema()
{
    QFile file(QStringLiteral(DS_SOURCE_DIR "/models/schema.graphql"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(file.fileName()));
    ds::SourceError error;
    auto schema = ds::Schema::fromGraphQL(file.readAll(), file.fileName(), &error);
    if (!schema)
        qFatal("%s", qPrintable(error.toString()));
    return *schema;
}

template<typename T>
T await(QFuture<T> future)
{
    while (!future.isFinished())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return future.result();
}

} // namespace testsupport

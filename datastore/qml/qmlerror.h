// ds::QmlError: a ds::Error as QML sees it (a value type: `filterError.column`).
#pragma once

#include <datastore/error.h>

#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace ds {

class QmlError
{
    Q_GADGET
    QML_VALUE_TYPE(dataStoreError)
    Q_PROPERTY(bool isValid READ isValid CONSTANT)
    Q_PROPERTY(QString domain READ domain CONSTANT)
    Q_PROPERTY(QString code READ code CONSTANT)
    Q_PROPERTY(QString message READ message CONSTANT)
    Q_PROPERTY(int line READ line CONSTANT)
    Q_PROPERTY(int column READ column CONSTANT)

public:
    QmlError() = default;
    explicit QmlError(Error error) : m_error(std::move(error)) {}

    bool isValid() const { return !m_error.isNull(); }
    QString domain() const;
    QString code() const { return m_error.code(); }
    QString message() const { return m_error.message(); }
    int line() const { return m_error.location().line; }
    // 1-based column in the filter or sort text; 0 when there is none.
    int column() const { return m_error.location().column; }
    const Error &error() const { return m_error; }

    friend bool operator==(const QmlError &, const QmlError &) = default;

private:
    Error m_error;
};

} // namespace ds

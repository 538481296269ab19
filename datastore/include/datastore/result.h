// Result<T>: a value or a ds::Error, for calls that can fail (C++20 has no
// std::expected). Result<void> carries only the error.
#pragma once

#include <datastore/error.h>

#include <optional>
#include <utility>

namespace ds {

template<typename T>
class Result
{
public:
    // An empty result is an error (QFuture needs default-constructible values).
    Result() : m_error(Error::Domain::Storage, QStringLiteral("NoResult"), QStringLiteral("no result")) {}
    Result(T value) : m_value(std::move(value)) {}
    Result(Error error) : m_error(std::move(error)) { Q_ASSERT(!m_error.isNull()); }

    bool ok() const { return m_value.has_value(); }
    explicit operator bool() const { return ok(); }

    const T &value() const & { Q_ASSERT(ok()); return *m_value; }
    T &value() & { Q_ASSERT(ok()); return *m_value; }
    T &&value() && { Q_ASSERT(ok()); return std::move(*m_value); }
    const T &operator*() const & { return value(); }
    T &operator*() & { return value(); }
    // On a temporary, by value: `for (auto &x : *store.outbox())` must not
    // iterate a destroyed Result.
    T operator*() && { return std::move(value()); }
    const T *operator->() const { return &value(); }
    T *operator->() { return &value(); }

    const Error &error() const { return m_error; }

private:
    std::optional<T> m_value;
    Error m_error;
};

template<>
class Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return m_error.isNull(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return m_error; }

private:
    Error m_error;
};

} // namespace ds

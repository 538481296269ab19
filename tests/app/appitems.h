// Test helper of the app's UI tests: finding a named item in the window.
#pragma once

#include <QQuickItem>
#include <QQuickWindow>

namespace apptest {

// Items created by a Repeater or a view have no QObject parent: walk the item tree.
inline QQuickItem *findItem(QQuickItem *root, const QString &name)
{
    if (root->objectName() == name)
        return root;
    const QList<QQuickItem *> children = root->childItems();
    for (QQuickItem *child : children) {
        if (QQuickItem *found = findItem(child, name))
            return found;
    }
    return nullptr;
}

// The item named `name` in the window's content, or else among the window's
// children (the footer and header are not under the content item); warns
// when there is none.
inline QQuickItem *namedItem(QQuickWindow *window, const QString &name)
{
    QQuickItem *found = findItem(window->contentItem(), name);
    if (!found) {
        const auto objects = window->findChildren<QQuickItem *>(name);
        found = objects.isEmpty() ? nullptr : objects.constFirst();
    }
    if (!found)
        qWarning("no item named %s", qPrintable(name));
    return found;
}

} // namespace apptest

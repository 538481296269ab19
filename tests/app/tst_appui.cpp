// The main window with a temporary database, driven through its controls
// (offscreen): create a post, see it in the list, edit its title (the
// debounced save lands in the store), add a comment, create a note, switch
// pages. Any warning (QML engine, JavaScript, Qt) fails the test.
#include "appitems.h"
#include "appwarnings.h"

#include "notesapp.h"

#include <QAbstractItemModel>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtQml/QQmlExtensionPlugin>
#include <QtTest>

Q_IMPORT_QML_PLUGIN(QtDataStorePlugin)
Q_IMPORT_QML_PLUGIN(QtDataStoreNotesPlugin)

using namespace Qt::StringLiterals;

namespace {

template<typename T>
T await(QFuture<T> future)
{
    while (!future.isFinished())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return future.result();
}

} // namespace

class TestAppUi : public QObject
{
    Q_OBJECT

private:
    template<typename T = QObject>
    T *find(const QString &name)
    {
        T *object = m_app->window()->findChild<T *>(name);
        if (!object)
            qWarning("no object named %s", qPrintable(name));
        return object;
    }

    QQuickItem *item(const QString &name) { return apptest::namedItem(m_app->window(), name); }

    void click(const QString &buttonName)
    {
        QObject *button = find(buttonName);
        QVERIFY(button);
        QVERIFY(QMetaObject::invokeMethod(button, "clicked"));
    }

    // Types into the focused item (QTest::keyClicks takes widgets only in 6.4).
    void type(const char *text)
    {
        for (const char *c = text; *c; ++c)
            QTest::keyClick(m_app->window(), *c);
    }

    QVariantMap stored(const QString &model, const QString &id)
    {
        const auto result = await(m_app->store()->get(model, id));
        return result && result->has_value() ? **result : QVariantMap();
    }

    QTemporaryDir m_dir;
    std::unique_ptr<notes::NotesApp> m_app;

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(u"QtDataStoreTest"_s);
        QCoreApplication::setApplicationName(u"tst_appui"_s);
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        apptest::installWarningCounter();
        QVERIFY(m_dir.isValid());

        notes::AppOptions options;
        options.databaseFile = m_dir.filePath(u"ui.sqlite"_s);
        options.seed = notes::AppOptions::Seed::None;
        m_app = std::make_unique<notes::NotesApp>();
        QSignalSpy ready(m_app.get(), &notes::NotesApp::ready);
        QVERIFY2(m_app->start(options), qPrintable(m_app->errorString()));
        apptest::countQmlWarnings(m_app->engine(), this);
        QVERIFY(QTest::qWaitForWindowExposed(m_app->window()));
        QTRY_VERIFY(ready.count() == 1);
        QCOMPARE(m_app->window()->size(), notes::defaultWindowSize);
        QCOMPARE(m_app->controller()->databasePath(), options.databaseFile);
    }

    void createPostAndEditTitle()
    {
        auto *posts = find<QAbstractItemModel>(u"postsModel"_s);
        QVERIFY(posts);
        QCOMPARE(posts->rowCount(), 0);

        click(u"newPostButton"_s);
        QTRY_COMPARE(posts->rowCount(), 1);
        QVariantMap row;
        QVERIFY(QMetaObject::invokeMethod(posts, "get", Q_RETURN_ARG(QVariantMap, row), Q_ARG(int, 0)));
        const QString postId = row.value(u"id"_s).toString();
        QVERIFY(!postId.isEmpty());
        QCOMPARE(row.value(u"title"_s).toString(), u"New post"_s);

        // The editor opened with the title selected and focused: type over it.
        auto *title = find<QQuickItem>(u"postTitleField"_s);
        QVERIFY(title);
        QTRY_VERIFY(title->hasActiveFocus());
        QTRY_COMPARE(title->property("text").toString(), u"New post"_s);
        QMetaObject::invokeMethod(title, "selectAll");
        type("Hello from the UI");
        QCOMPARE(title->property("text").toString(), u"Hello from the UI"_s);
        QTRY_COMPARE(stored(u"Post"_s, postId).value(u"title"_s).toString(), u"Hello from the UI"_s);
        QTRY_VERIFY([&] {
            QVariantMap r;
            QMetaObject::invokeMethod(posts, "get", Q_RETURN_ARG(QVariantMap, r), Q_ARG(int, 0));
            return r.value(u"title"_s).toString() == u"Hello from the UI";
        }());

        // A comment on it.
        auto *comments = find<QAbstractItemModel>(u"commentsModel"_s);
        QVERIFY(comments);
        QTRY_COMPARE(comments->property("loading").toBool(), false);
        QCOMPARE(comments->rowCount(), 0);
        auto *commentField = find<QQuickItem>(u"newCommentField"_s);
        QVERIFY(commentField);
        commentField->setProperty("text", u"First!"_s);
        click(u"addCommentButton"_s);
        QTRY_COMPARE(comments->rowCount(), 1);
        QCOMPARE(commentField->property("text").toString(), QString());
        const auto inStore = await(m_app->store()->count(u"Comment"_s));
        QCOMPARE(*inStore, 1);

        // A second one, deleted with its row's button; then the first with the Delete key.
        commentField->setProperty("text", u"Second"_s);
        click(u"addCommentButton"_s);
        QTRY_COMPARE(comments->rowCount(), 2);
        auto *commentList = item(u"commentList"_s);
        QVERIFY(commentList);
        QQuickItem *secondRow = nullptr;
        QTRY_VERIFY([&] {
            const QList<QQuickItem *> rows = commentList->property("contentItem").value<QQuickItem *>()->childItems();
            for (QQuickItem *row : rows) {
                if (row->property("content").toString() == u"Second")
                    secondRow = row;
            }
            return secondRow != nullptr;
        }());
        QQuickItem *deleteSecond = apptest::findItem(secondRow, u"deleteCommentButton"_s);
        QVERIFY(deleteSecond);
        QVERIFY(QMetaObject::invokeMethod(deleteSecond, "clicked"));
        QTRY_COMPARE(comments->rowCount(), 1);
        QVariantMap left;
        QVERIFY(QMetaObject::invokeMethod(comments, "get", Q_RETURN_ARG(QVariantMap, left), Q_ARG(int, 0)));
        QCOMPARE(left.value(u"content"_s).toString(), u"First!"_s);
        QCOMPARE(*await(m_app->store()->count(u"Comment"_s)), 1);
        commentList->forceActiveFocus();
        commentList->setProperty("currentIndex", 0);
        QTest::keyClick(m_app->window(), Qt::Key_Delete);
        QTRY_COMPARE(comments->rowCount(), 0);
        QCOMPARE(*await(m_app->store()->count(u"Comment"_s)), 0);
        // Back for the tests that follow.
        commentField->setProperty("text", u"First!"_s);
        click(u"addCommentButton"_s);
        QTRY_COMPARE(comments->rowCount(), 1);

        // Search narrows the list (the filter text is built in C++).
        auto *search = find<QQuickItem>(u"postSearchField"_s);
        QVERIFY(search);
        search->setProperty("text", u"nothing like this"_s);
        QTRY_COMPARE(posts->property("filter").toString(), u"title contains \"nothing like this\""_s);
        QTRY_COMPARE(posts->rowCount(), 0);
        search->setProperty("text", u"from the"_s);
        QTRY_COMPARE(posts->rowCount(), 1);
    }

    void createNote()
    {
        auto *tabs = find(u"pageTabs"_s);
        QVERIFY(tabs);
        tabs->setProperty("currentIndex", 1);
        QCOMPARE(m_app->settings()->currentPage(), u"notes"_s);

        auto *notesModel = find<QAbstractItemModel>(u"notesModel"_s);
        QVERIFY(notesModel);
        QTRY_COMPARE(notesModel->property("loading").toBool(), false);
        QCOMPARE(notesModel->rowCount(), 0);
        click(u"newNoteButton"_s);
        QTRY_COMPARE(notesModel->rowCount(), 1);
        QVariantMap row;
        QVERIFY(QMetaObject::invokeMethod(notesModel, "get", Q_RETURN_ARG(QVariantMap, row), Q_ARG(int, 0)));
        const QString noteId = row.value(u"id"_s).toString();

        auto *title = find<QQuickItem>(u"noteTitleField"_s);
        QVERIFY(title);
        QTRY_VERIFY(title->hasActiveFocus());
        QTRY_COMPARE(title->property("text").toString(), u"New note"_s);
        QMetaObject::invokeMethod(title, "selectAll");
        type("Groceries");
        QTRY_COMPARE(stored(u"Note"_s, noteId).value(u"title"_s).toString(), u"Groceries"_s);
    }

    void otherPagesLoad()
    {
        auto *tabs = find(u"pageTabs"_s);
        QVERIFY(tabs);
        for (int i = 2; i < 4; ++i) {
            tabs->setProperty("currentIndex", i);
            QTest::qWait(50);
        }
        QCOMPARE(find<QQuickItem>(u"onlineLabel"_s)->property("text").toString(), u"Local only"_s);
        QVERIFY(find<QQuickItem>(u"syncStatusLabel"_s)->property("text").toString().contains(u"local only"_s));
        QVERIFY(!find<QQuickItem>(u"syncProgressBar"_s)->isVisible());
        // Nothing syncs yet: every change waits in the outbox, and the bar says how many.
        const qint64 pending = m_app->store()->pendingMutations();
        QVERIFY(pending >= 3);   // post, comment, note (edits of a pending create merge into it)
        QTRY_VERIFY(find<QQuickItem>(u"pendingLabel"_s)->property("text").toString().endsWith(QString::number(pending)));
    }

    // Settings: a sync expression edited in place, checked as it is typed
    // (message, column, the token marked), a live count of the local
    // records it matches; Apply without sync saves it for later.
    void syncExpressionValidation()
    {
        find(u"pageTabs"_s)->setProperty("currentIndex", 3);
        auto *field = item(u"syncExpressionFieldPost"_s);
        auto *error = item(u"syncExpressionErrorPost"_s);
        auto *mark = item(u"syncExpressionErrorMarkPost"_s);
        auto *preview = item(u"syncExpressionPreviewPost"_s);
        auto *apply = find<QQuickItem>(u"applySyncExpressions"_s);
        QVERIFY(field && error && mark && preview && apply);
        QCOMPARE(field->property("text").toString(), u"all"_s);
        QTRY_VERIFY(preview->property("text").toString().contains(u"1 of 1 local records match"_s));
        QVERIFY(!apply->property("enabled").toBool());

        field->forceActiveFocus();
        QMetaObject::invokeMethod(field, "selectAll");
        type("rating >> 5");
        QCOMPARE(field->property("text").toString(), u"rating >> 5"_s);
        QTRY_VERIFY(error->isVisible());
        const QString message = error->property("text").toString();
        QVERIFY2(QRegularExpression(u"^Column [89]: .+"_s).match(message).hasMatch(), qPrintable(message));
        QVERIFY(mark->isVisible());
        QVERIFY2(mark->x() > 0, qPrintable(u"x %1 start %2 msg %3"_s.arg(mark->x()).arg(mark->property("start").toInt()).arg(message)));
        QVERIFY(!apply->property("enabled").toBool());

        QTest::keyClick(m_app->window(), Qt::Key_Backspace);
        QTest::keyClick(m_app->window(), Qt::Key_Backspace);
        QTest::keyClick(m_app->window(), Qt::Key_Backspace);
        type(" 5");
        QCOMPARE(field->property("text").toString(), u"rating > 5"_s);
        QTRY_VERIFY(!error->isVisible());
        QVERIFY(!mark->isVisible());
        // The post of the first test has the default rating 5: none of 1 match.
        QTRY_VERIFY2(preview->property("text").toString().contains(u"0 of 1 local records match"_s),
                     qPrintable(preview->property("text").toString()));
        QVERIFY(preview->property("text").toString().contains(u"plan unavailable"_s));
        QTRY_VERIFY(apply->property("enabled").toBool());
        click(u"applySyncExpressions"_s);
        QTRY_VERIFY(find<QQuickItem>(u"applyStatusLabel"_s)->property("text").toString().contains(u"Saved"_s));
        QCOMPARE(m_app->store()->syncConfiguration().syncExpressions().size(), 1);

        // The preset "all" puts every model back.
        QVERIFY(QMetaObject::invokeMethod(item(u"syncPreset3"_s), "clicked"));
        QCOMPARE(field->property("text").toString(), u"all"_s);
        QTRY_VERIFY(apply->property("enabled").toBool());
        click(u"applySyncExpressions"_s);
        QTRY_VERIFY(!apply->property("enabled").toBool());
    }

    // Tab walks each page's controls and comes back to where it started: no
    // control traps the focus (a text area that takes Tab for itself), and
    // every control a user works with is on the way. Each stop is named by
    // the nearest item with an objectName (a spin box's text input counts
    // as the spin box).
    void tabReachesEveryControl_data()
    {
        QTest::addColumn<int>("page");
        QTest::addColumn<QString>("start");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("posts") << 0 << u"postSearchField"_s
                               << QStringList{u"postStatusFilter"_s, u"postMinRating"_s, u"postSort"_s,
                                              u"newPostButton"_s, u"postList"_s, u"postTitleField"_s,
                                              u"postContentArea"_s, u"postRatingBox"_s, u"postStatusBox"_s,
                                              u"postTagsField"_s, u"deletePostButton"_s, u"commentList"_s,
                                              u"newCommentField"_s};
        QTest::newRow("notes") << 1 << u"newNoteButton"_s
                               << QStringList{u"noteList"_s, u"noteTitleField"_s, u"notePinnedSwitch"_s,
                                              u"noteBodyArea"_s, u"deleteNoteButton"_s};
        QTest::newRow("settings") << 3 << u"syncExpressionFieldPost"_s
                                  << QStringList{u"syncExpressionFieldComment"_s, u"syncExpressionFieldUser"_s,
                                                 u"syncExpressionFieldNote"_s, u"syncPreset0"_s, u"syncPreset3"_s};
    }

    void tabReachesEveryControl()
    {
        QFETCH(int, page);
        QFETCH(QString, start);
        QFETCH(QStringList, expected);
        find(u"pageTabs"_s)->setProperty("currentIndex", page);
        if (page == 0) {   // a post open in the editor
            auto *posts = find<QAbstractItemModel>(u"postsModel"_s);
            QTRY_VERIFY(posts->rowCount() > 0);
            auto *list = item(u"postList"_s);
            list->forceActiveFocus();
            list->setProperty("currentIndex", 0);
            QTest::keyClick(m_app->window(), Qt::Key_Return);
            QTRY_VERIFY(!find(u"postEditor"_s)->property("recordId").toString().isEmpty());
        } else if (page == 1) {   // a note open
            auto *list = item(u"noteList"_s);
            QTRY_VERIFY(list->property("count").toInt() > 0);
            list->forceActiveFocus();
            list->setProperty("currentIndex", 0);
            QTest::keyClick(m_app->window(), Qt::Key_Return);
            QTRY_VERIFY(!find(u"noteEditor"_s)->property("recordId").toString().isEmpty());
        }
        QQuickItem *first = item(start);
        QVERIFY(first);
        first->forceActiveFocus(Qt::TabFocusReason);
        QTRY_VERIFY(first->hasActiveFocus());
        auto named = [](QQuickItem *i) {
            while (i && i->objectName().isEmpty())
                i = i->parentItem();
            return i ? i->objectName() : u"(unnamed)"_s;
        };
        // Presses `key` until the focus is back at `start` (at most 80 times);
        // the named items it stopped at, in page order. Empty: a failure.
        auto walk = [&](Qt::Key key, Qt::KeyboardModifiers modifiers, const QString &keyName,
                        QStringList *stops) {
            const bool backwards = key == Qt::Key_Backtab;
            for (int step = 0; step < 80; ++step) {
                QQuickItem *before = m_app->window()->activeFocusItem();
                QTest::keyClick(m_app->window(), key, modifiers);
                QQuickItem *now = m_app->window()->activeFocusItem();
                QVERIFY2(now && now != before, qPrintable(u"%1 does not leave %2 (after %3)"_s
                                                              .arg(keyName, named(before), stops->join(u", "_s))));
                if (backwards)
                    stops->prepend(named(now));
                else
                    stops->append(named(now));
                if (named(now) == start)
                    return;
            }
            QFAIL(qPrintable(u"%1 never came back to %2: %3"_s.arg(keyName, start, stops->join(u", "_s))));
        };
        QStringList stops;
        walk(Qt::Key_Tab, Qt::NoModifier, u"Tab"_s, &stops);
        if (QTest::currentTestFailed())
            return;
        for (const QString &name : expected)
            QVERIFY2(stops.contains(name), qPrintable(u"Tab skips %1: %2"_s.arg(name, stops.join(u", "_s))));
        // The order follows the page: each expected control after the one before it.
        qsizetype at = -1;
        for (const QString &name : expected) {
            const qsizetype next = stops.indexOf(name, at + 1);
            QVERIFY2(next > at, qPrintable(u"%1 out of order: %2"_s.arg(name, stops.join(u", "_s))));
            at = next;
        }

        // Shift+Tab goes the same way back.
        QStringList back;
        walk(Qt::Key_Backtab, Qt::ShiftModifier, u"Shift+Tab"_s, &back);
        if (QTest::currentTestFailed())
            return;
        for (const QString &name : expected)
            QVERIFY2(back.contains(name), qPrintable(u"Shift+Tab skips %1: %2"_s.arg(name, back.join(u", "_s))));
    }

    // A note: pinned (pinned notes come first), a colour, a body typed in;
    // all stored; then deleted with its button.
    void editAndDeleteNote()
    {
        find(u"pageTabs"_s)->setProperty("currentIndex", 1);
        auto *notesModel = find<QAbstractItemModel>(u"notesModel"_s);
        auto *editor = find(u"noteEditor"_s);
        QVERIFY(notesModel && editor);
        QTRY_COMPARE(notesModel->rowCount(), 1);
        // A second note whose title sorts first.
        click(u"newNoteButton"_s);
        QTRY_COMPARE(notesModel->rowCount(), 2);
        auto *title = item(u"noteTitleField"_s);
        QTRY_VERIFY(title->hasActiveFocus());
        QMetaObject::invokeMethod(title, "selectAll");
        type("Aardvarks");
        auto titleAt = [notesModel](int row) {
            QVariantMap r;
            QMetaObject::invokeMethod(notesModel, "get", Q_RETURN_ARG(QVariantMap, r), Q_ARG(int, row));
            return r.value(u"title"_s).toString();
        };
        QTRY_COMPARE(titleAt(0), u"Aardvarks"_s);
        const QString id = editor->property("recordId").toString();

        // Open the other note from the list and pin it (Space on the switch): it moves to the top.
        auto *list = item(u"noteList"_s);
        list->forceActiveFocus();
        list->setProperty("currentIndex", 1);
        QTest::keyClick(m_app->window(), Qt::Key_Return);
        QTRY_VERIFY(editor->property("recordId").toString() != id);
        const QString groceries = editor->property("recordId").toString();
        QTRY_VERIFY(editor->property("loaded").toBool());
        auto *pinned = item(u"notePinnedSwitch"_s);
        QVERIFY(pinned && !pinned->property("checked").toBool());
        pinned->forceActiveFocus();
        QTest::keyClick(m_app->window(), Qt::Key_Space);
        QTRY_VERIFY(pinned->property("checked").toBool());
        auto *colour = item(u"noteColor#cfe3ff"_s);
        QVERIFY(colour);
        QVERIFY(QMetaObject::invokeMethod(colour, "clicked"));
        auto *body = item(u"noteBodyArea"_s);
        body->forceActiveFocus();
        type("milk, eggs");
        QTRY_COMPARE(stored(u"Note"_s, groceries).value(u"body"_s).toString(), u"milk, eggs"_s);
        const QVariantMap saved = stored(u"Note"_s, groceries);
        QCOMPARE(saved.value(u"pinned"_s).toBool(), true);
        QCOMPARE(saved.value(u"color"_s).toString(), u"#cfe3ff"_s);
        QCOMPARE(saved.value(u"title"_s).toString(), u"Groceries"_s);
        QTRY_COMPARE(titleAt(0), u"Groceries"_s);   // pinned first
        QVERIFY(colour->property("checked").toBool());

        // Deleted with its button: gone from the list and the store, the editor closed.
        click(u"deleteNoteButton"_s);
        QTRY_COMPARE(notesModel->rowCount(), 1);
        QCOMPARE(titleAt(0), u"Aardvarks"_s);
        QCOMPARE(editor->property("recordId").toString(), QString());
        QTRY_VERIFY(stored(u"Note"_s, groceries).isEmpty());
    }

    void keyboardOpensAndDeletes()
    {
        find(u"pageTabs"_s)->setProperty("currentIndex", 0);
        auto *posts = find<QAbstractItemModel>(u"postsModel"_s);
        auto *list = find<QQuickItem>(u"postList"_s);
        auto *editor = find(u"postEditor"_s);
        QVERIFY(posts && list && editor);
        QTRY_COMPARE(posts->rowCount(), 1);
        QVariantMap row;
        QVERIFY(QMetaObject::invokeMethod(posts, "get", Q_RETURN_ARG(QVariantMap, row), Q_ARG(int, 0)));
        const QString postId = row.value(u"id"_s).toString();
        // Leave the editor, open from the list with Enter, remove with Delete.
        list->forceActiveFocus();
        QTRY_VERIFY(list->hasActiveFocus());
        QTest::keyClick(m_app->window(), Qt::Key_Down);
        QTRY_COMPARE(list->property("currentIndex").toInt(), 0);
        QTest::keyClick(m_app->window(), Qt::Key_Return);
        QTRY_COMPARE(editor->property("recordId").toString(), postId);
        QTest::keyClick(m_app->window(), Qt::Key_Delete);
        QTRY_COMPARE(posts->rowCount(), 0);
        QCOMPARE(editor->property("recordId").toString(), QString());   // the editor closed
        QTRY_VERIFY(stored(u"Post"_s, postId).isEmpty());
        QCOMPARE(*await(m_app->store()->count(u"Comment"_s)), 0);   // its comments went with it
    }

    void cleanupTestCase()
    {
        m_app.reset();
        QCOMPARE(apptest::warnings(), 0);
    }
};

QTEST_MAIN(TestAppUi)

#include "tst_appui.moc"

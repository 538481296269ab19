// DataStoreListModel in QML: a view with required-property delegates sees
// saves made through the DataStore singleton; filter errors show up.
import QtQuick
import QtTest
import QtDataStore

TestCase {
    id: root
    name: "DataStoreListModelInQml"
    width: 300
    height: 400
    when: windowShown

    DataStoreListModel {
        id: posts
        store: DataStore
        modelName: "Post"
        filter: "rating > 5"
        sortBy: "rating desc, title"
    }

    // As the issue writes it: no store, so the DataStore singleton.
    DataStoreListModel {
        id: defaultStore
        modelName: "Post"
        filter: "rating > 5"
        sortBy: "rating desc"
    }

    ListView {
        id: view
        anchors.fill: parent
        model: posts
        delegate: Text {
            required property int index
            required property string title
            required property var rating
            required property string key
            width: ListView.view.width
            height: 20
            text: title + " (" + rating + ")"
        }
    }

    function save(record) {
        let done = false
        let failure = null
        DataStore.save("Post", record, function(result, error) {
            failure = error
            done = true
        })
        tryVerify(function() { return done })
        return failure
    }

    function test_1_savesShowUpInTheView() {
        tryCompare(posts, "loading", false)
        compare(posts.count, 0)
        compare(save({ id: "m1", title: "Seven", rating: 7 }), null)
        tryCompare(posts, "count", 1)
        compare(posts.totalCount, 1)
        compare(save({ id: "m2", title: "Nine", rating: 9 }), null)
        compare(save({ id: "m3", title: "Two", rating: 2 }), null)   // filtered out
        tryCompare(posts, "count", 2)
        compare(posts.get(0).title, "Nine")
        compare(posts.get(1).title, "Seven")
        verify(defaultStore.store === DataStore)
        tryCompare(defaultStore, "count", 2)
        compare(defaultStore.get(0).title, "Nine")
        compare(defaultStore.error.isValid, false)
        tryCompare(view, "count", 2)
        view.forceLayout()
        const first = view.itemAtIndex(0)
        verify(first !== null)
        compare(first.text, "Nine (9)")
        compare(first.key, "m2")

        // An update moves it; a change that stops matching removes it.
        compare(save({ id: "m1", title: "Seven", rating: 10 }), null)
        tryCompare(posts.get(0), "title", "Seven")
        compare(save({ id: "m2", title: "Nine", rating: 1 }), null)
        tryCompare(posts, "count", 1)
        tryCompare(view, "count", 1)
    }

    function test_2_filterAndSortErrors() {
        posts.filter = "ratng > 5"
        tryVerify(function() { return posts.filterError.isValid })
        compare(posts.filterError.column, 1)
        verify(posts.filterError.message.indexOf("ratng") >= 0, posts.filterError.message)
        compare(posts.count, 0)
        compare(view.count, 0)

        posts.filter = "rating > 0"
        tryVerify(function() { return !posts.filterError.isValid })
        tryCompare(posts, "count", 3)

        posts.sortBy = "rating, nonsense"
        tryVerify(function() { return posts.sortError.isValid })
        compare(posts.sortError.column, 9)
        compare(posts.count, 0)
        posts.sortBy = "title"
        tryCompare(posts, "count", 3)
        compare(posts.get(0).title, "Nine")
        compare(posts.sortError.isValid, false)
    }
}

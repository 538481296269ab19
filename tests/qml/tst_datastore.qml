// The DataStore singleton: saves, queries, counts, gets and removes from
// JavaScript with callbacks; errors as objects and through errorOccurred.
import QtQuick
import QtTest
import QtDataStore

TestCase {
    id: root
    name: "DataStoreSingleton"

    SignalSpy {
        id: errorSpy
        target: DataStore
        signalName: "errorOccurred"
    }

    // Calls DataStore.<method>(...args, callback) and waits for the callback.
    function call(method, args) {
        const reply = { done: false, result: undefined, error: undefined }
        DataStore[method].apply(DataStore, args.concat([function(result, error) {
            reply.result = result
            reply.error = error
            reply.done = true
        }]))
        verify(!reply.done, "callbacks are never synchronous")
        tryVerify(function() { return reply.done }, 5000, method + " never called back")
        return reply
    }

    function init() {
        errorSpy.clear()
    }

    function test_0_isOpen() {
        verify(DataStore.isOpen)
        verify(DataStore.modelNames.indexOf("Post") >= 0)
        compare(DataStore.lastError.isValid, false)
    }

    function test_saveGetQueryCountRemove() {
        let r = call("save", ["Post", { id: "s1", title: "One", rating: 7, tags: ["a", "b"] }])
        compare(r.error, null)
        compare(r.result.title, "One")
        compare(r.result.rating, 7)
        compare(r.result.tags, ["a", "b"])
        call("save", ["Post", { id: "s2", title: "Two", rating: 3 }])
        call("save", ["Post", { id: "s3", title: "Three", rating: 9 }])

        r = call("get", ["Post", "s1"])
        compare(r.result.title, "One")
        r = call("get", ["Post", "nope"])
        compare(r.result, null)
        compare(r.error, null)

        r = call("query", ["Post", "rating > 5 and id beginsWith \"s\"", "rating desc", 0, -1])
        compare(r.result.length, 2)
        compare(r.result[0].id, "s3")
        compare(r.result[1].id, "s1")
        r = call("query", ["Post", "id beginsWith \"s\"", "title", 1, 2])   // the second page of 2
        compare(r.result.length, 1)
        compare(r.result[0].title, "Two")

        r = call("count", ["Post", "id beginsWith \"s\""])
        compare(r.result, 3)

        r = call("remove", ["Post", "s2"])
        compare(r.result.title, "Two")
        r = call("remove", ["Post", { id: "s3" }])
        compare(r.result.id, "s3")
        r = call("count", ["Post", "id beginsWith \"s\""])
        compare(r.result, 1)
        compare(errorSpy.count, 0)
    }

    function test_removeWhere() {
        call("save", ["Post", { id: "w1", title: "One", rating: 1 }])
        call("save", ["Post", { id: "w2", title: "Two", rating: 8 }])
        call("save", ["Post", { id: "w3", title: "Three", rating: 9 }])
        call("save", ["Comment", { id: "wc", postID: "w2", content: "x" }])
        let r = call("removeWhere", ["Post", "id beginsWith \"w\" and rating > 5"])
        compare(r.error, null)
        compare(r.result.map(p => p.id).sort(), ["w2", "w3"])
        compare(call("count", ["Post", "id beginsWith \"w\""]).result, 1)
        compare(call("get", ["Comment", "wc"]).result, null)   // went with its post

        const before = errorSpy.count
        r = call("removeWhere", ["Post", ""])
        compare(r.error.code, "PredicateSyntax")
        r = call("removeWhere", ["Post", "ratng > 1"])
        compare(r.error.code, "PredicateType")
        verify(r.error.message.indexOf("did you mean 'rating'") >= 0)
        r = call("removeWhere", ["Pots", "all"])
        compare(r.error.code, "UnknownModel")
        compare(errorSpy.count, before + 3)
        compare(call("count", ["Post", "id beginsWith \"w\""]).result, 1)
        call("remove", ["Post", "w1"])
    }

    function test_conditionalSaveAndRemove() {
        call("save", ["Post", { id: "c1", title: "[Amplify] hi", rating: 3 }])
        let r = call("save", ["Post", { id: "c1", title: "changed", rating: 3 }, "title beginsWith \"[Other]\""])
        verify(r.error !== null)
        compare(r.error.code, "ConditionalCheckFailed")
        compare(errorSpy.count, 1)
        compare(errorSpy.signalArguments[0][0], "ConditionalCheckFailed")
        compare(call("get", ["Post", "c1"]).result.title, "[Amplify] hi")

        r = call("save", ["Post", { id: "c1", title: "changed", rating: 3 }, "title beginsWith \"[Amplify]\""])
        compare(r.error, null)
        r = call("remove", ["Post", "c1", "rating > 10"])
        compare(r.error.code, "ConditionalCheckFailed")
        r = call("remove", ["Post", "c1", "rating < 10"])
        compare(r.error, null)
    }

    function test_badSaveReportsTheError() {
        // title is required
        let r = call("save", ["Post", { id: "bad1", rating: 3 }])
        compare(r.result, null)
        verify(r.error !== null)
        compare(r.error.domain, "Validation")
        verify(r.error.message.indexOf("title") >= 0, r.error.message)
        compare(errorSpy.count, 1)
        compare(errorSpy.signalArguments[0][1], r.error.message)
        compare(DataStore.lastError.message, r.error.message)
        verify(DataStore.lastError.isValid)

        // a wrong type
        r = call("save", ["Post", { id: "bad2", title: "t", rating: "high" }])
        verify(r.error.message.indexOf("rating") >= 0, r.error.message)

        // a condition that does not parse: the column of the problem
        r = call("save", ["Post", { id: "bad3", title: "t" }, "rating >"])
        verify(r.error !== null)
        compare(r.error.line, 1)
        verify(r.error.column > 0)

        // an unknown model, a record that is not an object
        compare(call("save", ["Blog", { id: "x" }]).error.code, "UnknownModel")
        compare(call("save", ["Post", "not a record"]).error.code, "InvalidRecord")
        compare(call("query", ["Post", "", "rating sideways", 0, -1]).error.column, 1)

        compare(call("count", ["Post", "id == \"bad1\" or id == \"bad2\" or id == \"bad3\""]).result, 0)
        compare(errorSpy.count, 6)
    }

    function test_callbackOptional() {
        DataStore.save("Post", { id: "nocb", title: "no callback" })
        tryVerify(function() {
            return call("get", ["Post", "nocb"]).result !== null
        })
    }

    // Sync on a store without a cloud: the state says so, start() refuses
    // with an error object, expressions are checked and kept for later.
    function test_syncLocalOnly() {
        compare(DataStore.isSyncEnabled, false)
        compare(DataStore.syncState, DataStore.LocalOnly)
        compare(DataStore.syncStateName, "localOnly")
        compare(DataStore.online, false)
        compare(DataStore.syncedRecords, 0)
        compare(DataStore.syncProgress, -1)
        verify(isNaN(DataStore.lastSyncedAt.getTime()), "never synced")
        compare(DataStore.isModelSynced("Post"), false)

        const r = call("start", [])
        compare(r.result, null)
        compare(r.error.code, "SyncNotConfigured")
        errorSpy.clear()
        compare(call("stop", []).error, null)
        compare(DataStore.syncState, DataStore.LocalOnly)
    }

    function test_syncExpressions() {
        compare(DataStore.syncExpression("Post"), "all")
        let e = DataStore.setSyncExpression("Post", "rating > 5")
        compare(e.isValid, false, e.message)
        compare(DataStore.syncExpression("Post"), "rating > 5")
        // a bad one: nothing changes, the error has the column
        e = DataStore.setSyncExpression("Post", "rating >")
        verify(e.isValid)
        verify(e.column > 0)
        compare(DataStore.syncExpression("Post"), "rating > 5")
        compare(DataStore.setSyncExpression("Blog", "all").code, "UnknownModel")
        // empty text is everything again
        compare(DataStore.setSyncExpression("Post", "  ").isValid, false)
        compare(DataStore.syncExpression("Post"), "all")
        compare(errorSpy.count, 0)
    }

    function test_checkPredicate() {
        compare(DataStore.checkPredicate("Post", "rating > 5 and title beginsWith \"A\"").isValid, false)
        compare(DataStore.checkPredicate("Post", "").isValid, false)
        let e = DataStore.checkPredicate("Post", "ratin > 5")
        verify(e.isValid)
        compare(e.column, 1)
        verify(e.message.indexOf("ratin") >= 0, e.message)
        e = DataStore.checkPredicate("User", "lastName == \"Doe\" and createdAt >")
        verify(e.isValid)
        verify(e.column > 20, "column " + e.column)
        compare(DataStore.checkPredicate("Blog", "all").code, "UnknownModel")
    }

    SignalSpy {
        id: clearedSpy
        target: DataStore
        signalName: "cleared"
    }

    function test_zz_clear() {
        call("save", ["Post", { id: "gone", title: "gone soon" }])
        const r = call("clear", [])
        compare(r.error, null)
        verify(r.result >= 1, "pending changes discarded: " + r.result)
        compare(clearedSpy.count, 1)
        compare(call("count", ["Post", ""]).result, 0)
        compare(DataStore.pendingMutations, 0)
    }
}

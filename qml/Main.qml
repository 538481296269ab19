// The main window: a tab per page, the sync status bar always at the bottom.
// Ctrl+1..5 switch pages.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtDataStore.Notes

ApplicationWindow {
    id: window

    required property AppController app
    required property Account account
    required property string initialPage

    width: 1100
    height: 720
    visible: true
    title: qsTr("DataStore Notes")

    // --palette light|dark (the desktop's palette otherwise).
    Component.onCompleted: {
        const roles = window.app.paletteOverride
        for (const role in roles)
            window.palette[role] = roles[role]
    }

    header: TabBar {
        id: tabs
        objectName: "pageTabs"
        currentIndex: Math.max(0, window.app.pageNames.indexOf(window.initialPage))
        onCurrentIndexChanged: window.app.settings.currentPage = window.app.pageNames[currentIndex]

        Repeater {
            model: window.app.pageTitles
            delegate: TabButton {
                required property string modelData
                required property int index
                text: modelData
                width: Math.max(implicitWidth, 96)
            }
        }
    }

    Shortcut { sequence: "Ctrl+1"; onActivated: tabs.currentIndex = 0 }
    Shortcut { sequence: "Ctrl+2"; onActivated: tabs.currentIndex = 1 }
    Shortcut { sequence: "Ctrl+3"; onActivated: tabs.currentIndex = 2 }
    Shortcut { sequence: "Ctrl+4"; onActivated: tabs.currentIndex = 3 }
    Shortcut { sequence: "Ctrl+5"; onActivated: tabs.currentIndex = 4 }

    StackLayout {
        anchors.fill: parent
        currentIndex: tabs.currentIndex

        PostsPage {
            objectName: "postsPage"
            app: window.app
        }
        NotesPage {
            objectName: "notesPage"
            app: window.app
        }
        SyncPage {
            objectName: "syncPage"
            app: window.app
        }
        SettingsPage {
            objectName: "settingsPage"
            app: window.app
        }
        AccountPage {
            objectName: "accountPage"
            account: window.account
        }
    }

    footer: SyncStatusBar {
        app: window.app
        onShowSyncPage: tabs.currentIndex = window.app.pageNames.indexOf("sync")
    }
}

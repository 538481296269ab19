// The main window: a tab per page, the sync status bar always at the bottom.
// Ctrl+1..4 switch pages.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtDataStore.Notes

ApplicationWindow {
    id: window

    required property AppController app
    required property string initialPage

    width: 1100
    height: 720
    visible: true
    title: qsTr("DataStore Notes")

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
        PlaceholderPage {
            objectName: "syncPage"
            heading: qsTr("Sync")
            message: qsTr("Sync is not configured yet. This app keeps everything on this device for now. "
                          + "When cloud sync arrives, this page will hold the sync expression of each model "
                          + "(which records this device keeps), with a live preview and Apply.")
        }
        PlaceholderPage {
            objectName: "settingsPage"
            heading: qsTr("Settings")
            message: qsTr("Signed in as: %1\nLocal database: %2\n\nAccounts and the cloud endpoint are not configured yet: "
                          + "sign-in and sync settings arrive with cloud sync.")
                     .arg(window.app.userId === "" ? qsTr("nobody (anonymous, local only)") : window.app.userId)
                     .arg(window.app.databasePath)
        }
    }

    footer: SyncStatusBar {
        app: window.app
    }
}

// Always visible: online or offline, what sync is doing (with a progress bar
// during a sync round), pending changes, the last sync, the last error, and
// how many of your changes met a conflict or were refused (a button to the
// Sync page, which explains each).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtDataStore
import QtDataStore.Notes

ToolBar {
    id: bar

    required property AppController app

    // The user asks for the Sync page (its list of events).
    signal showSyncPage()

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 8
        anchors.rightMargin: 8
        spacing: 12

        Rectangle {
            objectName: "onlineIndicator"
            implicitWidth: 10
            implicitHeight: 10
            radius: 5
            color: !bar.app.syncConfigured ? bar.palette.mid
                 : bar.app.online ? "#2e9d4f" : "#d08a1e"
        }
        Label {
            objectName: "onlineLabel"
            text: !bar.app.syncConfigured ? qsTr("Local only")
                : bar.app.online ? qsTr("Online") : qsTr("Offline")
            font.bold: true
        }
        Label {
            objectName: "syncStatusLabel"
            text: bar.app.syncStatus
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
        ProgressBar {
            objectName: "syncProgressBar"
            visible: bar.app.syncBusy
            indeterminate: DataStore.syncProgress < 0
            value: Math.max(0, DataStore.syncProgress)
            Layout.preferredWidth: 120
        }
        Label {
            objectName: "pendingLabel"
            text: qsTr("Pending changes: %1").arg(DataStore.pendingMutations)
        }
        Label {
            objectName: "lastSyncLabel"
            visible: text !== ""
            text: bar.app.lastSyncText
        }
        Label {
            visible: bar.app.seeding
            text: qsTr("Writing demo data…")
        }
        ToolButton {
            objectName: "syncProblemsButton"
            readonly property int problems: bar.app.syncActivity.problemCount
            visible: problems > 0
            text: problems === 1 ? qsTr("⚠ 1 change met a conflict or was refused")
                                 : qsTr("⚠ %1 changes met a conflict or were refused").arg(problems)
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Show what happened on the Sync page")
            onClicked: bar.showSyncPage()
        }
        Label {
            objectName: "lastErrorLabel"
            visible: DataStore.lastError.isValid
            text: qsTr("Last error: %1").arg(DataStore.lastError.message)
            elide: Text.ElideRight
            Layout.maximumWidth: 300
        }
    }
}

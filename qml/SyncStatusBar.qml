// Always visible: online or offline, pending changes, the last error.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtDataStore
import QtDataStore.Notes

ToolBar {
    id: bar

    required property AppController app

    RowLayout {
        anchors.fill: parent
        anchors.leftMargin: 8
        anchors.rightMargin: 8
        spacing: 16

        Label {
            objectName: "syncStatusLabel"
            text: (bar.app.online ? qsTr("Online") : qsTr("Offline")) + " · " + bar.app.syncStatus
            elide: Text.ElideRight
            Layout.fillWidth: true
        }
        Label {
            objectName: "pendingLabel"
            text: qsTr("Pending changes: %1").arg(DataStore.pendingMutations)
        }
        Label {
            visible: bar.app.seeding
            text: qsTr("Writing demo data…")
        }
        Label {
            objectName: "lastErrorLabel"
            visible: DataStore.lastError.isValid
            text: qsTr("Last error: %1").arg(DataStore.lastError.message)
            elide: Text.ElideRight
            Layout.maximumWidth: 360
        }
    }
}

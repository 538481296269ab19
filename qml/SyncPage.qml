// Sync: where this device syncs and how it is going (state, pending
// changes, last sync, records of the current round), Start/Stop, and the
// recent sync events in plain words (app.syncActivity).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtDataStore
import QtDataStore.Notes

Pane {
    id: page

    required property AppController app

    ColumnLayout {
        anchors.fill: parent
        spacing: 10

        Label {
            text: qsTr("Sync")
            font.pointSize: Qt.application.font.pointSize * 1.6
            font.bold: true
        }
        Label {
            objectName: "syncTargetLabel"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: page.app.syncConfigured
                  ? (page.app.syncTarget !== "" ? qsTr("This device syncs with %1.").arg(page.app.syncTarget)
                                                : page.app.syncStatus)
                  : qsTr("This device does not sync: everything stays here. Start the app with --local-server "
                         + "(its own datastore-server with demo data) or --config amplifyconfiguration.json.")
        }

        GridLayout {
            columns: 2
            columnSpacing: 16
            rowSpacing: 4

            Label { text: qsTr("Status"); opacity: 0.7 }
            Label {
                objectName: "syncPageStatus"
                text: page.app.syncStatus
                Layout.fillWidth: true
                elide: Text.ElideRight
            }
            Label { text: qsTr("Waiting to be sent"); opacity: 0.7 }
            Label { text: qsTr("%n change(s)", "", DataStore.pendingMutations) }
            Label { text: qsTr("Last sync"); opacity: 0.7; visible: page.app.syncConfigured }
            Label { text: page.app.lastSyncText; visible: page.app.syncConfigured }
            Label { text: qsTr("This round"); opacity: 0.7; visible: page.app.syncConfigured }
            RowLayout {
                visible: page.app.syncConfigured
                Label { text: qsTr("%n record(s) received", "", DataStore.syncedRecords) }
                ProgressBar {
                    visible: page.app.syncBusy
                    indeterminate: DataStore.syncProgress < 0
                    value: Math.max(0, DataStore.syncProgress)
                    Layout.preferredWidth: 160
                }
            }
        }

        RowLayout {
            spacing: 8
            Button {
                objectName: "startSyncButton"
                text: qsTr("Start sync")
                enabled: DataStore.isSyncEnabled && DataStore.syncState === DataStore.Stopped
                onClicked: {
                    DataStore.autoStart = true
                    DataStore.start()
                }
            }
            Button {
                objectName: "stopSyncButton"
                text: qsTr("Stop sync")
                enabled: DataStore.isSyncEnabled && DataStore.syncState !== DataStore.Stopped
                // Stays stopped (reading and writing data would start it
                // again otherwise, as in Amplify) until Start sync.
                onClicked: {
                    DataStore.autoStart = false
                    DataStore.stop()
                }
            }
            Item { Layout.fillWidth: true }
            Button {
                text: qsTr("Clear the list")
                enabled: events.count > 0
                onClicked: page.app.syncActivity.clear()
            }
        }

        Label {
            text: qsTr("Recent events")
            font.bold: true
        }

        ListView {
            id: events
            objectName: "syncEventList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: page.app.syncActivity
            spacing: 2
            activeFocusOnTab: true
            ScrollBar.vertical: ScrollBar {}

            delegate: ItemDelegate {
                id: row

                required property string time
                required property string kind
                required property string title
                required property string detail

                width: ListView.view.width
                focusPolicy: Qt.NoFocus

                contentItem: RowLayout {
                    spacing: 10
                    Rectangle {
                        Layout.alignment: Qt.AlignTop
                        Layout.topMargin: 5
                        implicitWidth: 8
                        implicitHeight: 8
                        radius: 4
                        color: row.kind === "error" ? "#c62828"
                             : row.kind === "warning" ? "#d08a1e"
                             : row.kind === "success" ? "#2e9d4f" : row.palette.mid
                    }
                    Label {
                        Layout.alignment: Qt.AlignTop
                        text: row.time
                        opacity: 0.7
                    }
                    ColumnLayout {
                        Layout.fillWidth: true
                        spacing: 2
                        Label {
                            Layout.fillWidth: true
                            text: row.title
                            font.bold: row.kind === "error" || row.kind === "warning"
                            wrapMode: Text.Wrap
                        }
                        Label {
                            Layout.fillWidth: true
                            visible: row.detail !== ""
                            text: row.detail
                            opacity: 0.8
                            wrapMode: Text.Wrap
                        }
                    }
                }
            }

            Label {
                anchors.centerIn: parent
                visible: events.count === 0
                text: page.app.syncConfigured ? qsTr("No sync events yet") : qsTr("Nothing syncs on this device")
            }
        }
    }
}

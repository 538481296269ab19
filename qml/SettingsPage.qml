// Settings: this device (user, database, where it syncs) and the admin view
// of selective sync: per model the sync expression, edited in place with
// validation, a live preview and the server's plan; presets; Apply (which
// restarts sync and shows what was evicted and fetched).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtDataStore
import QtDataStore.Notes

Pane {
    id: page

    required property AppController app
    readonly property SyncExpressionModel expressions: page.app.syncExpressions

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: scroll.availableWidth
            spacing: 10

            Label {
                text: qsTr("Settings")
                font.pointSize: Qt.application.font.pointSize * 1.6
                font.bold: true
            }
            Label {
                objectName: "deviceLabel"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                text: qsTr("Signed in as: %1\nLocal database: %2\nSyncs with: %3")
                      .arg(page.app.userId === "" ? qsTr("nobody (anonymous)") : page.app.userId)
                      .arg(page.app.databasePath)
                      .arg(page.app.syncTarget !== "" ? page.app.syncTarget : qsTr("nothing (local only)"))
            }

            Label {
                Layout.topMargin: 8
                text: qsTr("Selective sync")
                font.bold: true
                font.pointSize: Qt.application.font.pointSize * 1.25
            }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                opacity: 0.8
                text: qsTr("Each model's sync expression chooses which records this device keeps, e.g. "
                           + "rating > 5 and title beginsWith \"Qt\"; all keeps everything. A narrower expression "
                           + "removes what no longer matches; a wider one downloads only what it adds.")
            }

            Flow {
                Layout.fillWidth: true
                spacing: 6
                Label {
                    text: qsTr("Presets:")
                    topPadding: 10
                }
                Repeater {
                    model: page.expressions.presets
                    delegate: Button {
                        required property var modelData
                        required property int index
                        objectName: "syncPreset" + index
                        text: modelData.label
                        font.family: "monospace"
                        onClicked: page.expressions.applyPreset(index)
                    }
                }
            }

            Repeater {
                model: page.expressions
                delegate: ExpressionEditor {
                    expressions: page.expressions
                    Layout.fillWidth: true
                }
            }

            RowLayout {
                spacing: 8
                Button {
                    objectName: "applySyncExpressions"
                    text: qsTr("Apply")
                    highlighted: true
                    enabled: page.expressions.canApply
                    onClicked: page.expressions.apply()
                }
                Button {
                    objectName: "revertSyncExpressions"
                    text: qsTr("Revert")
                    enabled: page.expressions.modified && !page.expressions.applying
                    onClicked: page.expressions.revert()
                }
                BusyIndicator {
                    running: page.expressions.applying
                    visible: running
                    Layout.preferredHeight: 28
                    Layout.preferredWidth: 28
                }
                Label {
                    objectName: "applyStatusLabel"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: page.expressions.applyStatus
                }
            }
            Item { Layout.preferredHeight: 8 }
        }
    }
}

// The open note: title, body, pinned and colour, saved as you type.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtDataStore
import QtDataStore.Notes

Pane {
    id: pane

    required property AppController app
    required property string noteId

    signal removed()

    function removeNote() {
        editor.discard()
        pane.app.removeRecord("Note", pane.noteId)
        pane.removed()
    }

    function focusTitle() {
        titleField.forceActiveFocus()
        titleField.selectAll()
    }

    RecordEditor {
        id: editor
        objectName: "noteEditor"
        store: DataStore
        modelName: "Note"
        recordId: pane.noteId
    }

    Label {
        anchors.centerIn: parent
        visible: pane.noteId === ""
        text: qsTr("Select a note, or create one")
    }

    ColumnLayout {
        anchors.fill: parent
        visible: pane.noteId !== ""
        spacing: 8

        Label { text: qsTr("Title") }
        TextField {
            id: titleField
            objectName: "noteTitleField"
            Layout.fillWidth: true
            text: editor.values.title ?? ""
            onTextEdited: editor.setField("title", text)
        }

        RowLayout {
            spacing: 12
            Switch {
                objectName: "notePinnedSwitch"
                text: qsTr("Pinned")
                checked: editor.values.pinned ?? false
                onToggled: editor.setField("pinned", checked)
            }
            Label { text: qsTr("Colour") }
            Repeater {
                model: pane.app.noteColors
                delegate: RoundButton {
                    id: swatch
                    required property string modelData
                    objectName: "noteColor" + modelData
                    implicitWidth: 28
                    implicitHeight: 28
                    checkable: true
                    checked: (editor.values.color ?? "") === modelData
                    onClicked: editor.setField("color", modelData)
                    Accessible.name: qsTr("Colour %1").arg(modelData)
                    background: Rectangle {
                        radius: width / 2
                        color: swatch.modelData
                        border.width: swatch.checked || swatch.activeFocus ? 3 : 1
                        border.color: swatch.checked || swatch.activeFocus ? swatch.palette.highlight : swatch.palette.mid
                    }
                }
            }
        }

        Label { text: qsTr("Body") }
        ScrollView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            TextArea {
                objectName: "noteBodyArea"
                text: editor.values.body ?? ""
                wrapMode: TextEdit.Wrap
                onTextChanged: if (editor.loaded && activeFocus) editor.setField("body", text)
                // Tab moves on (a TextArea would insert it): no keyboard trap.
                Keys.priority: Keys.BeforeItem
                Keys.onTabPressed: nextItemInFocusChain(true).forceActiveFocus(Qt.TabFocusReason)
                Keys.onBacktabPressed: nextItemInFocusChain(false).forceActiveFocus(Qt.BacktabFocusReason)
            }
        }

        RowLayout {
            Label {
                Layout.fillWidth: true
                text: editor.lastError !== "" ? qsTr("Not saved: %1").arg(editor.lastError)
                                             : editor.dirty ? qsTr("Saving…") : qsTr("All changes saved")
                opacity: 0.8
            }
            Button {
                objectName: "deleteNoteButton"
                text: qsTr("Delete note")
                onClicked: pane.removeNote()
            }
        }
    }
}

// One model's sync expression on the Settings page: the text edited in
// place, checked as you type (the bad token underlined, the message below),
// how many local records it matches, the server's plan for it, and what the
// last Apply did. A delegate of app.syncExpressions (SyncExpressionModel).
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtDataStore.Notes

ColumnLayout {
    id: editor

    required property SyncExpressionModel expressions
    required property int index
    required property string modelName
    required property string title
    required property string applied
    required property string draft
    required property bool modified
    required property bool valid
    required property string errorMessage
    required property int errorColumn
    required property int errorLength
    required property real matchCount
    required property real totalCount
    required property string plan
    required property string lastResult

    readonly property color errorColor: "#c62828"

    spacing: 4

    RowLayout {
        Layout.fillWidth: true
        Label {
            text: editor.title
            font.bold: true
            Layout.preferredWidth: 110
        }
        TextField {
            id: field
            objectName: "syncExpressionField" + editor.modelName
            Layout.fillWidth: true
            text: editor.draft
            placeholderText: qsTr("all")
            font.family: "monospace"
            selectByMouse: true
            onTextEdited: editor.expressions.setDraft(editor.index, text)
            Accessible.description: editor.valid ? qsTr("Sync expression of %1").arg(editor.title) : editor.errorMessage

            // The token the error points at.
            Rectangle {
                objectName: "syncExpressionErrorMark" + editor.modelName
                readonly property int start: Math.min(Math.max(0, editor.errorColumn - 1), field.length)
                readonly property int end: Math.min(start + Math.max(1, editor.errorLength), field.length)
                // contentWidth: re-evaluated once the new text is laid out.
                readonly property rect from: field.contentWidth, field.positionToRectangle(start)
                readonly property rect to: field.contentWidth, field.positionToRectangle(end)
                visible: !editor.valid && editor.errorColumn > 0
                x: from.x
                y: from.y + from.height - 1
                width: Math.max(8, to.x - from.x)
                height: 2
                color: editor.errorColor
            }
        }
        Label {
            visible: editor.modified
            text: qsTr("changed")
            font.italic: true
            opacity: 0.7
        }
    }

    Label {
        objectName: "syncExpressionError" + editor.modelName
        Layout.fillWidth: true
        Layout.leftMargin: 118
        visible: !editor.valid
        color: editor.errorColor
        wrapMode: Text.Wrap
        text: qsTr("Column %1: %2").arg(editor.errorColumn).arg(editor.errorMessage)
    }
    Label {
        objectName: "syncExpressionPreview" + editor.modelName
        Layout.fillWidth: true
        Layout.leftMargin: 118
        visible: editor.valid
        opacity: 0.8
        wrapMode: Text.Wrap
        text: (editor.matchCount < 0 ? qsTr("counting local records…")
               : qsTr("%1 of %2 local records match").arg(editor.matchCount.toLocaleString(Qt.locale(), "f", 0))
                                                    .arg(editor.totalCount < 0 ? "…" : editor.totalCount.toLocaleString(Qt.locale(), "f", 0)))
              + (editor.plan !== "" ? " · " + qsTr("server: %1").arg(editor.plan) : "")
    }
    Label {
        objectName: "syncExpressionResult" + editor.modelName
        Layout.fillWidth: true
        Layout.leftMargin: 118
        visible: editor.lastResult !== ""
        wrapMode: Text.Wrap
        text: qsTr("In force: %1 — %2").arg(editor.applied).arg(editor.lastResult)
    }
}

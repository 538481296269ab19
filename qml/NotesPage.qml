// Notes: the user's private notes, pinned first; the open note's editor on
// the right. Enter opens the current note, Delete removes it.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtDataStore
import QtDataStore.Notes

Pane {
    id: page

    required property AppController app
    property string openNoteId: ""

    DataStoreListModel {
        id: notesModel
        objectName: "notesModel"
        store: DataStore
        modelName: "Note"
        sortBy: "pinned desc, title"
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        Label {
            objectName: "notesNotice"
            Layout.fillWidth: true
            visible: page.app.notesNotice !== ""
            text: page.app.notesNotice
            wrapMode: Text.Wrap
            opacity: 0.8
        }

        RowLayout {
            Label {
                Layout.fillWidth: true
                text: notesModel.totalCount < 0 ? qsTr("Counting notes…") : qsTr("%1 notes").arg(notesModel.totalCount)
            }
            Button {
                objectName: "newNoteButton"
                text: qsTr("New note")
                onClicked: {
                    page.openNoteId = page.app.createNote()
                    noteEditor.focusTitle()
                }
            }
        }

        SplitView {
            Layout.fillWidth: true
            Layout.fillHeight: true

            ListView {
                id: list
                objectName: "noteList"
                SplitView.preferredWidth: 360
                SplitView.minimumWidth: 200
                clip: true
                model: notesModel
                activeFocusOnTab: true
                currentIndex: -1
                highlightMoveDuration: 0
                ScrollBar.vertical: ScrollBar {}

                Keys.onReturnPressed: if (currentItem) page.openNoteId = currentItem.key
                Keys.onEnterPressed: if (currentItem) page.openNoteId = currentItem.key
                Keys.onDeletePressed: {
                    if (!currentItem)
                        return
                    if (currentItem.key === page.openNoteId)
                        noteEditor.removeNote()
                    else
                        page.app.removeRecord("Note", currentItem.key)
                }

                delegate: ItemDelegate {
                    id: row

                    required property int index
                    required property string key
                    required property string title
                    required property var pinned
                    required property var color

                    width: ListView.view.width
                    highlighted: ListView.isCurrentItem || key === page.openNoteId
                    focusPolicy: Qt.NoFocus
                    onClicked: {
                        list.currentIndex = index
                        list.forceActiveFocus()
                        page.openNoteId = key
                    }

                    contentItem: RowLayout {
                        spacing: 8
                        Rectangle {
                            // The note's own colour (content, not chrome).
                            implicitWidth: 14
                            implicitHeight: 14
                            radius: 3
                            color: row.color ?? "transparent"
                            border.color: row.palette.mid
                        }
                        Label {
                            Layout.fillWidth: true
                            text: (row.pinned ? "★ " : "") + row.title
                            elide: Text.ElideRight
                        }
                    }
                }
            }

            NoteEditor {
                id: noteEditor
                SplitView.fillWidth: true
                app: page.app
                noteId: page.openNoteId
                onRemoved: page.openNoteId = ""
            }
        }
    }
}

// The open post: title, content, rating, status and tags, saved as you type
// (RecordEditor debounces and flushes); its comments below.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtDataStore
import QtDataStore.Notes

Pane {
    id: pane

    required property AppController app
    required property string postId

    signal removed()

    // Deletes the open post (and its comments); unsaved edits are dropped.
    function removePost() {
        editor.discard()
        pane.app.removeRecord("Post", pane.postId)
        pane.removed()
    }

    function focusTitle() {
        titleField.forceActiveFocus()
        titleField.selectAll()
    }

    RecordEditor {
        id: editor
        objectName: "postEditor"
        store: DataStore
        modelName: "Post"
        recordId: pane.postId
        // The tags' text differs from the stored list: set on load and on
        // changes from elsewhere, never while the user is typing in it.
        onLoadedChanged: if (loaded) tagsField.text = pane.app.joinTags(values.tags)
        onValuesChanged: if (loaded && !tagsField.activeFocus) tagsField.text = pane.app.joinTags(values.tags)
    }

    DataStoreListModel {
        id: commentsModel
        objectName: "commentsModel"
        store: DataStore
        modelName: "Comment"
        filter: pane.app.commentsFilter(pane.postId)
        sortBy: "createdAt"
    }

    Label {
        anchors.centerIn: parent
        visible: pane.postId === ""
        text: qsTr("Select a post, or create one")
    }

    ColumnLayout {
        anchors.fill: parent
        visible: pane.postId !== ""
        spacing: 8

        Label { text: qsTr("Title") }
        TextField {
            id: titleField
            objectName: "postTitleField"
            Layout.fillWidth: true
            text: editor.values.title ?? ""
            onTextEdited: editor.setField("title", text)
        }

        Label { text: qsTr("Content") }
        ScrollView {
            Layout.fillWidth: true
            Layout.preferredHeight: 120
            TextArea {
                id: contentArea
                objectName: "postContentArea"
                text: editor.values.content ?? ""
                wrapMode: TextEdit.Wrap
                // TextArea has no textEdited in Qt 6.4: only the user's typing
                // (it has focus) of a loaded record is an edit.
                onTextChanged: if (editor.loaded && activeFocus) editor.setField("content", text)
                KeyNavigation.priority: KeyNavigation.BeforeItem
                KeyNavigation.tab: ratingBox
                KeyNavigation.backtab: titleField
            }
        }

        RowLayout {
            spacing: 8
            Label { text: qsTr("Rating") }
            SpinBox {
                id: ratingBox
                objectName: "postRatingBox"
                from: 1
                to: 10
                editable: true
                value: editor.values.rating ?? 1
                onValueModified: editor.setField("rating", value)
            }
            Label { text: qsTr("Status") }
            ComboBox {
                id: statusBox
                objectName: "postStatusBox"
                model: pane.app.postStatuses
                currentIndex: pane.app.postStatuses.indexOf(editor.values.status ?? "")
                onActivated: editor.setField("status", currentText)
            }
        }

        Label { text: qsTr("Tags (comma separated)") }
        TextField {
            id: tagsField
            objectName: "postTagsField"
            Layout.fillWidth: true
            onTextEdited: editor.setField("tags", pane.app.splitTags(text))
        }

        RowLayout {
            Label {
                Layout.fillWidth: true
                text: editor.lastError !== "" ? qsTr("Not saved: %1").arg(editor.lastError)
                                             : editor.dirty ? qsTr("Saving…") : qsTr("All changes saved")
                opacity: 0.8
            }
            Button {
                objectName: "deletePostButton"
                text: qsTr("Delete post")
                onClicked: pane.removePost()
            }
        }

        Label {
            text: commentsModel.totalCount < 0 ? qsTr("Comments") : qsTr("Comments (%1)").arg(commentsModel.totalCount)
            font.bold: true
        }
        ListView {
            id: comments
            objectName: "commentList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: commentsModel
            activeFocusOnTab: true
            currentIndex: -1
            ScrollBar.vertical: ScrollBar {}
            Keys.onDeletePressed: if (currentItem) pane.app.removeRecord("Comment", currentItem.key)

            delegate: ItemDelegate {
                id: commentRow

                required property int index
                required property string key
                required property string content

                width: ListView.view.width
                highlighted: ListView.isCurrentItem
                focusPolicy: Qt.NoFocus
                onClicked: comments.currentIndex = index

                contentItem: RowLayout {
                    Label {
                        Layout.fillWidth: true
                        text: commentRow.content
                        wrapMode: Text.Wrap
                    }
                    ToolButton {
                        objectName: "deleteCommentButton"
                        text: qsTr("Delete")
                        // Keyboard: the list takes the focus, Delete removes the current comment.
                        focusPolicy: Qt.NoFocus
                        onClicked: pane.app.removeRecord("Comment", commentRow.key)
                    }
                }
            }
        }
        RowLayout {
            Layout.fillWidth: true
            TextField {
                id: commentField
                objectName: "newCommentField"
                Layout.fillWidth: true
                placeholderText: qsTr("Write a comment, Enter to add")
                onAccepted: addButton.clicked()
            }
            Button {
                id: addButton
                objectName: "addCommentButton"
                text: qsTr("Add comment")
                enabled: commentField.text.trim() !== ""
                onClicked: if (pane.app.addComment(pane.postId, commentField.text)) commentField.clear()
            }
        }
    }
}

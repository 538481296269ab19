// Posts: search, filter and sort on top; the list on the left, the open
// post's editor on the right. Enter opens the current post, Delete removes it.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtDataStore
import QtDataStore.Notes

Pane {
    id: page

    required property AppController app
    property string openPostId: ""

    function openPost(id) {
        page.openPostId = id
    }

    function removePost(id) {
        if (id === page.openPostId)
            editor.removePost()
        else
            page.app.removeRecord("Post", id)
    }

    PostFilter {
        id: postFilter
        searchText: searchField.text
        statusIndex: statusBox.currentIndex
        minRating: ratingBox.value
        sortIndex: sortBox.currentIndex
    }

    DataStoreListModel {
        id: postsModel
        objectName: "postsModel"
        store: DataStore
        modelName: "Post"
        filter: postFilter.filter
        sortBy: postFilter.sortBy
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8

        RowLayout {
            Layout.fillWidth: true
            spacing: 8

            TextField {
                id: searchField
                objectName: "postSearchField"
                Layout.fillWidth: true
                placeholderText: qsTr("Search titles")
                focus: true
            }
            ComboBox {
                id: statusBox
                objectName: "postStatusFilter"
                model: postFilter.statusNames
                currentIndex: page.app.settings.postsStatusIndex
                onActivated: page.app.settings.postsStatusIndex = currentIndex
            }
            Label { text: qsTr("Min. rating") }
            SpinBox {
                id: ratingBox
                objectName: "postMinRating"
                from: 0
                to: 10
                editable: true
                value: page.app.settings.postsMinRating
                onValueModified: page.app.settings.postsMinRating = value
            }
            ComboBox {
                id: sortBox
                objectName: "postSort"
                model: postFilter.sortNames
                currentIndex: page.app.settings.postsSortIndex
                onActivated: page.app.settings.postsSortIndex = currentIndex
            }
            Button {
                objectName: "newPostButton"
                text: qsTr("New post")
                onClicked: {
                    page.openPost(page.app.createPost())
                    editor.focusTitle()
                }
            }
        }

        Label {
            Layout.fillWidth: true
            text: postsModel.filterError.isValid
                  ? qsTr("Filter error: %1").arg(postsModel.filterError.message)
                  : (postsModel.totalCount < 0 ? qsTr("Counting posts…") : qsTr("%1 posts").arg(postsModel.totalCount))
            opacity: 0.8
        }

        SplitView {
            Layout.fillWidth: true
            Layout.fillHeight: true

            ListView {
                id: list
                objectName: "postList"
                SplitView.preferredWidth: 420
                SplitView.minimumWidth: 240
                clip: true
                model: postsModel
                activeFocusOnTab: true
                keyNavigationWraps: false
                highlightMoveDuration: 0
                currentIndex: -1
                ScrollBar.vertical: ScrollBar {}

                Keys.onReturnPressed: if (currentItem) page.openPost(currentItem.key)
                Keys.onEnterPressed: if (currentItem) page.openPost(currentItem.key)
                Keys.onDeletePressed: if (currentItem) page.removePost(currentItem.key)

                delegate: ItemDelegate {
                    id: row

                    required property int index
                    required property string key
                    required property string title
                    required property var rating
                    required property var status

                    width: ListView.view.width
                    highlighted: ListView.isCurrentItem || key === page.openPostId
                    focusPolicy: Qt.NoFocus
                    onClicked: {
                        list.currentIndex = index
                        list.forceActiveFocus()
                        page.openPost(key)
                    }

                    contentItem: ColumnLayout {
                        spacing: 2
                        Label {
                            Layout.fillWidth: true
                            text: row.title
                            font.bold: true
                            elide: Text.ElideRight
                        }
                        Label {
                            Layout.fillWidth: true
                            text: qsTr("Rating %1 · %2").arg(row.rating ?? "–").arg(row.status ?? qsTr("no status"))
                            opacity: 0.75
                            elide: Text.ElideRight
                        }
                    }
                }

                Label {
                    anchors.centerIn: parent
                    visible: list.count === 0 && !postsModel.loading
                    text: qsTr("No posts match")
                }
            }

            PostEditor {
                id: editor
                SplitView.fillWidth: true
                app: page.app
                postId: page.openPostId
                onRemoved: page.openPostId = ""
            }
        }
    }
}

// A page that says what is not there yet, plainly.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Pane {
    id: page

    property string heading
    property string message

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 24
        spacing: 12

        Label {
            text: page.heading
            font.pointSize: Qt.application.font.pointSize * 1.6
            font.bold: true
        }
        Label {
            Layout.fillWidth: true
            Layout.maximumWidth: 720
            text: page.message
            wrapMode: Text.Wrap
        }
        Item { Layout.fillHeight: true }
    }
}

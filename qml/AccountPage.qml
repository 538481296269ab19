// Account: who is signed in, sign in / create an account, sign out, and the
// users known on this device to switch to. Validation and every decision
// live in C++ (notes::Account); this page shows and forwards.
// Keys: Tab between fields and buttons, Enter submits the form or switches
// to the current user of the list.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtDataStore.Notes

Pane {
    id: page

    required property Account account

    // Which form is shown: sign in (false) or create an account (true).
    property bool creating: false

    readonly property string usernameProblem: page.account.usernameProblem(usernameField.text)
    readonly property string passwordProblem: page.account.passwordProblem(passwordField.text,
                                                                          page.creating ? Account.SignUp : Account.SignIn)
    readonly property string confirmationProblem: page.creating ? page.account.confirmationProblem(passwordField.text, confirmField.text) : ""
    readonly property string emailProblem: page.creating ? page.account.emailProblem(emailField.text) : ""
    readonly property bool formValid: page.usernameProblem === "" && page.passwordProblem === ""
                                      && page.confirmationProblem === "" && page.emailProblem === ""

    function submit() {
        usernameField.touched = true
        passwordField.touched = true
        confirmField.touched = true
        if (!page.formValid || page.account.busy || !page.account.cloudAvailable)
            return
        if (page.creating)
            page.account.signUp(usernameField.text, passwordField.text, emailField.text)
        else
            page.account.signIn(usernameField.text, passwordField.text)
        // The password is never kept, not even in the field.
        passwordField.clear()
        confirmField.clear()
        passwordField.touched = false
        confirmField.touched = false
    }

    Connections {
        target: page.account
        function onPasswordNeededForChanged() {
            if (page.account.passwordNeededFor !== "") {
                page.creating = false
                usernameField.text = page.account.passwordNeededFor
                passwordField.forceActiveFocus()
            }
        }
    }

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: Math.min(scroll.availableWidth, 640)
            spacing: 12

            Label {
                text: qsTr("Account")
                font.pointSize: Qt.application.font.pointSize * 1.6
                font.bold: true
            }

            // ---- who is signed in -------------------------------------------
            RowLayout {
                Layout.fillWidth: true
                spacing: 12
                Label {
                    objectName: "currentUserLabel"
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: page.account.signedIn
                          ? qsTr("Signed in as %1").arg(page.account.username)
                          : qsTr("Not signed in: you see this device's own data, not any user's notes.")
                }
                BusyIndicator {
                    running: page.account.busy
                    visible: running
                    implicitWidth: 28
                    implicitHeight: 28
                }
                Button {
                    objectName: "signOutButton"
                    visible: page.account.signedIn
                    enabled: !page.account.busy
                    text: qsTr("Sign out")
                    onClicked: page.account.signOut()
                }
            }
            Label {
                objectName: "databaseLabel"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                opacity: 0.7
                text: qsTr("Local database: %1").arg(page.account.databasePath)
            }
            Label {
                objectName: "keychainLabel"
                Layout.fillWidth: true
                visible: text !== ""
                wrapMode: Text.Wrap
                text: page.account.keychainMessage
                color: page.palette.highlight
            }
            Label {
                objectName: "noticeLabel"
                Layout.fillWidth: true
                visible: text !== ""
                wrapMode: Text.Wrap
                text: page.account.notice
            }
            Label {
                objectName: "errorLabel"
                Layout.fillWidth: true
                visible: text !== ""
                wrapMode: Text.Wrap
                text: page.account.errorString
                color: "#c62828"
            }
            Label {
                Layout.fillWidth: true
                visible: !page.account.cloudAvailable
                wrapMode: Text.Wrap
                text: qsTr("No cloud is configured: this app keeps everything on this device. "
                           + "Start it with a server (--local-server or --config) to sign in.")
            }

            // ---- sign in / create an account --------------------------------
            GroupBox {
                Layout.fillWidth: true
                enabled: page.account.cloudAvailable && !page.account.busy
                title: page.account.signedIn ? qsTr("Sign in as someone else") : qsTr("Sign in")

                ColumnLayout {
                    anchors.fill: parent
                    spacing: 6

                    RowLayout {
                        spacing: 8
                        RadioButton {
                            objectName: "signInMode"
                            text: qsTr("I have an account")
                            checked: !page.creating
                            onToggled: page.creating = !checked
                        }
                        RadioButton {
                            objectName: "signUpMode"
                            text: qsTr("Create an account")
                            checked: page.creating
                            onToggled: page.creating = checked
                        }
                    }

                    Label { text: qsTr("User name") }
                    TextField {
                        id: usernameField
                        objectName: "usernameField"
                        property bool touched: false
                        Layout.fillWidth: true
                        placeholderText: qsTr("e.g. alice")
                        inputMethodHints: Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
                        onTextEdited: touched = true
                        onAccepted: passwordField.forceActiveFocus()
                    }
                    Label {
                        objectName: "usernameProblem"
                        visible: usernameField.touched && page.usernameProblem !== ""
                        text: page.usernameProblem
                        color: "#c62828"
                    }

                    Label { text: qsTr("Password") }
                    TextField {
                        id: passwordField
                        objectName: "passwordField"
                        property bool touched: false
                        Layout.fillWidth: true
                        echoMode: TextInput.Password
                        onTextEdited: touched = true
                        onAccepted: page.creating ? confirmField.forceActiveFocus() : page.submit()
                    }
                    Label {
                        objectName: "passwordProblem"
                        visible: passwordField.touched && page.passwordProblem !== ""
                        text: page.passwordProblem
                        color: "#c62828"
                    }

                    Label { visible: page.creating; text: qsTr("Password again") }
                    TextField {
                        id: confirmField
                        objectName: "confirmField"
                        property bool touched: false
                        visible: page.creating
                        Layout.fillWidth: true
                        echoMode: TextInput.Password
                        onTextEdited: touched = true
                        onAccepted: emailField.forceActiveFocus()
                    }
                    Label {
                        visible: page.creating && confirmField.touched && page.confirmationProblem !== ""
                        text: page.confirmationProblem
                        color: "#c62828"
                    }

                    Label { visible: page.creating; text: qsTr("E-mail (optional)") }
                    TextField {
                        id: emailField
                        objectName: "emailField"
                        visible: page.creating
                        Layout.fillWidth: true
                        inputMethodHints: Qt.ImhEmailCharactersOnly
                        onAccepted: page.submit()
                    }
                    Label {
                        visible: page.creating && page.emailProblem !== ""
                        text: page.emailProblem
                        color: "#c62828"
                    }

                    Button {
                        objectName: "submitButton"
                        text: page.creating ? qsTr("Create account") : qsTr("Sign in")
                        enabled: page.formValid
                        highlighted: true
                        onClicked: page.submit()
                    }
                }
            }

            // ---- known users ------------------------------------------------
            Label {
                visible: page.account.knownUsers.length > 0
                text: qsTr("Switch user (users who signed in on this device)")
                font.bold: true
            }
            ListView {
                id: users
                objectName: "knownUsersList"
                Layout.fillWidth: true
                Layout.preferredHeight: contentHeight
                visible: count > 0
                interactive: false
                activeFocusOnTab: true
                currentIndex: -1
                highlightMoveDuration: 0
                model: page.account.knownUsers

                Keys.onReturnPressed: if (currentItem) page.account.switchTo(currentItem.modelData)
                Keys.onEnterPressed: if (currentItem) page.account.switchTo(currentItem.modelData)
                onActiveFocusChanged: if (activeFocus && currentIndex < 0 && count > 0) currentIndex = 0

                delegate: ItemDelegate {
                    required property string modelData
                    required property int index

                    objectName: "knownUser-" + modelData
                    width: ListView.view.width
                    focusPolicy: Qt.NoFocus
                    enabled: !page.account.busy
                    highlighted: ListView.isCurrentItem
                    text: modelData === page.account.username ? qsTr("%1 (signed in)").arg(modelData) : modelData
                    onClicked: {
                        users.currentIndex = index
                        page.account.switchTo(modelData)
                    }
                }
            }
        }
    }
}

# CPack: `cpack -G DEB` in the build directory makes qt-datastore_<version>_<arch>.deb
# with everything `cmake --install` installs, under /usr.
#
# Dependencies: dpkg-shlibdeps computes the shared libraries the executables
# link (Qt Core/Gui/Network/Qml/Quick/Sql/WebSockets, libstdc++ ...); what
# Qt loads at run time is listed by hand: the SQLite driver, the platform
# plugins and the QML modules the app imports (QtQuick, QtQuick.Controls,
# QtQuick.Layouts).
set(CPACK_PACKAGE_NAME "qt-datastore")
set(CPACK_PACKAGE_VENDOR "Qt DataStore")
set(CPACK_PACKAGE_CONTACT "Qt DataStore maintainers <datastore@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
"Qt DataStore is an offline-first data store for Qt 6 applications that syncs
with a GraphQL backend speaking the AWS AppSync DataStore protocol.
This package holds the notes/posts desktop app datastore-notes, the
AppSync-compatible server datastore-server, the admin CLI datastore, the
model generator datastore-codegen, and the library (static archives, public
headers, the QML module QtDataStore and the CMake package DataStore).")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://example.org/qt-datastore")
set(CPACK_PACKAGE_INSTALL_DIRECTORY "QtDataStore")
set(CPACK_RESOURCE_FILE_README "${PROJECT_SOURCE_DIR}/README.md")
set(CPACK_SOURCE_IGNORE_FILES "/build.*/;/\\\\.git/")
set(CPACK_STRIP_FILES ON)
if(CMAKE_STRIP AND NOT APPLE AND NOT WIN32)
    set(CPACK_DS_STRIP "${CMAKE_STRIP}")
    set(CPACK_PRE_BUILD_SCRIPTS "${CMAKE_CURRENT_LIST_DIR}/DataStoreCPackStrip.cmake")
endif()
# One package with every install rule (no components).
set(CPACK_DEB_COMPONENT_INSTALL OFF)

set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
set(CPACK_DEBIAN_PACKAGE_SECTION "database")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libqt6sql6-sqlite, qt6-qpa-plugins, qml6-module-qtquick, qml6-module-qtquick-controls, qml6-module-qtquick-layouts, qml6-module-qtquick-templates, qml6-module-qtquick-window, qml6-module-qtqml-workerscript")
# The server's PostgreSQL storage needs Qt's QPSQL driver; a consumer of the
# CMake package needs Qt's development files.
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "libqt6sql6-psql")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-base-dev, qt6-declarative-dev, qt6-websockets-dev")
set(CPACK_DEBIAN_COMPRESSION_TYPE "gzip")
set(CPACK_THREADS 0)

include(CPack)

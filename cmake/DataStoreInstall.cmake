# Install rules and the CMake package `DataStore` (included by the top-level
# CMakeLists.txt after every target exists).
#
#   <prefix>/bin/                         datastore-notes, datastore-server, datastore, datastore-codegen
#   <prefix>/include/datastore/           the public headers; qml/: the QML module's C++ headers
#   <prefix>/<libdir>/                    the static archives of every module
#   <prefix>/<libdir>/cmake/DataStore/    DataStoreConfig.cmake, its version file, the exported
#                                         targets (namespace DataStore::) and DataStoreCodegen.cmake
#   <prefix>/<qmldir>/QtDataStore/        qmldir + type information of the static QML module
#
# The app's QML (module QtDataStore.Notes) and the library's QML module are
# compiled into datastore-notes as resources, so the installed app needs no
# import path. The bench and the tests are not installed.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(DS_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/DataStore"
    CACHE STRING "Where DataStoreConfig.cmake is installed, relative to the prefix")

# Qt's QML import path relative to Qt's prefix (lib/x86_64-linux-gnu/qt6/qml
# on Debian), so that with the prefix /usr the module lands where Qt looks.
# Qt 6.4 has no QT6_INSTALL_QML variable: ask qtpaths.
if(NOT DEFINED DS_INSTALL_QMLDIR)
    set(ds_qmldir "${CMAKE_INSTALL_LIBDIR}/qt6/qml")
    if(TARGET Qt6::qtpaths AND DEFINED QT6_INSTALL_PREFIX)
        get_target_property(ds_qtpaths Qt6::qtpaths LOCATION)
        execute_process(COMMAND "${ds_qtpaths}" --query QT_INSTALL_QML
            OUTPUT_VARIABLE ds_qt_qml OUTPUT_STRIP_TRAILING_WHITESPACE
            RESULT_VARIABLE ds_qtpaths_result ERROR_QUIET)
        if(ds_qtpaths_result EQUAL 0 AND IS_ABSOLUTE "${ds_qt_qml}")
            file(RELATIVE_PATH ds_rel "${QT6_INSTALL_PREFIX}" "${ds_qt_qml}")
            if(NOT ds_rel MATCHES "^\\.\\.")
                set(ds_qmldir "${ds_rel}")
            endif()
        endif()
    endif()
    set(DS_INSTALL_QMLDIR "${ds_qmldir}"
        CACHE STRING "Where the QML module QtDataStore is installed, relative to the prefix")
endif()

# The executables end users run. On macOS, -DDS_MACOS_BUNDLE=ON builds the
# app as a bundle, installed at the top of the prefix for macdeployqt
# (README: Packaging and install); off by default, as the tests run
# <build>/bin/datastore-notes.
option(DS_MACOS_BUNDLE "macOS: build datastore-notes as an app bundle" OFF)
if(APPLE AND DS_MACOS_BUNDLE AND TARGET datastore-notes)
    set_target_properties(datastore-notes PROPERTIES MACOSX_BUNDLE TRUE)
endif()
set(ds_programs datastore-notes datastore-server datastore-cli)
foreach(program IN LISTS ds_programs)
    if(TARGET ${program})
        install(TARGETS ${program}
            RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
            BUNDLE DESTINATION .)
    endif()
endforeach()

# The library: every module archive (DataStore links them all), the QML
# module's static plugin with its resource and initializer objects, and the
# code generator the datastore_generate_models() function runs.
set(ds_library_targets
    DataStoreCommon DataStoreGraphQL DataStoreSchema DataStorePredicate
    DataStoreStorage DataStoreNet DataStoreSync DataStore
    DataStoreQml DataStoreQmlplugin)
# qt_add_qml_module() adds object libraries (resources, plugin initializer)
# that the static libraries carry in their link interface: export them too.
set(ds_object_targets)
foreach(target IN ITEMS DataStoreQml DataStoreQmlplugin)
    get_target_property(links ${target} INTERFACE_LINK_LIBRARIES)
    foreach(link IN LISTS links)
        if(TARGET "${link}")
            get_target_property(type ${link} TYPE)
            if(type STREQUAL "OBJECT_LIBRARY")
                list(APPEND ds_object_targets ${link})
            endif()
        endif()
    endforeach()
endforeach()
list(REMOVE_DUPLICATES ds_object_targets)

install(TARGETS ${ds_library_targets} ${ds_object_targets} datastore-codegen
    EXPORT DataStoreTargets
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    OBJECTS DESTINATION ${CMAKE_INSTALL_LIBDIR}/datastore-objects
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

install(DIRECTORY ${PROJECT_SOURCE_DIR}/datastore/include/datastore
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    FILES_MATCHING PATTERN "*.h")
# The C++ side of the QML module, which an app needs to hand QML its store
# (QmlDataStore::setDefaultStore) or to use the list model from C++:
# #include <datastore/qml/qmldatastore.h>. They include each other by their
# own names, so the same headers work in the tree and installed.
install(FILES
    ${PROJECT_SOURCE_DIR}/datastore/qml/qmldatastore.h
    ${PROJECT_SOURCE_DIR}/datastore/qml/qmlerror.h
    ${PROJECT_SOURCE_DIR}/datastore/qml/datastorelistmodel.h
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/datastore/qml)

# qmldir and qmltypes of `import QtDataStore`, for qmllint, qmlls and Qt
# Creator. The plugin is static: an app links DataStore::DataStoreQmlplugin
# and imports it with Q_IMPORT_QML_PLUGIN(QtDataStorePlugin).
get_target_property(ds_qml_out DataStoreQml QT_QML_MODULE_OUTPUT_DIRECTORY)
get_target_property(ds_qml_typeinfo DataStoreQml QT_QML_MODULE_TYPEINFO)
install(FILES "${ds_qml_out}/qmldir" "${ds_qml_out}/${ds_qml_typeinfo}"
    DESTINATION ${DS_INSTALL_QMLDIR}/QtDataStore)

install(EXPORT DataStoreTargets
    NAMESPACE DataStore::
    DESTINATION ${DS_INSTALL_CMAKEDIR}
    FILE DataStoreTargets.cmake)

configure_package_config_file(
    ${PROJECT_SOURCE_DIR}/cmake/DataStoreConfig.cmake.in
    ${PROJECT_BINARY_DIR}/package/DataStoreConfig.cmake
    INSTALL_DESTINATION ${DS_INSTALL_CMAKEDIR}
    PATH_VARS DS_INSTALL_QMLDIR)
# 0.x: a minor version may break the API, so only the same minor matches.
write_basic_package_version_file(
    ${PROJECT_BINARY_DIR}/package/DataStoreConfigVersion.cmake
    VERSION ${PROJECT_VERSION}
    COMPATIBILITY SameMinorVersion)
install(FILES
    ${PROJECT_BINARY_DIR}/package/DataStoreConfig.cmake
    ${PROJECT_BINARY_DIR}/package/DataStoreConfigVersion.cmake
    ${PROJECT_SOURCE_DIR}/cmake/DataStoreCodegen.cmake
    DESTINATION ${DS_INSTALL_CMAKEDIR})

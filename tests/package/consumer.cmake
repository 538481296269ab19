# The package test (ctest -L package): installs the current build into a
# temporary prefix, then configures, builds and runs tests/package/consumer
# against that prefix only.
#   cmake -DBUILD_DIR=... -DCONSUMER_DIR=... -DWORK_DIR=... -DGENERATOR=...
#         -DCXX_COMPILER=... [-DLAUNCHER=ccache] [-DBUILD_TYPE=...] -P consumer.cmake
cmake_minimum_required(VERSION 3.25)
string(TIMESTAMP start "%s")
foreach(var BUILD_DIR CONSUMER_DIR WORK_DIR GENERATOR CXX_COMPILER)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "consumer.cmake: ${var} is not set")
    endif()
endforeach()

function(step name)
    string(TIMESTAMP now "%s")
    math(EXPR elapsed "${now} - ${start}")
    message(STATUS "[${name}] +${elapsed}s")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "${name} failed (${rc}):\n${out}\n${err}")
    endif()
    set(step_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")

step(install ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")

# What the install must hold (libdir varies: lib or lib/<multiarch>).
foreach(program datastore-notes datastore-server datastore datastore-codegen)
    if(NOT EXISTS "${prefix}/bin/${program}" AND NOT EXISTS "${prefix}/bin/${program}.exe")
        message(FATAL_ERROR "not installed: bin/${program}")
    endif()
endforeach()
foreach(unwanted datastore-bench tst_datastore)
    if(EXISTS "${prefix}/bin/${unwanted}")
        message(FATAL_ERROR "installed but must not be: bin/${unwanted}")
    endif()
endforeach()
file(GLOB_RECURSE config "${prefix}/*/DataStoreConfig.cmake")
file(GLOB_RECURSE version_file "${prefix}/*/DataStoreConfigVersion.cmake")
file(GLOB_RECURSE qmldir "${prefix}/*/qmldir")
list(FILTER qmldir INCLUDE REGEX "/QtDataStore/qmldir$")
file(GLOB headers RELATIVE "${prefix}/include/datastore" "${prefix}/include/datastore/*.h")
if(NOT config OR NOT version_file OR NOT qmldir OR NOT "datastore.h" IN_LIST headers)
    message(FATAL_ERROR "incomplete install: config '${config}' version '${version_file}' qmldir '${qmldir}' headers '${headers}'")
endif()
if(NOT EXISTS "${prefix}/include/datastore/qml/qmldatastore.h")
    message(FATAL_ERROR "not installed: include/datastore/qml/qmldatastore.h")
endif()
# Every public header includes only Qt, the standard library and <datastore/...>
# headers that are installed too.
foreach(header IN LISTS headers)
    file(STRINGS "${prefix}/include/datastore/${header}" includes REGEX "^#[ \t]*include")
    foreach(line IN LISTS includes)
        if(line MATCHES "\"")
            message(FATAL_ERROR "${header}: quoted include of a private header: ${line}")
        endif()
        if(line MATCHES "<datastore/([^>]+)>" AND NOT CMAKE_MATCH_1 IN_LIST headers)
            message(FATAL_ERROR "${header}: includes <datastore/${CMAKE_MATCH_1}>, which is not installed")
        endif()
    endforeach()
endforeach()

set(configure_args
    -S "${CONSUMER_DIR}" -B "${WORK_DIR}/build" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${prefix}"
    "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
if(LAUNCHER)
    list(APPEND configure_args "-DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}")
endif()
if(BUILD_TYPE)
    list(APPEND configure_args "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}")
endif()
step(configure ${CMAKE_COMMAND} ${configure_args})

# The package found must be the one just installed, not one on the system.
file(STRINGS "${WORK_DIR}/build/CMakeCache.txt" found_dir REGEX "^DataStore_DIR:")
string(REGEX REPLACE "^DataStore_DIR:[A-Z]+=" "" found_dir "${found_dir}")
file(REAL_PATH "${found_dir}" found_dir)
file(REAL_PATH "${prefix}" real_prefix)
string(FIND "${found_dir}" "${real_prefix}/" at)
if(NOT at EQUAL 0)
    message(FATAL_ERROR "find_package(DataStore) found ${found_dir}, not the package in ${real_prefix}")
endif()

step(build ${CMAKE_COMMAND} --build "${WORK_DIR}/build")

set(ENV{QT_QPA_PLATFORM} offscreen)
file(GLOB consumer_exe "${WORK_DIR}/build/consumer" "${WORK_DIR}/build/consumer.exe"
    "${WORK_DIR}/build/*/consumer.exe")
step(run ${consumer_exe})
message(STATUS "consumer printed:\n${step_output}")
foreach(expected "entry third rating 9" "entry second rating 8" "matched 2 of 3" "qml DataStoreListModel count 2")
    string(FIND "${step_output}" "${expected}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "consumer output lacks '${expected}'")
    endif()
endforeach()
string(TIMESTAMP now "%s")
math(EXPR elapsed "${now} - ${start}")
message(STATUS "[done] +${elapsed}s")

# CPack pre-build script (CPACK_PRE_BUILD_SCRIPTS): drops the debug sections
# of the static archives and objects in the staging directory. CPACK_STRIP_FILES
# strips the executables only; without this the archives of a RelWithDebInfo
# build make up most of the package.
if(NOT CPACK_DS_STRIP)
    return()
endif()
set(staging "${CPACK_TEMPORARY_INSTALL_DIRECTORY}")
if(NOT staging)
    set(staging "${CPACK_TEMPORARY_DIRECTORY}")
endif()
file(GLOB_RECURSE archives "${staging}/*.a" "${staging}/*.o")
foreach(archive IN LISTS archives)
    execute_process(COMMAND "${CPACK_DS_STRIP}" --strip-debug "${archive}" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "strip --strip-debug ${archive} failed")
    endif()
endforeach()
list(LENGTH archives count)
message(STATUS "DataStore: stripped debug information from ${count} archives and objects in ${staging}")

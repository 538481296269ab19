# datastore_generate_models(<target> <schema.graphql> [NAMESPACE <ns>])
#
# Runs datastore-codegen at build time on <schema.graphql> and adds the
# generated C++ model classes (models.h / models.cpp) to <target>. The output
# lives in the build tree, never in the source tree; include it as
# #include "models.h".
#
# Works in this project's build (the datastore-codegen target) and, installed
# with the CMake package, after find_package(DataStore) (the imported target
# DataStore::datastore-codegen).
function(datastore_generate_models target schema)
    cmake_parse_arguments(ARG "" "NAMESPACE" "" ${ARGN})
    get_filename_component(schema_path "${schema}" ABSOLUTE)
    set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/${target}_models")
    set(outputs "${out_dir}/models.h" "${out_dir}/models.cpp")
    set(ns_args)
    if(ARG_NAMESPACE)
        set(ns_args --namespace ${ARG_NAMESPACE})
    endif()
    if(TARGET datastore-codegen)
        set(codegen $<TARGET_FILE:datastore-codegen>)
    elseif(TARGET DataStore::datastore-codegen)
        set(codegen $<TARGET_FILE:DataStore::datastore-codegen>)
    else()
        find_program(codegen datastore-codegen REQUIRED)
    endif()
    add_custom_command(
        OUTPUT ${outputs}
        COMMAND ${codegen} "${schema_path}" -o "${out_dir}" ${ns_args}
        DEPENDS "${schema_path}" ${codegen}
        COMMENT "Generating C++ models from ${schema}"
        VERBATIM)
    target_sources(${target} PRIVATE ${outputs})
    target_include_directories(${target} PUBLIC "${out_dir}")
    target_link_libraries(${target} PUBLIC DataStore::DataStore)
endfunction()

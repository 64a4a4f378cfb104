# kaoping_embed_files(<target> FUNCTION <c++ function> FILES <files...>)
#
# Compiles files (SQL migrations, the default catalog) into <target> so that
# a binary carries its schema and data. The generated function returns
# std::span<const kaoping::EmbeddedFile>, files in the order given; the
# declaration lives in the caller's header. Edits to a file rebuild it.
set(KAOPING_EMBED_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/embed_script.cmake")

function(kaoping_embed_files target)
  cmake_parse_arguments(arg "" "FUNCTION" "FILES" ${ARGN})
  string(REPLACE "::" "_" stem "${arg_FUNCTION}")
  set(out "${CMAKE_CURRENT_BINARY_DIR}/embedded_${stem}.cc")
  set(abs_files)
  foreach(f IN LISTS arg_FILES)
    get_filename_component(abs "${f}" ABSOLUTE)
    list(APPEND abs_files "${abs}")
  endforeach()
  string(REPLACE ";" "|" joined "${abs_files}")
  add_custom_command(
    OUTPUT "${out}"
    COMMAND "${CMAKE_COMMAND}" "-DOUT=${out}" "-DFUNCTION=${arg_FUNCTION}"
            "-DFILES=${joined}" -P "${KAOPING_EMBED_SCRIPT}"
    DEPENDS ${abs_files} "${KAOPING_EMBED_SCRIPT}"
    COMMENT "embedding into ${arg_FUNCTION}" VERBATIM)
  target_sources(${target} PRIVATE "${out}")
endfunction()

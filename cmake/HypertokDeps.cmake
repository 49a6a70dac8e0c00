# Finds every dependency from the system (Debian packages); nothing is vendored.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
# xxHash: XXH3-64 is the checksum of every file format (docs/FORMAT.md).
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
pkg_check_modules(ICU_UC REQUIRED IMPORTED_TARGET icu-uc)
pkg_check_modules(ICU_I18N REQUIRED IMPORTED_TARGET icu-i18n)
pkg_check_modules(SENTENCEPIECE REQUIRED IMPORTED_TARGET sentencepiece)
# PCRE2: the split patterns of tiktoken reference encodings (stats --reference).
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)
# build: recipes are TOML (toml++).
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)
# The hypertok command links the static archives Debian ships for the C
# libraries it calls (zstd, xxHash, PCRE2, ICU's common library and data)
# instead of their shared objects, and only the shared libraries it uses
# (--as-needed, in CMakeLists.txt): each shared library mapped at start cost
# ~0.3-0.5 ms, and start-up is a fifth of encoding a book
# (docs/ARCHITECTURE.md, "Start-up"). The installed libraries keep the shared
# ones. Where an archive is missing, the shared library is linked as before.
option(HYPERTOK_STATIC_DEPS "Link the hypertok command with static zstd, xxHash, PCRE2, ICU" ON)
set(HYPERTOK_COMMAND_ARCHIVES "")
if(HYPERTOK_STATIC_DEPS)
  foreach(group "zstd" "xxhash" "pcre2-8" "icuuc;icudata")
    set(archives "")
    foreach(lib IN LISTS group)
      find_library(HYPERTOK_ARCHIVE_${lib} NAMES lib${lib}.a)
      list(APPEND archives ${HYPERTOK_ARCHIVE_${lib}})
    endforeach()
    if(NOT archives MATCHES "NOTFOUND")  # (ICU: both archives or neither)
      list(APPEND HYPERTOK_COMMAND_ARCHIVES ${archives})
    endif()
  endforeach()
endif()
# jemalloc, linked statically into the hypertok command (position-independent
# archive, as the executable is PIE): see src/cli/allocator.cc.
if(HYPERTOK_USE_JEMALLOC)
  find_library(JEMALLOC_LIBRARY NAMES libjemalloc_pic.a REQUIRED)
endif()
if(HYPERTOK_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
endif()

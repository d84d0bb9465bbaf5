# Shared precompiled headers: the standard library for every target, GoogleTest
# on top for every test binary.
#
# Parsing <string>, <vector>, <functional>, <chrono>... costs about 1 s of CPU
# in each translation unit (g++ 12, -O2; measured with -ftime-report), most of
# a small unit's compile. Two precompiled headers are built once per build
# tree and reused by every target (REUSE_FROM), instead of once per target or
# not at all. Only headers that never change go in: a change to a project
# header rebuilds what includes it, never the precompiled header.
#
# ipcsim_precompiled_headers() runs after every target exists (the end of the
# top CMakeLists.txt) and applies them to every library and executable of the
# project that has no precompiled header of its own, so a new mechanism's
# targets get them without asking.

set(IPCSIM_PCH_STD
  <algorithm> <array> <charconv> <chrono> <coroutine> <cstddef> <cstdint> <cstdio> <cstring>
  <deque> <fstream> <functional> <initializer_list> <iostream> <map> <memory> <optional> <set>
  <source_location> <span> <sstream> <stdexcept> <string> <string_view> <type_traits> <utility>
  <variant> <vector>)

# The (empty) unit every precompiled-header target compiles; made here, before
# the modules, since a module may add one of its own (property_tests/).
set(IPCSIM_PCH_SOURCE ${PROJECT_BINARY_DIR}/ipcsim_pch.cpp)
file(CONFIGURE OUTPUT ${IPCSIM_PCH_SOURCE} CONTENT "// The unit that builds the shared precompiled headers.\n")

function(ipcsim_pch_targets dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub ${subdirs})
    ipcsim_pch_targets(${sub} more)
    list(APPEND targets ${more})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

function(ipcsim_precompiled_headers)
  set(src ${IPCSIM_PCH_SOURCE})
  add_library(ipcsim_pch_std OBJECT ${src})
  target_precompile_headers(ipcsim_pch_std PRIVATE ${IPCSIM_PCH_STD})
  add_library(ipcsim_pch_test OBJECT ${src})
  target_link_libraries(ipcsim_pch_test PRIVATE GTest::gtest)
  target_precompile_headers(ipcsim_pch_test PRIVATE ${IPCSIM_PCH_STD} <gtest/gtest.h>)
  target_compile_options(ipcsim_pch_test PRIVATE ${IPCSIM_TEST_OPTIMIZE})  # as the tests that reuse it

  ipcsim_pch_targets(${PROJECT_SOURCE_DIR} targets)
  foreach(t ${targets})
    get_target_property(type ${t} TYPE)
    if(NOT type MATCHES "^(STATIC_LIBRARY|SHARED_LIBRARY|OBJECT_LIBRARY|EXECUTABLE)$")
      continue()
    endif()
    if(t MATCHES "^ipcsim_pch_")
      continue()
    endif()
    get_target_property(own ${t} PRECOMPILE_HEADERS)
    get_target_property(reused ${t} PRECOMPILE_HEADERS_REUSE_FROM)
    if(own OR reused)
      continue()  # a target with heavier headers of its own (the CLI, rapidcheck tests)
    endif()
    get_target_property(is_test ${t} IPCSIM_TEST)
    if(is_test)
      target_precompile_headers(${t} REUSE_FROM ipcsim_pch_test)
    else()
      target_precompile_headers(${t} REUSE_FROM ipcsim_pch_std)
    endif()
  endforeach()
endfunction()

# ctest helper: two runs of one scenario (same seed) must write identical trace bytes.
# Variables: IPCSIM, FILE (relative to SOURCE_DIR), SOURCE_DIR, OUT (a scratch prefix).
foreach(i 1 2)
  execute_process(COMMAND ${IPCSIM} run ${FILE} --trace ${OUT}.${i}.jsonl
    WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE rc OUTPUT_QUIET)
  if(rc GREATER 1)
    message(FATAL_ERROR "${FILE}: run ${i} exited with ${rc}")
  endif()
endforeach()
file(SHA256 ${OUT}.1.jsonl h1)
file(SHA256 ${OUT}.2.jsonl h2)
file(SIZE ${OUT}.1.jsonl size)
if(NOT h1 STREQUAL h2)
  message(FATAL_ERROR "${FILE}: two runs with one seed gave different traces (${h1} vs ${h2})")
endif()
if(size LESS 100)
  message(FATAL_ERROR "${FILE}: the trace is suspiciously small (${size} bytes)")
endif()
message(STATUS "${FILE}: ${size} trace bytes, sha256 ${h1}")

# ctest helper for ipcsim_scenario(... CHECK): `ipcsim check FILE` must meet
# the scenario's expectation with a search that earned it (exit 0: a complete
# search, or one stopped at the expected violation). An inconclusive search
# (exit 3: a budget was hit) passes only when every budget it hit is one the
# file set itself ([check] max_depth, max_executions) and the file says why
# that is enough (bounded_because): the command prints "bounded by the file's
# [check]" then and only then. A step limit, a --time-limit or the default caps
# are never excused. Anything else fails. The output goes to the test log either way, so
# the coverage counts and assumptions of every model-checked scenario are on
# record.
# Variables: IPCSIM, FILE (relative to SOURCE_DIR), OUT (a directory), SOURCE_DIR;
# EXTRA (optional): more arguments, separated by "|" (for the tests of this script).
string(REPLACE "|" ";" EXTRA "${EXTRA}")
execute_process(COMMAND ${IPCSIM} check ${FILE} --out-dir ${OUT} ${EXTRA}
  WORKING_DIRECTORY ${SOURCE_DIR}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(rc EQUAL 0)
  return()
endif()
if(rc EQUAL 3 AND out MATCHES "\nbounded by the file's \\[check\\]: [^\n]+")
  message("${FILE}: inconclusive, accepted: the file bounds its search and says why")
  return()
endif()
message(FATAL_ERROR "${FILE}: `ipcsim check` exited ${rc}; expected 0, or 3 with a [check] bounded_because in the file")

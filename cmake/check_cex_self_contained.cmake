# ctest helper: a counterexample carries its scenario. Fuzz a broken variant
# copied to a scratch place (so the file records an absolute path), move the
# scenario away, and replay from another directory: it must still reproduce.
# Then --scenario: the moved file replays without a warning (also for a
# version 1 file, which needs it); an edited copy replays with a warning.
# Variables: IPCSIM, FILE (a broken-variant scenario), OUT (scratch directory).
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT}/found ${OUT}/cex ${OUT}/elsewhere ${OUT}/moved)
file(COPY ${FILE} DESTINATION ${OUT}/found)
get_filename_component(name ${FILE} NAME)
execute_process(COMMAND ${IPCSIM} fuzz ${OUT}/found/${name} --runs 300 --seed 1 --json --out-dir ${OUT}/cex
  WORKING_DIRECTORY ${OUT}/found RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzz exited with ${rc}:\n${out}")
endif()
string(JSON cex GET ${out} findings 0 counterexample)
file(RENAME ${OUT}/found/${name} ${OUT}/moved/${name})
file(REMOVE_RECURSE ${OUT}/found)

execute_process(COMMAND ${IPCSIM} replay ${cex} WORKING_DIRECTORY ${OUT}/elsewhere
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "reproduces the violation" OR NOT err STREQUAL "")
  message(FATAL_ERROR "replay with the scenario moved away (exit ${rc}):\n${out}\nstderr:\n${err}")
endif()

execute_process(COMMAND ${IPCSIM} replay ${cex} --scenario ${OUT}/moved/${name} WORKING_DIRECTORY ${OUT}/elsewhere
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "reproduces the violation" OR NOT err STREQUAL "")
  message(FATAL_ERROR "replay --scenario with the same file (exit ${rc}):\n${out}\nstderr:\n${err}")
endif()

# A version 1 file (no scenario_text) replays with --scenario, and without it
# is refused with what to do.
file(READ ${cex} json)
string(JSON json REMOVE ${json} scenario_text)
string(JSON json SET ${json} version 1)
file(WRITE ${OUT}/v1.cex.json ${json})
execute_process(COMMAND ${IPCSIM} replay ${OUT}/v1.cex.json --scenario ${OUT}/moved/${name}
  WORKING_DIRECTORY ${OUT}/elsewhere RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "reproduces the violation" OR NOT err STREQUAL "")
  message(FATAL_ERROR "replay of a version 1 file with --scenario (exit ${rc}):\n${out}\nstderr:\n${err}")
endif()
execute_process(COMMAND ${IPCSIM} replay ${OUT}/v1.cex.json WORKING_DIRECTORY ${OUT}/elsewhere
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "v1.cex.json:[0-9]+:[0-9]+: error: version: .* with --scenario PATH")
  message(FATAL_ERROR "replay of a version 1 file without --scenario (exit ${rc}):\n${out}\nstderr:\n${err}")
endif()

file(APPEND ${OUT}/moved/${name} "# edited after the counterexample was found\n")
execute_process(COMMAND ${IPCSIM} replay ${cex} --scenario ${OUT}/moved/${name} WORKING_DIRECTORY ${OUT}/elsewhere
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT err MATCHES "warning: --scenario .* is not the scenario the counterexample was recorded with")
  message(FATAL_ERROR "replay --scenario with an edited file (exit ${rc}):\n${out}\nstderr:\n${err}")
endif()

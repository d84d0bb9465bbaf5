# ctest helper: fuzz a broken-variant scenario, then replay its counterexample:
# the shrunk one must reproduce the violation, and the original one must give
# the same trace bytes as `ipcsim run --seed` of the run that found it. The
# replays run in the scratch directory, where the scenario's relative path
# leads nowhere: the counterexample carries its scenario.
# Variables: IPCSIM, FILE, SOURCE_DIR, OUT (scratch directory).
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
execute_process(COMMAND ${IPCSIM} fuzz ${FILE} --runs 200 --seed 1 --json --out-dir ${OUT}
  WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzz exited with ${rc}:\n${out}")
endif()
string(JSON cex GET ${out} findings 0 counterexample)
string(JSON seed GET ${out} findings 0 seed)
string(JSON before GET ${out} findings 0 choices_before_shrinking)
string(JSON after GET ${out} findings 0 choices_after_shrinking)
message(STATUS "counterexample ${cex}: seed ${seed}, ${before} -> ${after} choices")
execute_process(COMMAND ${IPCSIM} replay ${cex} WORKING_DIRECTORY ${OUT} RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR NOT out MATCHES "reproduces the violation")
  message(FATAL_ERROR "replay of the shrunk counterexample (exit ${rc}):\n${out}")
endif()
execute_process(COMMAND ${IPCSIM} replay ${cex} --original --trace ${OUT}/replay.jsonl
  WORKING_DIRECTORY ${OUT} RESULT_VARIABLE rc OUTPUT_QUIET)
execute_process(COMMAND ${IPCSIM} run ${FILE} --seed ${seed} --trace ${OUT}/run.jsonl
  WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE rc2 OUTPUT_QUIET)
file(SHA256 ${OUT}/replay.jsonl a)
file(SHA256 ${OUT}/run.jsonl b)
if(NOT a STREQUAL b)
  message(FATAL_ERROR "replay --original and run --seed ${seed} gave different traces")
endif()

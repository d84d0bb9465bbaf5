# ctest helper: replay gives one verdict, and its exit code agrees with it.
# From a fresh counterexample of a broken variant, crafts:
#  - choices recorded after the violation (the run stops there and never asks
#    for them): still reproduces, as the scenario expects, exit 0;
#  - a scenario copy that expects a pass: reproduces, NOT as expected, exit 1;
#  - a recorded property other than the one the run violates: does NOT
#    reproduce, exit 1, although the scenario expects what the run violated.
# Variables: IPCSIM, FILE (a broken-variant scenario), OUT (scratch directory).
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
execute_process(COMMAND ${IPCSIM} fuzz ${FILE} --runs 300 --seed 1 --json --out-dir ${OUT}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzz exited with ${rc}:\n${out}")
endif()
string(JSON cex GET ${out} findings 0 counterexample)
string(JSON property GET ${out} findings 0 property)
file(READ ${cex} json)
string(JSON choices GET ${json} choices)

function(replay name expect_code stdout_regex)
  execute_process(COMMAND ${IPCSIM} replay ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL expect_code OR NOT out MATCHES "${stdout_regex}")
    message(FATAL_ERROR "${name}: exit ${rc} (expected ${expect_code}), stdout must match '${stdout_regex}':\n${out}\nstderr:\n${err}")
  endif()
  string(REGEX MATCHALL "\nverdict " verdicts "\n${out}")
  list(LENGTH verdicts n)
  if(NOT n EQUAL 1 OR out MATCHES "as expected\n.*verdict")
    message(FATAL_ERROR "${name}: one verdict line, and no other, expected:\n${out}")
  endif()
endfunction()

string(JSON extra SET ${json} choices "\"${choices} s/2=1 s/2=0 s/3=2\"")
file(WRITE ${OUT}/extra.cex.json ${extra})
replay(extra_choices 0 "recorded choices used; the 3 after choice #[0-9]+ were not asked for.*\nverdict    reproduces the violation of ${property}, as the scenario expects\n" ${OUT}/extra.cex.json)

file(READ ${FILE} text)
string(REGEX REPLACE "outcome = \"[a-z_]+\"" "outcome = \"pass\"" text "${text}")
file(WRITE ${OUT}/expects_pass.toml "${text}")
replay(expects_pass 1 "\nverdict    reproduces the violation of ${property}: NOT as expected, the scenario expects a pass\n"
  ${cex} --scenario ${OUT}/expects_pass.toml)

string(JSON other SET ${json} property "\"deadlock_free\"")
file(WRITE ${OUT}/other.cex.json ${other})
replay(other_property 1 "\nverdict    does NOT reproduce the violation of deadlock_free: the run violates ${property} instead" ${OUT}/other.cex.json)

# ctest helper: runs CMD_A and CMD_B (arguments separated by "|") in SOURCE_DIR
# and checks that both exit with EXPECT_CODE and print byte-identical stdout.
# Used for "--jobs N gives what --jobs 1 gives" and "a report is the same on
# every run", which a regex cannot say.
foreach(which A B)
  string(REPLACE "|" ";" cmd "${CMD_${which}}")
  execute_process(COMMAND ${cmd} WORKING_DIRECTORY ${SOURCE_DIR}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out_${which} ERROR_VARIABLE err)
  if(NOT rc EQUAL EXPECT_CODE)
    message(FATAL_ERROR "command ${which} exited ${rc}, expected ${EXPECT_CODE}\nstdout:\n${out_${which}}\nstderr:\n${err}")
  endif()
endforeach()
if(NOT out_A STREQUAL out_B)
  message(FATAL_ERROR "the two commands printed different stdout\n--- A:\n${out_A}\n--- B:\n${out_B}")
endif()

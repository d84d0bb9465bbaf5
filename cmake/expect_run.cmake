# ctest helper: runs CMD (arguments separated by "|") in SOURCE_DIR and checks its exit code is
# EXPECT_CODE; optionally that stdout matches STDOUT_REGEX and stderr matches
# STDERR_REGEX; and with ABSENT, that the command left no file at that path
# (a refused command writes nothing).
string(REPLACE "|" ";" CMD "${CMD}")
if(DEFINED ABSENT)
  file(REMOVE "${ABSENT}")
endif()
execute_process(COMMAND ${CMD} WORKING_DIRECTORY ${SOURCE_DIR}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL EXPECT_CODE)
  message(FATAL_ERROR "exit code ${rc}, expected ${EXPECT_CODE}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED STDOUT_REGEX AND NOT out MATCHES "${STDOUT_REGEX}")
  message(FATAL_ERROR "stdout does not match '${STDOUT_REGEX}':\n${out}")
endif()
if(DEFINED STDERR_REGEX AND NOT err MATCHES "${STDERR_REGEX}")
  message(FATAL_ERROR "stderr does not match '${STDERR_REGEX}':\n${err}")
endif()
if(DEFINED ABSENT AND EXISTS "${ABSENT}")
  message(FATAL_ERROR "the command left ${ABSENT} behind\nstderr:\n${err}")
endif()

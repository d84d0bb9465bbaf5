# ctest helper: `ipcsim validate FILE` must exit 2, print nothing on stdout, and
# print exactly the contents of EXPECTED on stderr.
# Variables: IPCSIM, FILE (relative to SOURCE_DIR), EXPECTED, SOURCE_DIR.
execute_process(COMMAND ${IPCSIM} validate ${FILE}
  WORKING_DIRECTORY ${SOURCE_DIR}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(READ ${EXPECTED} want)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "${FILE}: exit code ${rc}, expected 2\nstdout: ${out}\nstderr: ${err}")
endif()
if(NOT out STREQUAL "")
  message(FATAL_ERROR "${FILE}: printed on stdout: ${out}")
endif()
if(NOT err STREQUAL want)
  message(FATAL_ERROR "${FILE}: stderr differs.\n--- expected\n${want}--- got\n${err}")
endif()

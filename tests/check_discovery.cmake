# ctest -P script: every test case the Catch2 binary holds was discovered as a CTest test.
# A test name with an unmatched '[' (as in "[0, 1)") makes CMake's list splitting glue the
# later names into one, and those tests silently stop running (a ';' splits one in two); this
# catches both.
#   cmake -DEXE=... -DDISCOVERED=N -P check_discovery.cmake
# (Catch2 v2 exits with the number of tests listed, not 0.)
execute_process(COMMAND "${EXE}" --list-test-names-only OUTPUT_VARIABLE out)
# Count non-empty lines without making a CMake list of the names (the very thing that breaks).
string(REGEX REPLACE "[^\n]+" "x" marks "${out}")
string(REGEX MATCHALL "x" marks "${marks}")
list(LENGTH marks cases)
if(cases EQUAL 0)
  message(FATAL_ERROR "${EXE} listed no test case")
endif()
if(NOT cases EQUAL DISCOVERED)
  message(FATAL_ERROR "the binary has ${cases} test cases but CTest discovered ${DISCOVERED}: "
                      "a test name probably holds an unmatched '[' or ']', or a ';'")
endif()
message(STATUS "${cases} test cases, all discovered")

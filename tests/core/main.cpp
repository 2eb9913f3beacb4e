// The one translation unit that holds Catch2's main(); every other tests/core/*.cpp holds tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#define BOOST_TEST_MODULE cachet_connection
#include <boost/test/unit_test.hpp>

#define BOOST_TEST_MODULE cachet_base
#include <boost/test/unit_test.hpp>

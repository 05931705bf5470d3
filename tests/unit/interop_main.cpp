#define BOOST_TEST_MODULE cachet_interop
#include <boost/test/unit_test.hpp>

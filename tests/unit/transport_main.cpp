#define BOOST_TEST_MODULE cachet_transport
#include <boost/test/unit_test.hpp>

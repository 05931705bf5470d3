#define BOOST_TEST_MODULE cachet_session
#include <boost/test/unit_test.hpp>

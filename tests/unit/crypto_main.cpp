#define BOOST_TEST_MODULE cachet_crypto
#include <boost/test/unit_test.hpp>

#define BOOST_TEST_MODULE cachet_pki
#include <boost/test/unit_test.hpp>

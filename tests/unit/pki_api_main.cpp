#define BOOST_TEST_MODULE cachet_pki_api
#include <boost/test/unit_test.hpp>

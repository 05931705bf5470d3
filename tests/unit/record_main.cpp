#define BOOST_TEST_MODULE cachet_record
#include <boost/test/unit_test.hpp>

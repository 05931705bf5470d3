#define BOOST_TEST_MODULE cachet_codecs
#include <boost/test/unit_test.hpp>

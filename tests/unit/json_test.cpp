#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "memcalc/json.hpp"

using memcalc::format_json_number;
using memcalc::parse_json;

TEST(Json, RoundTripsNestedValues) {
  const auto r = parse_json(R"({"a":[1,2.5,-3e2,true,false,null],"b":{"c":"x\"y\u00e9"}})");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.value.dump(), R"({"a":[1,2.5,-300,true,false,null],"b":{"c":"x\"yé"}})");
}

TEST(Json, IntegersPrintWithoutFraction) {
  EXPECT_EQ(format_json_number(8030261248.0), "8030261248");
  EXPECT_EQ(format_json_number(9007199254740991.0), "9007199254740991");
  EXPECT_EQ(format_json_number(-0.0), "0");
}

TEST(Json, FractionsPrintShortestRoundTrip) {
  EXPECT_EQ(format_json_number(0.1), "0.1");
  EXPECT_EQ(format_json_number(4.126953125), "4.126953125");
  EXPECT_EQ(format_json_number(1.0 / 3.0), "0.3333333333333333");
}

TEST(Json, NonFiniteNumbersPrintAsNull) {
  EXPECT_EQ(format_json_number(std::numeric_limits<double>::infinity()), "null");
  EXPECT_EQ(format_json_number(std::nan("")), "null");
}

TEST(Json, RejectsMalformedTextWithOffset) {
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "01", "1.", "\"\\x\"", "tru", "1e999", "[1] x", "\"\x01\""}) {
    const auto r = parse_json(bad);
    EXPECT_FALSE(r.ok) << bad;
    EXPECT_FALSE(r.error.empty()) << bad;
  }
  EXPECT_EQ(parse_json("[1,]").offset, 3u);
}

TEST(Json, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  const auto r = parse_json(deep);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "nesting too deep");
}

TEST(Json, RepeatedKeysKeepTheLastValue) {
  const auto r = parse_json(R"({"a":1,"a":2})");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.value.find("a")->as_number(), 2);
  EXPECT_EQ(r.value.as_object().size(), 1u);
}

// Helpers shared by the unit tests: hex literals and test-vector files.
#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "base/bytes.hpp"
#include "base/hex.hpp"

namespace cachet::test {

// Hex to bytes; whitespace and ':' are ignored so RFC text can be pasted.
inline Bytes hex(std::string_view text) {
  std::string clean;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == ':') continue;
    clean.push_back(c);
  }
  auto r = from_hex(clean);
  if (!r) throw std::invalid_argument("bad hex in test: " + std::string(text.substr(0, 40)));
  return std::move(r).value();
}

// The absolute path of a file under tests/ (in the source tree).
inline std::string data_path(const std::string& relative) {
  return std::string(CACHET_TEST_DATA_DIR) + "/" + relative;
}

inline nlohmann::json load_json(const std::string& relative) {
  std::ifstream in(data_path(relative));
  if (!in) throw std::runtime_error("cannot open test data " + data_path(relative));
  return nlohmann::json::parse(in);
}

inline std::string read_file(const std::string& relative) {
  std::ifstream in(data_path(relative), std::ios::binary);
  if (!in) throw std::runtime_error("cannot open test data " + data_path(relative));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace cachet::test

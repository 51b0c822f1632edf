//===- CliFiles.h - Files the command-line tests work with ------*- C++ -*-===//
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

namespace axon::test {

/// A file of the source tree, e.g. "examples/sequence.train.pbtxt".
inline std::string sourceFile(const std::string &rel) {
  return std::string(AXON_SOURCE_DIR) + "/" + rel;
}

/// An empty scratch folder for one test, unique per process.
inline std::filesystem::path scratchDir(const std::string &what) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("axon-" + what + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string readText(const std::filesystem::path &p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace axon::test

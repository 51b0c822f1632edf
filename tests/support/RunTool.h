//===- RunTool.h - Run the axon binary from a test --------------*- C++ -*-===//
#pragma once

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/wait.h>

namespace axon::test {

/// Path of the axon binary: $AXON_TOOL (set by ctest) or the build tree.
inline std::string axonTool() {
  if (const char *p = std::getenv("AXON_TOOL"))
    return p;
  return std::string(AXON_BINARY_DIR) + "/tools/axon/axon";
}

struct ToolResult {
  int status = -1;    ///< exit status
  std::string output; ///< stdout and stderr together
};

/// Runs `axon <args>` through the shell, capturing both output streams.
inline ToolResult runAxon(const std::string &args) {
  ToolResult r;
  std::string cmd = axonTool() + " " + args + " 2>&1";
  FILE *p = popen(cmd.c_str(), "r");
  if (!p)
    return r;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
    r.output.append(buf.data(), n);
  int raw = pclose(p);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  return r;
}

} // namespace axon::test

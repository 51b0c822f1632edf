//===- AtomicFile.cpp - Write a file completely or not at all -------------===//
#include "ir/AtomicFile.h"

#include "ir/Diagnostics.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace axon {

llvm::Error writeFileAtomically(llvm::StringRef path, llvm::StringRef data) {
  std::string tmp = fmt::format("{}.tmp-{}", path, ::getpid());
  {
    std::FILE *f = std::fopen(tmp.c_str(), "wb");
    if (!f)
      return makeError(path.str(), "cannot create file: {}",
                       std::strerror(errno));
    size_t written = std::fwrite(data.data(), 1, data.size(), f);
    bool ok = written == data.size() && std::fflush(f) == 0;
    int err = errno;
    ok = (std::fclose(f) == 0) && ok;
    if (!ok) {
      std::remove(tmp.c_str());
      return makeError(path.str(), "cannot write {} bytes: {}", data.size(),
                       std::strerror(err));
    }
  }
  if (std::rename(tmp.c_str(), path.str().c_str()) != 0) {
    int err = errno;
    std::remove(tmp.c_str());
    return makeError(path.str(), "cannot replace file: {}",
                     std::strerror(err));
  }
  return llvm::Error::success();
}

llvm::Expected<std::string> readWholeFile(llvm::StringRef path) {
  std::ifstream in(path.str(), std::ios::binary);
  if (!in)
    return makeError(path.str(), "cannot open file: {}",
                     std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad())
    return makeError(path.str(), "cannot read file");
  return ss.str();
}

} // namespace axon

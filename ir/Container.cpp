//===- Container.cpp - Checked framing for Axon's binary files ------------===//
#include "ir/Container.h"

#include "ir/Diagnostics.h"

#include "llvm/Support/CRC.h"
#include "llvm/Support/Endian.h"

#include <cassert>
#include <cstring>

namespace axon {

static constexpr uint32_t kContainerVersion = 1;

std::string frameContainer(llvm::StringRef magic, llvm::StringRef payload) {
  using namespace llvm::support;
  assert(magic.size() == 8 && "container magic is 8 bytes");
  std::string out(kContainerHeaderSize, '\0');
  std::memcpy(out.data(), magic.data(), 8);
  char *h = out.data() + 8;
  endian::write32le(h, kContainerVersion);
  endian::write32le(h + 4, llvm::crc32(llvm::arrayRefFromStringRef(payload)));
  endian::write64le(h + 8, payload.size());
  out.append(payload.data(), payload.size());
  return out;
}

llvm::Expected<llvm::StringRef> unframeContainer(llvm::StringRef data,
                                                 llvm::StringRef magic,
                                                 llvm::StringRef kind,
                                                 llvm::StringRef location) {
  using namespace llvm::support;
  std::string loc = location.str();
  if (data.empty())
    return makeError(loc, "empty file: not an {}", kind);
  if (data.size() >= 8 && !data.startswith(magic))
    return makeError(loc, "not an {}: the first 8 bytes are not its magic",
                     kind);
  if (data.size() < kContainerHeaderSize)
    return makeError(loc, "truncated header: {} bytes, an {} starts with {}",
                     data.size(), kind, kContainerHeaderSize);
  const char *h = data.data() + 8;
  uint32_t version = endian::read32le(h);
  uint32_t crc = endian::read32le(h + 4);
  uint64_t size = endian::read64le(h + 8);
  if (version != kContainerVersion)
    return makeError(loc,
                     "container version {} is not supported; this build "
                     "reads {}",
                     version, kContainerVersion);
  llvm::StringRef payload = data.drop_front(kContainerHeaderSize);
  if (payload.size() != size)
    return makeError(loc,
                     "truncated or padded: the header announces {} payload "
                     "bytes, the file holds {}",
                     size, payload.size());
  uint32_t actual = llvm::crc32(llvm::arrayRefFromStringRef(payload));
  if (actual != crc)
    return makeError(loc,
                     "corrupt: payload CRC-32 is {:#010x}, the header "
                     "expects {:#010x}",
                     actual, crc);
  return payload;
}

} // namespace axon

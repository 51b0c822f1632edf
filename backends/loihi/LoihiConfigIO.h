//===- LoihiConfigIO.h - Read and write loihi.axoncfg -----------*- C++ -*-===//
//
// The binary form of a Loihi-like chip configuration: LoihiConfig.proto's
// message framed by ir/Container.h (magic "AXONLHI\0", CRC-32, size), so
// an empty, truncated or foreign file is a clear error rather than an
// empty configuration. Part of axon_loihi_format: the emulator links this
// and nothing of the IR beyond the container.
//===----------------------------------------------------------------------===//
#pragma once

#include "backends/loihi/LoihiConfig.pb.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace axon::backends::loihi {

namespace proto = ::axon::loihi::proto;

/// Schema version written in LoihiConfig.version and the only one read.
inline constexpr uint32_t kLoihiConfigVersion = 1;

/// The container magic of loihi.axoncfg (8 bytes, NUL-padded).
inline llvm::StringRef loihiConfigMagic() {
  return llvm::StringRef("AXONLHI\0", 8);
}

/// The framed binary file: deterministic bytes for equal messages.
std::string frameLoihiConfig(const proto::LoihiConfig &config);

/// Unframes and parses file contents; `location` names the file in
/// diagnostics. Rejects a bad container, an unparsable payload and a
/// version other than kLoihiConfigVersion.
llvm::Expected<proto::LoihiConfig> parseLoihiConfig(llvm::StringRef bytes,
                                                    llvm::StringRef location);

/// Reads and parses a loihi.axoncfg file.
llvm::Expected<proto::LoihiConfig> readLoihiConfig(llvm::StringRef path);

} // namespace axon::backends::loihi

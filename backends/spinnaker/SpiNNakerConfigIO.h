//===- SpiNNakerConfigIO.h - Read and write spinnaker.axoncfg ---*- C++ -*-===//
//
// The binary configuration file is a SpiNNakerConfig message framed by
// ir/Container.h with the magic "AXONSPN\0". The emulator reads it through
// readSpiNNakerConfig and never sees the IR.
//===----------------------------------------------------------------------===//
#pragma once

#include "backends/spinnaker/SpiNNakerConfig.pb.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace axon::spinnaker {

/// Format version the emitter writes and the newest the reader accepts.
inline constexpr uint32_t kSpiNNakerConfigVersion = 1;
/// Container magic of spinnaker.axoncfg: "AXONSPN\0", 8 bytes with the NUL.
inline llvm::StringRef spiNNakerConfigMagic() {
  return llvm::StringRef("AXONSPN\0", 8);
}

/// The framed binary form of `config`.
std::string serialiseSpiNNakerConfig(const proto::SpiNNakerConfig &config);

/// Parses framed bytes; `location` names the source in diagnostics.
llvm::Expected<proto::SpiNNakerConfig>
parseSpiNNakerConfig(llvm::StringRef data, llvm::StringRef location);

/// Reads and parses a spinnaker.axoncfg file.
llvm::Expected<proto::SpiNNakerConfig>
readSpiNNakerConfig(llvm::StringRef path);

} // namespace axon::spinnaker

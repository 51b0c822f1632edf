//===- Target.h - An emitter for one family of chips ------------*- C++ -*-===//
//
// A target = a description file (data: backends/targets/*.pbtxt) + an
// emitter (this interface) + an emulator (simulator/). emit() takes a PLACED
// graph and the description it was lowered for and returns the chip
// configuration as files, without touching the graph: it is a const walk in
// index order, so its output is byte-identical across runs.
//===----------------------------------------------------------------------===//
#pragma once

#include "backends/target/TargetDescription.h"
#include "ir/Graph.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace axon::backends {

/// What an emitter produces; the tool writes the files into the output
/// directory only once all of them exist (nothing half-written).
struct EmittedConfig {
  struct File {
    std::string name;  ///< relative to the output directory
    std::string bytes;
  };
  std::vector<File> files;
  /// Human-readable resource report: cores used, neurons, synapses and
  /// memory per core, longest delay chain (also among `files`).
  std::string report;
};

/// Emitters add a protobuf-text copy of the configuration (for reading and
/// diffing) only up to this many synapses: beyond it the text runs to tens
/// of megabytes nobody reads and dominates emission time.
inline constexpr uint64_t kMaxTextConfigSynapses = 100'000;

class Target {
public:
  virtual ~Target();
  /// The emitter family, as in the description's `emitter` field.
  virtual llvm::StringRef family() const = 0;
  /// Emits the configuration of `g` (PLACED) for `desc`. Fails with a
  /// diagnostic when the graph is not PLACED or was lowered for another
  /// description (hash mismatch).
  virtual llvm::Expected<EmittedConfig>
  emit(const ir::Graph &g, const target::TargetDescription &desc) const = 0;
};

/// The emitter for a description's family ("loihi", "spinnaker").
llvm::Expected<std::unique_ptr<Target>>
createTarget(const target::TargetDescription &desc);

} // namespace axon::backends

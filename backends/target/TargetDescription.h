//===- TargetDescription.h - A chip described as data -----------*- C++ -*-===//
//
// The parsed and checked contents of backends/targets/<name>.pbtxt. Passes
// and emitters ask it questions (maxOnCoreDelay(), maxRealisableDelay(),
// weight widths, ...) and never test a target's name.
//===----------------------------------------------------------------------===//
#pragma once

#include "backends/target/target.pb.h"

#include "llvm/Support/Error.h"

#include <string>

namespace axon::target {

class TargetDescription {
public:
  /// Parses protobuf text and checks every field; `location` names the
  /// file in diagnostics.
  static llvm::Expected<TargetDescription> parse(llvm::StringRef text,
                                                 llvm::StringRef location);
  /// Reads a description file.
  static llvm::Expected<TargetDescription> load(llvm::StringRef path);
  /// Looks `nameOrPath` up: an existing file path, or the name of a file in
  /// the built-in targets folder (backends/targets/<name>.pbtxt).
  static llvm::Expected<TargetDescription> find(llvm::StringRef nameOrPath);

  const proto::Target &data() const { return desc; }
  llvm::StringRef name() const { return desc.name(); }
  /// FNV-1a hash of the description's canonical serialisation, recorded in
  /// lowered graphs so an emitter can refuse a graph made for another chip.
  const std::string &hash() const { return digest; }

  /// Longest delay in steps one core applies.
  uint32_t maxOnCoreDelay() const { return desc.delays().max_on_core_steps(); }
  /// Longest delay realisable with relay stages.
  uint64_t maxRealisableDelay() const;

  /// The tick the chip runs a graph of time step `graphDtMs` at: the
  /// graph's own when it lies in [min_dt_ms, dt_ms], else dt_ms.
  double tickMs(double graphDtMs) const;
  /// The real-time budget of one tick of `tickMs` in cycles: the
  /// description's budget per dt_ms, scaled to the shorter tick.
  uint64_t cyclesPerTickBudget(double tickMs) const;

private:
  proto::Target desc;
  std::string digest;
};

/// Checks a description; every diagnostic names the field and the rule.
llvm::Error validateTarget(const proto::Target &t, llvm::StringRef location);

} // namespace axon::target

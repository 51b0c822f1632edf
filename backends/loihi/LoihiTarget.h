//===- LoihiTarget.h - The Loihi-like emitter -------------------*- C++ -*-===//
//
// Emits a PLACED graph as a Loihi-like chip configuration
// (LoihiConfig.proto) in three files:
//   loihi.axoncfg  the configuration, framed (LoihiConfigIO.h)
//   loihi.pbtxt    the same message in protobuf text (humans, golden tests)
//   report.txt     the resource report (ResourceReport.cpp)
// The graph must be PLACED and lowered for the given description (its
// recorded hash equal to desc.hash()); the routes must be the ones the
// route pass built for that placement. emit() is a const walk in index
// order: the same graph gives the same bytes.
//===----------------------------------------------------------------------===//
#pragma once

#include "backends/Target.h"
#include "backends/loihi/LoihiConfigIO.h"

namespace axon::backends::loihi {

class LoihiTarget : public Target {
public:
  llvm::StringRef family() const override { return "loihi"; }
  llvm::Expected<EmittedConfig>
  emit(const ir::Graph &g,
       const target::TargetDescription &desc) const override;
};

/// The configuration of `g` for `desc`, with the checks of emit(): level,
/// hash, that the description uses axon maps, and every field's width.
/// Errors name what (projection, synapse, population, core), the value and
/// the limit.
llvm::Expected<proto::LoihiConfig>
buildLoihiConfig(const ir::Graph &g, const target::TargetDescription &desc);

/// report.txt for a configuration built from `g` (ResourceReport.cpp).
std::string formatResourceReport(const ir::Graph &g,
                                 const proto::LoihiConfig &config,
                                 const target::TargetDescription &desc);

} // namespace axon::backends::loihi

//===- PassTestSupport.h - Targets and graphs for pass tests ----*- C++ -*-===//
#pragma once

#include "backends/target/TargetDescription.h"
#include "ir/Graph.h"

#include "llvm/Support/Error.h"

#include <google/protobuf/text_format.h>
#include <string>

namespace axon::test {

/// A built-in target description (backends/targets/<name>.pbtxt).
inline target::TargetDescription builtinTarget(llvm::StringRef name) {
  return llvm::cantFail(target::TargetDescription::find(name));
}

/// The SpiNNaker-like description with its delay limits replaced, for
/// tests that need small or unusual limits.
inline target::TargetDescription targetWithDelays(uint32_t maxOnCore,
                                                  uint32_t minSteps,
                                                  uint32_t stageSteps,
                                                  uint32_t maxStages) {
  target::proto::Target t = builtinTarget("spinnaker").data();
  target::proto::DelayFormat *d = t.mutable_delays();
  d->set_max_on_core_steps(maxOnCore);
  d->set_min_steps(minSteps);
  d->set_stage_steps(stageSteps);
  d->set_max_stages(maxStages);
  d->set_delay_bits(16);
  std::string text;
  google::protobuf::TextFormat::PrintToString(t, &text);
  return llvm::cantFail(target::TargetDescription::parse(text, "test-target"));
}

/// A population with valid parameters for every level up to DISCRETE.
inline ir::Population
makePopulation(std::string name, uint32_t size,
               ir::NeuronKind kind = ir::NeuronKind::LIF) {
  ir::Population p;
  p.name = std::move(name);
  p.size = size;
  p.kind = kind;
  return p;
}

/// A SPARSE projection with the given synapses (pre, post, weight, delay).
struct SynapseSpec {
  uint32_t pre, post;
  float weight;
  uint32_t delaySteps;
};
inline ir::Projection makeSparse(std::string name, std::string source,
                                 std::string target,
                                 std::initializer_list<SynapseSpec> synapses) {
  ir::Projection p;
  p.name = std::move(name);
  p.source = std::move(source);
  p.target = std::move(target);
  p.connectivity = ir::Connectivity::Sparse;
  for (const SynapseSpec &s : synapses) {
    p.pre.push_back(s.pre);
    p.post.push_back(s.post);
    p.weights.push_back(s.weight);
    p.delaySteps.push_back(s.delaySteps);
  }
  return p;
}

} // namespace axon::test

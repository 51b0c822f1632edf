//===- Verifier.cpp - Invariants of a graph at its level ------------------===//
//
// One static function per group of rules; each reports into a shared
// DiagnosticList so a user sees every problem of a file at once.
//===----------------------------------------------------------------------===//
#include "ir/Verifier.h"

#include "ir/Diagnostics.h"

#include "llvm/ADT/StringSet.h"

#include <cmath>

namespace axon::ir {
namespace {

std::string popLoc(const Population &p) {
  return fmt::format("population '{}'", p.name);
}
std::string projLoc(const Projection &p) {
  return fmt::format("projection '{}'", p.name);
}

bool fitsSigned(int64_t v, uint32_t bits) {
  if (bits >= 64)
    return true;
  int64_t lim = int64_t(1) << (bits - 1);
  return v >= -lim && v < lim;
}

void verifyGraphFields(const Graph &g, DiagnosticList &diag) {
  if (g.version == 0 || g.version > kIRVersion)
    diag.report("graph", "version = {}: this build reads versions 1 to {}",
                g.version, kIRVersion);
  if (!(g.dtMs > 0) || !std::isfinite(g.dtMs))
    diag.report("graph", "dt_ms = {}: must be finite and > 0", g.dtMs);
  const Provenance &p = g.provenance;
  if (!std::isfinite(p.accuracy) || p.accuracy < 0 || p.accuracy > 1)
    diag.report("provenance", "accuracy = {}: must be a fraction in [0, 1]",
                p.accuracy);
}

void verifyNames(const Graph &g, DiagnosticList &diag) {
  llvm::StringSet<> nodes;
  auto check = [&](const std::string &name, llvm::StringRef what,
                   size_t index) {
    if (name.empty()) {
      diag.report(fmt::format("{} #{}", what, index),
                  "name = \"\": must not be empty");
      return;
    }
    if (!nodes.insert(name).second)
      diag.report(fmt::format("{} '{}'", what, name),
                  "name = '{}': names of inputs and populations must be "
                  "unique",
                  name);
  };
  for (size_t i = 0; i < g.inputs.size(); ++i)
    check(g.inputs[i].name, "input", i);
  for (size_t i = 0; i < g.populations.size(); ++i)
    check(g.populations[i].name, "population", i);

  llvm::StringSet<> projs;
  for (size_t i = 0; i < g.projections.size(); ++i) {
    const std::string &name = g.projections[i].name;
    if (name.empty())
      diag.report(fmt::format("projection #{}", i),
                  "name = \"\": must not be empty");
    else if (!projs.insert(name).second)
      diag.report(projLoc(g.projections[i]),
                  "name = '{}': projection names must be unique", name);
  }
}

void verifyPlacement(const Placement &pl, uint32_t size,
                     const std::string &loc, DiagnosticList &diag) {
  auto check = [&](size_t n, llvm::StringRef field) {
    if (n != size)
      diag.report(loc, "placement.{} has {} entries: must have one per "
                       "neuron ({})",
                  field, n, size);
  };
  check(pl.chip.size(), "chip");
  check(pl.core.size(), "core");
  check(pl.slot.size(), "slot");
}

void verifyPopulation(const Graph &g, const Population &p,
                      DiagnosticList &diag) {
  std::string loc = popLoc(p);
  const NeuronParams &n = p.params;
  if (p.size == 0)
    diag.report(loc, "size = 0: must be > 0");
  if (p.kind == NeuronKind::Relay && !atLeast(g.level, IRLevel::Discrete))
    diag.report(loc, "kind = RELAY: relay populations exist only from "
                     "DISCRETE level on (graph is {})",
                g.level);
  if (p.kind != NeuronKind::Relay) {
    if (!(n.tauMemMs > 0) || !std::isfinite(n.tauMemMs))
      diag.report(loc, "tau_mem_ms = {}: must be finite and > 0", n.tauMemMs);
    if (p.kind != NeuronKind::LIF &&
        (!(n.tauSynMs > 0) || !std::isfinite(n.tauSynMs)))
      diag.report(loc, "tau_syn_ms = {}: must be finite and > 0", n.tauSynMs);
  }
  if (!std::isfinite(n.threshold))
    diag.report(loc, "threshold = {}: must be finite", n.threshold);
  if (!std::isfinite(n.reset))
    diag.report(loc, "reset = {}: must be finite", n.reset);
  if (p.isSpiking() && p.kind != NeuronKind::Relay && n.reset >= n.threshold)
    diag.report(loc, "reset = {}: must be below threshold = {}", n.reset,
                n.threshold);
  if (!(n.refractoryMs >= 0) || !std::isfinite(n.refractoryMs))
    diag.report(loc, "refractory_ms = {}: must be finite and >= 0",
                n.refractoryMs);
  if (!std::isfinite(n.bias))
    diag.report(loc, "bias = {}: must be finite", n.bias);
  if (!p.bias.empty() && p.bias.size() != p.size)
    diag.report(loc, "bias has {} entries: must be empty or one per neuron "
                     "({})",
                p.bias.size(), p.size);
  for (size_t i = 0; i < p.bias.size(); ++i)
    if (!std::isfinite(p.bias[i])) {
      diag.report(fmt::format("{} neuron {}", loc, i),
                  "bias = {}: must be finite", p.bias[i]);
      break;
    }

  if (atLeast(g.level, IRLevel::Quantised) && p.kind != NeuronKind::Relay) {
    const FixedPointNeuron &f = p.fixed;
    if (f.stateBits < 2 || f.stateBits > 64)
      diag.report(loc, "fixed.state_bits = {}: must be in [2, 64]",
                  f.stateBits);
    else {
      if (f.stateFracBits >= f.stateBits)
        diag.report(loc, "fixed.state_frac_bits = {}: must be below "
                         "state_bits = {}",
                    f.stateFracBits, f.stateBits);
      if (!fitsSigned(f.threshold, f.stateBits))
        diag.report(loc, "fixed.threshold = {}: does not fit {} signed bits",
                    f.threshold, f.stateBits);
      if (!fitsSigned(f.reset, f.stateBits))
        diag.report(loc, "fixed.reset = {}: does not fit {} signed bits",
                    f.reset, f.stateBits);
      if (!fitsSigned(f.bias, f.stateBits))
        diag.report(loc, "fixed.bias = {}: does not fit {} signed bits",
                    f.bias, f.stateBits);
    }
    if (!(f.stateScale > 0) || !std::isfinite(f.stateScale))
      diag.report(loc, "fixed.state_scale = {}: must be finite and > 0",
                  f.stateScale);
    if (f.decayBits < 1 || f.decayBits > 32)
      diag.report(loc, "fixed.decay_bits = {}: must be in [1, 32]",
                  f.decayBits);
    else {
      uint64_t lim = uint64_t(1) << f.decayBits;
      if (f.decayMem > lim)
        diag.report(loc, "fixed.decay_mem = {}: exceeds 2^decay_bits = {}",
                    f.decayMem, lim);
      if (f.decaySyn > lim)
        diag.report(loc, "fixed.decay_syn = {}: exceeds 2^decay_bits = {}",
                    f.decaySyn, lim);
    }
  }
  if (atLeast(g.level, IRLevel::Placed))
    verifyPlacement(p.placement, p.size, loc, diag);
}

void verifySynapseCount(const Projection &p, uint32_t preSize,
                        uint32_t postSize, DiagnosticList &diag) {
  std::string loc = projLoc(p);
  size_t n = p.weights.size();
  switch (p.connectivity) {
  case Connectivity::Dense: {
    uint64_t want = uint64_t(preSize) * postSize;
    if (n != want)
      diag.report(loc, "weights has {} entries: DENSE {} x {} needs {}", n,
                  preSize, postSize, want);
    break;
  }
  case Connectivity::OneToOne:
    if (preSize != postSize)
      diag.report(loc, "connectivity = ONE_TO_ONE: source size {} differs "
                       "from target size {}",
                  preSize, postSize);
    if (n != postSize)
      diag.report(loc, "weights has {} entries: ONE_TO_ONE needs {}", n,
                  postSize);
    break;
  case Connectivity::Sparse:
    if (p.pre.size() != n || p.post.size() != n) {
      diag.report(loc, "pre, post and weights have {}, {} and {} entries: "
                       "SPARSE needs them equal",
                  p.pre.size(), p.post.size(), n);
      return;
    }
    for (size_t k = 0; k < n; ++k) {
      if (p.pre[k] >= preSize || p.post[k] >= postSize) {
        diag.report(fmt::format("{} synapse {}", loc, k),
                    "(pre, post) = ({}, {}): out of range for {} x {}",
                    p.pre[k], p.post[k], preSize, postSize);
        break;
      }
    }
    break;
  }
  if (p.connectivity != Connectivity::Sparse &&
      (!p.pre.empty() || !p.post.empty()))
    diag.report(loc, "pre/post index arrays are set: only SPARSE "
                     "connectivity has them");
}

void verifyProjection(const Graph &g, const Projection &p,
                      DiagnosticList &diag) {
  std::string loc = projLoc(p);
  std::optional<uint32_t> preSize = g.sizeOf(p.source);
  if (!preSize)
    diag.report(loc, "source = '{}': no input or population of that name",
                p.source);
  const Population *post = g.findPopulation(p.target);
  if (!post) {
    if (g.findNode(p.target))
      diag.report(loc, "target = '{}': is an input; a projection must end "
                       "at a population",
                  p.target);
    else
      diag.report(loc, "target = '{}': no population of that name", p.target);
  }
  if (preSize && post)
    verifySynapseCount(p, *preSize, post->size, diag);

  size_t n = p.weights.size();
  for (size_t k = 0; k < n; ++k)
    if (!std::isfinite(p.weights[k])) {
      diag.report(fmt::format("{} synapse {}", loc, k),
                  "weight = {}: must be finite", p.weights[k]);
      break;
    }
  if (!p.delaysMs.empty() && p.delaysMs.size() != n)
    diag.report(loc, "delays_ms has {} entries: must be empty or one per "
                     "synapse ({})",
                p.delaysMs.size(), n);
  for (size_t k = 0; k < p.delaysMs.size(); ++k) {
    float d = p.delaysMs[k];
    if (!std::isfinite(d) || d < 0) {
      diag.report(fmt::format("{} synapse {}", loc, k),
                  "delay_ms = {}: must be finite and >= 0", d);
      break;
    }
  }

  if (!atLeast(g.level, IRLevel::Discrete)) {
    if (!p.delaySteps.empty())
      diag.report(loc, "delay_steps is set: integer delays exist only from "
                       "DISCRETE level on (graph is {})",
                  g.level);
  } else {
    if (!p.delaySteps.empty() && p.delaySteps.size() != n)
      diag.report(loc, "delay_steps has {} entries: must be empty or one per "
                       "synapse ({})",
                  p.delaySteps.size(), n);
    if (!p.delaysMs.empty() && p.delaySteps.empty())
      diag.report(loc, "delay_steps is empty but delays_ms is set: a {} "
                       "graph needs integer delays",
                  g.level);
  }

  if (!atLeast(g.level, IRLevel::Quantised)) {
    if (!p.weightsInt.empty())
      diag.report(loc, "weights_int is set: integer weights exist only from "
                       "QUANTISED level on (graph is {})",
                  g.level);
    return;
  }
  const WeightQuantisation &q = p.quantisation;
  if (p.weightsInt.size() != n)
    diag.report(loc, "weights_int has {} entries: needs one per synapse ({})",
                p.weightsInt.size(), n);
  if (q.bits < 2 || q.bits > 32) {
    diag.report(loc, "quantisation.bits = {}: must be in [2, 32]", q.bits);
    return;
  }
  if (!(q.scale > 0) || !std::isfinite(q.scale))
    diag.report(loc, "quantisation.scale = {}: must be finite and > 0",
                q.scale);
  for (size_t k = 0; k < p.weightsInt.size(); ++k)
    if (!fitsSigned(p.weightsInt[k], q.bits)) {
      diag.report(fmt::format("{} synapse {}", loc, k),
                  "weight_int = {}: does not fit {} signed bits",
                  p.weightsInt[k], q.bits);
      break;
    }
}

void verifyOutputs(const Graph &g, DiagnosticList &diag) {
  for (const OutputDecoding &o : g.outputs) {
    std::string loc = fmt::format("output '{}'", o.population);
    const Population *p = g.findPopulation(o.population);
    if (!p) {
      diag.report(loc, "population = '{}': no population of that name",
                  o.population);
      continue;
    }
    if (!o.classNames.empty() && o.classNames.size() != p->size)
      diag.report(loc, "class_names has {} entries: must be empty or one "
                       "per neuron ({})",
                  o.classNames.size(), p->size);
    bool needsSpikes = o.decoding == Decoding::SpikeCount ||
                       o.decoding == Decoding::FirstSpike;
    if (needsSpikes && !p->isSpiking())
      diag.report(loc, "decoding = {}: population '{}' does not spike",
                  decodingName(o.decoding), p->name);
  }
}

} // namespace

llvm::Error verifyGraph(const Graph &g, llvm::StringRef location) {
  DiagnosticList diag;
  verifyGraphFields(g, diag);
  verifyNames(g, diag);
  for (const InputPopulation &in : g.inputs) {
    std::string loc = fmt::format("input '{}'", in.name);
    if (in.size == 0)
      diag.report(loc, "size = 0: must be > 0");
    if (atLeast(g.level, IRLevel::Placed) && !in.placement.empty())
      verifyPlacement(in.placement, in.size, loc, diag);
  }
  for (const Population &p : g.populations)
    verifyPopulation(g, p, diag);
  for (const Projection &p : g.projections)
    verifyProjection(g, p, diag);
  verifyOutputs(g, diag);
  if (!atLeast(g.level, IRLevel::Placed) && !g.routes.empty())
    diag.report("graph", "routes are set: routing exists only at PLACED "
                         "level (graph is {})",
                g.level);
  return diag.takeError(location.str());
}

} // namespace axon::ir

//===- QuantiseNeurons.cpp - Neuron constants in fixed point --------------===//
//
// DISCRETE -> DISCRETE. Invariant kept: afterwards every population has a
// `fixed` block that fits the target's NeuronFormat (threshold a multiple
// of 2^threshold_shift with its mantissa in threshold_bits, decays at most
// 2^decay_bits, bias a bias_bits mantissa shifted by at most
// max_bias_exponent, refractory at most max_refractory_steps, every state
// value inside state_bits) and a state scale under which the largest weight
// into it can be stored without clipping. Formulas, options and statistics
// are in QuantiseNeurons.h. Every population is planned and checked before
// the graph changes, so a failure leaves it untouched.
//===----------------------------------------------------------------------===//
#include "passes/QuantiseNeurons.h"

#include "passes/DiscretiseDelays.h"
#include "passes/NeuronCoefficients.h"
#include "passes/PassContext.h"
#include "passes/QuantiseWeights.h"

#include "backends/target/TargetDescription.h"
#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace axon::passes {
namespace {

constexpr PassOption kOptions[] = {
    {"headroom-bits", "state bits kept above a spiking population's "
                      "threshold (default 3)"},
    {"readout-range", "|V| in volts a leaky-integrator readout must hold "
                      "(default: the largest the float model can reach)"},
};

/// A relay's threshold in volts: half the V one weight-1 spike adds (c = 1).
constexpr double kRelayThreshold = 0.5;

/// Lowest k considered, so that an absurd weight cannot overflow an int.
constexpr int kLowestScaleExponent = -1000;

/// What arrives at a population, for its state scale.
struct IncomingWeights {
  double maxAbs = 0;       ///< largest |w| of one synapse into it
  double maxNeuronSum = 0; ///< W: largest sum of |w| into one neuron
};

std::vector<IncomingWeights> incomingWeights(const ir::Graph &g) {
  llvm::StringMap<size_t> index;
  std::vector<std::vector<double>> sums(g.populations.size());
  for (size_t i = 0; i < g.populations.size(); ++i) {
    index[g.populations[i].name] = i;
    sums[i].assign(g.populations[i].size, 0.0);
  }
  std::vector<IncomingWeights> in(g.populations.size());
  for (const ir::Projection &p : g.projections) {
    auto it = index.find(p.target);
    assert(it != index.end() && "the verifier checks projection targets");
    size_t t = it->second;
    uint32_t postSize = g.populations[t].size;
    for (size_t k = 0; k < p.numSynapses(); ++k) {
      double w = std::fabs(double(p.weights[k]));
      in[t].maxAbs = std::max(in[t].maxAbs, w);
      sums[t][ir::synapseEnds(p, postSize, k).second] += w;
    }
  }
  for (size_t i = 0; i < in.size(); ++i)
    for (double s : sums[i])
      in[i].maxNeuronSum = std::max(in[i].maxNeuronSum, s);
  return in;
}

/// Whether the whole number `v` fits `bits` signed bits.
bool fitsSigned(double v, uint32_t bits) {
  double lim = std::ldexp(1.0, int(bits) - 1);
  return v >= -lim && v < lim;
}

/// round(2^bits f), clamped to what a decay constant can hold.
uint32_t quantiseDecay(double f, uint32_t bits) {
  double m = std::nearbyint(std::ldexp(f, int(bits)));
  double top = std::min(std::ldexp(1.0, int(bits)),
                        double(std::numeric_limits<uint32_t>::max()));
  return static_cast<uint32_t>(std::clamp(m, 0.0, top));
}

/// The largest k' <= k for which `volts` at V_ref / 2^k' volts per state
/// unit is at most `limit` state units.
int fitExponent(int k, double volts, double vRef, double limit) {
  if (!(volts > 0))
    return k;
  double room = limit * vRef / volts;
  if (!std::isfinite(room))
    return k;
  k = std::min(k, int(std::max(std::floor(std::log2(room)),
                               double(kLowestScaleExponent))));
  while (volts / std::ldexp(vRef, -k) > limit)
    --k;
  return k;
}

double relativeError(double approx, double exact) {
  return exact == 0 ? std::fabs(approx) : std::fabs(approx - exact) / exact;
}

/// One population's fixed block and the errors it introduces.
struct Plan {
  ir::FixedPointNeuron fixed;
  std::optional<double> thresholdError, decayMemError, decaySynError;
};

/// Plans populations against one target's neuron format.
class NeuronQuantiser {
public:
  NeuronQuantiser(const target::TargetDescription &target, double dtMs,
                  uint32_t headroomBits, std::optional<double> readoutRange)
      : nf(target.data().neurons()),
        maxIncrement(largestWeightIncrement(target)), dtMs(dtMs),
        headroomBits(headroomBits), readoutRange(readoutRange) {}

  std::optional<Plan> plan(const ir::Population &p, const IncomingWeights &in,
                           DiagnosticList &diag) const;

private:
  /// The largest |bias| in state units the bias field holds: a
  /// bias_bits signed mantissa shifted by max_bias_exponent, inside the
  /// state.
  double largestBias() const {
    return std::min(std::ldexp(std::ldexp(1.0, int(nf.bias_bits()) - 1) - 1,
                               int(nf.max_bias_exponent())),
                    std::ldexp(1.0, int(nf.state_bits()) - 1) - 1);
  }
  std::optional<int64_t> quantiseBias(const ir::Population &p,
                                      const NeuronCoefficients &k, double s,
                                      DiagnosticList &diag) const;

  const target::proto::NeuronFormat &nf;
  double maxIncrement; ///< state units, largestWeightIncrement()
  double dtMs;
  uint32_t headroomBits;
  std::optional<double> readoutRange;
};

std::optional<Plan> NeuronQuantiser::plan(const ir::Population &p,
                                          const IncomingWeights &in,
                                          DiagnosticList &diag) const {
  std::string loc = fmt::format("population '{}'", p.name);
  const ir::NeuronParams &n = p.params;
  NeuronCoefficients k = neuronCoefficients(p, dtMs);
  const bool relay = p.kind == ir::NeuronKind::Relay;
  const bool spiking = p.isSpiking();
  const int stateBits = int(nf.state_bits());
  const int thresholdShift = int(nf.threshold_shift());

  // The threshold in volts the fixed block realises (unused for readouts).
  double threshold = relay ? kRelayThreshold : n.threshold;
  if (spiking && threshold < 0) {
    diag.report(loc,
                "threshold = {}: the target's threshold is an unsigned "
                "{}-bit mantissa (neurons.threshold_bits) and cannot be "
                "negative",
                threshold, nf.threshold_bits());
    return std::nullopt;
  }

  double maxBias = 0; // volts, largest |bias| of a neuron (RELAY: none)
  if (!relay) {
    maxBias = std::fabs(n.bias);
    for (double b : p.bias)
      maxBias = std::max(maxBias, std::fabs(b));
  }

  // V_ref and the caps on k (QuantiseNeurons.h).
  double vRef;
  int kMax;
  if (spiking) {
    vRef = threshold > 0 ? threshold
                         : (!relay && n.reset != 0 ? std::fabs(n.reset) : 1.0);
    kMax = std::min(stateBits - 1 - int(headroomBits),
                    int(nf.threshold_bits()) + thresholdShift - 1);
  } else {
    double bound =
        k.c * in.maxNeuronSum / ((1 - k.beta) * (1 - k.alpha)) + maxBias;
    vRef = readoutRange.value_or(bound);
    if (!(vRef > 0) || !std::isfinite(vRef))
      vRef = 1.0;
    kMax = stateBits - 2;
  }
  // The largest weight into the population and its bias must fit what one
  // synapse and the bias field can add.
  int kExp = fitExponent(kMax, in.maxAbs * k.c, vRef, maxIncrement);
  kExp = fitExponent(kExp, (1 - k.alpha) * maxBias, vRef, largestBias());
  const double s = std::ldexp(vRef, -kExp);

  Plan plan;
  ir::FixedPointNeuron &f = plan.fixed;
  f.stateScale = s;
  f.stateBits = nf.state_bits();
  f.stateFracBits = nf.state_frac_bits();
  f.decayBits = nf.decay_bits();
  f.decayMem = quantiseDecay(k.alpha, nf.decay_bits());
  f.decaySyn = quantiseDecay(k.beta, nf.decay_bits());
  double decayUnit = std::ldexp(1.0, -int(nf.decay_bits()));
  if (k.alpha > 0)
    plan.decayMemError = relativeError(f.decayMem * decayUnit, k.alpha);
  if (k.beta > 0)
    plan.decaySynError = relativeError(f.decaySyn * decayUnit, k.beta);

  if (spiking) {
    double mantissa =
        std::nearbyint(std::ldexp(threshold / s, -thresholdShift));
    if (threshold > 0)
      mantissa = std::max(mantissa, 1.0);
    assert(mantissa < std::ldexp(1.0, int(nf.threshold_bits())) &&
           "k <= threshold_bits + threshold_shift - 1 keeps it in range");
    f.threshold = int64_t(mantissa) << thresholdShift;
    if (!relay && threshold > 0)
      plan.thresholdError = relativeError(double(f.threshold) * s, threshold);
  }

  bool ok = true;
  if (spiking && !relay) {
    double reset = std::nearbyint(n.reset / s);
    if (!fitsSigned(reset, nf.state_bits())) {
      double lim = std::ldexp(1.0, stateBits - 1);
      diag.report(loc,
                  "reset = {} is {} state units at state_scale {} V: does "
                  "not fit the {}-bit signed state [{}, {}]; raise option "
                  "headroom-bits (now {}) or bring the reset closer to the "
                  "threshold",
                  n.reset, reset, s, stateBits, -lim, lim - 1, headroomBits);
      ok = false;
    } else {
      f.reset = int64_t(reset);
    }
    double steps = delayInSteps(n.refractoryMs, dtMs,
                                DiscretiseDelaysPass::Rounding::Ceil);
    if (steps > nf.max_refractory_steps()) {
      diag.report(loc,
                  "refractory_ms = {} is {} steps of {} ms: exceeds the "
                  "target's max_refractory_steps = {}",
                  n.refractoryMs, steps, dtMs, nf.max_refractory_steps());
      ok = false;
    } else {
      f.refractorySteps = uint32_t(steps);
    }
  }
  if (!relay) {
    std::optional<int64_t> bias = quantiseBias(p, k, s, diag);
    if (bias)
      f.bias = *bias;
    else
      ok = false;
  }
  if (!ok)
    return std::nullopt;
  return plan;
}

std::optional<int64_t>
NeuronQuantiser::quantiseBias(const ir::Population &p,
                              const NeuronCoefficients &k, double s,
                              DiagnosticList &diag) const {
  std::string loc = fmt::format("population '{}'", p.name);
  const int biasBits = int(nf.bias_bits());
  const uint32_t maxExp = nf.max_bias_exponent();
  // bias = mantissa << e, the smallest e that fits, also inside the state.
  auto encode = [&](double units) -> std::optional<int64_t> {
    for (uint32_t e = 0; e <= maxExp; ++e) {
      double mantissa = std::nearbyint(std::ldexp(units, -int(e)));
      if (!fitsSigned(mantissa, biasBits))
        continue;
      double value = std::ldexp(mantissa, int(e));
      if (!fitsSigned(value, nf.state_bits()))
        return std::nullopt;
      return int64_t(value);
    }
    return std::nullopt;
  };
  std::vector<double> values = p.bias;
  if (values.empty())
    values.push_back(p.params.bias);
  std::optional<int64_t> result;
  for (size_t i = 0; i < values.size(); ++i) {
    double units = (1 - k.alpha) * values[i] / s;
    std::optional<int64_t> b = encode(units);
    if (!b) {
      double lim = largestBias();
      diag.report(p.bias.empty() ? loc : fmt::format("{} neuron {}", loc, i),
                  "bias = {} adds {} state units per step ((1 - alpha) bias "
                  "/ state_scale, alpha {}, state_scale {} V): exceeds the "
                  "{}-bit signed bias mantissa shifted left by at most {} "
                  "(limit +-{})",
                  values[i], units, k.alpha, s, biasBits, maxExp, lim);
      return std::nullopt;
    }
    if (result && *result != *b) {
      diag.report(loc,
                  "per-neuron bias quantises to different values ({} and "
                  "{} state units, neurons 0 and {}): the fixed-point "
                  "neuron holds one bias per population",
                  *result, *b, i);
      return std::nullopt;
    }
    result = b;
  }
  return result;
}

} // namespace

llvm::ArrayRef<PassOption> QuantiseNeuronsPass::options() const {
  return kOptions;
}

llvm::Error QuantiseNeuronsPass::setOption(llvm::StringRef key,
                                           llvm::StringRef value) {
  if (key == "headroom-bits") {
    llvm::Expected<uint64_t> bits = parseUnsignedOption(key, value);
    if (!bits)
      return bits.takeError();
    if (*bits < 1 || *bits > 62)
      return makeError("",
                       "pass '{}': option headroom-bits = {}: must be in "
                       "[1, 62]",
                       name(), *bits);
    headroomBits = uint32_t(*bits);
    return llvm::Error::success();
  }
  assert(key == "readout-range" && "parseOptions passes only declared keys");
  llvm::Expected<double> range = parseRealOption(key, value);
  if (!range)
    return range.takeError();
  if (!(*range > 0))
    return makeError("", "pass '{}': option readout-range = {}: must be > 0",
                     name(), *range);
  readoutRange = *range;
  return llvm::Error::success();
}

llvm::Error QuantiseNeuronsPass::run(ir::Graph &g, PassContext &ctx) {
  const target::TargetDescription *target = ctx.target();
  if (!target)
    return makeError(ctx.location(""),
                     "pass '{}' needs a target description: the state, "
                     "decay and threshold widths are the chip's",
                     name());
  NeuronQuantiser quantiser(*target, g.dtMs, headroomBits, readoutRange);
  std::vector<IncomingWeights> incoming = incomingWeights(g);

  DiagnosticList diag;
  std::vector<Plan> plans;
  plans.reserve(g.populations.size());
  for (size_t i = 0; i < g.populations.size(); ++i) {
    std::optional<Plan> plan =
        quantiser.plan(g.populations[i], incoming[i], diag);
    plans.push_back(plan ? std::move(*plan) : Plan{});
  }
  if (!diag.empty())
    return diag.takeError(ctx.fileName().str());

  PassStatistics stats = ctx.statistics().forPass(name());
  uint64_t relays = llvm::count_if(g.populations, [](const ir::Population &p) {
    return p.kind == ir::NeuronKind::Relay;
  });
  stats.add("populations-quantised", "populations given a fixed block",
            g.populations.size());
  stats.add("relays-quantised", "of those, relay populations", relays);
  double maxThresholdError = 0, maxDecayError = 0;
  for (size_t i = 0; i < g.populations.size(); ++i) {
    ir::Population &p = g.populations[i];
    const Plan &plan = plans[i];
    p.fixed = plan.fixed;
    stats.set(fmt::format("state-scale[{}]", p.name),
              "float volts per state unit", plan.fixed.stateScale);
    if (plan.thresholdError) {
      stats.set(fmt::format("threshold-error[{}]", p.name),
                "|threshold_int * state_scale - threshold| / threshold",
                *plan.thresholdError);
      maxThresholdError = std::max(maxThresholdError, *plan.thresholdError);
    }
    if (plan.decayMemError) {
      stats.set(fmt::format("decay-mem-error[{}]", p.name),
                "|decay_mem / 2^decay_bits - alpha| / alpha",
                *plan.decayMemError);
      maxDecayError = std::max(maxDecayError, *plan.decayMemError);
    }
    if (plan.decaySynError) {
      stats.set(fmt::format("decay-syn-error[{}]", p.name),
                "|decay_syn / 2^decay_bits - beta| / beta",
                *plan.decaySynError);
      maxDecayError = std::max(maxDecayError, *plan.decaySynError);
    }
  }
  stats.set("max-threshold-error", "largest relative threshold error",
            maxThresholdError);
  stats.set("max-decay-error", "largest relative decay error", maxDecayError);
  return llvm::Error::success();
}

} // namespace axon::passes

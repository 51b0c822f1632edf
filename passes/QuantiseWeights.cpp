//===- QuantiseWeights.cpp - Weights as integer mantissas -----------------===//
//
// DISCRETE -> QUANTISED. Invariant kept: afterwards every projection has
// one integer per synapse inside the target's mantissa (or magnitude)
// range, an exponent inside the target's range that every projection of
// its sharing group has too, and a scale with real weight = weights_int *
// scale; the float weights stay for comparison. Formulas, grouping,
// rounding and statistics are in QuantiseWeights.h. The inputs (a state
// scale on every target population, the scope allowed by the scheme) are
// checked before the graph changes; nothing after that can fail.
//===----------------------------------------------------------------------===//
#include "passes/QuantiseWeights.h"

#include "passes/NeuronCoefficients.h"
#include "passes/PassContext.h"

#include "backends/target/TargetDescription.h"
#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>

namespace axon::passes {
namespace {

using WeightFormat = target::proto::WeightFormat;
using Rounding = QuantiseWeightsPass::Rounding;
using Scope = QuantiseWeightsPass::Scope;

constexpr PassOption kOptions[] = {
    {"rounding", "nearest|stochastic (default: the target's "
                 "weights.rounding)"},
    {"scope", "projection|target: projections sharing one exponent "
              "(default projection; target for MAGNITUDE_SHIFT)"},
};
constexpr llvm::StringRef kRoundingNames[] = {"nearest", "stochastic"};
constexpr llvm::StringRef kScopeNames[] = {"projection", "target"};

/// What the target's weight format allows, in IR terms.
struct MantissaRange {
  double lo = 0, hi = 0;          ///< integer weight range
  int minShift = 0, maxShift = 0; ///< E, total shift in state units
};

MantissaRange mantissaRange(const WeightFormat &w) {
  MantissaRange r;
  double top = std::ldexp(1.0, int(w.bits()));
  r.hi = top - 1;
  if (w.scheme() == WeightFormat::MAGNITUDE_SHIFT) {
    r.hi = std::ldexp(1.0, int(w.bits() - w.headroom_bits())) - 1;
    r.lo = -r.hi;
    r.minShift = 0;
    r.maxShift = int(w.max_shift());
  } else {
    r.lo = -top;
    // The chip adds a tick's mantissas first and shifts the sum: a negative
    // exponent floors the sum, not each weight, which the IR's per-synapse
    // model (weights_int << exponent) cannot express. Exponents below 0 are
    // therefore left unused, so that the IR's integers are the chip's.
    r.minShift = w.exponent_offset() + std::max(w.min_exponent(), 0);
    r.maxShift = w.exponent_offset() + w.max_exponent();
  }
  return r;
}

Rounding descriptionRounding(target::proto::Rounding r) {
  switch (r) {
  case target::proto::TOWARD_ZERO:
    return Rounding::TowardZero;
  case target::proto::FLOOR:
    return Rounding::Floor;
  default:
    return Rounding::Nearest;
  }
}

/// Uniform in [0, 1) from 53 bits of one draw: the same on every platform,
/// unlike std::uniform_real_distribution.
double uniform01(std::mt19937_64 &rng) {
  return double(rng() >> 11) * 0x1.0p-53;
}

/// `y` rounded under a deterministic rounding.
double roundFixed(double y, Rounding r) {
  switch (r) {
  case Rounding::TowardZero:
    return std::trunc(y);
  case Rounding::Floor:
    return std::floor(y);
  case Rounding::Nearest:
  case Rounding::Stochastic:
    break;
  }
  return std::nearbyint(y); // ties to even in the default rounding mode
}

double roundMantissa(double y, Rounding r, std::mt19937_64 &rng) {
  if (r == Rounding::Stochastic)
    return std::floor(y + uniform01(rng));
  return roundFixed(y, r);
}

/// The largest (smallest) value `y` can round to under `r`.
double roundedHigh(double y, Rounding r) {
  return r == Rounding::Stochastic ? std::ceil(y) : roundFixed(y, r);
}
double roundedLow(double y, Rounding r) {
  return r == Rounding::Stochastic ? std::floor(y) : roundFixed(y, r);
}

/// Extremes of a sharing group's weights in state units.
struct GroupExtent {
  double maxPos = 0; ///< largest x > 0, or 0
  double minNeg = 0; ///< smallest x < 0, or 0
};

/// The smallest shift whose rounded mantissas all fit, or the largest.
int chooseShift(const GroupExtent &e, const MantissaRange &r, Rounding rnd) {
  for (int shift = r.minShift; shift <= r.maxShift; ++shift)
    if (roundedHigh(std::ldexp(e.maxPos, -shift), rnd) <= r.hi &&
        roundedLow(std::ldexp(e.minNeg, -shift), rnd) >= r.lo)
      return shift;
  return r.maxShift;
}

/// Union-find over (target population, sign) nodes, for MAGNITUDE_SHIFT.
class SignGroups {
public:
  explicit SignGroups(size_t populations) : parent(2 * populations) {
    std::iota(parent.begin(), parent.end(), size_t(0));
  }
  static size_t node(size_t population, bool negative) {
    return 2 * population + (negative ? 1 : 0);
  }
  size_t find(size_t x) {
    while (parent[x] != x)
      x = parent[x] = parent[parent[x]];
    return x;
  }
  void join(size_t a, size_t b) { parent[find(a)] = find(b); }

private:
  std::vector<size_t> parent;
};

} // namespace

double largestWeightIncrement(const target::TargetDescription &target) {
  MantissaRange r = mantissaRange(target.data().weights());
  return std::ldexp(r.hi, r.maxShift);
}
llvm::ArrayRef<PassOption> QuantiseWeightsPass::options() const {
  return kOptions;
}

llvm::Error QuantiseWeightsPass::setOption(llvm::StringRef key,
                                           llvm::StringRef value) {
  if (key == "rounding") {
    llvm::Expected<size_t> choice =
        parseChoiceOption(key, value, kRoundingNames);
    if (!choice)
      return choice.takeError();
    rounding = *choice == 0 ? Rounding::Nearest : Rounding::Stochastic;
    return llvm::Error::success();
  }
  assert(key == "scope" && "parseOptions passes only declared keys");
  llvm::Expected<size_t> choice = parseChoiceOption(key, value, kScopeNames);
  if (!choice)
    return choice.takeError();
  scope = *choice == 0 ? Scope::Projection : Scope::Target;
  return llvm::Error::success();
}

llvm::Error QuantiseWeightsPass::run(ir::Graph &g, PassContext &ctx) {
  const target::TargetDescription *target = ctx.target();
  if (!target)
    return makeError(ctx.location(""),
                     "pass '{}' needs a target description: the weight "
                     "widths and exponent ranges are the chip's",
                     name());
  const WeightFormat &wf = target->data().weights();
  const bool magnitudeShift = wf.scheme() == WeightFormat::MAGNITUDE_SHIFT;
  const Scope sc =
      scope.value_or(magnitudeShift ? Scope::Target : Scope::Projection);
  if (magnitudeShift && sc == Scope::Projection)
    return makeError(ctx.location(""),
                     "pass '{}': option scope = projection: target '{}' "
                     "stores weights as MAGNITUDE_SHIFT, whose shift is one "
                     "per (core, synapse type), so projections into one "
                     "population must share it; use scope=target",
                     name(), target->name());
  const Rounding rnd = rounding.value_or(descriptionRounding(wf.rounding()));
  const MantissaRange range = mantissaRange(wf);

  // Each projection's target population, its c and state scale.
  llvm::StringMap<size_t> popIndex;
  for (size_t i = 0; i < g.populations.size(); ++i)
    popIndex[g.populations[i].name] = i;
  std::vector<NeuronCoefficients> coeff;
  for (const ir::Population &p : g.populations)
    coeff.push_back(neuronCoefficients(p, g.dtMs));
  DiagnosticList diag;
  std::vector<size_t> targetOf(g.projections.size());
  for (size_t pi = 0; pi < g.projections.size(); ++pi) {
    const ir::Projection &p = g.projections[pi];
    auto it = popIndex.find(p.target);
    assert(it != popIndex.end() && "the verifier checks projection targets");
    targetOf[pi] = it->second;
    double s = g.populations[it->second].fixed.stateScale;
    if (!(s > 0) || !std::isfinite(s))
      diag.report(fmt::format("projection '{}'", p.name),
                  "target population '{}' has no fixed-point state scale "
                  "(fixed.state_scale = {}): run quantise-neurons before "
                  "quantise-weights",
                  p.target, s);
  }
  if (!diag.empty())
    return diag.takeError(ctx.fileName().str());

  // x = w c / s: a weight in its target's state units.
  auto stateUnits = [&](size_t pi, size_t k) {
    const ir::Population &t = g.populations[targetOf[pi]];
    return double(g.projections[pi].weights[k]) * coeff[targetOf[pi]].c /
           t.fixed.stateScale;
  };

  // Sharing groups (QuantiseWeights.h), as one group index per projection.
  std::vector<size_t> groupOf(g.projections.size());
  if (sc == Scope::Projection) {
    std::iota(groupOf.begin(), groupOf.end(), size_t(0));
  } else if (!magnitudeShift) {
    groupOf = targetOf;
  } else {
    SignGroups groups(g.populations.size());
    std::vector<std::pair<bool, bool>> signs(g.projections.size());
    for (size_t pi = 0; pi < g.projections.size(); ++pi) {
      for (float w : g.projections[pi].weights) {
        signs[pi].first |= w > 0;
        signs[pi].second |= w < 0;
      }
      if (signs[pi].first && signs[pi].second)
        groups.join(SignGroups::node(targetOf[pi], false),
                    SignGroups::node(targetOf[pi], true));
    }
    for (size_t pi = 0; pi < g.projections.size(); ++pi) {
      bool onlyNegative = signs[pi].second && !signs[pi].first;
      groupOf[pi] = groups.find(SignGroups::node(targetOf[pi], onlyNegative));
    }
  }
  size_t numGroups = 0;
  for (size_t gi : groupOf)
    numGroups = std::max(numGroups, gi + 1);
  std::vector<GroupExtent> extent(numGroups);
  for (size_t pi = 0; pi < g.projections.size(); ++pi) {
    GroupExtent &e = extent[groupOf[pi]];
    for (size_t k = 0; k < g.projections[pi].numSynapses(); ++k) {
      double x = stateUnits(pi, k);
      e.maxPos = std::max(e.maxPos, x);
      e.minNeg = std::min(e.minNeg, x);
    }
  }
  std::vector<int> shiftOf(numGroups);
  for (size_t gi = 0; gi < numGroups; ++gi)
    shiftOf[gi] = chooseShift(extent[gi], range, rnd);

  PassStatistics stats = ctx.statistics().forPass(name());
  uint64_t total = 0, totalClipped = 0, totalZeroed = 0;
  double minSqnr = std::numeric_limits<double>::infinity();
  for (size_t pi = 0; pi < g.projections.size(); ++pi) {
    ir::Projection &p = g.projections[pi];
    const int shift = shiftOf[groupOf[pi]];
    const double scale =
        std::ldexp(g.populations[targetOf[pi]].fixed.stateScale, shift) /
        coeff[targetOf[pi]].c;
    std::vector<int32_t> ints(p.numSynapses());
    uint64_t clipped = 0, zeroed = 0;
    double signal = 0, noise = 0, maxError = 0;
    for (size_t k = 0; k < p.numSynapses(); ++k) {
      double m =
          roundMantissa(std::ldexp(stateUnits(pi, k), -shift), rnd, ctx.rng());
      if (m > range.hi || m < range.lo) {
        m = std::clamp(m, range.lo, range.hi);
        ++clipped;
      }
      double w = p.weights[k];
      if (w != 0 && m == 0)
        ++zeroed;
      ints[k] = static_cast<int32_t>(m);
      double error = w - m * scale;
      signal += w * w;
      noise += error * error;
      maxError = std::max(maxError, std::fabs(error));
    }
    double sqnr = noise == 0 ? std::numeric_limits<double>::infinity()
                             : 10 * std::log10(signal / noise);
    minSqnr = std::min(minSqnr, sqnr);
    total += p.numSynapses();
    totalClipped += clipped;
    totalZeroed += zeroed;

    p.weightsInt = std::move(ints);
    p.quantisation.bits = wf.bits() + 1;
    p.quantisation.scale = scale;
    p.quantisation.exponent = shift;

    stats.set(fmt::format("exponent[{}]", p.name),
              "total shift E of the weights, state units", shift);
    stats.add(fmt::format("weights-clipped[{}]", p.name),
              "weights clipped to the mantissa range", clipped);
    stats.add(fmt::format("weights-zeroed[{}]", p.name),
              "nonzero float weights that became 0", zeroed);
    stats.set(fmt::format("sqnr-db[{}]", p.name),
              "10 log10(sum w^2 / sum (w - w_q)^2)", sqnr);
    stats.set(fmt::format("max-abs-error[{}]", p.name),
              "largest |w - weights_int * scale|", maxError);
  }
  g.level = ir::IRLevel::Quantised;

  stats.add("weights-quantised", "synapses quantised", total);
  stats.add("weights-clipped", "weights clipped to the mantissa range",
            totalClipped);
  stats.add("weights-zeroed", "nonzero float weights that became 0",
            totalZeroed);
  if (!g.projections.empty())
    stats.set("min-sqnr-db", "the worst projection's sqnr-db", minSqnr);
  return llvm::Error::success();
}

} // namespace axon::passes

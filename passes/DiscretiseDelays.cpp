//===- DiscretiseDelays.cpp - Delays in ms to whole time steps ------------===//
//
// FLOAT -> DISCRETE. Invariant kept: every synapse that had a delay in ms
// has one in steps (delay_steps has one entry per synapse when delays_ms
// does), each at least the target's min_steps, and the graph's dt is the
// one the steps count in. A projection without delays gets min_steps on
// every synapse when the target cannot deliver in the step of the spike
// (SpiNNaker-like min_steps 1): the chip's timing then differs from the
// float model's by those steps, which delays-raised reports. Everything is computed and checked
// before the graph changes, so a failure leaves it untouched.
//===----------------------------------------------------------------------===//
#include "passes/DiscretiseDelays.h"

#include "passes/PassContext.h"

#include "backends/target/TargetDescription.h"
#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace axon::passes {
namespace {

constexpr PassOption kOptions[] = {
    {"dt", "time step in ms when there is no target (default: the graph's)"},
    {"rounding", "nearest|floor|ceil (default nearest, ties to even)"},
};
constexpr llvm::StringRef kRoundingNames[] = {"nearest", "floor", "ceil"};

/// Quotients this close (relative) to a whole number are that number.
constexpr double kWholeTolerance = 1e-6;

bool isWhole(double q) {
  return std::fabs(q - std::nearbyint(q)) <=
         kWholeTolerance * std::max(1.0, std::fabs(q));
}

} // namespace

llvm::ArrayRef<PassOption> DiscretiseDelaysPass::options() const {
  return kOptions;
}

llvm::Error DiscretiseDelaysPass::setOption(llvm::StringRef key,
                                            llvm::StringRef value) {
  if (key == "dt") {
    llvm::Expected<double> dt = parseRealOption(key, value);
    if (!dt)
      return dt.takeError();
    if (!(*dt > 0))
      return makeError("", "pass '{}': option dt = {}: must be > 0 ms", name(),
                       *dt);
    dtMs = *dt;
    return llvm::Error::success();
  }
  assert(key == "rounding" && "parseOptions passes only declared keys");
  llvm::Expected<size_t> choice = parseChoiceOption(key, value, kRoundingNames);
  if (!choice)
    return choice.takeError();
  rounding = static_cast<Rounding>(*choice);
  return llvm::Error::success();
}

double delayInSteps(double delayMs, double dtMs,
                    DiscretiseDelaysPass::Rounding rounding) {
  double q = delayMs / dtMs;
  if (isWhole(q))
    return std::nearbyint(q);
  switch (rounding) {
  case DiscretiseDelaysPass::Rounding::Nearest:
    // nearbyint under the default rounding mode: ties to even (numpy.rint).
    return std::nearbyint(q);
  case DiscretiseDelaysPass::Rounding::Floor:
    return std::floor(q);
  case DiscretiseDelaysPass::Rounding::Ceil:
    return std::ceil(q);
  }
  return std::nearbyint(q);
}

llvm::Error DiscretiseDelaysPass::run(ir::Graph &g, PassContext &ctx) {
  const target::TargetDescription *target = ctx.target();
  double dt = dtMs.value_or(g.dtMs);
  uint32_t minSteps = 0;
  if (target) {
    double targetDt = target->tickMs(g.dtMs);
    if (dtMs && *dtMs != targetDt)
      return makeError(ctx.location(""),
                       "pass '{}': option dt = {} ms differs from the {} ms "
                       "time step of target '{}'",
                       name(), *dtMs, targetDt, target->name());
    dt = targetDt;
    minSteps = target->data().delays().min_steps();
  }

  // Convert into new arrays first: an overflowing delay must fail before
  // any projection changed.
  std::vector<std::vector<uint32_t>> steps(g.projections.size());
  uint64_t converted = 0, rounded = 0, raised = 0;
  double maxError = 0, sumError = 0;
  for (size_t pi = 0; pi < g.projections.size(); ++pi) {
    const ir::Projection &p = g.projections[pi];
    steps[pi].reserve(p.delaysMs.size());
    if (p.delaysMs.empty() && minSteps > 0) {
      steps[pi].assign(p.numSynapses(), minSteps);
      raised += p.numSynapses();
      converted += p.numSynapses();
      maxError = std::max(maxError, minSteps * dt);
      sumError += p.numSynapses() * minSteps * dt;
      continue;
    }
    for (size_t k = 0; k < p.delaysMs.size(); ++k) {
      double delayMs = p.delaysMs[k];
      double q = delayInSteps(delayMs, dt, rounding);
      if (q > std::numeric_limits<uint32_t>::max()) {
        auto [pre, post] = ir::synapseEnds(p, *g.sizeOf(p.target), k);
        return makeError(
            ctx.location(fmt::format("projection '{}' synapse ({}, {})", p.name,
                                     pre, post)),
            "delay {} ms is {} steps of {} ms: more than the {} an integer "
            "delay holds",
            delayMs, q, dt, std::numeric_limits<uint32_t>::max());
      }
      auto s = static_cast<uint32_t>(q);
      if (!isWhole(delayMs / dt))
        ++rounded;
      if (s < minSteps) {
        s = minSteps;
        ++raised;
      }
      double error = std::fabs(s * dt - delayMs);
      maxError = std::max(maxError, error);
      sumError += error;
      ++converted;
      steps[pi].push_back(s);
    }
  }

  for (size_t pi = 0; pi < g.projections.size(); ++pi)
    g.projections[pi].delaySteps = std::move(steps[pi]);
  g.dtMs = dt;
  g.level = ir::IRLevel::Discrete;
  // Record the chip the steps were counted for; an emitter can then refuse
  // a graph lowered for another description.
  if (target)
    g.target = {target->name().str(), target->hash()};

  PassStatistics stats = ctx.statistics().forPass(name());
  stats.add("delays-converted", "synapse delays converted to steps", converted);
  stats.add("delays-rounded", "delays that were not a whole number of steps",
            rounded);
  stats.add("delays-raised", "delays raised to the target's min_steps", raised);
  stats.set("max-error-ms", "largest |steps * dt - delay_ms|, ms", maxError);
  stats.set("mean-error-ms", "mean |steps * dt - delay_ms|, ms",
            converted ? sumError / converted : 0.0);
  return llvm::Error::success();
}

} // namespace axon::passes

//===- TargetDescription.cpp - A chip described as data -------------------===//
#include "backends/target/TargetDescription.h"

#include "ir/AtomicFile.h"
#include "ir/Diagnostics.h"
#include "ir/TextProto.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cmath>

#ifndef AXON_TARGETS_DIR
#define AXON_TARGETS_DIR "backends/targets"
#endif

namespace axon::target {
namespace {



std::string fnv1a(const std::string &bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

} // namespace

llvm::Error validateTarget(const proto::Target &t, llvm::StringRef location) {
  DiagnosticList diag;
  auto require = [&](bool ok, llvm::StringRef field, auto value,
                     llvm::StringRef rule) {
    if (!ok)
      diag.report("", "{} = {}: {}", field, value, rule);
  };
  require(!t.name().empty(), "name", "\"\"", "must not be empty");
  require(t.emitter() == "loihi" || t.emitter() == "spinnaker", "emitter",
          fmt::format("'{}'", t.emitter()),
          "must name an emitter family: loihi or spinnaker");
  require(t.dt_ms() > 0 && std::isfinite(t.dt_ms()), "dt_ms", t.dt_ms(),
          "must be finite and > 0");
  require(t.min_dt_ms() >= 0 && t.min_dt_ms() <= t.dt_ms(), "min_dt_ms",
          t.min_dt_ms(), fmt::format("must be in [0, dt_ms = {}]", t.dt_ms()));

  require(t.weights().headroom_bits() < t.weights().bits(),
          "weights.headroom_bits", t.weights().headroom_bits(),
          fmt::format("must be below weights.bits ({})", t.weights().bits()));

  const proto::Resources &r = t.resources();
  require(r.neurons_per_core() > 0,
          "resources.neurons_per_core", r.neurons_per_core(), "must be > 0");
  require(r.cores_per_chip() > 0, "resources.cores_per_chip",
          r.cores_per_chip(), "must be > 0");
  require(r.chips() > 0, "resources.chips", r.chips(), "must be > 0");
  require(r.synapse_memory_bits_per_core() > 0,
          "resources.synapse_memory_bits_per_core",
          r.synapse_memory_bits_per_core(), "must be > 0");
  require(r.max_fan_in_per_core() > 0, "resources.max_fan_in_per_core",
          r.max_fan_in_per_core(), "must be > 0");
  require(r.synapse_index_bits() <= 16, "resources.synapse_index_bits",
          r.synapse_index_bits(), "must be <= 16");
  if (r.synapse_index_bits() > 0 &&
      r.neurons_per_core() > (1u << r.synapse_index_bits()))
    diag.report("", "resources.neurons_per_core = {}: exceeds the {} neurons "
                    "resources.synapse_index_bits = {} can address",
                r.neurons_per_core(), 1u << r.synapse_index_bits(),
                r.synapse_index_bits());
  require(r.memory_word_bits() > 0 && r.memory_word_bits() <= 64,
          "resources.memory_word_bits", r.memory_word_bits(),
          "must be in [1, 64]");

  const proto::WeightFormat &w = t.weights();
  require(w.scheme() != proto::WeightFormat::SCHEME_UNSPECIFIED,
          "weights.scheme", "unset", "choose MANTISSA_EXPONENT or "
                                     "MAGNITUDE_SHIFT");
  require(w.bits() >= 1 && w.bits() <= 31, "weights.bits", w.bits(),
          "must be in [1, 31]");
  require(w.rounding() != proto::ROUNDING_UNSPECIFIED, "weights.rounding",
          "unset", "must be set");
  if (w.scheme() == proto::WeightFormat::MANTISSA_EXPONENT)
    require(w.min_exponent() <= w.max_exponent(), "weights.min_exponent",
            w.min_exponent(),
            fmt::format("must be <= weights.max_exponent ({})",
                        w.max_exponent()));
  if (w.scheme() == proto::WeightFormat::MAGNITUDE_SHIFT) {
    require(w.synapse_types() >= 2, "weights.synapse_types",
            w.synapse_types(),
            "must be >= 2: the sign of a magnitude comes from the type");
    require(w.max_shift() <= 31, "weights.max_shift", w.max_shift(),
            "must be <= 31");
  }

  const proto::NeuronFormat &n = t.neurons();
  require(n.state_bits() >= 2 && n.state_bits() <= 64, "neurons.state_bits",
          n.state_bits(), "must be in [2, 64]");
  require(n.state_frac_bits() < n.state_bits(), "neurons.state_frac_bits",
          n.state_frac_bits(),
          fmt::format("must be below neurons.state_bits ({})",
                      n.state_bits()));
  require(n.decay_bits() >= 1 && n.decay_bits() <= 32, "neurons.decay_bits",
          n.decay_bits(), "must be in [1, 32]");
  require(n.decay_form() != proto::NeuronFormat::DECAY_FORM_UNSPECIFIED,
          "neurons.decay_form", "unset", "must be set");
  require(n.decay_rounding() != proto::ROUNDING_UNSPECIFIED,
          "neurons.decay_rounding", "unset", "must be set");
  require(n.current_overflow() != proto::OVERFLOW_UNSPECIFIED &&
              n.voltage_overflow() != proto::OVERFLOW_UNSPECIFIED &&
              n.input_overflow() != proto::OVERFLOW_UNSPECIFIED,
          "neurons.*_overflow", "unset", "current, voltage and input "
                                         "overflow must each be set");
  require(n.threshold_compare() != proto::THRESHOLD_COMPARE_UNSPECIFIED,
          "neurons.threshold_compare", "unset", "must be set");
  require(n.threshold_bits() >= 1 &&
              n.threshold_bits() + n.threshold_shift() < n.state_bits() + 1,
          "neurons.threshold_bits", n.threshold_bits(),
          fmt::format("with threshold_shift {} must fit the {}-bit state",
                      n.threshold_shift(), n.state_bits()));
  require(n.input_bits() >= 2 && n.input_bits() <= 32, "neurons.input_bits",
          n.input_bits(), "must be in [2, 32]");
  require(n.bias_bits() >= 2 && n.bias_bits() <= n.state_bits(),
          "neurons.bias_bits", n.bias_bits(),
          fmt::format("must be in [2, state_bits = {}]", n.state_bits()));

  const proto::DelayFormat &d = t.delays();
  require(d.max_on_core_steps() >= d.min_steps(), "delays.max_on_core_steps",
          d.max_on_core_steps(),
          fmt::format("must be >= delays.min_steps ({})", d.min_steps()));
  require(d.delay_bits() <= 16, "delays.delay_bits", d.delay_bits(),
          "must be <= 16");
  if (d.delay_bits() > 0 &&
      d.max_on_core_steps() - d.min_steps() >= (1ull << d.delay_bits()))
    diag.report("", "delays.max_on_core_steps = {}: needs more than "
                    "delays.delay_bits = {} bits above min_steps {}",
                d.max_on_core_steps(), d.delay_bits(), d.min_steps());
  if (d.max_stages() > 0)
    require(d.stage_steps() > 0, "delays.stage_steps", d.stage_steps(),
            "must be > 0 when delays.max_stages is set");

  const proto::Costs &c = t.costs();
  require(c.cycles_per_step_budget() > 0, "costs.cycles_per_step_budget",
          c.cycles_per_step_budget(), "must be > 0");
  require(c.clock_mhz() > 0 && std::isfinite(c.clock_mhz()),
          "costs.clock_mhz", c.clock_mhz(), "must be finite and > 0");
  for (double e : {c.picojoule_per_synaptic_op(),
                   c.picojoule_per_neuron_update(),
                   c.picojoule_per_spike_sent()})
    require(e >= 0 && std::isfinite(e), "costs.picojoule_per_*", e,
            "must be finite and >= 0");
  return diag.takeError(location.str());
}

llvm::Expected<TargetDescription>
TargetDescription::parse(llvm::StringRef text, llvm::StringRef location) {
  TargetDescription td;
  if (llvm::Error err =
          parseTextProto(text, td.desc, "target description", location))
    return err;
  if (llvm::Error err = validateTarget(td.desc, location))
    return err;
  std::string canonical;
  td.desc.SerializeToString(&canonical);
  td.digest = fnv1a(canonical);
  return td;
}

llvm::Expected<TargetDescription>
TargetDescription::load(llvm::StringRef path) {
  llvm::Expected<std::string> text = readWholeFile(path);
  if (!text)
    return text.takeError();
  return parse(*text, path);
}

llvm::Expected<TargetDescription>
TargetDescription::find(llvm::StringRef nameOrPath) {
  if (llvm::sys::fs::exists(nameOrPath))
    return load(nameOrPath);
  llvm::SmallString<256> builtin(AXON_TARGETS_DIR);
  llvm::sys::path::append(builtin, nameOrPath + ".pbtxt");
  if (llvm::sys::fs::exists(builtin))
    return load(builtin);
  return makeError(nameOrPath.str(),
                   "no target of that name: not a file, and no {} (built-in "
                   "targets: loihi, spinnaker)",
                   builtin.str());
}

double TargetDescription::tickMs(double graphDtMs) const {
  if (desc.min_dt_ms() > 0 && graphDtMs >= desc.min_dt_ms() &&
      graphDtMs <= desc.dt_ms())
    return graphDtMs;
  return desc.dt_ms();
}

uint64_t TargetDescription::cyclesPerTickBudget(double tickMs) const {
  double budget =
      double(desc.costs().cycles_per_step_budget()) * tickMs / desc.dt_ms();
  return uint64_t(std::floor(budget));
}

uint64_t TargetDescription::maxRealisableDelay() const {
  const proto::DelayFormat &d = desc.delays();
  return uint64_t(d.max_on_core_steps()) +
         uint64_t(d.max_stages()) * d.stage_steps();
}

} // namespace axon::target

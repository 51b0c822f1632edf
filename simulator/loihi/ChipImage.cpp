//===- ChipImage.cpp - Check and flatten a Loihi-like configuration -------===//
//
// The configuration comes from a file, so nothing in it is trusted: every
// index is checked against the table it points into and every width
// against what the emulator's int64 arithmetic holds, and a violation is
// an error naming the core, table entry and value. After this the tick loop
// (Chip.cpp) runs without a single check.
//===----------------------------------------------------------------------===//
#include "simulator/loihi/ChipImage.h"

#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <limits>
#include <tuple>

namespace axon::sim::loihi {
namespace {

/// Slots above this are rejected: the slot lookup is a flat table.
constexpr uint32_t kMaxSlot = 1u << 20;
/// Delay fields above this are rejected: the ring is allocated per lane.
constexpr uint32_t kMaxDelayField = 1u << 12;

std::string coreName(llvm::StringRef file, const proto::Core &core) {
  return fmt::format("{}: chip {} core {}", file, core.chip(), core.core());
}

llvm::Expected<ArithmeticFormat> unpackFormat(const proto::ChipFormat &f,
                                              llvm::StringRef file) {
  std::string where = fmt::format("{}: format", file);
  ArithmeticFormat a;
  if (f.state_bits() < 2 || f.state_bits() > 32)
    return makeError(where, "state_bits = {}: the emulator holds states of "
                            "2 to 32 bits", f.state_bits());
  if (f.input_bits() < 2 || f.input_bits() > 40)
    return makeError(where, "input_bits = {}: the emulator holds input sums "
                            "of 2 to 40 bits", f.input_bits());
  if (f.decay_bits() < 1 || f.decay_bits() > 16)
    return makeError(where, "decay_bits = {}: the emulator holds decay "
                            "constants of 1 to 16 bits", f.decay_bits());
  if (f.threshold_shift() > 24)
    return makeError(where, "threshold_shift = {}: more than 24",
                     f.threshold_shift());
  if (f.weight_exponent_offset() < -24 || f.weight_exponent_offset() > 24)
    return makeError(where, "weight_exponent_offset = {}: outside [-24, 24]",
                     f.weight_exponent_offset());
  if (f.max_delay() > kMaxDelayField)
    return makeError(where, "max_delay = {}: more than {}", f.max_delay(),
                     kMaxDelayField);
  a.stateBits = f.state_bits();
  a.inputBits = f.input_bits();
  a.decayBits = f.decay_bits();
  a.weightExponentOffset = f.weight_exponent_offset();
  switch (f.decay_rounding()) {
  case proto::TOWARD_ZERO:
    a.decayRounding = DecayRounding::TowardZero;
    break;
  case proto::FLOOR:
    a.decayRounding = DecayRounding::Floor;
    break;
  case proto::NEAREST_EVEN:
    a.decayRounding = DecayRounding::NearestEven;
    break;
  default:
    return makeError(where, "decay_rounding is unspecified");
  }
  auto overflow = [&](proto::Overflow o, llvm::StringRef field,
                      bool &saturate) -> llvm::Error {
    if (o == proto::OVERFLOW_UNSPECIFIED)
      return makeError(where, "{} is unspecified", field);
    saturate = o == proto::SATURATE;
    return llvm::Error::success();
  };
  if (llvm::Error err = overflow(f.current_overflow(), "current_overflow",
                                 a.saturateCurrent))
    return err;
  if (llvm::Error err = overflow(f.voltage_overflow(), "voltage_overflow",
                                 a.saturateVoltage))
    return err;
  if (llvm::Error err =
          overflow(f.input_overflow(), "input_overflow", a.saturateInput))
    return err;
  return a;
}

/// Core index of (chip, core), if the configuration has that core.
std::optional<uint32_t> findCore(const std::vector<CoreImage> &cores,
                                 uint32_t chip, uint32_t core) {
  auto it = llvm::lower_bound(cores, std::make_pair(chip, core),
                              [](const CoreImage &c, auto key) {
                                return std::make_pair(c.chip, c.core) < key;
                              });
  if (it == cores.end() || it->chip != chip || it->core != core)
    return std::nullopt;
  return uint32_t(it - cores.begin());
}

/// Global input-axon id of an AxonTarget, or an error naming `where`.
llvm::Expected<uint32_t> resolveAxon(const ChipImage &image,
                                     const proto::AxonTarget &t,
                                     const std::string &where) {
  std::optional<uint32_t> c = findCore(image.cores, t.chip(), t.core());
  if (!c)
    return makeError(where, "targets chip {} core {}, which holds no "
                            "compartments", t.chip(), t.core());
  const CoreImage &core = image.cores[*c];
  if (t.axon() >= core.numAxons)
    return makeError(where, "targets input axon {} of chip {} core {}, "
                            "which has {}", t.axon(), t.chip(), t.core(),
                     core.numAxons);
  return core.firstAxon + t.axon();
}

} // namespace

std::optional<uint32_t> ChipImage::compartmentAt(uint32_t chip, uint32_t core,
                                                 uint32_t slot) const {
  std::optional<uint32_t> c = findCore(cores, chip, core);
  if (!c || slot >= slotIndex[*c].size() || slotIndex[*c][slot] == 0)
    return std::nullopt;
  return slotIndex[*c][slot] - 1;
}

llvm::Expected<ChipImage> buildChipImage(const proto::LoihiConfig &config,
                                         llvm::StringRef file) {
  ChipImage image;
  llvm::Expected<ArithmeticFormat> format =
      unpackFormat(config.format(), file);
  if (!format)
    return format.takeError();
  image.format = *format;
  image.costs = config.costs();
  const ArithmeticFormat &fmtA = image.format;
  const int64_t one = int64_t(1) << fmtA.decayBits;
  const uint32_t maxDelay = config.format().max_delay();

  // Cores, compartments and populations.
  llvm::StringMap<uint32_t> populationIndex;
  for (int ci = 0; ci < config.cores_size(); ++ci) {
    const proto::Core &core = config.cores(ci);
    std::string where = coreName(file, core);
    if (ci > 0) {
      const proto::Core &prev = config.cores(ci - 1);
      if (std::make_pair(prev.chip(), prev.core()) >=
          std::make_pair(core.chip(), core.core()))
        return makeError(where, "cores are not sorted by (chip, core) or "
                                "one appears twice");
    }
    CoreImage &ci_ = image.cores.emplace_back();
    ci_.chip = core.chip();
    ci_.core = core.core();
    ci_.firstCompartment = image.numCompartments();
    ci_.numCompartments = uint32_t(core.compartments_size());
    std::vector<uint32_t> &slots = image.slotIndex.emplace_back();
    for (int k = 0; k < core.compartments_size(); ++k) {
      const proto::Compartment &comp = core.compartments(k);
      std::string here = fmt::format("{} compartment slot {}", where,
                                     comp.slot());
      if (comp.slot() >= kMaxSlot)
        return makeError(here, "slot exceeds the emulator's limit {}",
                         kMaxSlot - 1);
      if (k > 0 && core.compartments(k - 1).slot() >= comp.slot())
        return makeError(here, "compartments are not sorted by slot or a "
                               "slot appears twice");
      if (comp.prototype() >= uint32_t(core.prototypes_size()))
        return makeError(here, "prototype {} does not exist (the core has "
                               "{})", comp.prototype(),
                         core.prototypes_size());
      const proto::CompartmentPrototype &p =
          core.prototypes(int(comp.prototype()));
      if (p.kind() == proto::COMPARTMENT_KIND_UNSPECIFIED)
        return makeError(here, "prototype {} has no kind", comp.prototype());
      if (p.bias_exp() > 31)
        return makeError(here, "prototype {}: bias_exp {} exceeds 31",
                         comp.prototype(), p.bias_exp());
      uint64_t unused = 0;
      int64_t resetFitted = saturated(comp.reset(), fmtA.stateBits, unused);
      if (resetFitted != comp.reset())
        return makeError(here, "reset {} does not fit the {}-bit state",
                         comp.reset(), fmtA.stateBits);
      CompartmentParams cp;
      cp.threshold = int64_t(p.vth_mant())
                     << config.format().threshold_shift();
      cp.bias = int64_t(p.bias_mant()) * (int64_t(1) << p.bias_exp());
      cp.reset = comp.reset();
      cp.keepU = uint32_t(std::max<int64_t>(
          0, one - int64_t(p.du()) -
                 int64_t(config.format().current_decay_offset())));
      cp.keepV = uint32_t(std::max<int64_t>(0, one - int64_t(p.dv())));
      cp.refractorySteps = p.refractory_steps();
      cp.spikes = p.kind() != proto::NON_SPIKING;
      uint32_t global = image.numCompartments();
      image.params.push_back(cp);
      image.coreOf.push_back(uint32_t(ci));
      if (slots.size() <= comp.slot())
        slots.resize(comp.slot() + 1, 0);
      slots[comp.slot()] = global + 1;

      auto [it, added] = populationIndex.try_emplace(
          comp.population(), uint32_t(image.populations.size()));
      if (added)
        image.populations.push_back({comp.population(), 0, false});
      PopulationImage &pop = image.populations[it->second];
      pop.size = std::max(pop.size, comp.neuron() + 1);
      pop.spikes |= cp.spikes;
      image.populationOf.push_back(it->second);
      image.neuronOf.push_back(comp.neuron());
    }
  }

  // Synapse configurations, lanes, rings and input axons.
  image.laneBegin.assign(image.numCompartments() + 1, 0);
  for (int ci = 0; ci < config.cores_size(); ++ci) {
    const proto::Core &core = config.cores(ci);
    CoreImage &cimg = image.cores[ci];
    std::string where = coreName(file, core);
    for (int s = 0; s < core.synapse_configs_size(); ++s) {
      int32_t e = core.synapse_configs(s).weight_exponent();
      if (e < -31 || e > 31)
        return makeError(fmt::format("{} synapse config {}", where, s),
                         "weight_exponent {} is outside [-31, 31]", e);
    }

    // Lanes: the (compartment, config) pairs some synapse feeds.
    std::vector<std::pair<uint32_t, uint32_t>> pairs;
    uint32_t deepest = 0;
    for (int a = 0; a < core.input_axons_size(); ++a) {
      const proto::InputAxon &axon = core.input_axons(a);
      for (int s = 0; s < axon.synapses_size(); ++s) {
        const proto::Synapse &syn = axon.synapses(s);
        std::string here =
            fmt::format("{} input axon {} synapse {}", where, a, s);
        std::optional<uint32_t> target =
            image.compartmentAt(core.chip(), core.core(), syn.compartment());
        if (!target)
          return makeError(here, "compartment slot {} does not exist on the "
                                 "core", syn.compartment());
        if (syn.config() >= uint32_t(core.synapse_configs_size()))
          return makeError(here, "synapse config {} does not exist (the core "
                                 "has {})", syn.config(),
                           core.synapse_configs_size());
        if (syn.delay() > maxDelay)
          return makeError(here, "delay field {} exceeds the format's "
                                 "max_delay {}", syn.delay(), maxDelay);
        pairs.emplace_back(*target, syn.config());
        deepest = std::max(deepest, syn.delay());
      }
    }
    llvm::sort(pairs);
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
    cimg.numLanes = uint32_t(pairs.size());
    cimg.ringDepth = deepest + 1;
    cimg.ringOffset = image.ringSize;
    image.ringSize += size_t(cimg.ringDepth) * cimg.numLanes;
    if (size_t(cimg.ringDepth) * cimg.numLanes >
        std::numeric_limits<uint32_t>::max())
      return makeError(where, "delay ring of {} x {} entries is too large",
                       cimg.ringDepth, cimg.numLanes);
    image.laneBase.push_back(uint32_t(image.laneExponent.size()));
    for (auto [comp, cfg] : pairs) {
      ++image.laneBegin[comp + 1];
      image.laneExponent.push_back(
          core.synapse_configs(int(cfg)).weight_exponent());
    }

    cimg.firstAxon = uint32_t(image.axonCore.size());
    cimg.numAxons = uint32_t(core.input_axons_size());
    for (int a = 0; a < core.input_axons_size(); ++a) {
      const proto::InputAxon &axon = core.input_axons(a);
      image.axonCore.push_back(uint32_t(ci));
      image.axonSynapses.push_back(uint32_t(image.synapses.size()));
      for (const proto::Synapse &syn : axon.synapses()) {
        uint32_t target =
            *image.compartmentAt(core.chip(), core.core(), syn.compartment());
        uint32_t lane = uint32_t(
            llvm::lower_bound(pairs, std::make_pair(target, syn.config())) -
            pairs.begin());
        image.synapses.push_back(
            {syn.delay() * cimg.numLanes + lane, syn.weight()});
      }
    }
  }
  image.axonSynapses.push_back(uint32_t(image.synapses.size()));
  // laneBegin: counts -> starts. Lanes are numbered core by core in
  // compartment order, so the prefix sum gives global lane ids (a core's
  // local lane = global - laneBase[core]).
  for (size_t g = 1; g < image.laneBegin.size(); ++g)
    image.laneBegin[g] += image.laneBegin[g - 1];

  // Output axon maps.
  std::vector<std::vector<uint32_t>> outs(image.numCompartments());
  for (const proto::Core &core : config.cores()) {
    for (const proto::OutputAxonMap &map : core.output_axons()) {
      std::string where = fmt::format("{} output axon map of slot {}",
                                      coreName(file, core),
                                      map.compartment());
      std::optional<uint32_t> source =
          image.compartmentAt(core.chip(), core.core(), map.compartment());
      if (!source)
        return makeError(where, "compartment slot {} does not exist on the "
                                "core", map.compartment());
      for (const proto::AxonTarget &t : map.targets()) {
        llvm::Expected<uint32_t> axon = resolveAxon(image, t, where);
        if (!axon)
          return axon.takeError();
        outs[*source].push_back(*axon);
      }
    }
  }
  image.compartmentAxons.push_back(0);
  for (const std::vector<uint32_t> &o : outs) {
    llvm::append_range(image.outputAxons, o);
    image.compartmentAxons.push_back(uint32_t(image.outputAxons.size()));
  }

  // Host inputs.
  llvm::StringMap<uint32_t> inputIndex;
  uint32_t channels = 0;
  for (const proto::InputSource &in : config.inputs()) {
    if (!inputIndex.try_emplace(in.name(), uint32_t(inputIndex.size())).second)
      return makeError(fmt::format("{}: input '{}'", file, in.name()),
                       "appears twice");
    image.layout.inputs.push_back({in.name(), in.size()});
    image.channelBase.push_back(channels);
    channels += in.size();
  }
  image.channelBase.push_back(channels);
  std::vector<std::vector<uint32_t>> hostOuts(channels);
  for (const proto::InputChannel &m : config.input_map()) {
    std::string where = fmt::format("{}: input map entry '{}' channel {}",
                                    file, m.input(), m.channel());
    auto it = inputIndex.find(m.input());
    if (it == inputIndex.end())
      return makeError(where, "input '{}' is not among the inputs",
                       m.input());
    if (m.channel() >= image.layout.inputs[it->second].size)
      return makeError(where, "channel out of range for an input of {} "
                              "channels", image.layout.inputs[it->second].size);
    uint32_t h = image.channelBase[it->second] + m.channel();
    for (const proto::AxonTarget &t : m.targets()) {
      llvm::Expected<uint32_t> axon = resolveAxon(image, t, where);
      if (!axon)
        return axon.takeError();
      hostOuts[h].push_back(*axon);
    }
  }
  image.channelAxons.push_back(0);
  for (const std::vector<uint32_t> &o : hostOuts) {
    llvm::append_range(image.hostAxons, o);
    image.channelAxons.push_back(uint32_t(image.hostAxons.size()));
  }

  // The readout and the layout.
  DeviceLayout &layout = image.layout;
  layout.target = config.target_name();
  layout.family = "loihi";
  layout.graph = config.name();
  layout.dtMs = config.dt_ms();
  layout.cores = uint32_t(image.cores.size());
  if (config.output_map_size() > 0) {
    const proto::Readout &r = config.output_map(0);
    std::string where = fmt::format("{}: readout '{}'", file, r.population());
    if (r.decoding() < proto::SPIKE_COUNT ||
        r.decoding() > proto::LINEAR_WEIGHTED_VOLTAGE)
      return makeError(where, "decoding {} is not one the host knows",
                       int(r.decoding()));
    for (int k = 0; k < r.compartments_size(); ++k) {
      const proto::CompartmentRef &ref = r.compartments(k);
      std::optional<uint32_t> c =
          image.compartmentAt(ref.chip(), ref.core(), ref.compartment());
      if (!c)
        return makeError(where, "class {} is chip {} core {} slot {}, which "
                                "holds no compartment", k, ref.chip(),
                         ref.core(), ref.compartment());
      image.readout.push_back(*c);
    }
    layout.readout = r.population();
    layout.decoding = Decoding(r.decoding());
    layout.classNames.assign(r.class_names().begin(), r.class_names().end());
    layout.numClasses = uint32_t(image.readout.size());
    image.readoutScale = r.state_scale() > 0 ? r.state_scale() : 1.0;
  }
  return image;
}

} // namespace axon::sim::loihi

//===- MachineBuilder.cpp - Check and flatten a configuration -------------===//
//
// The header (formats, costs), the cores and their neuron slices, the
// populations the slices name, the host's inputs and readout: everything
// of buildMachine except the synaptic matrices (SynapticMatrix.cpp) and
// the routing (MulticastRouting.cpp). A configuration that the emulator
// could not execute exactly as SpiNNakerConfig.proto documents it is
// rejected here with the element, the value and the rule, so that the tick
// loop needs no checks.
//===----------------------------------------------------------------------===//
#include "simulator/spinnaker/Machine.h"

#include "backends/spinnaker/SynapseWord.h"
#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include "llvm/ADT/StringMap.h"

#include <fmt/format.h>

namespace axon::sim::spinnaker {

namespace {

std::string at(llvm::StringRef location, const std::string &element) {
  return fmt::format("{}: {}", location, element);
}

llvm::Error checkHeader(const cfg::SpiNNakerConfig &c, llvm::StringRef location,
                        Machine &m) {
  axon::spinnaker::SynapseWordLayout layout =
      axon::spinnaker::layoutFromProto(c.word_layout());
  if (!layout.fits())
    return makeError(at(location, "word_layout"),
                     "fields of {} + {} + {} + {} bits do not fit a 32-bit "
                     "synapse word (the weight needs at least one)",
                     layout.weightBits, layout.delayBits, layout.typeBits,
                     layout.indexBits);
  const cfg::Arithmetic &a = c.arithmetic();
  ChipArithmetic &out = m.arithmetic;
  if (a.state_bits() < 2 || a.state_bits() > 32 ||
      a.state_frac_bits() >= a.state_bits())
    return makeError(at(location, "arithmetic"),
                     "state_bits = {} with {} fractional bits: the emulator "
                     "holds states of 2 to 32 bits with fewer fractional bits",
                     a.state_bits(), a.state_frac_bits());
  if (a.decay_bits() < 1 || a.decay_bits() > 32)
    return makeError(at(location, "arithmetic"),
                     "decay_bits = {}: decay factors have 1 to 32 bits",
                     a.decay_bits());
  if (a.threshold_compare() != cfg::GREATER &&
      a.threshold_compare() != cfg::GREATER_EQUAL)
    return makeError(at(location, "arithmetic"),
                     "threshold_compare = {}: neither GREATER nor "
                     "GREATER_EQUAL",
                     static_cast<int>(a.threshold_compare()));
  if (a.synapse_types() < 1 || a.synapse_types() > 2)
    return makeError(at(location, "arithmetic"),
                     "synapse_types = {}: the chip knows excitatory (0) and "
                     "inhibitory (1) synapses",
                     a.synapse_types());
  if (axon::spinnaker::synapseTypeBits(a.synapse_types()) > layout.typeBits)
    return makeError(at(location, "arithmetic"),
                     "synapse_types = {} do not fit the {}-bit type field",
                     a.synapse_types(), layout.typeBits);
  if (layout.delayBits > 16 ||
      a.ring_slots() != (uint32_t(1) << layout.delayBits))
    return makeError(at(location, "arithmetic"),
                     "ring_slots = {}: the {}-bit delay field addresses 2^{} "
                     "slots (at most 2^16)",
                     a.ring_slots(), layout.delayBits, layout.delayBits);
  if (a.ring_entry_bits() < layout.weightBits || a.ring_entry_bits() > 16)
    return makeError(at(location, "arithmetic"),
                     "ring_entry_bits = {}: ring entries hold a {}-bit weight "
                     "and have at most 16 bits",
                     a.ring_entry_bits(), layout.weightBits);
  if (c.cores_per_chip() < 1 || c.cores_per_chip() > 64)
    return makeError(at(location, "cores_per_chip"),
                     "{}: router entries address 1 to 64 cores per chip",
                     c.cores_per_chip());
  if (c.key_index_bits() > 31)
    return makeError(at(location, "key_index_bits"),
                     "{}: a 32-bit key needs bits for its slice",
                     c.key_index_bits());
  out.stateBits = a.state_bits();
  out.decayBits = a.decay_bits();
  out.spikeOnEqual = a.threshold_compare() == cfg::GREATER_EQUAL;
  out.synapseTypes = a.synapse_types();
  out.ringSlots = a.ring_slots();
  out.ringEntryMax = (uint32_t(1) << a.ring_entry_bits()) - 1;

  m.costs = c.costs();
  return llvm::Error::success();
}

bool fitsState(int64_t value, uint32_t bits) {
  return value >= -(int64_t(1) << (bits - 1)) &&
         value < (int64_t(1) << (bits - 1));
}

/// The constants of `s` in the machine's form.
llvm::Expected<SliceImage> sliceImage(const cfg::NeuronSlice &s,
                                      const std::string &where,
                                      const Machine &m) {
  const ChipArithmetic &a = m.arithmetic;
  SliceImage img;
  img.firstSlot = s.first_slot();
  img.count = s.count();
  switch (s.model()) {
  case cfg::LIF:
  case cfg::CUBA_LIF:
    img.kind = SliceKind::Spiking;
    break;
  case cfg::LEAKY_INTEGRATOR:
    img.kind = SliceKind::Integrator;
    break;
  case cfg::RELAY:
    img.kind = SliceKind::Relay;
    break;
  default:
    return makeError(where, "model = {}: not a neuron model of the chip",
                     static_cast<int>(s.model()));
  }
  if (s.relay() != (img.kind == SliceKind::Relay))
    return makeError(where, "relay = {} contradicts model {}", s.relay(),
                     cfg::NeuronModel_Name(s.model()));
  if (img.kind == SliceKind::Relay)
    return img;
  for (auto [name, value] :
       {std::pair<const char *, int64_t>{"threshold", s.threshold()},
        {"reset", s.reset()},
        {"bias", s.bias()}})
    if (!fitsState(value, a.stateBits))
      return makeError(where, "{} = {} does not fit the {}-bit state", name,
                       value, a.stateBits);
  for (auto [name, value] :
       {std::pair<const char *, uint32_t>{"decay_mem", s.decay_mem()},
        {"decay_syn", s.decay_syn()}})
    if (a.decayBits < 32 && value >= (uint32_t(1) << a.decayBits))
      return makeError(where,
                       "{} = {} is not below 2^{}: a decay factor is a "
                       "fraction below 1",
                       name, value, a.decayBits);
  if (uint32_t(s.ring_shift_size()) != a.synapseTypes)
    return makeError(where, "{} ring shifts for {} synapse types: one per type",
                     s.ring_shift_size(), a.synapseTypes);
  for (uint32_t shift : s.ring_shift())
    if (shift > 32)
      return makeError(where, "ring_shift {} exceeds 32 bits", shift);
  img.threshold = s.threshold();
  img.reset = s.reset();
  img.bias = s.bias();
  img.decayMem = s.decay_mem();
  img.decaySyn = s.decay_syn();
  img.refractoryTicks = s.refractory_ticks();
  img.shiftExc = s.ring_shift(0);
  img.shiftInh = a.synapseTypes > 1 ? s.ring_shift(1) : 0;
  return img;
}

llvm::Error buildInputs(const cfg::SpiNNakerConfig &c, llvm::StringRef location,
                        Machine &m) {
  uint32_t next = m.numStates;
  for (int i = 0; i < c.inputs_size(); ++i) {
    const cfg::InputMap &in = c.inputs(i);
    std::string where = at(location, fmt::format("input '{}'", in.input()));
    if (uint32_t(in.keys_size()) != in.size())
      return makeError(where, "{} keys for {} channels", in.keys_size(),
                       in.size());
    if (in.inject_chip() >= 64)
      return makeError(where, "inject_chip {} is not below 64",
                       in.inject_chip());
    m.inputFirstSource.push_back(next);
    next += in.size();
    m.layout.inputs.push_back({in.input(), in.size()});
  }
  return llvm::Error::success();
}

llvm::Error buildReadout(const cfg::SpiNNakerConfig &c,
                         llvm::StringRef location, Machine &m) {
  if (c.outputs_size() == 0)
    return llvm::Error::success();
  const cfg::OutputMap &out = c.outputs(0);
  std::string where =
      at(location, fmt::format("output '{}'", out.population()));
  if (out.decoding() < cfg::SPIKE_COUNT ||
      out.decoding() > cfg::LINEAR_WEIGHTED_VOLTAGE)
    return makeError(where, "decoding = {} is not a decoding",
                     static_cast<int>(out.decoding()));
  size_t n = out.chip_size();
  if (size_t(out.core_size()) != n || size_t(out.slot_size()) != n)
    return makeError(where,
                     "{} chips, {} cores and {} slots: one of each per neuron",
                     out.chip_size(), out.core_size(), out.slot_size());
  if (out.class_names_size() != 0 && size_t(out.class_names_size()) != n)
    return makeError(where, "{} class names for {} neurons",
                     out.class_names_size(), n);
  ReadoutImage &r = m.readout;
  r.present = true;
  r.population = out.population();
  r.decoding = static_cast<Decoding>(out.decoding());
  r.stateScale = out.state_scale() > 0 ? out.state_scale() : 1.0;
  for (size_t i = 0; i < n; ++i) {
    std::string neuron = fmt::format("{} neuron {}", where, i);
    uint32_t state = kNoNeuron;
    for (const CoreImage &core : m.cores)
      if (core.chip == out.chip(i) && core.core == out.core(i) &&
          out.slot(i) < core.slots)
        state = core.stateBase + out.slot(i);
    if (state == kNoNeuron || m.statePopulation[state] == kNoNeuron)
      return makeError(neuron, "chip {} core {} slot {} holds no neuron",
                       out.chip(i), out.core(i), out.slot(i));
    const PopulationImage &pop = m.populations[m.statePopulation[state]];
    if (pop.name != out.population() || m.stateNeuron[state] != i)
      return makeError(neuron,
                       "chip {} core {} slot {} holds neuron {} of '{}'",
                       out.chip(i), out.core(i), out.slot(i),
                       m.stateNeuron[state], pop.name);
    r.states.push_back(state);
  }
  m.layout.readout = r.population;
  m.layout.decoding = r.decoding;
  m.layout.classNames.assign(out.class_names().begin(),
                             out.class_names().end());
  m.layout.numClasses = static_cast<uint32_t>(n);
  return llvm::Error::success();
}

} // namespace

llvm::Error buildNeurons(const cfg::SpiNNakerConfig &c,
                         llvm::StringRef location, Machine &m) {
  const ChipArithmetic &a = m.arithmetic;
  uint32_t slotLimit = uint32_t(1) << c.word_layout().index_bits();
  uint64_t keySlots = uint64_t(1) << c.key_index_bits();
  llvm::StringMap<uint32_t> populationIndex;
  std::vector<std::vector<bool>> placed; // per population, per neuron
  std::vector<bool> chipSeen(64, false), coreSeen(64 * 64, false);
  uint64_t states = 0, ring = 0;
  for (const cfg::Chip &chip : c.chips()) {
    if (chip.chip() >= 64)
      return makeError(at(location, fmt::format("chip {}", chip.chip())),
                       "chip ids address a 64-bit chip set");
    if (chipSeen[chip.chip()])
      return makeError(at(location, fmt::format("chip {}", chip.chip())),
                       "appears twice");
    chipSeen[chip.chip()] = true;
    for (const cfg::Core &core : chip.cores()) {
      std::string where = at(
          location, fmt::format("chip {} core {}", chip.chip(), core.core()));
      if (core.core() >= c.cores_per_chip())
        return makeError(where, "core {} is not below cores_per_chip {}",
                         core.core(), c.cores_per_chip());
      if (coreSeen[chip.chip() * 64 + core.core()])
        return makeError(where, "appears twice");
      coreSeen[chip.chip() * 64 + core.core()] = true;
      if (core.slots() > slotLimit || core.slots() > keySlots)
        return makeError(where,
                         "{} slots exceed the {} that the {}-bit synapse "
                         "index and the {}-bit key index address",
                         core.slots(), std::min<uint64_t>(slotLimit, keySlots),
                         c.word_layout().index_bits(), c.key_index_bits());
      CoreImage coreImg;
      coreImg.chip = chip.chip();
      coreImg.core = core.core();
      coreImg.slots = core.slots();
      coreImg.stateBase = static_cast<uint32_t>(states);
      uint64_t ringSize = uint64_t(a.ringSlots) * a.synapseTypes * core.slots();
      coreImg.stride = a.synapseTypes * core.slots();
      coreImg.ringSize = static_cast<uint32_t>(ringSize);
      coreImg.ringBase = static_cast<uint32_t>(ring);
      coreImg.sliceBegin = static_cast<uint32_t>(m.slices.size());
      states += core.slots();
      ring += ringSize;
      if (ringSize > kMaxCoreRingEntries)
        return makeError(where,
                         "its ring buffer of {} delay slots x {} types x {} "
                         "slots = {} entries exceeds the emulator's {}",
                         a.ringSlots, a.synapseTypes, core.slots(), ringSize,
                         kMaxCoreRingEntries);
      if (states > (uint64_t(1) << 31) || ring > (uint64_t(1) << 31))
        return makeError(where, "the machine exceeds 2^31 slots or ring "
                                "entries");
      uint32_t coreIndex = static_cast<uint32_t>(m.cores.size());
      m.statePopulation.resize(states, kNoNeuron);
      m.stateNeuron.resize(states, kNoNeuron);

      for (int si = 0; si < core.slices_size(); ++si) {
        const cfg::NeuronSlice &s = core.slices(si);
        std::string sliceWhere =
            fmt::format("{} slice {} ('{}')", where, si, s.population());
        if (uint64_t(s.first_slot()) + s.count() > core.slots())
          return makeError(
              sliceWhere, "slots {} to {} exceed the core's {} slots",
              s.first_slot(), uint64_t(s.first_slot()) + s.count() - 1,
              core.slots());
        if (c.key_index_bits() < 32 &&
            (s.key_base() & uint32_t(keySlots - 1)) != 0)
          return makeError(sliceWhere,
                           "key_base {:#010x} has bits in the {} index bits",
                           s.key_base(), c.key_index_bits());
        llvm::Expected<SliceImage> slice = sliceImage(s, sliceWhere, m);
        if (!slice)
          return slice.takeError();
        slice->core = coreIndex;
        auto [it, added] = populationIndex.try_emplace(
            s.population(), static_cast<uint32_t>(m.populations.size()));
        if (added) {
          m.populations.push_back({s.population(), 0});
          placed.emplace_back();
        }
        uint32_t pop = it->second;
        uint64_t end = uint64_t(s.first_neuron()) + s.count();
        if (end > (uint64_t(1) << 31))
          return makeError(sliceWhere, "neurons beyond 2^31");
        if (placed[pop].size() < end)
          placed[pop].resize(end, false);
        m.populations[pop].size =
            std::max(m.populations[pop].size, static_cast<uint32_t>(end));
        for (uint32_t i = 0; i < s.count(); ++i) {
          uint32_t state = coreImg.stateBase + s.first_slot() + i;
          if (m.statePopulation[state] != kNoNeuron)
            return makeError(sliceWhere, "slot {} already holds a neuron",
                             s.first_slot() + i);
          if (placed[pop][s.first_neuron() + i])
            return makeError(sliceWhere,
                             "neuron {} of '{}' is placed a second time",
                             s.first_neuron() + i, s.population());
          placed[pop][s.first_neuron() + i] = true;
          m.statePopulation[state] = pop;
          m.stateNeuron[state] = s.first_neuron() + i;
        }
        m.slices.push_back(*slice);
      }
      for (uint32_t slot = 0; slot < core.slots(); ++slot)
        coreImg.neurons +=
            m.statePopulation[coreImg.stateBase + slot] != kNoNeuron;
      coreImg.sliceEnd = static_cast<uint32_t>(m.slices.size());
      m.cores.push_back(coreImg);
    }
  }
  m.numStates = static_cast<uint32_t>(states);
  m.ringEntries = static_cast<uint32_t>(ring);
  return llvm::Error::success();
}

llvm::Expected<Machine> buildMachine(const cfg::SpiNNakerConfig &config,
                                     llvm::StringRef location) {
  Machine m;
  if (llvm::Error err = checkHeader(config, location, m))
    return err;
  if (llvm::Error err = buildNeurons(config, location, m))
    return err;
  if (llvm::Error err = buildInputs(config, location, m))
    return err;
  std::vector<std::vector<std::vector<RowRange>>> rowsOf;
  if (llvm::Error err = decodeSynapticMatrices(config, location, m, rowsOf))
    return err;
  if (llvm::Error err = buildFanOut(config, location, m, rowsOf))
    return err;
  if (llvm::Error err = buildReadout(config, location, m))
    return err;

  DeviceLayout &l = m.layout;
  l.target = config.target_name();
  l.family = "spinnaker";
  l.graph = config.graph_name();
  l.dtMs = config.dt_ms();
  l.cores = 0;
  for (const CoreImage &core : m.cores)
    l.cores += core.neurons > 0;
  return m;
}

} // namespace axon::sim::spinnaker

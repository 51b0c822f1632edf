//===- MulticastRouting.cpp - Where each key's packets go ----------------===//
//
// A packet is injected at its sender's chip (a host channel's: the input's
// inject_chip). On every chip it reaches, the first router entry whose
// (key & mask) == entry key sends it to the cores in the entry's core set
// and on to the chips in its chip set; each chip handles a packet once. On
// a reached core, the first master population entry whose
// (key & mask) == entry key gives the row of index key & ~mask, if that
// index lies in the entry's rows: the row is fetched (DMA) and its
// synapses processed. A core reached without a matching entry only counts
// the packet.
//
// The tables never change during a run, so this walk is done once per key
// at load time; the tick loop replays the resulting deliveries, which is
// exactly what the machine would compute packet by packet.
//===----------------------------------------------------------------------===//
#include "simulator/spinnaker/Machine.h"

#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include <fmt/format.h>

namespace axon::sim::spinnaker {

namespace {

constexpr uint32_t kNone = ~uint32_t(0);

/// The tables the walk reads, indexed for it.
struct Tables {
  const cfg::SpiNNakerConfig &config;
  std::vector<uint32_t> chipIndex;       ///< chip id -> index in config.chips()
  std::vector<uint32_t> coreIndex;       ///< chip * 64 + core -> Machine::cores
  std::vector<const cfg::Core *> coreOf; ///< Machine::cores order
};

Tables indexTables(const cfg::SpiNNakerConfig &config) {
  Tables t{config,
           std::vector<uint32_t>(64, kNone),
           std::vector<uint32_t>(64 * 64, kNone),
           {}};
  for (int h = 0; h < config.chips_size(); ++h) {
    const cfg::Chip &chip = config.chips(h);
    t.chipIndex[chip.chip()] = static_cast<uint32_t>(h);
    for (const cfg::Core &core : chip.cores()) {
      t.coreIndex[chip.chip() * 64 + core.core()] =
          static_cast<uint32_t>(t.coreOf.size());
      t.coreOf.push_back(&core);
    }
  }
  return t;
}

/// Appends the deliveries of `key` injected at chip `inject`.
void route(const Tables &t,
           const std::vector<std::vector<std::vector<RowRange>>> &rowsOf,
           uint32_t key, uint32_t inject, std::vector<Delivery> &out) {
  uint64_t visited = uint64_t(1) << inject;
  uint32_t pending[64];
  uint32_t numPending = 0;
  pending[numPending++] = inject;
  while (numPending > 0) {
    uint32_t chipId = pending[--numPending];
    uint32_t h = t.chipIndex[chipId];
    if (h == kNone)
      continue;
    const cfg::RouterEntry *match = nullptr;
    for (const cfg::RouterEntry &e : t.config.chips(h).router())
      if ((key & e.mask()) == e.key()) {
        match = &e;
        break;
      }
    if (!match)
      continue;
    for (uint32_t c = 0; c < 64; ++c) {
      if (!(match->cores() >> c & 1))
        continue;
      uint32_t coreIdx = t.coreIndex[chipId * 64 + c];
      if (coreIdx == kNone)
        continue; // no application core there: nobody takes the packet
      Delivery d;
      d.core = coreIdx;
      const cfg::Core &core = *t.coreOf[coreIdx];
      for (int e = 0; e < core.master_population_table_size(); ++e) {
        const cfg::MasterPopulationEntry &entry =
            core.master_population_table(e);
        if ((key & entry.mask()) != entry.key())
          continue;
        uint64_t index = key & ~entry.mask();
        if (index >= entry.first_index() &&
            index < uint64_t(entry.first_index()) + entry.row_count()) {
          const RowRange &row = rowsOf[coreIdx][e][index - entry.first_index()];
          d.fetchesRow = true;
          d.synBegin = row.begin;
          d.synEnd = row.end;
        }
        break;
      }
      out.push_back(d);
    }
    for (uint32_t next = 0; next < 64; ++next)
      if ((match->chips() >> next & 1) && !(visited >> next & 1)) {
        visited |= uint64_t(1) << next;
        pending[numPending++] = next;
      }
  }
}

} // namespace

llvm::Error
buildFanOut(const cfg::SpiNNakerConfig &config, llvm::StringRef location,
            Machine &m,
            const std::vector<std::vector<std::vector<RowRange>>> &rowsOf) {
  Tables t = indexTables(config);
  uint32_t hostChannels = 0;
  for (const cfg::InputMap &in : config.inputs())
    hostChannels += in.size();
  uint64_t sources = uint64_t(m.numStates) + hostChannels;
  if (sources >= (uint64_t(1) << 32))
    return makeError(location.str(), "more than 2^32 packet sources");
  m.fanOutBegin.assign(sources + 1, 0);
  m.deliveries.clear();

  // Neurons in state order: each core's slots, slice by slice.
  size_t c = 0;
  for (const cfg::Chip &chip : config.chips())
    for (const cfg::Core &core : chip.cores()) {
      const CoreImage &img = m.cores[c++];
      std::vector<uint32_t> keyOfSlot(img.slots, kNone);
      std::vector<bool> sends(img.slots, false);
      for (const cfg::NeuronSlice &s : core.slices())
        for (uint32_t i = 0; i < s.count(); ++i) {
          keyOfSlot[s.first_slot() + i] = s.key_base() | (s.first_slot() + i);
          // A leaky integrator never spikes: no packet to follow.
          sends[s.first_slot() + i] = s.model() != cfg::LEAKY_INTEGRATOR;
        }
      for (uint32_t slot = 0; slot < img.slots; ++slot) {
        uint32_t source = img.stateBase + slot;
        m.fanOutBegin[source] = static_cast<uint32_t>(m.deliveries.size());
        if (sends[slot])
          route(t, rowsOf, keyOfSlot[slot], chip.chip(), m.deliveries);
      }
    }
  // Host channels after the neurons.
  uint32_t source = m.numStates;
  for (const cfg::InputMap &in : config.inputs())
    for (uint32_t key : in.keys()) {
      m.fanOutBegin[source++] = static_cast<uint32_t>(m.deliveries.size());
      route(t, rowsOf, key, in.inject_chip(), m.deliveries);
    }
  if (m.deliveries.size() >= (uint64_t(1) << 32))
    return makeError(location.str(), "more than 2^32 packet deliveries");
  m.fanOutBegin[sources] = static_cast<uint32_t>(m.deliveries.size());
  return llvm::Error::success();
}

} // namespace axon::sim::spinnaker

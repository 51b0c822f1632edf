//===- Chip.cpp - Synapse and compartment stages of one tick --------------===//
#include "simulator/loihi/Chip.h"

#include <algorithm>

namespace axon::sim::loihi {

Chip::Chip(const ChipImage &image) : image(image) {
  size_t n = image.numCompartments();
  u.resize(n);
  v.resize(n);
  refractory.resize(n);
  ring.resize(image.ringSize);
  slot.resize(image.cores.size());
  spiked.reserve(n);
  work.resize(image.cores.size());
  counters.resize(image.cores.size());
  reset();
}

void Chip::reset() {
  tickCount = 0;
  std::fill(u.begin(), u.end(), 0);
  std::fill(v.begin(), v.end(), 0);
  std::fill(refractory.begin(), refractory.end(), 0);
  std::fill(ring.begin(), ring.end(), 0);
  std::fill(slot.begin(), slot.end(), 0);
  spiked.clear();
  hostQueue.clear();
  std::fill(work.begin(), work.end(), TickWork());
  for (size_t c = 0; c < counters.size(); ++c) {
    counters[c] = CoreCounters();
    counters[c].chip = image.cores[c].chip;
    counters[c].core = image.cores[c].core;
  }
}

void Chip::injectHostSpike(uint32_t hostChannel) {
  hostQueue.push_back(hostChannel);
}

// One spike message reaching an input axon: fetch its synapse list and add
// every mantissa into the ring slot of its delay. The slot index is the
// core's current slot plus the precomputed f * lanes + lane, wrapped once
// (f < depth).
inline void Chip::deliver(uint32_t axon) {
  uint32_t c = image.axonCore[axon];
  const CoreImage &core = image.cores[c];
  int32_t *base = ring.data() + core.ringOffset;
  const uint32_t current = slot[c] * core.numLanes;
  const uint32_t size = core.ringDepth * core.numLanes;
  const SynapseEntry *s = image.synapses.data() + image.axonSynapses[axon];
  const SynapseEntry *end =
      image.synapses.data() + image.axonSynapses[axon + 1];
  TickWork &w = work[c];
  w.synapticEvents += uint64_t(end - s);
  ++w.packetsReceived;
  for (; s != end; ++s) {
    uint32_t index = current + s->ringOffset;
    if (index >= size)
      index -= size;
    base[index] += s->weight;
  }
}

void Chip::tick() {
  // Synapse stage: what was sent in the previous tick.
  for (uint32_t source : spiked)
    for (uint32_t a = image.compartmentAxons[source],
                  e = image.compartmentAxons[source + 1];
         a < e; ++a)
      deliver(image.outputAxons[a]);
  for (uint32_t h : hostQueue)
    for (uint32_t a = image.channelAxons[h], e = image.channelAxons[h + 1];
         a < e; ++a)
      deliver(image.hostAxons[a]);
  spiked.clear();
  hostQueue.clear();

  // Compartment stage.
  const ArithmeticFormat &f = image.format;
  const int32_t offset = f.weightExponentOffset;
  for (uint32_t c = 0; c < image.cores.size(); ++c) {
    const CoreImage &core = image.cores[c];
    // This tick's slot of the core's ring, indexed by core-local lane.
    int32_t *lanes =
        ring.data() + core.ringOffset + size_t(slot[c]) * core.numLanes;
    const uint32_t laneBase = image.laneBase[c];
    uint64_t overflows = 0;
    uint64_t sent = 0;
    const uint32_t first = core.firstCompartment;
    const uint32_t last = first + core.numCompartments;
    for (uint32_t k = first; k < last; ++k) {
      const CompartmentParams &p = image.params[k];
      int64_t input = 0;
      for (uint32_t l = image.laneBegin[k], e = image.laneBegin[k + 1]; l < e;
           ++l) {
        int32_t sum = lanes[l - laneBase];
        if (sum == 0)
          continue;
        lanes[l - laneBase] = 0;
        input += exponentShifted(sum, image.laneExponent[l]);
      }
      if (input != 0)
        input = fitted(exponentShifted(input, offset), f.inputBits,
                       f.saturateInput, overflows);
      int64_t uk = fitted(
          decayed(u[k], p.keepU, f.decayBits, f.decayRounding) + input,
          f.stateBits, f.saturateCurrent, overflows);
      u[k] = uk;
      if (refractory[k]) {
        --refractory[k];
        v[k] = p.reset;
        continue;
      }
      int64_t vk = fitted(decayed(v[k], p.keepV, f.decayBits,
                                  f.decayRounding) +
                              uk + p.bias,
                          f.stateBits, f.saturateVoltage, overflows);
      if (p.spikes && vk > p.threshold) {
        vk = p.reset;
        refractory[k] = p.refractorySteps;
        spiked.push_back(k);
        ++sent;
      }
      v[k] = vk;
    }
    work[c].overflows += overflows;
    work[c].spikesSent += sent;
    if (++slot[c] == core.ringDepth)
      slot[c] = 0;
  }
  closeTick();
  ++tickCount;
}

// Charges the tick's work to each core from the cost table.
void Chip::closeTick() {
  const auto &cost = image.costs;
  for (uint32_t c = 0; c < image.cores.size(); ++c) {
    TickWork &w = work[c];
    CoreCounters &k = counters[c];
    uint64_t updates = image.cores[c].numCompartments;
    uint64_t cycles =
        updates * cost.cycles_per_neuron_update() +
        w.synapticEvents * cost.cycles_per_synaptic_event() +
        w.spikesSent * cost.cycles_per_spike_sent() +
        w.packetsReceived * (uint64_t(cost.cycles_per_packet_received()) +
                             cost.cycles_per_row_fetch());
    k.cycles += cycles;
    k.maxStepCycles = std::max(k.maxStepCycles, cycles);
    if (cost.cycles_per_step_budget() > 0 &&
        cycles > cost.cycles_per_step_budget())
      ++k.overruns;
    k.neuronUpdates += updates;
    k.synapticEvents += w.synapticEvents;
    k.spikesSent += w.spikesSent;
    k.packetsReceived += w.packetsReceived;
    k.rowFetches += w.packetsReceived;
    k.overflows += w.overflows;
    k.energyPicojoule +=
        double(w.synapticEvents) * cost.picojoule_per_synaptic_op() +
        double(updates) * cost.picojoule_per_neuron_update() +
        double(w.spikesSent) * cost.picojoule_per_spike_sent();
    w = TickWork();
  }
}

} // namespace axon::sim::loihi

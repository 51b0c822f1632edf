//===- TickLoop.cpp - Run one trial on a loaded machine -------------------===//
#include "simulator/spinnaker/TickLoop.h"

#include "simulator/spinnaker/NeuronArithmetic.h"

#include <algorithm>
#include <tuple>

namespace axon::sim::spinnaker {

TrialState::TrialState(const Machine &m)
    : v(m.numStates), u(m.numStates), refractory(m.numStates),
      ring(m.ringEntries), tick(m.cores.size()), totals(m.cores.size()) {
  // A neuron sends at most once per tick; the two lists swap each tick.
  pending.reserve(m.numStates);
  sent.reserve(m.numStates);
}

void TrialState::reset() {
  std::fill(v.begin(), v.end(), 0);
  std::fill(u.begin(), u.end(), 0);
  std::fill(refractory.begin(), refractory.end(), 0);
  std::fill(ring.begin(), ring.end(), 0);
  pending.clear();
  sent.clear();
  std::fill(tick.begin(), tick.end(), TickWork{});
  std::fill(totals.begin(), totals.end(), CoreCounters{});
}

void TrialState::updateCore(const Machine &m, uint32_t c, uint32_t t) {
  const ChipArithmetic &a = m.arithmetic;
  const CoreImage &core = m.cores[c];
  TickWork &work = tick[c];
  uint16_t *slot =
      ring.data() + core.ringBase + (t & (a.ringSlots - 1)) * core.stride;
  bool inhibitory = a.synapseTypes > 1;
  uint64_t overflows = 0;
  for (uint32_t si = core.sliceBegin; si < core.sliceEnd; ++si) {
    const SliceImage &s = m.slices[si];
    uint16_t *exc = slot + s.firstSlot;
    uint16_t *inh = inhibitory ? exc + core.slots : nullptr;
    uint32_t first = core.stateBase + s.firstSlot;
    if (s.kind == SliceKind::Relay) {
      // A delay-extension stage re-emits in the tick its packet is read.
      for (uint32_t i = 0; i < s.count; ++i) {
        uint32_t arrived = exc[i] | (inh ? inh[i] : 0);
        exc[i] = 0;
        if (inh)
          inh[i] = 0;
        if (arrived)
          sent.push_back(first + i);
      }
      continue;
    }
    bool spiking = s.kind == SliceKind::Spiking;
    for (uint32_t i = 0; i < s.count; ++i) {
      uint32_t n = first + i;
      int64_t input = ringInput(exc[i], s.shiftExc);
      exc[i] = 0;
      if (inh) {
        input -= ringInput(inh[i], s.shiftInh);
        inh[i] = 0;
      }
      int64_t uExact = int64_t(u[n]) + input;
      int32_t uNow = wrapState(uExact, a.stateBits);
      overflows += uNow != uExact;
      if (refractory[n] > 0) {
        // No integration while refractory: v stays at its reset value.
        --refractory[n];
      } else {
        int64_t vExact =
            int64_t(decayState(v[n], s.decayMem, a.decayBits)) + uNow + s.bias;
        int32_t vNow = wrapState(vExact, a.stateBits);
        overflows += vNow != vExact;
        bool fires = spiking && (a.spikeOnEqual ? vNow >= s.threshold
                                                : vNow > s.threshold);
        if (fires) {
          vNow = s.reset;
          refractory[n] = s.refractoryTicks;
          sent.push_back(n);
        }
        v[n] = vNow;
      }
      u[n] = decayState(uNow, s.decaySyn, a.decayBits);
    }
  }
  work.overflows += overflows;
}

void TrialState::deliver(const Machine &m, uint32_t source, uint32_t t) {
  const uint32_t ringMask = m.arithmetic.ringSlots - 1;
  const uint32_t max = m.arithmetic.ringEntryMax;
  const uint32_t *synapses = m.synapses.data();
  const Delivery *first = m.deliveries.data() + m.fanOutBegin[source];
  const Delivery *last = m.deliveries.data() + m.fanOutBegin[source + 1];
  for (const Delivery *d = first; d != last; ++d) {
    // Rows lie anywhere in the matrix: ask for the next one while this one
    // is processed, as the chip overlaps DMA with processing.
    if (d + 1 != last)
      __builtin_prefetch(synapses + d[1].synBegin);
    const CoreImage &core = m.cores[d->core];
    TickWork &work = tick[d->core];
    ++work.packetsReceived;
    if (!d->fetchesRow)
      continue;
    ++work.rowFetches;
    work.synapticEvents += d->synEnd - d->synBegin;
    uint16_t *coreRing = ring.data() + core.ringBase;
    uint32_t now = (t & ringMask) * core.stride;
    uint32_t size = core.ringSize;
    uint32_t saturated = 0;
    for (uint32_t j = d->synBegin; j < d->synEnd; ++j) {
      uint32_t s = synapses[j];
      // offset < size and now < size: one conditional subtraction wraps.
      uint32_t index = (s & (kMaxCoreRingEntries - 1)) + now;
      index -= index >= size ? size : 0;
      saturated += addSaturating(coreRing[index], s >> kCompactOffsetBits, max);
    }
    work.overflows += saturated;
  }
}

void TrialState::closeTick(const Machine &m, uint32_t c) {
  const target::proto::Costs &k = m.costs;
  const CoreImage &core = m.cores[c];
  TickWork &w = tick[c];
  CoreCounters &total = totals[c];
  uint64_t cycles = uint64_t(core.neurons) * k.cycles_per_neuron_update() +
                    w.synapticEvents * k.cycles_per_synaptic_event() +
                    w.rowFetches * k.cycles_per_row_fetch() +
                    w.packetsReceived * k.cycles_per_packet_received() +
                    w.spikesSent * k.cycles_per_spike_sent();
  const uint64_t budget = k.cycles_per_step_budget();
  total.cycles += cycles;
  total.maxStepCycles = std::max(total.maxStepCycles, cycles);
  total.overruns += budget != 0 && cycles > budget;
  total.neuronUpdates += core.neurons;
  total.synapticEvents += w.synapticEvents;
  total.spikesSent += w.spikesSent;
  total.packetsReceived += w.packetsReceived;
  total.rowFetches += w.rowFetches;
  total.overflows += w.overflows;
  w = TickWork{};
}

TrialResult TrialState::run(const Machine &m, const TrialInput &input,
                            const RunOptions &options) {
  reset();
  TrialResult result;
  result.populations.resize(m.populations.size());
  for (size_t p = 0; p < m.populations.size(); ++p) {
    result.populations[p].population = m.populations[p].name;
    result.populations[p].size = m.populations[p].size;
  }
  const ReadoutImage &r = m.readout;
  bool voltages = r.present && (options.recordReadoutVoltage ||
                                isVoltageDecoding(r.decoding));
  if (r.present) {
    result.readout.population = r.population;
    result.readout.decoding = r.decoding;
    result.readout.size = static_cast<uint32_t>(r.states.size());
    result.readout.stateScale = r.stateScale;
    if (voltages)
      result.readout.voltage.assign(
          size_t(input.numSteps + 1) * r.states.size(), 0.0);
  }

  size_t nextEvent = 0;
  for (uint32_t t = 0; t < input.numSteps; ++t) {
    // Neurons: drain slot t, update, send.
    sent.clear();
    for (uint32_t c = 0; c < m.cores.size(); ++c) {
      size_t before = sent.size();
      updateCore(m, c, t);
      tick[c].spikesSent += sent.size() - before;
    }
    // Packets: those sent in tick t - 1, then the host's of grid point t.
    for (uint32_t source : pending)
      deliver(m, source, t);
    for (; nextEvent < input.events.size() && input.events[nextEvent].step == t;
         ++nextEvent) {
      const InputEvent &e = input.events[nextEvent];
      deliver(m, m.inputFirstSource[e.input] + e.channel, t);
    }
    for (uint32_t c = 0; c < m.cores.size(); ++c)
      closeTick(m, c);

    // A crossing in tick t is the spike at grid point t + 1.
    for (uint32_t n : sent)
      result.populations[m.statePopulation[n]].spikes.push_back(
          {t + 1, m.stateNeuron[n]});
    if (voltages) {
      double *row =
          result.readout.voltage.data() + size_t(t + 1) * r.states.size();
      for (size_t i = 0; i < r.states.size(); ++i)
        row[i] = v[r.states[i]];
    }
    std::swap(pending, sent);
  }

  // Cores are visited in configuration order, not population order.
  for (PopulationSpikes &p : result.populations)
    std::sort(p.spikes.begin(), p.spikes.end(),
              [](const SpikeEvent &a, const SpikeEvent &b) {
                return std::tie(a.step, a.neuron) < std::tie(b.step, b.neuron);
              });

  DeviceCounters &counters = result.counters;
  counters.steps = input.numSteps;
  for (size_t c = 0; c < m.cores.size(); ++c) {
    CoreCounters &core = totals[c];
    core.chip = m.cores[c].chip;
    core.core = m.cores[c].core;
    const target::proto::Costs &k = m.costs;
    core.energyPicojoule =
        double(core.synapticEvents) * k.picojoule_per_synaptic_op() +
        double(core.neuronUpdates) * k.picojoule_per_neuron_update() +
        double(core.spikesSent) * k.picojoule_per_spike_sent();
    accumulate(counters, core);
    counters.cores.push_back(core);
  }
  std::sort(counters.cores.begin(), counters.cores.end(),
            [](const CoreCounters &a, const CoreCounters &b) {
              return std::tie(a.chip, a.core) < std::tie(b.chip, b.core);
            });
  return result;
}

} // namespace axon::sim::spinnaker

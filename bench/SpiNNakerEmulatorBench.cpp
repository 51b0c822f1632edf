//===- SpiNNakerEmulatorBench.cpp - Synaptic events per second ------------===//
//
// A full SpiNNaker-like machine built directly as a configuration: 4 chips
// x 16 cores x 256 LIF neurons (16384), a host input of 1024 channels
// whose rows reach every core with 128 synapses each (random slot, delay
// 1..16, type), and recurrent rows of 32 synapses from every neuron to
// every core of its chip. The router sends the host's keys from chip 0 to
// all chips and each neuron's keys to its chip's cores. 200 ticks with
// each channel firing with probability 0.1 per tick, loaded from the
// serialised bytes as a user would. Prints synaptic events (synapse words
// processed) per second of one CPU thread, with the load time and the
// device counters. Target: >= 100 M events/s.
//===----------------------------------------------------------------------===//
#include "simulator/spinnaker/SpiNNakerEmulator.h"

#include "backends/spinnaker/SpiNNakerConfigIO.h"
#include "backends/spinnaker/SynapseWord.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <random>

using namespace axon;
namespace cfg = axon::spinnaker::proto;
using Clock = std::chrono::steady_clock;

namespace {

constexpr uint32_t kChips = 4, kCores = 16, kSlots = 256;
constexpr uint32_t kChannels = 1024, kInputRow = 128, kRecurrentRow = 32;
constexpr uint32_t kInputKey = 0x00FF0000, kMask = 0xFFFFFF00;

uint32_t neuronKeyBase(uint32_t chip, uint32_t core) {
  return (chip * kCores + core + 1) << 8;
}

/// Appends one master population entry with `rows` random rows of `length`.
void addRows(cfg::Core &core, uint32_t key, uint32_t mask, uint32_t rows,
             uint32_t length, uint32_t maxWeight, std::mt19937_64 &rng) {
  axon::spinnaker::SynapseWordLayout layout;
  std::uniform_int_distribution<uint32_t> slot(0, kSlots - 1), delay(0, 15),
      type(0, 4), weight(1, maxWeight);
  cfg::MasterPopulationEntry *e = core.add_master_population_table();
  e->set_key(key);
  e->set_mask(mask);
  e->set_address(core.synaptic_matrix_size());
  e->set_row_length(length);
  e->set_first_index(0);
  e->set_row_count(rows);
  for (uint32_t r = 0; r < rows; ++r) {
    core.add_synaptic_matrix(0);
    core.add_synaptic_matrix(length);
    core.add_synaptic_matrix(0);
    for (uint32_t k = 0; k < length; ++k)
      core.add_synaptic_matrix(axon::spinnaker::packSynapseWord(
          layout,
          {weight(rng), delay(rng), type(rng) == 0 ? 1u : 0u, slot(rng)}));
  }
}

cfg::SpiNNakerConfig buildConfig() {
  std::mt19937_64 rng(42);
  cfg::SpiNNakerConfig c;
  c.set_version(axon::spinnaker::kSpiNNakerConfigVersion);
  c.set_graph_name("bench");
  c.set_target_name("spinnaker");
  c.set_dt_ms(1.0);
  axon::spinnaker::layoutToProto({}, *c.mutable_word_layout());
  cfg::Arithmetic *a = c.mutable_arithmetic();
  a->set_state_bits(32);
  a->set_state_frac_bits(15);
  a->set_decay_bits(32);
  a->set_threshold_compare(cfg::GREATER_EQUAL);
  a->set_synapse_types(2);
  a->set_ring_slots(16);
  a->set_ring_entry_bits(16);
  c.set_cores_per_chip(kCores);
  c.set_key_index_bits(8);
  auto *k = c.mutable_costs();
  k->set_cycles_per_step_budget(200000);
  k->set_cycles_per_neuron_update(40);
  k->set_cycles_per_synaptic_event(12);
  k->set_cycles_per_spike_sent(20);
  k->set_cycles_per_packet_received(30);
  k->set_cycles_per_row_fetch(120);
  k->set_picojoule_per_synaptic_op(10);
  k->set_picojoule_per_neuron_update(100);
  k->set_picojoule_per_spike_sent(2);

  for (uint32_t h = 0; h < kChips; ++h) {
    cfg::Chip *chip = c.add_chips();
    chip->set_chip(h);
    uint64_t allCores = (uint64_t(1) << kCores) - 1;
    // Host keys: chip 0 forwards to the other chips; every chip to its
    // cores.
    cfg::RouterEntry *in = chip->add_router();
    in->set_key(kInputKey);
    in->set_mask(kMask & ~uint32_t(0x300)); // 4 x 256 channels
    in->set_cores(allCores);
    in->set_chips(h == 0 ? 0xEu : 0u);
    for (uint32_t k2 = 0; k2 < kCores; ++k2) {
      cfg::RouterEntry *e = chip->add_router();
      e->set_key(neuronKeyBase(h, k2));
      e->set_mask(kMask);
      e->set_cores(allCores);
    }
    for (uint32_t k2 = 0; k2 < kCores; ++k2) {
      cfg::Core *core = chip->add_cores();
      core->set_core(k2);
      core->set_slots(kSlots);
      cfg::NeuronSlice *s = core->add_slices();
      s->set_population("hidden");
      s->set_first_neuron((h * kCores + k2) * kSlots);
      s->set_count(kSlots);
      s->set_first_slot(0);
      s->set_key_base(neuronKeyBase(h, k2));
      s->set_model(cfg::CUBA_LIF);
      s->set_threshold(1 << 22);
      s->set_reset(0);
      s->set_bias(0);
      s->set_decay_mem(0xF3000000u);
      s->set_decay_syn(0xC0000000u);
      s->set_refractory_ticks(2);
      s->add_ring_shift(4);
      s->add_ring_shift(4);
      addRows(*core, kInputKey, kMask & ~uint32_t(0x300), kChannels, kInputRow,
              300, rng);
      for (uint32_t src = 0; src < kCores; ++src)
        addRows(*core, neuronKeyBase(h, src), kMask, kSlots, kRecurrentRow, 200,
                rng);
    }
  }
  cfg::InputMap *in = c.add_inputs();
  in->set_input("in");
  in->set_size(kChannels);
  in->set_inject_chip(0);
  for (uint32_t i = 0; i < kChannels; ++i)
    in->add_keys(kInputKey | i);
  return c;
}

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

/// CPU seconds of this thread: on a shared machine the wall time also
/// counts other processes' turns.
double threadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

} // namespace

int main() {
  std::string bytes = axon::spinnaker::serialiseSpiNNakerConfig(buildConfig());
  std::unique_ptr<sim::Device> emu = sim::spinnaker::createSpiNNakerEmulator();
  auto t0 = Clock::now();
  if (llvm::Error err = emu->load(bytes, "bench.axoncfg")) {
    fmt::print("load failed: {}\n", llvm::toString(std::move(err)));
    return 1;
  }
  double loadSeconds = since(t0);

  sim::TrialInput input;
  input.numSteps = 200;
  std::mt19937_64 rng(7);
  std::bernoulli_distribution fires(0.1);
  for (uint32_t s = 0; s < input.numSteps; ++s)
    for (uint32_t ch = 0; ch < kChannels; ++ch)
      if (fires(rng))
        input.events.push_back({s, 0, ch});

  // One warm-up trial, then the best of three.
  double best = 1e30, bestCpu = 1e30;
  sim::TrialResult result;
  for (int rep = 0; rep < 4; ++rep) {
    auto t1 = Clock::now();
    double cpu0 = threadSeconds();
    llvm::Expected<sim::TrialResult> r = emu->run(input);
    double seconds = since(t1);
    double cpuSeconds = threadSeconds() - cpu0;
    if (!r) {
      fmt::print("run failed: {}\n", llvm::toString(r.takeError()));
      return 1;
    }
    if (rep > 0) {
      best = std::min(best, seconds);
      bestCpu = std::min(bestCpu, cpuSeconds);
    }
    result = std::move(*r);
  }
  const sim::DeviceCounters &c = result.counters;
  fmt::print("spinnaker emulator: {} chips x {} cores x {} neurons, {} "
             "bytes, loaded in {:.3f} s\n",
             kChips, kCores, kSlots, bytes.size(), loadSeconds);
  fmt::print("  {} ticks: {} synaptic events, {} spikes, {} neuron updates, "
             "{} overflows, max {} cycles per core-tick, {} overruns\n",
             c.steps, c.synapticEvents, c.spikes, c.neuronUpdates, c.overflows,
             c.maxStepCycles, c.overruns);
  fmt::print("  {:.3f} s per trial (wall), {:.3f} s (thread CPU): {:.1f} M "
             "synaptic events/s per CPU core by wall time, {:.1f} M by CPU "
             "time (target >= 100)\n",
             best, bestCpu, double(c.synapticEvents) / best / 1e6,
             double(c.synapticEvents) / bestCpu / 1e6);
  return 0;
}

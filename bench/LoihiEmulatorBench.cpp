//===- LoihiEmulatorBench.cpp - Synaptic events per second, one core ------===//
//
// A randomly connected Loihi-like configuration built directly as a
// LoihiConfig (no IR, as the emulator sees it): 8 cores x 1024 spiking
// compartments; every compartment sends one output axon to each core,
// whose input axon holds 128 synapses to random compartments there with
// random delays 0..15 and zero-mean mantissas, so a spike costs 1024
// synaptic events. Compartments fire from a bias (16 prototypes per core,
// firing every ~5 to ~20 ticks) perturbed by their input. The trial runs
// through the Device interface from the framed bytes, single-threaded.
//
// Prints the network, the trial's spikes and synaptic events, wall time,
// synaptic events per second (the target is >= 100 M/s per CPU core) and
// ns per event, the best of a few repeats. Usage: axon_bench_loihi_emulator
// [ticks] [repeats].
//===----------------------------------------------------------------------===//
#include "simulator/loihi/LoihiEmulator.h"

#include "backends/loihi/LoihiConfigIO.h"

#include "llvm/Support/Error.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <random>

namespace lproto = ::axon::loihi::proto;

namespace {

constexpr uint32_t kCores = 8;
constexpr uint32_t kPerCore = 1024;
constexpr uint32_t kSynapsesPerAxon = 128;
constexpr uint32_t kMaxDelay = 15;

lproto::LoihiConfig randomNetwork(uint32_t seed) {
  std::mt19937 rng(seed);
  lproto::LoihiConfig c;
  c.set_version(1);
  c.set_name("bench");
  c.set_dt_ms(1.0);
  c.set_target_name("loihi");
  lproto::ChipFormat &f = *c.mutable_format();
  f.set_state_bits(24);
  f.set_current_overflow(lproto::WRAP);
  f.set_voltage_overflow(lproto::SATURATE);
  f.set_decay_bits(12);
  f.set_decay_rounding(lproto::TOWARD_ZERO);
  f.set_current_decay_offset(1);
  f.set_threshold_bits(17);
  f.set_threshold_shift(6);
  f.set_weight_bits(8);
  f.set_weight_exponent_offset(6);
  f.set_input_bits(22);
  f.set_input_overflow(lproto::WRAP);
  f.set_delay_bits(6);
  f.set_max_delay(62);
  auto &cost = *c.mutable_costs();
  cost.set_cycles_per_step_budget(100000);
  cost.set_cycles_per_neuron_update(2);
  cost.set_cycles_per_synaptic_event(1);
  cost.set_cycles_per_spike_sent(4);
  cost.set_cycles_per_packet_received(2);
  cost.set_cycles_per_row_fetch(2);
  cost.set_picojoule_per_synaptic_op(23.6);
  cost.set_picojoule_per_neuron_update(52);
  cost.set_picojoule_per_spike_sent(1.7);
  c.add_inputs()->set_name("in");
  c.mutable_inputs(0)->set_size(1);

  std::uniform_int_distribution<uint32_t> slot(0, kPerCore - 1);
  std::uniform_int_distribution<uint32_t> delay(0, kMaxDelay);
  std::uniform_int_distribution<int32_t> weight(-6, 6);
  for (uint32_t k = 0; k < kCores; ++k) {
    lproto::Core &core = *c.add_cores();
    core.set_chip(0);
    core.set_core(k);
    for (uint32_t p = 0; p < 16; ++p) {
      lproto::CompartmentPrototype &proto = *core.add_prototypes();
      proto.set_kind(lproto::SPIKING);
      proto.set_du(1024);
      proto.set_dv(128);
      proto.set_vth_mant(100);            // 6400 state units
      proto.set_bias_mant(int32_t(400 + 80 * p)); // every ~5..20 ticks
    }
    lproto::SynapseConfig &sc = *core.add_synapse_configs();
    sc.set_weight_exponent(0);
    sc.set_weight_bits(8);
    for (uint32_t n = 0; n < kPerCore; ++n) {
      lproto::Compartment &comp = *core.add_compartments();
      comp.set_slot(n);
      comp.set_prototype(n % 16);
      comp.set_population("net");
      comp.set_neuron(k * kPerCore + n);
    }
    // One input axon per source compartment of the whole network.
    for (uint32_t source = 0; source < kCores * kPerCore; ++source) {
      lproto::InputAxon &axon = *core.add_input_axons();
      axon.set_source_key(source);
      for (uint32_t s = 0; s < kSynapsesPerAxon; ++s) {
        lproto::Synapse &syn = *axon.add_synapses();
        syn.set_compartment(slot(rng));
        syn.set_weight(weight(rng));
        syn.set_delay(delay(rng));
      }
    }
    for (uint32_t n = 0; n < kPerCore; ++n) {
      lproto::OutputAxonMap &out = *core.add_output_axons();
      out.set_compartment(n);
      for (uint32_t t = 0; t < kCores; ++t) {
        lproto::AxonTarget &target = *out.add_targets();
        target.set_chip(0);
        target.set_core(t);
        target.set_axon(k * kPerCore + n);
      }
    }
  }
  return c;
}

} // namespace

int main(int argc, char **argv) {
  uint32_t ticks = argc > 1 ? uint32_t(std::atoi(argv[1])) : 300;
  int repeats = argc > 2 ? std::atoi(argv[2]) : 3;
  std::string bytes = axon::backends::loihi::frameLoihiConfig(randomNetwork(1));
  std::unique_ptr<axon::sim::Device> chip =
      axon::sim::loihi::createLoihiEmulator();
  auto t0 = std::chrono::steady_clock::now();
  if (llvm::Error err = chip->load(bytes, "bench")) {
    fmt::print(stderr, "error: {}\n", llvm::toString(std::move(err)));
    return 1;
  }
  double loadSeconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  fmt::print("network: {} cores x {} compartments, {} synapses ({} per "
             "spike), delays 0..{}; config {:.1f} MiB, loaded in {:.3f} s\n",
             kCores, kPerCore,
             uint64_t(kCores) * kCores * kPerCore * kSynapsesPerAxon,
             kCores * kSynapsesPerAxon, kMaxDelay,
             double(bytes.size()) / (1 << 20), loadSeconds);

  double best = 0;
  axon::sim::DeviceCounters counters;
  for (int r = 0; r < repeats; ++r) {
    auto start = std::chrono::steady_clock::now();
    llvm::Expected<axon::sim::TrialResult> result =
        chip->run({ticks, {}}, {});
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    if (!result) {
      fmt::print(stderr, "error: {}\n", llvm::toString(result.takeError()));
      return 1;
    }
    counters = result->counters;
    if (best == 0 || seconds < best)
      best = seconds;
  }
  double events = double(counters.synapticEvents);
  fmt::print("trial: {} ticks, {} spikes, {} synaptic events, {} neuron "
             "updates, {} overruns, max {} cycles in a core-tick, {:.3f} mJ\n",
             ticks, counters.spikes, counters.synapticEvents,
             counters.neuronUpdates, counters.overruns, counters.maxStepCycles,
             counters.energyPicojoule * 1e-9);
  fmt::print("best of {}: {:.3f} s, {:.1f} M synaptic events/s on one CPU "
             "core ({:.2f} ns/event; target >= 100 M/s)\n",
             repeats, best, events / best * 1e-6, best / events * 1e9);
  return 0;
}

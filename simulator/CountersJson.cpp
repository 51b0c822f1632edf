//===- CountersJson.cpp - Device counters as JSON -------------------------===//
#include "simulator/CountersJson.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

namespace axon::sim {

llvm::json::Value coreCountersJson(const CoreCounters &c) {
  return llvm::json::Object{{"chip", int64_t(c.chip)},
                            {"core", int64_t(c.core)},
                            {"cycles", int64_t(c.cycles)},
                            {"max_step_cycles", int64_t(c.maxStepCycles)},
                            {"overruns", int64_t(c.overruns)},
                            {"synaptic_events", int64_t(c.synapticEvents)},
                            {"spikes_sent", int64_t(c.spikesSent)},
                            {"overflows", int64_t(c.overflows)},
                            {"energy_pj", c.energyPicojoule}};
}

std::string formatJson(llvm::json::Value value) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", value);
  os.flush();
  return text + "\n";
}

} // namespace axon::sim

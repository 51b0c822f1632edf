//===- CountersJson.h - Device counters as JSON -----------------*- C++ -*-===//
//
// How `axon verify` and `axon emulate` write a chip's per-core figures, so
// that scripts read one shape from both.
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/Trial.h"

#include "llvm/Support/JSON.h"

#include <string>

namespace axon::sim {

/// One core's counters: chip, core, cycles, max_step_cycles, overruns,
/// synaptic_events, spikes_sent, overflows, energy_pj.
llvm::json::Value coreCountersJson(const CoreCounters &c);

/// `value` indented by two spaces, with a final newline.
std::string formatJson(llvm::json::Value value);

} // namespace axon::sim

//===- SpiNNakerEmulator.h - The SpiNNaker-like chip in process -*- C++ -*-===//
//
// A Device that executes an emitted spinnaker.axoncfg tick by tick with
// the integer arithmetic SpiNNakerConfig.proto documents: s16.15 states,
// u0.32 floor decays, 16-bit saturating ring buffers per (delay slot,
// synapse type, neuron), per-slice ring shifts, refractory ticks, relay
// (delay-extension) slices, multicast routing through the router tables
// and master population tables. It reads only the configuration bytes,
// never the IR, and charges every core's work per tick from the cost table
// the configuration carries.
//
// Output follows simulator/Trial.h: a crossing in tick t is a spike at
// grid point t + 1; the readout voltage at grid point n is v after tick
// n - 1 (0 at n = 0) in raw state units, with stateScale volts per unit.
// Populations are listed in the order the configuration first names them
// (chips, cores, slices), relays included.
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/Device.h"

#include <memory>

namespace axon::sim::spinnaker {

/// A SpiNNaker-like emulator with nothing loaded. A failed load leaves the
/// previously loaded configuration (if any) in place.
std::unique_ptr<axon::sim::Device> createSpiNNakerEmulator();

} // namespace axon::sim::spinnaker

//===- LoihiEmulator.h - The in-process Loihi-like chip ---------*- C++ -*-===//
//
// A Device that loads an emitted loihi.axoncfg (LoihiConfigIO.h; never the
// IR) and runs trials on a cycle-accurate model of the chip: ChipImage
// checks and flattens the configuration once, Chip executes it tick by
// tick with the integer model of LoihiConfig.proto. Results are reported
// on the IR's grid (simulator/Trial.h): a compartment that crosses in tick
// t spikes at grid point t + 1; the readout voltage at grid point n is v
// after tick n - 1 (0 at n = 0), in state units.
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/Device.h"

#include <memory>

namespace axon::sim::loihi {

/// An emulator with nothing loaded.
std::unique_ptr<axon::sim::Device> createLoihiEmulator();

} // namespace axon::sim::loihi

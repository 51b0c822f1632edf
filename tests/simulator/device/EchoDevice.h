//===- EchoDevice.h - A fake Device for the remote-device tests -*- C++ -*-===//
//
// Stands in for an emulator so that the protocol is tested without one. Its
// configuration is any text starting with "ECHO:" (the rest names the
// graph). It has two inputs, "left" (3 channels) and "right" (2), and one
// population "echo" of 5 neurons: an input spike at grid point s on input
// i channel c makes neuron offset(i) + c spike at grid point s + 1 (when
// that is within the trial). The readout's voltage, recorded only when
// asked, is -1.5 times each neuron's spike count so far; core i counts the
// work of input i.
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/Device.h"

#include "ir/Diagnostics.h"

namespace axon::test {

class EchoDevice : public sim::Device {
public:
  llvm::Error load(llvm::StringRef configBytes,
                   llvm::StringRef location) override {
    if (!configBytes.startswith("ECHO:")) {
      current = {};
      return makeError(location.str(),
                       "not an echo configuration: it starts with '{}'",
                       configBytes.take_front(5));
    }
    current.target = "echo-target";
    current.family = "echo";
    current.graph = configBytes.drop_front(5).str();
    current.dtMs = 0.5;
    current.inputs = {{"left", 3}, {"right", 2}};
    current.readout = "echo";
    current.decoding = sim::Decoding::MaxVoltage;
    current.classNames = {"a", "b", "c", "d", "e"};
    current.numClasses = 5;
    current.cores = 2;
    ++loads;
    return llvm::Error::success();
  }

  const sim::DeviceLayout &layout() const override { return current; }

  llvm::Expected<sim::TrialResult>
  run(const sim::TrialInput &input,
      const sim::RunOptions &options = {}) override {
    if (current.inputs.empty())
      return makeError("echo device", "nothing loaded");
    if (llvm::Error err = sim::checkTrialInput(input, current))
      return err;
    constexpr uint32_t kSize = 5;
    sim::TrialResult result;
    result.populations.push_back({"echo", kSize, {}});
    result.readout.population = "echo";
    result.readout.decoding = current.decoding;
    result.readout.size = kSize;
    result.readout.stateScale = 0.25;
    std::vector<sim::CoreCounters> cores = {{0, 0}, {0, 1}};
    for (const sim::InputEvent &e : input.events) {
      uint32_t neuron = (e.input == 0 ? 0 : 3) + e.channel;
      if (e.step + 1 <= input.numSteps)
        result.populations[0].spikes.push_back({e.step + 1, neuron});
      sim::CoreCounters &core = cores[e.input];
      core.synapticEvents += 1;
      core.spikesSent += 1;
      core.cycles += 7;
      core.energyPicojoule += 0.25;
    }
    if (options.recordReadoutVoltage) {
      result.readout.voltage.assign((input.numSteps + 1) * kSize, 0.0);
      for (const sim::SpikeEvent &s : result.populations[0].spikes)
        for (uint32_t n = s.step; n <= input.numSteps; ++n)
          result.readout.voltage[n * kSize + s.neuron] -= 1.5;
    }
    for (sim::CoreCounters &core : cores) {
      core.neuronUpdates = uint64_t(input.numSteps) * (core.core == 0 ? 3 : 2);
      core.cycles += input.numSteps;
      core.maxStepCycles = core.synapticEvents > 0 ? 8 : 1;
      sim::accumulate(result.counters, core);
    }
    result.counters.cores = std::move(cores);
    result.counters.steps = input.numSteps;
    return result;
  }

  std::string describe() const override { return "echo device"; }

  int loads = 0;

private:
  sim::DeviceLayout current;
};

} // namespace axon::test

//===- SpiNNakerEmulator.cpp - The Device over Machine and TickLoop -------===//
#include "simulator/spinnaker/SpiNNakerEmulator.h"

#include "simulator/spinnaker/Machine.h"
#include "simulator/spinnaker/TickLoop.h"

#include "backends/spinnaker/SpiNNakerConfigIO.h"
#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include <fmt/format.h>
#include <optional>

namespace axon::sim::spinnaker {

namespace {

class SpiNNakerEmulator final : public Device {
public:
  llvm::Error load(llvm::StringRef configBytes,
                   llvm::StringRef location) override {
    llvm::Expected<cfg::SpiNNakerConfig> config =
        axon::spinnaker::parseSpiNNakerConfig(configBytes, location);
    if (!config)
      return config.takeError();
    llvm::Expected<Machine> built = buildMachine(*config, location);
    if (!built)
      return built.takeError();
    machine = std::make_unique<Machine>(std::move(*built));
    state.emplace(*machine);
    return llvm::Error::success();
  }

  const DeviceLayout &layout() const override {
    return machine ? machine->layout : emptyLayout;
  }

  llvm::Expected<TrialResult> run(const TrialInput &input,
                                  const RunOptions &options) override {
    if (!machine)
      return makeError("spinnaker emulator",
                       "no configuration is loaded: load one before running "
                       "a trial");
    if (llvm::Error err = checkTrialInput(input, machine->layout))
      return err;
    return state->run(*machine, input, options);
  }

  std::string describe() const override {
    if (!machine)
      return "spinnaker emulator";
    return fmt::format("spinnaker emulator ('{}' on {} cores)",
                       machine->layout.graph, machine->layout.cores);
  }

private:
  DeviceLayout emptyLayout;
  std::unique_ptr<Machine> machine;
  std::optional<TrialState> state;
};

} // namespace

std::unique_ptr<Device> createSpiNNakerEmulator() {
  return std::make_unique<SpiNNakerEmulator>();
}

} // namespace axon::sim::spinnaker

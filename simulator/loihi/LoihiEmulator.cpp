//===- LoihiEmulator.cpp - Trials on the Loihi-like chip model ------------===//
//
// Translates between the host's trial vocabulary (simulator/Trial.h) and
// the chip's ticks: an input spike at grid point s is queued before tick s
// (the host sends it as if in tick s - 1), a spike in tick t is reported at
// grid point t + 1, and the readout is sampled after every tick.
//===----------------------------------------------------------------------===//
#include "simulator/loihi/LoihiEmulator.h"

#include "simulator/loihi/Chip.h"
#include "simulator/loihi/ChipImage.h"

#include "ir/Diagnostics.h"
#include "ir/Format.h"

#include "llvm/ADT/STLExtras.h"

#include <optional>
#include <tuple>

namespace axon::sim::loihi {
namespace {

class LoihiEmulator final : public Device {
public:
  llvm::Error load(llvm::StringRef configBytes,
                   llvm::StringRef location) override {
    llvm::Expected<proto::LoihiConfig> config =
        backends::loihi::parseLoihiConfig(configBytes, location);
    if (!config)
      return config.takeError();
    llvm::Expected<ChipImage> built = buildChipImage(*config, location);
    if (!built)
      return built.takeError();
    chip.reset();
    image = std::make_unique<ChipImage>(std::move(*built));
    chip = std::make_unique<Chip>(*image);
    return llvm::Error::success();
  }

  const DeviceLayout &layout() const override {
    return image ? image->layout : empty;
  }

  llvm::Expected<TrialResult> run(const TrialInput &input,
                                  const RunOptions &options) override;

  std::string describe() const override { return "loihi emulator"; }

private:
  DeviceLayout empty;
  std::unique_ptr<ChipImage> image;
  std::unique_ptr<Chip> chip;
};

llvm::Expected<TrialResult> LoihiEmulator::run(const TrialInput &input,
                                               const RunOptions &options) {
  if (!image)
    return makeError("loihi emulator",
                     "no configuration loaded: call load() before run()");
  if (llvm::Error err = checkTrialInput(input, image->layout))
    return err;

  TrialResult result;
  std::vector<int32_t> resultIndex(image->populations.size(), -1);
  for (size_t p = 0; p < image->populations.size(); ++p) {
    const PopulationImage &pop = image->populations[p];
    if (!pop.spikes)
      continue;
    resultIndex[p] = int32_t(result.populations.size());
    result.populations.push_back({pop.name, pop.size, {}});
  }

  ReadoutTrace &trace = result.readout;
  const uint32_t classes = uint32_t(image->readout.size());
  bool record = false;
  if (!image->readout.empty()) {
    trace.population = image->layout.readout;
    trace.decoding = image->layout.decoding;
    trace.size = classes;
    trace.stateScale = image->readoutScale;
    record = isVoltageDecoding(trace.decoding) || options.recordReadoutVoltage;
    if (record)
      trace.voltage.assign(size_t(input.numSteps + 1) * classes, 0.0);
  }

  chip->reset();
  size_t next = 0;
  for (uint32_t t = 0; t < input.numSteps; ++t) {
    for (; next < input.events.size() && input.events[next].step == t;
         ++next) {
      const InputEvent &e = input.events[next];
      chip->injectHostSpike(image->channelBase[e.input] + e.channel);
    }
    chip->tick();
    for (uint32_t k : chip->lastSpikes()) {
      int32_t r = resultIndex[image->populationOf[k]];
      if (r >= 0)
        result.populations[r].spikes.push_back({t + 1, image->neuronOf[k]});
    }
    if (record) {
      double *row = trace.voltage.data() + size_t(t + 1) * classes;
      for (uint32_t j = 0; j < classes; ++j)
        row[j] = double(chip->voltage(image->readout[j]));
    }
  }

  // A population's neurons may sit on several cores, so one tick's spikes
  // arrive in core order, not neuron order.
  for (PopulationSpikes &p : result.populations)
    llvm::sort(p.spikes, [](const SpikeEvent &a, const SpikeEvent &b) {
      return std::tie(a.step, a.neuron) < std::tie(b.step, b.neuron);
    });

  DeviceCounters &counters = result.counters;
  counters.steps = input.numSteps;
  for (const CoreCounters &c : chip->coreCounters()) {
    counters.cores.push_back(c);
    accumulate(counters, c);
  }
  return result;
}

} // namespace

std::unique_ptr<axon::sim::Device> createLoihiEmulator() {
  return std::make_unique<LoihiEmulator>();
}

} // namespace axon::sim::loihi

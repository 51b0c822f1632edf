//===- Device.cpp - Checks shared by every device -------------------------===//
#include "simulator/Device.h"

#include "ir/Diagnostics.h"


namespace axon::sim {

Device::~Device() = default;

llvm::Error checkTrialInput(const TrialInput &input,
                            const DeviceLayout &layout) {
  for (size_t e = 0; e < input.events.size(); ++e) {
    const InputEvent &event = input.events[e];
    if (event.step >= input.numSteps)
      return makeError(fmt::format("input event {}", e),
                           "step {} is not below the trial's {} steps",
                           event.step, input.numSteps);
    if (event.input >= layout.inputs.size())
      return makeError(fmt::format("input event {}", e),
                           "input {} does not exist (the configuration has {})",
                           event.input, layout.inputs.size());
    if (event.channel >= layout.inputs[event.input].size)
      return makeError(
          fmt::format("input event {}", e),
          "channel {} is out of range for input '{}' of {} channels",
          event.channel, layout.inputs[event.input].name,
          layout.inputs[event.input].size);
    if (e > 0 && event.step < input.events[e - 1].step)
      return makeError(fmt::format("input event {}", e),
                       "events are not sorted by step ({} after {})",
                       event.step, input.events[e - 1].step);
  }
  return llvm::Error::success();
}

} // namespace axon::sim

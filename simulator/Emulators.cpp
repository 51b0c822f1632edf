//===- Emulators.cpp - The in-process emulator of each family -------------===//
#include "simulator/Device.h"
#include "simulator/loihi/LoihiEmulator.h"
#include "simulator/spinnaker/SpiNNakerEmulator.h"

#include "backends/loihi/LoihiConfigIO.h"
#include "backends/spinnaker/SpiNNakerConfigIO.h"
#include "ir/Diagnostics.h"
#include "ir/Format.h"

namespace axon::sim {

llvm::Expected<std::unique_ptr<Device>> createEmulator(llvm::StringRef family) {
  if (family == "loihi")
    return loihi::createLoihiEmulator();
  if (family == "spinnaker")
    return spinnaker::createSpiNNakerEmulator();
  return makeError("emulator", "no emulator for family '{}' (known: "
                                   "loihi, spinnaker)",
                       family);
}

llvm::Expected<std::string> configFamily(llvm::StringRef configBytes,
                                         llvm::StringRef location) {
  llvm::StringRef magic = configBytes.take_front(8);
  if (magic == backends::loihi::loihiConfigMagic())
    return std::string("loihi");
  if (magic == axon::spinnaker::spiNNakerConfigMagic())
    return std::string("spinnaker");
  return makeError(location.str(),
                       "not an emitted configuration: the file starts with "
                       "neither \"AXONLHI\" nor \"AXONSPN\"");
}

} // namespace axon::sim

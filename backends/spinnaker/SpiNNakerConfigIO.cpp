//===- SpiNNakerConfigIO.cpp - Read and write spinnaker.axoncfg -----------===//
#include "backends/spinnaker/SpiNNakerConfigIO.h"

#include "ir/AtomicFile.h"
#include "ir/Container.h"
#include "ir/Diagnostics.h"
#include "ir/Format.h"

namespace axon::spinnaker {

std::string serialiseSpiNNakerConfig(const proto::SpiNNakerConfig &config) {
  // No map fields, so the default serialisation is byte-deterministic.
  return frameContainer(spiNNakerConfigMagic(), config.SerializeAsString());
}

llvm::Expected<proto::SpiNNakerConfig>
parseSpiNNakerConfig(llvm::StringRef data, llvm::StringRef location) {
  llvm::Expected<llvm::StringRef> payload = unframeContainer(
      data, spiNNakerConfigMagic(), "SpiNNaker configuration", location);
  if (!payload)
    return payload.takeError();
  proto::SpiNNakerConfig config;
  if (!config.ParseFromArray(payload->data(),
                             static_cast<int>(payload->size())))
    return makeError(location.str(), "corrupt: the payload is not a valid "
                                     "SpiNNaker configuration message");
  if (config.version() == 0 || config.version() > kSpiNNakerConfigVersion)
    return makeError(location.str(),
                     "configuration version {} is not supported: this build "
                     "reads versions 1 to {}",
                     config.version(), kSpiNNakerConfigVersion);
  return config;
}

llvm::Expected<proto::SpiNNakerConfig>
readSpiNNakerConfig(llvm::StringRef path) {
  llvm::Expected<std::string> data = readWholeFile(path);
  if (!data)
    return data.takeError();
  return parseSpiNNakerConfig(*data, path);
}

} // namespace axon::spinnaker

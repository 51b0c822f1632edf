//===- LoihiConfigIO.cpp - Read and write loihi.axoncfg -------------------===//
#include "backends/loihi/LoihiConfigIO.h"

#include "ir/Container.h"
#include "ir/Diagnostics.h"

#include "llvm/Support/MemoryBuffer.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

namespace axon::backends::loihi {

namespace {
constexpr llvm::StringLiteral kKind = "Axon Loihi-like configuration";
} // namespace

std::string frameLoihiConfig(const proto::LoihiConfig &config) {
  // The config has no map fields, so field-order serialisation is already
  // byte-stable; deterministic mode keeps it so if one is ever added.
  std::string payload;
  {
    google::protobuf::io::StringOutputStream stream(&payload);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    config.SerializeToCodedStream(&coded);
  }
  return frameContainer(loihiConfigMagic(), payload);
}

llvm::Expected<proto::LoihiConfig> parseLoihiConfig(llvm::StringRef bytes,
                                                    llvm::StringRef location) {
  llvm::Expected<llvm::StringRef> payload =
      unframeContainer(bytes, loihiConfigMagic(), kKind, location);
  if (!payload)
    return payload.takeError();
  proto::LoihiConfig config;
  if (!config.ParseFromArray(payload->data(),
                             static_cast<int>(payload->size())))
    return makeError(location.str(),
                     "the {}-byte payload is not a valid {} message",
                     payload->size(), kKind);
  if (config.version() != kLoihiConfigVersion)
    return makeError(location.str(),
                     "configuration version {} is not supported; this build "
                     "reads version {}",
                     config.version(), kLoihiConfigVersion);
  return config;
}

llvm::Expected<proto::LoihiConfig> readLoihiConfig(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!file)
    return makeError(path.str(), "cannot read: {}", file.getError().message());
  return parseLoihiConfig((*file)->getBuffer(), path);
}

} // namespace axon::backends::loihi

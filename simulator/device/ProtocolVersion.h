//===- ProtocolVersion.h - What the two ends check at hello -----*- C++ -*-===//
#pragma once

#include "simulator/device/DeviceProtocol.pb.h"

#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace axon::sim::device {

/// Hello.protocol and HelloReply.protocol of every Axon device.
constexpr llvm::StringLiteral kProtocolName = "axon-device";
constexpr uint32_t kProtocolVersion = proto::PROTOCOL_VERSION_CURRENT;

} // namespace axon::sim::device

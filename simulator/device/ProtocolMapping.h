//===- ProtocolMapping.h - Trial structs <-> protocol messages --*- C++ -*-===//
//
// Converts between simulator/Trial.h and simulator/Device.h's structs and
// the messages of DeviceProtocol.proto. Encoding cannot fail; decoding
// checks what a peer could get wrong (columns of unequal length, a
// decoding outside the enum) because the bytes come from another program:
// a wrong message is an error naming `location`, never an assert.
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/Device.h"
#include "simulator/Trial.h"
#include "simulator/device/DeviceProtocol.pb.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

namespace axon::sim::device {

void toMessage(const TrialInput &input, proto::TrialInput &message);
void toMessage(const RunOptions &options, proto::RunOptions &message);
void toMessage(const TrialResult &result, proto::TrialResult &message);
void toMessage(const DeviceLayout &layout, proto::Layout &message);

llvm::Expected<TrialInput> fromMessage(const proto::TrialInput &message,
                                       llvm::StringRef location);
RunOptions fromMessage(const proto::RunOptions &message);
llvm::Expected<TrialResult> fromMessage(const proto::TrialResult &message,
                                        llvm::StringRef location);
llvm::Expected<DeviceLayout> fromMessage(const proto::Layout &message,
                                         llvm::StringRef location);

} // namespace axon::sim::device

//===- RemoteDevice.h - A Device reached over TCP ---------------*- C++ -*-===//
//
// The host side of DeviceProtocol.proto: a Device whose load, layout and
// run are carried out by whatever serves tcp://host:port (`axon
// device-server`, or a lab's board behind the same protocol). Connecting,
// and waiting for every reply, have time limits; a refused or dropped
// connection, a silent device, a malformed or oversized frame and an error
// the device reports all come back as an llvm::Error naming the device's
// address and the request. After a transport failure the connection is
// closed for good (a late reply would otherwise answer the next request)
// and every later call says so; the device's own errors leave it open.
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/Device.h"
#include "simulator/device/DeviceUrl.h"
#include "simulator/device/Framing.h"
#include "simulator/device/Socket.h"

#include <chrono>
#include <memory>
#include <string>

namespace axon::sim::device {

namespace proto {
class Request;
class Reply;
} // namespace proto

struct RemoteDeviceOptions {
  std::chrono::milliseconds connectTimeout{5000};
  /// For each request, from sending it to the last byte of its reply: a
  /// trial on a slow board or a big configuration must fit in it.
  std::chrono::milliseconds replyTimeout{30000};
  /// Largest reply accepted (and request sent), in payload bytes.
  uint32_t maxFrameBytes = kDefaultMaxFrameBytes;
};

class RemoteDevice : public Device {
public:
  /// Parses `url` (tcp://host:port), connects, shakes hands (protocol name
  /// and version) and fetches the layout of whatever the device has
  /// loaded.
  static llvm::Expected<std::unique_ptr<RemoteDevice>>
  connect(llvm::StringRef url, const RemoteDeviceOptions &options = {});

  llvm::Error load(llvm::StringRef configBytes,
                   llvm::StringRef location) override;
  const DeviceLayout &layout() const override { return cachedLayout; }
  llvm::Expected<TrialResult> run(const TrialInput &input,
                                  const RunOptions &options = {}) override;
  /// "tcp://host:port (<the remote device's own description>)".
  std::string describe() const override;

  /// Asks the device for its layout again (layout() returns the copy
  /// taken at connect and after each load).
  llvm::Error refreshLayout();

  const std::string &url() const { return address; }

private:
  RemoteDevice(std::string address, Socket socket,
               const RemoteDeviceOptions &options);

  llvm::Error handshake();
  /// Sends `request` and receives its reply; any transport failure closes
  /// the connection and is returned naming `what` ("run", "load ...").
  llvm::Error exchange(const proto::Request &request, proto::Reply &reply,
                       llvm::StringRef what);
  llvm::Error transportError(llvm::StringRef what, const FrameStatus &status,
                             bool sending);
  llvm::Error unexpectedReply(const proto::Reply &reply, llvm::StringRef what,
                              llvm::StringRef expected);

  std::string address; ///< "tcp://host:port"
  Socket socket;
  RemoteDeviceOptions options;
  std::string remoteDescription;
  DeviceLayout cachedLayout;
  /// Why the connection was closed, once it was.
  std::string lostBecause;
};

} // namespace axon::sim::device

//===- RemoteDevice.cpp - A Device reached over TCP -----------------------===//
#include "simulator/device/RemoteDevice.h"

#include "simulator/device/DeviceProtocol.pb.h"
#include "simulator/device/ProtocolMapping.h"
#include "simulator/device/ProtocolVersion.h"

#include "ir/Diagnostics.h"

namespace axon::sim::device {

namespace {

llvm::StringRef replyKindName(proto::Reply::KindCase kind) {
  switch (kind) {
  case proto::Reply::kHello:
    return "a hello";
  case proto::Reply::kLayout:
    return "a layout";
  case proto::Reply::kResult:
    return "a trial result";
  case proto::Reply::kError:
    return "an error";
  case proto::Reply::KIND_NOT_SET:
    break;
  }
  return "nothing";
}

} // namespace

RemoteDevice::RemoteDevice(std::string address, Socket socket,
                           const RemoteDeviceOptions &options)
    : address(std::move(address)), socket(std::move(socket)), options(options) {
}

llvm::Expected<std::unique_ptr<RemoteDevice>>
RemoteDevice::connect(llvm::StringRef url, const RemoteDeviceOptions &options) {
  llvm::Expected<DeviceAddress> parsed = parseDeviceUrl(url);
  if (!parsed)
    return parsed.takeError();
  std::string address = parsed->url();
  llvm::Expected<Socket> socket =
      connectTcp(parsed->host, parsed->port, options.connectTimeout, address);
  if (!socket)
    return socket.takeError();
  std::unique_ptr<RemoteDevice> device(
      new RemoteDevice(address, std::move(*socket), options));
  if (llvm::Error err = device->handshake())
    return err;
  if (llvm::Error err = device->refreshLayout())
    return err;
  return device;
}

llvm::Error RemoteDevice::handshake() {
  proto::Request request;
  proto::Hello *hello = request.mutable_hello();
  hello->set_protocol(std::string(kProtocolName));
  hello->set_version(kProtocolVersion);
  hello->set_client("axon");
  proto::Reply reply;
  if (llvm::Error err = exchange(request, reply, "handshake"))
    return err;
  if (!reply.has_hello())
    return unexpectedReply(reply, "handshake", "a hello");
  const proto::HelloReply &answer = reply.hello();
  if (answer.protocol() != kProtocolName) {
    socket.close();
    lostBecause = "the peer is not an Axon device";
    return makeError(address,
                     "handshake: the peer speaks protocol '{}', not '{}'",
                     answer.protocol(), kProtocolName);
  }
  if (answer.version() != kProtocolVersion) {
    socket.close();
    lostBecause = "the device speaks another protocol version";
    return makeError(address,
                     "handshake: the device speaks protocol version {}; "
                     "this client speaks version {}",
                     answer.version(), kProtocolVersion);
  }
  remoteDescription = answer.description();
  return llvm::Error::success();
}

llvm::Error RemoteDevice::refreshLayout() {
  proto::Request request;
  request.mutable_get_layout();
  proto::Reply reply;
  if (llvm::Error err = exchange(request, reply, "layout"))
    return err;
  if (!reply.has_layout())
    return unexpectedReply(reply, "layout", "a layout");
  llvm::Expected<DeviceLayout> layout =
      fromMessage(reply.layout(), address + ": layout reply");
  if (!layout)
    return layout.takeError();
  cachedLayout = std::move(*layout);
  return llvm::Error::success();
}

llvm::Error RemoteDevice::load(llvm::StringRef configBytes,
                               llvm::StringRef location) {
  std::string what = fmt::format("load '{}'", location);
  proto::Request request;
  proto::Load *load = request.mutable_load();
  load->set_config(configBytes.data(), configBytes.size());
  load->set_location(location.str());
  proto::Reply reply;
  if (llvm::Error err = exchange(request, reply, what)) {
    // A refused load may have cleared what the device held before: take
    // its layout again so that layout() tells the truth.
    if (socket.isOpen())
      llvm::consumeError(refreshLayout());
    return err;
  }
  if (!reply.has_layout())
    return unexpectedReply(reply, what, "a layout");
  llvm::Expected<DeviceLayout> layout =
      fromMessage(reply.layout(), address + ": load reply");
  if (!layout)
    return layout.takeError();
  cachedLayout = std::move(*layout);
  return llvm::Error::success();
}

llvm::Expected<TrialResult> RemoteDevice::run(const TrialInput &input,
                                              const RunOptions &options) {
  // Bad input is refused here, without a round trip, when the layout is
  // known; the device checks again in any case.
  if (!cachedLayout.inputs.empty())
    if (llvm::Error err = checkTrialInput(input, cachedLayout))
      return withLocationPrefix(std::move(err), address);
  proto::Request request;
  proto::Run *run = request.mutable_run();
  toMessage(input, *run->mutable_input());
  toMessage(options, *run->mutable_options());
  proto::Reply reply;
  if (llvm::Error err = exchange(request, reply, "run"))
    return err;
  if (!reply.has_result())
    return unexpectedReply(reply, "run", "a trial result");
  return fromMessage(reply.result(), address + ": run reply");
}

std::string RemoteDevice::describe() const {
  return fmt::format("{} ({})", address, remoteDescription);
}

llvm::Error RemoteDevice::exchange(const proto::Request &request,
                                   proto::Reply &reply, llvm::StringRef what) {
  if (!socket.isOpen())
    return makeError(address,
                     "{}: the connection was lost earlier ({}); connect to "
                     "the device again",
                     what, lostBecause);
  Deadline deadline = Deadline::after(options.replyTimeout);
  FrameStatus sent =
      sendFrame(socket, request, options.maxFrameBytes, deadline);
  if (sent.kind == FrameStatus::Oversized)
    // Nothing went out, so the connection is still in step.
    return makeError(address,
                     "{}: the request of {} bytes exceeds the frame limit of "
                     "{} bytes",
                     what, sent.frameBytes, sent.limit);
  if (!sent.ok())
    return transportError(what, sent, /*sending=*/true);
  std::string payload;
  FrameStatus received =
      receiveFrame(socket, payload, options.maxFrameBytes, deadline);
  if (!received.ok())
    return transportError(what, received, /*sending=*/false);
  if (!reply.ParseFromString(payload) ||
      reply.kind_case() == proto::Reply::KIND_NOT_SET) {
    socket.close();
    lostBecause = "a malformed reply";
    return makeError(address,
                     "{}: malformed reply: {} bytes that are not a protocol "
                     "reply; the connection is closed",
                     what, payload.size());
  }
  if (reply.has_error())
    return makeError(address, "{}: the device reported: {}", what,
                     reply.error().message());
  return llvm::Error::success();
}

llvm::Error RemoteDevice::transportError(llvm::StringRef what,
                                         const FrameStatus &status,
                                         bool sending) {
  std::string reason;
  switch (status.kind) {
  case FrameStatus::Closed:
    reason = "the device closed the connection";
    break;
  case FrameStatus::Truncated:
    reason = fmt::format("the device closed the connection inside a reply "
                         "({} of {} bytes arrived)",
                         status.receivedBytes, status.frameBytes);
    break;
  case FrameStatus::TimedOut:
    reason = sending
                 ? fmt::format("the request could not be sent within {} "
                               "ms",
                               status.timeout.count())
                 : fmt::format("no reply within {} ms", status.timeout.count());
    break;
  case FrameStatus::Oversized:
    reason = fmt::format("the reply announces {} bytes, over the frame limit "
                         "of {} bytes",
                         status.frameBytes, status.limit);
    break;
  default:
    reason = fmt::format("connection error: {}", status.describe());
    break;
  }
  socket.close();
  lostBecause = reason;
  return makeError(address, "{}: {}; the connection is closed", what, reason);
}

llvm::Error RemoteDevice::unexpectedReply(const proto::Reply &reply,
                                          llvm::StringRef what,
                                          llvm::StringRef expected) {
  // The reply answers some other request: the stream is out of step.
  socket.close();
  lostBecause = "an out-of-step reply";
  return makeError(address,
                   "{}: the device answered with {} instead of {}; the "
                   "connection is closed",
                   what, replyKindName(reply.kind_case()), expected);
}

} // namespace axon::sim::device

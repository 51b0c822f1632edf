//===- DeviceServer.cpp - Put any Device behind the TCP protocol ----------===//
#include "simulator/device/DeviceServer.h"

#include "simulator/device/DeviceProtocol.pb.h"
#include "simulator/device/DeviceUrl.h"
#include "simulator/device/ProtocolMapping.h"
#include "simulator/device/ProtocolVersion.h"

#include "ir/Diagnostics.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace axon::sim::device {

namespace {

/// How long a refused client gets to read its error reply before the
/// connection is closed under it.
constexpr std::chrono::milliseconds kLingerTime{2000};

void setError(proto::Reply &reply, std::string message) {
  reply.Clear();
  reply.mutable_error()->set_message(std::move(message));
}

void setError(proto::Reply &reply, llvm::Error err) {
  setError(reply, llvm::toString(std::move(err)));
}

llvm::StringRef requestKindName(proto::Request::KindCase kind) {
  switch (kind) {
  case proto::Request::kHello:
    return "hello";
  case proto::Request::kLoad:
    return "load";
  case proto::Request::kGetLayout:
    return "layout";
  case proto::Request::kRun:
    return "run";
  case proto::Request::KIND_NOT_SET:
    break;
  }
  return "empty request";
}

} // namespace

llvm::Expected<std::unique_ptr<DeviceServer>>
DeviceServer::create(Device &device, const DeviceServerOptions &options) {
  uint16_t boundPort = 0;
  llvm::Expected<Socket> listener =
      listenTcp(options.host, options.port, boundPort);
  if (!listener)
    return listener.takeError();
  int pipeEnds[2];
  if (::pipe2(pipeEnds, O_NONBLOCK | O_CLOEXEC) != 0)
    return makeError("device server", "cannot create its wake pipe: {}",
                     std::strerror(errno));
  return std::unique_ptr<DeviceServer>(
      new DeviceServer(device, options, std::move(*listener), boundPort,
                       pipeEnds[0], pipeEnds[1]));
}

DeviceServer::DeviceServer(Device &device, const DeviceServerOptions &options,
                           Socket listener, uint16_t boundPort, int wakeRead,
                           int wakeWrite)
    : device(device), options(options), listener(std::move(listener)),
      boundPort(boundPort), wakeRead(wakeRead), wakeWrite(wakeWrite) {}

DeviceServer::~DeviceServer() {
  ::close(wakeRead);
  ::close(wakeWrite);
}

std::string DeviceServer::url() const {
  return DeviceAddress{options.host, boundPort}.url();
}

void DeviceServer::stop() {
  // The byte stays in the pipe, so every later wait ends too. A full pipe
  // (EAGAIN) already wakes the server.
  char byte = 1;
  [[maybe_unused]] ssize_t n = ::write(wakeWrite, &byte, 1);
}

void DeviceServer::log(const std::string &line) const {
  if (options.log)
    options.log(line);
}

llvm::Error DeviceServer::serve() {
  for (;;) {
    Socket client;
    std::string peer;
    IoStatus accepted =
        acceptClient(listener, client, peer, Deadline::never(), wakeRead);
    if (accepted.kind == IoStatus::Stopped)
      return llvm::Error::success();
    if (!accepted.ok())
      return makeError(url(), "cannot accept a client: {}",
                       std::strerror(accepted.error));
    log(fmt::format("client {} connected", peer));
    if (serveClient(client, peer))
      return llvm::Error::success();
  }
}

bool DeviceServer::serveClient(Socket &client, const std::string &peer) {
  std::string payload;
  for (;;) {
    Deadline idle = options.idleTimeout.count() > 0
                        ? Deadline::after(options.idleTimeout)
                        : Deadline::never();
    IoStatus waited = waitReadable(client, idle, wakeRead);
    if (waited.kind == IoStatus::Stopped)
      return true;
    if (waited.kind == IoStatus::TimedOut) {
      log(fmt::format("client {} dropped: silent for {} ms", peer,
                      options.idleTimeout.count()));
      return false;
    }
    if (!waited.ok()) {
      log(fmt::format("client {} dropped: {}", peer,
                      std::strerror(waited.error)));
      return false;
    }

    FrameStatus received =
        receiveFrame(client, payload, options.maxFrameBytes,
                     Deadline::after(options.ioTimeout), wakeRead);
    if (received.kind == FrameStatus::Stopped)
      return true;
    if (received.kind == FrameStatus::Closed) {
      log(fmt::format("client {} disconnected", peer));
      return false;
    }
    if (received.kind == FrameStatus::Oversized) {
      // Tell the client why before hanging up. The session cannot go on: a
      // garbled header (the likely cause) leaves no frame boundary to
      // resynchronise on.
      proto::Reply reply;
      setError(reply, fmt::format("request refused: {}", received.describe()));
      Deadline closeBy = Deadline::after(
          std::min<std::chrono::milliseconds>(options.ioTimeout, kLingerTime));
      sendFrame(client, reply, options.maxFrameBytes, closeBy, wakeRead);
      closeGracefully(client, closeBy, wakeRead);
      log(fmt::format("client {} dropped: {}", peer, received.describe()));
      return false;
    }
    if (!received.ok()) {
      log(fmt::format("client {} dropped: {}", peer, received.describe()));
      return false;
    }

    proto::Request request;
    proto::Reply reply;
    if (!request.ParseFromString(payload) ||
        request.kind_case() == proto::Request::KIND_NOT_SET) {
      setError(reply, fmt::format("malformed request: {} bytes that are not a "
                                  "protocol request",
                                  payload.size()));
      log(fmt::format("client {}: {}", peer, reply.error().message()));
    } else {
      answer(request, reply, peer);
    }

    Deadline sendBy = Deadline::after(options.ioTimeout);
    FrameStatus sent =
        sendFrame(client, reply, options.maxFrameBytes, sendBy, wakeRead);
    if (sent.kind == FrameStatus::Oversized) {
      std::string why =
          fmt::format("the reply to {}: {}",
                      requestKindName(request.kind_case()), sent.describe());
      setError(reply, why);
      log(fmt::format("client {}: {}", peer, why));
      sent = sendFrame(client, reply, options.maxFrameBytes, sendBy, wakeRead);
    }
    if (sent.kind == FrameStatus::Stopped)
      return true;
    if (!sent.ok()) {
      log(fmt::format("client {} dropped while answering: {}", peer,
                      sent.describe()));
      return false;
    }
  }
}

void DeviceServer::answer(const proto::Request &request, proto::Reply &reply,
                          const std::string &peer) {
  switch (request.kind_case()) {
  case proto::Request::kHello: {
    const proto::Hello &hello = request.hello();
    if (hello.protocol() != kProtocolName) {
      setError(reply, fmt::format("hello: protocol '{}' is not '{}'",
                                  hello.protocol(), kProtocolName));
      break;
    }
    if (hello.version() != kProtocolVersion) {
      setError(reply, fmt::format("hello: protocol version {} is not "
                                  "supported; this server speaks version {}",
                                  hello.version(), kProtocolVersion));
      break;
    }
    proto::HelloReply *answer = reply.mutable_hello();
    answer->set_protocol(std::string(kProtocolName));
    answer->set_version(kProtocolVersion);
    answer->set_description(device.describe());
    break;
  }
  case proto::Request::kLoad: {
    const proto::Load &load = request.load();
    if (llvm::Error err = device.load(load.config(), load.location())) {
      setError(reply, std::move(err));
      break;
    }
    log(fmt::format("client {} loaded '{}' ({} bytes)", peer, load.location(),
                    load.config().size()));
    toMessage(device.layout(), *reply.mutable_layout());
    break;
  }
  case proto::Request::kGetLayout:
    toMessage(device.layout(), *reply.mutable_layout());
    break;
  case proto::Request::kRun: {
    llvm::Expected<TrialInput> input =
        fromMessage(request.run().input(), "run request");
    if (!input) {
      setError(reply, input.takeError());
      break;
    }
    llvm::Expected<TrialResult> result =
        device.run(*input, fromMessage(request.run().options()));
    if (!result) {
      setError(reply, result.takeError());
      break;
    }
    toMessage(*result, *reply.mutable_result());
    break;
  }
  case proto::Request::KIND_NOT_SET:
    setError(reply, "empty request");
    break;
  }
  if (reply.has_error())
    log(fmt::format("client {}: {} refused: {}", peer,
                    requestKindName(request.kind_case()),
                    reply.error().message()));
}

} // namespace axon::sim::device

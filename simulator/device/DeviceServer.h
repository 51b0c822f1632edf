//===- DeviceServer.h - Put any Device behind the TCP protocol --*- C++ -*-===//
//
// The device side of DeviceProtocol.proto: `axon device-server` serves an
// in-process emulator with it, a test serves a fake, a lab can serve a
// board's driver. Clients are served one at a time, in the order they
// connect (a device runs one trial at a time anyway); the device and what
// it has loaded outlive the clients.
//
// A request that cannot be read as a protocol message, or that the device
// refuses, is answered with an Error reply and the session goes on; a frame
// that cannot be read at all (over the size limit, cut short, too slow)
// ends that client's session, and the server waits for the next.
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/Device.h"
#include "simulator/device/Framing.h"
#include "simulator/device/Socket.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace axon::sim::device {

namespace proto {
class Request;
class Reply;
} // namespace proto

struct DeviceServerOptions {
  std::string host = "127.0.0.1";
  /// 0: the system picks a free port; port() tells which.
  uint16_t port = 0;
  uint32_t maxFrameBytes = kDefaultMaxFrameBytes;
  /// Once a request's first byte has arrived, the rest must arrive within
  /// this, and each reply must be taken by the client within it.
  std::chrono::milliseconds ioTimeout{30000};
  /// How long a client may stay silent between requests before it is
  /// dropped so that the next can be served; 0 waits forever.
  std::chrono::milliseconds idleTimeout{0};
  /// Receives one line per client event (connected, refused request,
  /// dropped); the command line prints them. May be empty.
  std::function<void(const std::string &)> log;
};

class DeviceServer {
public:
  /// Binds and listens at once, so that port() is known before serve().
  /// `device` must outlive the server.
  static llvm::Expected<std::unique_ptr<DeviceServer>>
  create(Device &device, const DeviceServerOptions &options = {});
  ~DeviceServer();

  uint16_t port() const { return boundPort; }
  /// "tcp://host:port" with the port actually bound.
  std::string url() const;

  /// Serves clients until stop(); fails only when the listening socket
  /// does.
  llvm::Error serve();
  /// Makes serve() return soon, from any thread (a trial already running
  /// finishes first); a stop before serve() makes it return at once.
  void stop();

private:
  DeviceServer(Device &device, const DeviceServerOptions &options,
               Socket listener, uint16_t boundPort, int wakeRead,
               int wakeWrite);

  /// Serves one client until it leaves or fails; true when stop() ended it.
  bool serveClient(Socket &client, const std::string &peer);
  void answer(const proto::Request &request, proto::Reply &reply,
              const std::string &peer);
  void log(const std::string &line) const;

  Device &device;
  DeviceServerOptions options;
  Socket listener;
  uint16_t boundPort = 0;
  /// A pipe: stop() writes a byte, every wait of serve() polls the read
  /// end.
  int wakeRead = -1;
  int wakeWrite = -1;
};

} // namespace axon::sim::device

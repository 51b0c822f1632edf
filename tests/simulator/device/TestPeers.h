//===- TestPeers.h - Servers and raw peers for the device tests -*- C++ -*-===//
//
// ServedDevice runs a DeviceServer on a free port in a thread. ScriptedPeer
// listens on a free port and plays a hand-written script against the one
// client that connects: the misbehaving devices (silent, garbled,
// truncated) that a real DeviceServer never is.
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/device/DeviceProtocol.pb.h"
#include "simulator/device/DeviceServer.h"
#include "simulator/device/Framing.h"
#include "simulator/device/ProtocolVersion.h"
#include "simulator/device/Socket.h"

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <thread>

namespace axon::test {

using namespace std::chrono_literals;

/// A DeviceServer serving `device` from a thread until stop() or
/// destruction.
class ServedDevice {
public:
  explicit ServedDevice(sim::Device &device,
                        sim::device::DeviceServerOptions options = {}) {
    auto created = sim::device::DeviceServer::create(device, options);
    REQUIRE(!!created);
    server = std::move(*created);
    thread = std::thread([this] {
      if (llvm::Error err = server->serve())
        serveError = llvm::toString(std::move(err));
    });
  }
  ~ServedDevice() { stop(); }

  /// Stops the server and waits for serve() to return.
  void stop() {
    if (!thread.joinable())
      return;
    server->stop();
    thread.join();
  }

  std::string url() const { return server->url(); }
  uint16_t port() const { return server->port(); }

  std::unique_ptr<sim::device::DeviceServer> server;
  std::thread thread;
  std::string serveError; ///< what serve() returned, "" for success
};

/// A raw TCP client for talking to a server byte by byte.
inline sim::device::Socket rawConnect(uint16_t port) {
  auto socket = sim::device::connectTcp("127.0.0.1", port, 2000ms, "test");
  REQUIRE(!!socket);
  return std::move(*socket);
}

inline void sendRaw(const sim::device::Socket &socket,
                    const std::string &bytes) {
  sim::device::IoStatus sent = sim::device::sendAll(
      socket, bytes.data(), bytes.size(), sim::device::Deadline::after(2000ms));
  REQUIRE(sent.ok());
}

/// A frame header announcing `size` payload bytes.
inline std::string frameHeader(uint32_t size) {
  std::string header(sim::device::kFrameHeaderBytes, '\0');
  sim::device::encodeFrameHeader(size, header.data());
  return header;
}

/// Receives one Reply; fails the test when none arrives within 2 s.
inline sim::device::proto::Reply
receiveReply(const sim::device::Socket &socket) {
  std::string payload;
  sim::device::FrameStatus status = sim::device::receiveFrame(
      socket, payload, sim::device::kDefaultMaxFrameBytes,
      sim::device::Deadline::after(2000ms));
  INFO(status.describe());
  REQUIRE(status.ok());
  sim::device::proto::Reply reply;
  REQUIRE(reply.ParseFromString(payload));
  return reply;
}

/// True when the peer has closed `socket` (waits up to 2 s).
inline bool peerClosed(const sim::device::Socket &socket) {
  char byte;
  sim::device::IoStatus status = sim::device::receiveExact(
      socket, &byte, 1, sim::device::Deadline::after(2000ms));
  return status.kind == sim::device::IoStatus::Closed ||
         (status.kind == sim::device::IoStatus::Failed &&
          status.error == ECONNRESET);
}

/// Listens on a free port; the first client that connects gets `script`
/// run against it in a thread. The script returns when done, and the
/// connection closes then.
class ScriptedPeer {
public:
  using Script = std::function<void(const sim::device::Socket &)>;

  explicit ScriptedPeer(Script script) {
    auto socket = sim::device::listenTcp("127.0.0.1", 0, boundPort);
    REQUIRE(!!socket);
    listener = std::move(*socket);
    thread = std::thread([this, script = std::move(script)] {
      sim::device::Socket client;
      std::string peer;
      if (sim::device::acceptClient(listener, client, peer,
                                    sim::device::Deadline::after(5000ms))
              .ok())
        script(client);
    });
  }
  ~ScriptedPeer() {
    if (thread.joinable())
      thread.join();
  }

  std::string url() const {
    return "tcp://127.0.0.1:" + std::to_string(boundPort);
  }

  /// Reads one request (up to 2 s); an empty Request when none came.
  static sim::device::proto::Request
  readRequest(const sim::device::Socket &client) {
    std::string payload;
    sim::device::proto::Request request;
    if (sim::device::receiveFrame(client, payload,
                                  sim::device::kDefaultMaxFrameBytes,
                                  sim::device::Deadline::after(2000ms))
            .ok())
      request.ParseFromString(payload);
    return request;
  }

  static void reply(const sim::device::Socket &client,
                    const sim::device::proto::Reply &message) {
    sim::device::sendFrame(client, message, sim::device::kDefaultMaxFrameBytes,
                           sim::device::Deadline::after(2000ms));
  }

  /// Plays a well-behaved device through the hello and the first layout
  /// request, as RemoteDevice::connect makes them.
  static void greet(const sim::device::Socket &client,
                    const std::string &protocol = "axon-device") {
    readRequest(client);
    sim::device::proto::Reply hello;
    hello.mutable_hello()->set_protocol(protocol);
    hello.mutable_hello()->set_version(sim::device::kProtocolVersion);
    hello.mutable_hello()->set_description("scripted peer");
    reply(client, hello);
    if (protocol != "axon-device")
      return;
    readRequest(client);
    sim::device::proto::Reply layout;
    layout.mutable_layout();
    reply(client, layout);
  }

  /// Waits (up to 5 s) until the client hangs up.
  static void waitForHangUp(const sim::device::Socket &client) {
    char buffer[256];
    for (;;) {
      sim::device::IoStatus status = sim::device::receiveExact(
          client, buffer, sizeof buffer, sim::device::Deadline::after(5000ms));
      if (!status.ok())
        return;
    }
  }

private:
  sim::device::Socket listener;
  uint16_t boundPort = 0;
  std::thread thread;
};

} // namespace axon::test

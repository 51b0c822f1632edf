//===- DeviceServerTest.cpp - The server survives bad clients -------------===//
#include "simulator/device/DeviceServer.h"

#include "EchoDevice.h"
#include "TestPeers.h"
#include "simulator/device/RemoteDevice.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::sim;
using namespace axon::sim::device;
using namespace std::chrono_literals;
using axon::test::EchoDevice;
using axon::test::errorText;
using axon::test::frameHeader;
using axon::test::peerClosed;
using axon::test::rawConnect;
using axon::test::receiveReply;
using axon::test::sendRaw;
using axon::test::ServedDevice;

namespace {

std::string serialised(const proto::Request &request) {
  std::string bytes;
  REQUIRE(request.SerializeToString(&bytes));
  return frameHeader(static_cast<uint32_t>(bytes.size())) + bytes;
}

proto::Request hello(uint32_t version = kProtocolVersion) {
  proto::Request request;
  request.mutable_hello()->set_protocol("axon-device");
  request.mutable_hello()->set_version(version);
  return request;
}

/// Connects a RemoteDevice, loads and runs one trial: the server is
/// serving properly.
void checkServes(const std::string &url) {
  RemoteDeviceOptions options;
  options.replyTimeout = 2000ms;
  llvm::Expected<std::unique_ptr<RemoteDevice>> remote =
      RemoteDevice::connect(url, options);
  REQUIRE(errorText(remote) == "");
  REQUIRE(errorText((*remote)->load("ECHO:next", "next.axoncfg")) == "");
  TrialInput input;
  input.numSteps = 2;
  input.events = {{0, 0, 1}};
  llvm::Expected<TrialResult> result = (*remote)->run(input);
  REQUIRE(errorText(result) == "");
  CHECK(result->populations[0].spikes == std::vector<SpikeEvent>{{1, 1}});
}

} // namespace

TEST_CASE("a server on port 0 picks a free port and names it", "[device]") {
  EchoDevice device;
  ServedDevice server(device);
  CHECK(server.port() != 0);
  CHECK(server.url() == "tcp://127.0.0.1:" + std::to_string(server.port()));
  checkServes(server.url());
}

TEST_CASE("a second server cannot take a port in use", "[device]") {
  EchoDevice device;
  ServedDevice server(device);
  DeviceServerOptions options;
  options.port = server.port();
  llvm::Expected<std::unique_ptr<DeviceServer>> second =
      DeviceServer::create(device, options);
  CHECK(errorText(second) == server.url() +
                                 ": cannot listen: bind: Address already in "
                                 "use");
}

TEST_CASE("the server answers a malformed request with an error and the "
          "session goes on",
          "[device]") {
  EchoDevice device;
  ServedDevice server(device);
  Socket client = rawConnect(server.port());

  // Five continuation bytes: a varint that never ends.
  sendRaw(client, frameHeader(5) + "\xff\xff\xff\xff\xff");
  proto::Reply garbled = receiveReply(client);
  REQUIRE(garbled.has_error());
  CHECK(garbled.error().message() ==
        "malformed request: 5 bytes that are not a protocol request");

  // A valid but empty message names no request.
  sendRaw(client, frameHeader(0));
  proto::Reply empty = receiveReply(client);
  REQUIRE(empty.has_error());
  CHECK(empty.error().message() ==
        "malformed request: 0 bytes that are not a protocol request");

  sendRaw(client, serialised(hello()));
  proto::Reply answer = receiveReply(client);
  REQUIRE(answer.has_hello());
  CHECK(answer.hello().protocol() == "axon-device");
  CHECK(answer.hello().description() == "echo device");
}

TEST_CASE("the server refuses a run the device cannot decode", "[device]") {
  EchoDevice device;
  REQUIRE(errorText(device.load("ECHO:x", "x")) == "");
  ServedDevice server(device);
  Socket client = rawConnect(server.port());
  proto::Request run;
  run.mutable_run()->mutable_input()->set_num_steps(3);
  run.mutable_run()->mutable_input()->add_step(0);
  sendRaw(client, serialised(run));
  proto::Reply reply = receiveReply(client);
  REQUIRE(reply.has_error());
  CHECK(reply.error().message() ==
        "run request: trial input columns differ in length: 1 steps, 0 "
        "inputs, 0 channels");

  // The device's own check of the input reaches the client too.
  proto::Request outOfRange;
  proto::TrialInput *input = outOfRange.mutable_run()->mutable_input();
  input->set_num_steps(3);
  input->add_step(5);
  input->add_input(0);
  input->add_channel(0);
  sendRaw(client, serialised(outOfRange));
  proto::Reply refused = receiveReply(client);
  REQUIRE(refused.has_error());
  CHECK(refused.error().message() ==
        "input event 0: step 5 is not below the trial's 3 steps");
}

TEST_CASE("the server refuses another protocol version", "[device]") {
  EchoDevice device;
  ServedDevice server(device);
  Socket client = rawConnect(server.port());
  sendRaw(client, serialised(hello(99)));
  proto::Reply reply = receiveReply(client);
  REQUIRE(reply.has_error());
  CHECK(reply.error().message() ==
        "hello: protocol version 99 is not supported; this server speaks "
        "version 1");
}

TEST_CASE("an oversized frame closes that client and the server serves the "
          "next",
          "[device]") {
  EchoDevice device;
  DeviceServerOptions options;
  options.maxFrameBytes = 1024;
  ServedDevice server(device, options);
  {
    Socket client = rawConnect(server.port());
    sendRaw(client, frameHeader(1u << 20));
    proto::Reply reply = receiveReply(client);
    REQUIRE(reply.has_error());
    CHECK(reply.error().message() ==
          "request refused: a frame of 1048576 bytes exceeds the limit of "
          "1024 bytes");
    CHECK(peerClosed(client));
  }
  checkServes(server.url());
}

TEST_CASE("a client that leaves inside a frame does not stop the server",
          "[device]") {
  EchoDevice device;
  ServedDevice server(device);
  {
    Socket client = rawConnect(server.port());
    sendRaw(client, frameHeader(100) + "abc");
  }
  checkServes(server.url());
}

TEST_CASE("a client slow to finish its frame is dropped", "[device]") {
  EchoDevice device;
  DeviceServerOptions options;
  options.ioTimeout = 100ms;
  ServedDevice server(device, options);
  Socket client = rawConnect(server.port());
  sendRaw(client, frameHeader(100) + "abc");
  CHECK(peerClosed(client));
  checkServes(server.url());
}

TEST_CASE("a silent client is dropped after the idle time so that the next "
          "is served",
          "[device]") {
  EchoDevice device;
  DeviceServerOptions options;
  options.idleTimeout = 100ms;
  std::vector<std::string> events;
  std::mutex eventsMutex;
  options.log = [&](const std::string &line) {
    std::lock_guard<std::mutex> lock(eventsMutex);
    events.push_back(line);
  };
  ServedDevice server(device, options);
  Socket silent = rawConnect(server.port());
  checkServes(server.url());
  CHECK(peerClosed(silent));
  server.stop();
  std::lock_guard<std::mutex> lock(eventsMutex);
  bool dropped = false;
  for (const std::string &line : events)
    dropped |= llvm::StringRef(line).endswith("dropped: silent for 100 ms");
  CHECK(dropped);
}

TEST_CASE("stop() ends serve() even while a client is connected", "[device]") {
  EchoDevice device;
  ServedDevice server(device);
  Socket client = rawConnect(server.port());
  sendRaw(client, serialised(hello()));
  CHECK(receiveReply(client).has_hello());
  server.stop();
  CHECK(server.serveError == "");
  CHECK(peerClosed(client));
}

TEST_CASE("stop() before serve() makes serve() return at once", "[device]") {
  EchoDevice device;
  llvm::Expected<std::unique_ptr<DeviceServer>> server =
      DeviceServer::create(device);
  REQUIRE(errorText(server) == "");
  (*server)->stop();
  CHECK(errorText((*server)->serve()) == "");
}

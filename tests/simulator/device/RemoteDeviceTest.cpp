//===- RemoteDeviceTest.cpp - A Device over TCP, and how it fails ---------===//
#include "simulator/device/RemoteDevice.h"

#include "EchoDevice.h"
#include "TestPeers.h"
#include "support/Errors.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::sim;
using namespace axon::sim::device;
using namespace std::chrono_literals;
using axon::test::EchoDevice;
using axon::test::errorText;
using axon::test::ScriptedPeer;
using axon::test::ServedDevice;

namespace {

/// Short limits: every failure case below ends in well under a second.
RemoteDeviceOptions fastOptions() {
  RemoteDeviceOptions options;
  options.connectTimeout = 1000ms;
  options.replyTimeout = 300ms;
  return options;
}

std::unique_ptr<RemoteDevice> connectOrFail(const std::string &url,
                                            RemoteDeviceOptions options = {}) {
  llvm::Expected<std::unique_ptr<RemoteDevice>> device =
      RemoteDevice::connect(url, options);
  REQUIRE(errorText(device) == "");
  return std::move(*device);
}

TrialInput echoInput() {
  TrialInput input;
  input.numSteps = 4;
  input.events = {{0, 0, 2}, {1, 1, 0}, {1, 1, 1}, {3, 0, 0}};
  return input;
}

/// A port nothing listens on: bound by us, then released.
uint16_t closedPort() {
  uint16_t port = 0;
  llvm::Expected<Socket> socket = listenTcp("127.0.0.1", 0, port);
  REQUIRE(!!socket);
  return port;
}

} // namespace

TEST_CASE("a remote device loads, reports the layout and runs trials as the "
          "device behind it",
          "[device]") {
  EchoDevice served;
  ServedDevice server(served);
  std::unique_ptr<RemoteDevice> remote = connectOrFail(server.url());
  CHECK(remote->describe() == server.url() + " (echo device)");
  CHECK(remote->layout() == DeviceLayout{});

  REQUIRE(errorText(remote->load("ECHO:yinyang", "net.axoncfg")) == "");
  CHECK(served.loads == 1);
  EchoDevice direct;
  REQUIRE(errorText(direct.load("ECHO:yinyang", "net.axoncfg")) == "");
  CHECK(remote->layout() == direct.layout());
  CHECK(remote->layout().graph == "yinyang");
  CHECK(remote->layout().inputs[1] == InputPort{"right", 2});

  // The echo written out: (step, input, channel) -> spike of neuron
  // offset(input) + channel at step + 1, offsets 0 and 3.
  llvm::Expected<TrialResult> result = remote->run(echoInput());
  REQUIRE(errorText(result) == "");
  REQUIRE(result->populations.size() == 1);
  CHECK(result->populations[0].spikes ==
        std::vector<SpikeEvent>{{1, 2}, {2, 3}, {2, 4}, {4, 0}});
  CHECK(result->readout.voltage.empty());
  CHECK(result->counters.cores.size() == 2);
  CHECK(result->counters.cores[0].synapticEvents == 2);
  CHECK(result->counters.cores[1].synapticEvents == 2);
  CHECK(result->counters.synapticEvents == 4);
  llvm::Expected<TrialResult> expected = direct.run(echoInput());
  REQUIRE(errorText(expected) == "");
  CHECK(*result == *expected);

  // The options travel too: voltages only when asked.
  RunOptions record;
  record.recordReadoutVoltage = true;
  llvm::Expected<TrialResult> recorded = remote->run(echoInput(), record);
  REQUIRE(errorText(recorded) == "");
  CHECK(recorded->readout.voltage.size() == 5 * 5);
  CHECK(recorded->readout.voltage[4 * 5 + 0] == -1.5);
  llvm::Expected<TrialResult> expectedRecorded =
      direct.run(echoInput(), record);
  REQUIRE(errorText(expectedRecorded) == "");
  CHECK(*recorded == *expectedRecorded);

  // Many trials over one connection, each from reset.
  for (uint32_t steps = 1; steps < 20; ++steps) {
    TrialInput input;
    input.numSteps = steps;
    input.events = {{0, 0, 2}, {steps - 1, 1, 1}};
    llvm::Expected<TrialResult> a = remote->run(input, record);
    llvm::Expected<TrialResult> b = direct.run(input, record);
    REQUIRE(errorText(a) == "");
    REQUIRE(errorText(b) == "");
    CHECK(*a == *b);
  }
}

TEST_CASE("a remote device sees what its device already holds, and the "
          "device outlives the client",
          "[device]") {
  EchoDevice served;
  REQUIRE(errorText(served.load("ECHO:preloaded", "board")) == "");
  ServedDevice server(served);
  {
    std::unique_ptr<RemoteDevice> first = connectOrFail(server.url());
    CHECK(first->layout() == served.layout());
    REQUIRE(errorText(first->load("ECHO:second", "second.axoncfg")) == "");
  }
  std::unique_ptr<RemoteDevice> second = connectOrFail(server.url());
  CHECK(second->layout().graph == "second");
  llvm::Expected<TrialResult> result = second->run(echoInput());
  CHECK(errorText(result) == "");
}

TEST_CASE("the device's errors reach the client with their message and the "
          "session goes on",
          "[device]") {
  EchoDevice served;
  ServedDevice server(served);
  std::unique_ptr<RemoteDevice> remote = connectOrFail(server.url());

  // Nothing loaded: the device says so (no local check without a layout).
  llvm::Expected<TrialResult> early = remote->run(echoInput());
  CHECK(errorText(early) ==
        server.url() + ": run: the device reported: echo device: nothing "
                       "loaded");

  CHECK(errorText(remote->load("JUNK", "junk.axoncfg")) ==
        server.url() + ": load 'junk.axoncfg': the device reported: "
                       "junk.axoncfg: not an echo configuration: it starts "
                       "with 'JUNK'");
  CHECK(remote->layout() == DeviceLayout{});

  REQUIRE(errorText(remote->load("ECHO:ok", "ok.axoncfg")) == "");
  llvm::Expected<TrialResult> result = remote->run(echoInput());
  CHECK(errorText(result) == "");
}

TEST_CASE("a trial input out of range is refused before it is sent",
          "[device]") {
  EchoDevice served;
  ServedDevice server(served);
  std::unique_ptr<RemoteDevice> remote = connectOrFail(server.url());
  REQUIRE(errorText(remote->load("ECHO:x", "x.axoncfg")) == "");
  TrialInput input;
  input.numSteps = 3;
  input.events = {{0, 1, 2}};
  llvm::Expected<TrialResult> result = remote->run(input);
  CHECK(errorText(result) ==
        server.url() + ": input event 0: channel 2 is out of range for "
                       "input 'right' of 2 channels");
}

TEST_CASE("a request over the frame limit is refused locally and the "
          "session goes on",
          "[device]") {
  EchoDevice served;
  ServedDevice server(served);
  RemoteDeviceOptions options = fastOptions();
  options.maxFrameBytes = 1000;
  std::unique_ptr<RemoteDevice> remote = connectOrFail(server.url(), options);
  std::string big = "ECHO:" + std::string(2000, 'g');
  llvm::Error err = remote->load(big, "big.axoncfg");
  CHECK(errorText(std::move(err)) ==
        server.url() + ": load 'big.axoncfg': the request of 2024 bytes "
                       "exceeds the frame limit of 1000 bytes");
  CHECK(errorText(remote->load("ECHO:small", "small.axoncfg")) == "");
}

TEST_CASE("connecting to a port nobody listens on fails at once", "[device]") {
  std::string url = "tcp://127.0.0.1:" + std::to_string(closedPort());
  llvm::Expected<std::unique_ptr<RemoteDevice>> device =
      RemoteDevice::connect(url, fastOptions());
  CHECK(errorText(device) == url + ": cannot connect: connection refused (is "
                                   "a device server listening there?)");
}

TEST_CASE("a bad url or an unknown host is refused before connecting",
          "[device]") {
  llvm::Expected<std::unique_ptr<RemoteDevice>> bad =
      RemoteDevice::connect("http://127.0.0.1:80", fastOptions());
  CHECK(errorText(bad) == "device 'http://127.0.0.1:80': unsupported scheme "
                          "'http'; a remote device is tcp://host:port");
  llvm::Expected<std::unique_ptr<RemoteDevice>> unknown =
      RemoteDevice::connect("tcp://no-such-host.invalid:7400", fastOptions());
  CHECK_THAT(errorText(unknown),
             Catch::StartsWith("tcp://no-such-host.invalid:7400: cannot "
                               "resolve host 'no-such-host.invalid': "));
}

TEST_CASE("a device that accepts but never answers times out", "[device]") {
  // A listening socket that never accepts: the kernel completes the
  // connection, nobody reads the hello.
  uint16_t port = 0;
  llvm::Expected<Socket> listener = listenTcp("127.0.0.1", 0, port);
  REQUIRE(!!listener);
  std::string url = "tcp://127.0.0.1:" + std::to_string(port);
  llvm::Expected<std::unique_ptr<RemoteDevice>> device =
      RemoteDevice::connect(url, fastOptions());
  CHECK(errorText(device) == url + ": handshake: no reply within 300 ms; "
                                   "the connection is closed");
}

TEST_CASE("a device that goes silent during a run times out, and the "
          "connection stays closed",
          "[device]") {
  ScriptedPeer peer([](const Socket &client) {
    ScriptedPeer::greet(client);
    ScriptedPeer::readRequest(client); // the run, never answered
    ScriptedPeer::waitForHangUp(client);
  });
  std::unique_ptr<RemoteDevice> remote =
      connectOrFail(peer.url(), fastOptions());
  CHECK(remote->describe() == peer.url() + " (scripted peer)");
  TrialInput input;
  input.numSteps = 2;
  llvm::Expected<TrialResult> result = remote->run(input);
  CHECK(errorText(result) == peer.url() + ": run: no reply within 300 ms; "
                                          "the connection is closed");
  llvm::Expected<TrialResult> again = remote->run(input);
  CHECK(errorText(again) ==
        peer.url() + ": run: the connection was lost earlier (no reply "
                     "within 300 ms); connect to the device again");
}

TEST_CASE("a server stopped mid-session gives a clear error on the next "
          "request",
          "[device]") {
  EchoDevice served;
  ServedDevice server(served);
  std::unique_ptr<RemoteDevice> remote =
      connectOrFail(server.url(), fastOptions());
  REQUIRE(errorText(remote->load("ECHO:x", "x.axoncfg")) == "");
  llvm::Expected<TrialResult> before = remote->run(echoInput());
  REQUIRE(errorText(before) == "");

  server.stop();
  CHECK(server.serveError == "");
  llvm::Expected<TrialResult> after = remote->run(echoInput());
  // Whether the kernel reports the closed peer on send (reset) or on the
  // receive (end of stream) depends on timing; both name the device and
  // close the connection.
  std::string text = errorText(after);
  CHECK_THAT(text, Catch::StartsWith(server.url() + ": run: "));
  CHECK_THAT(text, Catch::EndsWith("; the connection is closed"));
  CHECK_THAT(text, Catch::Contains("the device closed the connection") ||
                       Catch::Contains("connection error: "));
  llvm::Expected<TrialResult> again = remote->run(echoInput());
  CHECK_THAT(errorText(again),
             Catch::Contains("the connection was lost earlier"));
}

TEST_CASE("replies that cannot be read close the connection with a clear "
          "error",
          "[device]") {
  TrialInput input;
  input.numSteps = 2;
  SECTION("a reply that is not a protocol message") {
    ScriptedPeer peer([](const Socket &client) {
      ScriptedPeer::greet(client);
      ScriptedPeer::readRequest(client);
      std::string garbage = axon::test::frameHeader(3) + "\xff\xff\xff";
      sendAll(client, garbage.data(), garbage.size(), Deadline::after(1000ms));
      ScriptedPeer::waitForHangUp(client);
    });
    std::unique_ptr<RemoteDevice> remote =
        connectOrFail(peer.url(), fastOptions());
    llvm::Expected<TrialResult> result = remote->run(input);
    CHECK(errorText(result) ==
          peer.url() + ": run: malformed reply: 3 bytes that are not a "
                       "protocol reply; the connection is closed");
  }
  SECTION("a reply over the frame limit") {
    ScriptedPeer peer([](const Socket &client) {
      ScriptedPeer::greet(client);
      ScriptedPeer::readRequest(client);
      std::string header = axon::test::frameHeader(0xffffffffu);
      sendAll(client, header.data(), header.size(), Deadline::after(1000ms));
      ScriptedPeer::waitForHangUp(client);
    });
    RemoteDeviceOptions options = fastOptions();
    options.maxFrameBytes = 4096;
    std::unique_ptr<RemoteDevice> remote = connectOrFail(peer.url(), options);
    llvm::Expected<TrialResult> result = remote->run(input);
    CHECK(errorText(result) ==
          peer.url() + ": run: the reply announces 4294967295 bytes, over "
                       "the frame limit of 4096 bytes; the connection is "
                       "closed");
  }
  SECTION("a reply cut short") {
    ScriptedPeer peer([](const Socket &client) {
      ScriptedPeer::greet(client);
      ScriptedPeer::readRequest(client);
      std::string part = axon::test::frameHeader(100) + "0123456789";
      sendAll(client, part.data(), part.size(), Deadline::after(1000ms));
    });
    std::unique_ptr<RemoteDevice> remote =
        connectOrFail(peer.url(), fastOptions());
    llvm::Expected<TrialResult> result = remote->run(input);
    CHECK(errorText(result) ==
          peer.url() + ": run: the device closed the connection inside a "
                       "reply (14 of 104 bytes arrived); the connection is "
                       "closed");
  }
  SECTION("a reply of the wrong kind") {
    ScriptedPeer peer([](const Socket &client) {
      ScriptedPeer::greet(client);
      ScriptedPeer::readRequest(client);
      proto::Reply layout;
      layout.mutable_layout();
      ScriptedPeer::reply(client, layout);
      ScriptedPeer::waitForHangUp(client);
    });
    std::unique_ptr<RemoteDevice> remote =
        connectOrFail(peer.url(), fastOptions());
    llvm::Expected<TrialResult> result = remote->run(input);
    CHECK(errorText(result) ==
          peer.url() + ": run: the device answered with a layout instead of "
                       "a trial result; the connection is closed");
  }
}

TEST_CASE("a peer that is not an Axon device is refused at the handshake",
          "[device]") {
  ScriptedPeer peer([](const Socket &client) {
    ScriptedPeer::greet(client, "something-else");
    ScriptedPeer::waitForHangUp(client);
  });
  llvm::Expected<std::unique_ptr<RemoteDevice>> device =
      RemoteDevice::connect(peer.url(), fastOptions());
  CHECK(errorText(device) == peer.url() +
                                 ": handshake: the peer speaks protocol "
                                 "'something-else', not 'axon-device'");
}

TEST_CASE("a request over the server's frame limit comes back as the "
          "server's reason",
          "[device]") {
  EchoDevice served;
  DeviceServerOptions serverOptions;
  serverOptions.maxFrameBytes = 1024;
  ServedDevice server(served, serverOptions);
  std::unique_ptr<RemoteDevice> remote =
      connectOrFail(server.url(), fastOptions());
  // The client's own limit is larger, so the request goes out whole; the
  // server refuses it from the header, answers, and hangs up politely so
  // that the answer is not lost in a reset.
  std::string big = "ECHO:" + std::string(5000, 'g');
  CHECK(errorText(remote->load(big, "big.axoncfg")) ==
        server.url() + ": load 'big.axoncfg': the device reported: request "
                       "refused: a frame of 5024 bytes exceeds the limit of "
                       "1024 bytes");
  CHECK(served.loads == 0);
}

//===- FramingTest.cpp - Length-prefixed frames over a socket pair --------===//
#include "simulator/device/Framing.h"

#include "simulator/device/DeviceProtocol.pb.h"

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <thread>

using namespace axon::sim::device;
using namespace std::chrono_literals;

namespace {

/// Two connected stream sockets: what one sends the other receives.
std::pair<Socket, Socket> socketPair() {
  int fds[2];
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) == 0);
  return {Socket(fds[0]), Socket(fds[1])};
}

void sendBytes(const Socket &socket, const std::string &bytes) {
  REQUIRE(sendAll(socket, bytes.data(), bytes.size(), Deadline::after(1000ms))
              .ok());
}

} // namespace

TEST_CASE("frame headers are 4-byte little-endian lengths", "[device]") {
  char header[kFrameHeaderBytes];
  encodeFrameHeader(0x01020304u, header);
  CHECK(std::string(header, 4) == std::string("\x04\x03\x02\x01", 4));
  CHECK(decodeFrameHeader("\xff\x00\x00\x80") == 0x800000ffu);
  encodeFrameHeader(0xfffffffeu, header);
  CHECK(decodeFrameHeader(header) == 0xfffffffeu);
}

TEST_CASE("a message sent as a frame arrives whole", "[device]") {
  auto [a, b] = socketPair();
  proto::Request request;
  request.mutable_load()->set_config(std::string(100000, 'x'));
  request.mutable_load()->set_location("big.axoncfg");
  // Larger than a socket buffer: the sender must wait for the receiver, so
  // it runs in a thread.
  FrameStatus sent;
  std::thread sender([&, &a = a] {
    sent =
        sendFrame(a, request, kDefaultMaxFrameBytes, Deadline::after(2000ms));
  });
  std::string payload;
  FrameStatus received =
      receiveFrame(b, payload, kDefaultMaxFrameBytes, Deadline::after(2000ms));
  sender.join();
  REQUIRE(sent.ok());
  REQUIRE(received.ok());
  proto::Request back;
  REQUIRE(back.ParseFromString(payload));
  CHECK(back.load().config() == request.load().config());
  CHECK(back.load().location() == "big.axoncfg");
}

TEST_CASE("an oversized frame is refused from its header", "[device]") {
  auto [a, b] = socketPair();
  // Only the header is sent: the receiver must refuse before waiting for
  // (or allocating) the 3 GB it announces.
  sendBytes(a, std::string("\x00\x00\x00\xc0", 4));
  std::string payload;
  FrameStatus status = receiveFrame(b, payload, 1024, Deadline::after(1000ms));
  CHECK(status.kind == FrameStatus::Oversized);
  CHECK(status.frameBytes == 0xc0000000u);
  CHECK(status.describe() ==
        "a frame of 3221225472 bytes exceeds the limit of 1024 bytes");
  CHECK(payload.empty());
}

TEST_CASE("a message over the limit is not sent", "[device]") {
  auto [a, b] = socketPair();
  proto::Request request;
  request.mutable_load()->set_config(std::string(2000, 'x'));
  FrameStatus status = sendFrame(a, request, 1000, Deadline::after(1000ms));
  CHECK(status.kind == FrameStatus::Oversized);
  CHECK(status.limit == 1000);
  // Nothing went out: the peer sees no data.
  char byte;
  CHECK(receiveExact(b, &byte, 1, Deadline::after(0ms)).kind ==
        IoStatus::TimedOut);
}

TEST_CASE("a frame cut short is reported as truncated", "[device]") {
  std::string payload;
  SECTION("inside the payload") {
    auto [a, b] = socketPair();
    sendBytes(a, std::string("\x0a\x00\x00\x00", 4) + "abc");
    a.close();
    FrameStatus status =
        receiveFrame(b, payload, 1024, Deadline::after(1000ms));
    CHECK(status.kind == FrameStatus::Truncated);
    CHECK(status.describe() == "the connection was closed inside a frame (7 "
                               "of 14 bytes arrived)");
  }
  SECTION("inside the header") {
    auto [a, b] = socketPair();
    sendBytes(a, std::string("\x0a\x00", 2));
    a.close();
    FrameStatus status =
        receiveFrame(b, payload, 1024, Deadline::after(1000ms));
    CHECK(status.kind == FrameStatus::Truncated);
    CHECK(status.receivedBytes == 2);
  }
  SECTION("between frames the close is a clean end") {
    auto [a, b] = socketPair();
    a.close();
    FrameStatus status =
        receiveFrame(b, payload, 1024, Deadline::after(1000ms));
    CHECK(status.kind == FrameStatus::Closed);
  }
}

TEST_CASE("a frame that does not arrive times out", "[device]") {
  auto [a, b] = socketPair();
  sendBytes(a, std::string("\x0a\x00\x00\x00", 4));
  std::string payload;
  FrameStatus status = receiveFrame(b, payload, 1024, Deadline::after(30ms));
  CHECK(status.kind == FrameStatus::TimedOut);
  CHECK(status.describe() == "timed out after 30 ms");
}

TEST_CASE("sending to a closed peer is an error, not a signal", "[device]") {
  auto [a, b] = socketPair();
  b.close();
  proto::Request request;
  request.mutable_get_layout();
  // Without MSG_NOSIGNAL this would raise SIGPIPE and end the test binary.
  FrameStatus status = sendFrame(a, request, 1024, Deadline::after(1000ms));
  CHECK(status.kind == FrameStatus::Failed);
  CHECK(status.error == EPIPE);
}

TEST_CASE("a readable wake descriptor ends a wait", "[device]") {
  auto [a, b] = socketPair();
  auto [wakeWrite, wakeRead] = socketPair();
  sendBytes(wakeWrite, "x");
  std::string payload;
  FrameStatus status =
      receiveFrame(b, payload, 1024, Deadline::never(), wakeRead.fd());
  CHECK(status.kind == FrameStatus::Stopped);
}

//===- DeviceUrlTest.cpp - "tcp://host:port" parsing ----------------------===//
#include "simulator/device/DeviceUrl.h"

#include "support/Errors.h"

#include <catch2/catch.hpp>

using namespace axon;
using namespace axon::sim::device;
using axon::test::errorText;

TEST_CASE("device urls name a host and a port", "[device]") {
  llvm::Expected<DeviceAddress> a = parseDeviceUrl("tcp://127.0.0.1:7400");
  REQUIRE(errorText(a) == "");
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 7400);
  CHECK(a->url() == "tcp://127.0.0.1:7400");

  llvm::Expected<DeviceAddress> b = parseDeviceUrl("tcp://lab-board_2.local:1");
  REQUIRE(errorText(b) == "");
  CHECK(b->host == "lab-board_2.local");
  CHECK(b->port == 1);

  // IPv6 literals go in brackets and come back with them.
  llvm::Expected<DeviceAddress> c = parseDeviceUrl("tcp://[::1]:65535");
  REQUIRE(errorText(c) == "");
  CHECK(c->host == "::1");
  CHECK(c->port == 65535);
  CHECK(c->url() == "tcp://[::1]:65535");
}

TEST_CASE("only tcp:// specs are device urls", "[device]") {
  CHECK(isDeviceUrl("tcp://host:1"));
  CHECK_FALSE(isDeviceUrl("loihi"));
  CHECK_FALSE(isDeviceUrl("out/loihi.axoncfg"));
}

TEST_CASE("bad device urls say what is wrong", "[device]") {
  auto error = [](llvm::StringRef url) {
    llvm::Expected<DeviceAddress> a = parseDeviceUrl(url);
    return errorText(a);
  };
  CHECK(error("127.0.0.1:7400") ==
        "device '127.0.0.1:7400': a remote device is tcp://host:port");
  CHECK(error("udp://host:7400") ==
        "device 'udp://host:7400': unsupported scheme 'udp'; a remote device "
        "is tcp://host:port");
  CHECK(error("tcp://:7400") == "device 'tcp://:7400': the host is missing; "
                                "a remote device is tcp://host:port");
  CHECK(error("tcp://host") == "device 'tcp://host': the port is missing; a "
                               "remote device is tcp://host:port");
  CHECK(error("tcp://host:") == "device 'tcp://host:': the port is missing; "
                                "a remote device is tcp://host:port");
  CHECK(error("tcp://host:0") ==
        "device 'tcp://host:0': port 0 is not in 1..65535");
  CHECK(error("tcp://host:65536") ==
        "device 'tcp://host:65536': port 65536 is not in 1..65535");
  CHECK(error("tcp://host:99999999999999999999") ==
        "device 'tcp://host:99999999999999999999': port "
        "99999999999999999999 is not in 1..65535");
  CHECK(error("tcp://host:74x") ==
        "device 'tcp://host:74x': unexpected 'x' after the host; a remote "
        "device is tcp://host:port with a decimal port");
  CHECK(error("tcp://host:7400/run") ==
        "device 'tcp://host:7400/run': unexpected '/run' after the host; a "
        "remote device is tcp://host:port with a decimal port");
  CHECK(error("tcp://my host:7400") ==
        "device 'tcp://my host:7400': the host 'my host' contains a "
        "character that is not a letter, digit, '.', '-' or '_'");
  CHECK(error("tcp://[::1:7400") ==
        "device 'tcp://[::1:7400': '[' opens an IPv6 address that no ']' "
        "closes");
  CHECK(error("tcp://[zz]:7400") ==
        "device 'tcp://[zz]:7400': 'zz' is not an IPv6 address");
  CHECK(error("") == "device '': a remote device is tcp://host:port");
}

//===- DeviceUrl.cpp - "tcp://host:port" names a remote device ------------===//
#include "simulator/device/DeviceUrl.h"

#include "ir/Diagnostics.h"

#include "llvm/ADT/StringExtras.h"

namespace axon::sim::device {

namespace {

constexpr llvm::StringLiteral kScheme = "tcp://";

bool isHostNameChar(char c) {
  return llvm::isAlnum(c) || c == '.' || c == '-' || c == '_';
}

bool isIPv6Char(char c) { return llvm::isHexDigit(c) || c == ':' || c == '.'; }

} // namespace

std::string DeviceAddress::url() const {
  if (host.find(':') != std::string::npos)
    return fmt::format("tcp://[{}]:{}", host, port);
  return fmt::format("tcp://{}:{}", host, port);
}

bool isDeviceUrl(llvm::StringRef spec) { return spec.startswith(kScheme); }

llvm::Expected<DeviceAddress> parseDeviceUrl(llvm::StringRef url) {
  std::string location = fmt::format("device '{}'", url);
  llvm::StringRef rest = url;
  if (!rest.consume_front(kScheme)) {
    size_t scheme = rest.find("://");
    if (scheme != llvm::StringRef::npos)
      return makeError(location,
                       "unsupported scheme '{}'; a remote device is "
                       "tcp://host:port",
                       rest.take_front(scheme));
    return makeError(location, "a remote device is tcp://host:port");
  }

  DeviceAddress address;
  llvm::StringRef host;
  if (rest.consume_front("[")) {
    size_t close = rest.find(']');
    if (close == llvm::StringRef::npos)
      return makeError(location, "'[' opens an IPv6 address that no ']' "
                                 "closes");
    host = rest.take_front(close);
    rest = rest.drop_front(close + 1);
    if (host.empty() || !llvm::all_of(host, isIPv6Char))
      return makeError(location, "'{}' is not an IPv6 address", host);
  } else {
    size_t colon = rest.find(':');
    host = rest.take_front(colon);
    rest = rest.drop_front(host.size());
    if (host.empty())
      return makeError(location, "the host is missing; a remote device is "
                                 "tcp://host:port");
    if (!llvm::all_of(host, isHostNameChar))
      return makeError(location,
                       "the host '{}' contains a character that is not a "
                       "letter, digit, '.', '-' or '_'",
                       host);
  }
  if (!rest.consume_front(":"))
    return makeError(location, "the port is missing; a remote device is "
                               "tcp://host:port");
  if (rest.empty())
    return makeError(location, "the port is missing; a remote device is "
                               "tcp://host:port");
  size_t digits = 0;
  while (digits < rest.size() && llvm::isDigit(rest[digits]))
    ++digits;
  if (digits < rest.size())
    return makeError(location,
                     "unexpected '{}' after the host; a remote device is "
                     "tcp://host:port with a decimal port",
                     rest.drop_front(digits));
  unsigned long long port = 0;
  if (digits > 5 || rest.getAsInteger(10, port) || port == 0 || port > 65535)
    return makeError(location, "port {} is not in 1..65535", rest);
  address.host = host.str();
  address.port = static_cast<uint16_t>(port);
  return address;
}

} // namespace axon::sim::device

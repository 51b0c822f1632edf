//===- DeviceUrl.h - "tcp://host:port" names a remote device ----*- C++ -*-===//
//
// The one spelling of a remote device's address on the command line
// (`--device tcp://host:port`) and in diagnostics. IPv6 literals go in
// brackets, as in URLs: tcp://[::1]:7400.
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace axon::sim::device {

struct DeviceAddress {
  std::string host; ///< a name or a numeric address, without brackets
  uint16_t port = 0;
  /// "tcp://host:port", brackets added around an IPv6 literal.
  std::string url() const;
};

/// True when `spec` asks for a remote device (starts with "tcp://"), so
/// that tools can tell it from an emulator or a file name.
bool isDeviceUrl(llvm::StringRef spec);

/// Parses "tcp://host:port": the scheme must be tcp, the host non-empty
/// (letters, digits, '.', '-', '_', or a bracketed IPv6 literal) and the
/// port a decimal number 1..65535, with nothing after it.
llvm::Expected<DeviceAddress> parseDeviceUrl(llvm::StringRef url);

} // namespace axon::sim::device

//===- Framing.h - One protobuf message per length-prefixed frame -*- C++ -*-=//
//
// A frame is a 4-byte little-endian payload length followed by the
// payload, a serialised protocol message. The length is checked against
// the receiver's limit before anything is allocated, so that a garbled or
// hostile header (an HTTP server answering, a stray byte stream) ends in a
// clear error instead of a multi-gigabyte allocation.
//===----------------------------------------------------------------------===//
#pragma once

#include "simulator/device/Socket.h"

#include <google/protobuf/message_lite.h>

#include <cstdint>
#include <string>

namespace axon::sim::device {

/// Large enough for any emitted configuration and for a trial's readout
/// trace of a few million samples.
constexpr uint32_t kDefaultMaxFrameBytes = 64u << 20;

constexpr size_t kFrameHeaderBytes = 4;

/// How sending or receiving one frame ended.
struct FrameStatus {
  enum Kind {
    Ok,
    Closed,    ///< the peer closed the connection between frames
    Truncated, ///< the peer closed the connection inside a frame
    TimedOut,
    Stopped,   ///< the wake descriptor ended the wait
    Oversized, ///< the frame's length exceeds the limit
    Failed,    ///< a system call failed; `error` holds errno
  };
  Kind kind = Ok;
  /// Oversized: the payload's length; Truncated: the bytes expected.
  uint64_t frameBytes = 0;
  uint64_t receivedBytes = 0; ///< Truncated: how many arrived
  uint32_t limit = 0;         ///< Oversized: the limit
  int error = 0;
  std::chrono::milliseconds timeout{0}; ///< TimedOut: the deadline's length

  bool ok() const { return kind == Ok; }
  /// "the connection was closed", "timed out after 200 ms", ...
  std::string describe() const;
};

/// Little-endian length header of a payload of `size` bytes.
void encodeFrameHeader(uint32_t size, char header[kFrameHeaderBytes]);
uint32_t decodeFrameHeader(const char header[kFrameHeaderBytes]);

/// Serialises `message` and sends it as one frame; Oversized when the
/// serialised message exceeds `maxBytes` (nothing is sent then).
FrameStatus sendFrame(const Socket &socket,
                      const google::protobuf::MessageLite &message,
                      uint32_t maxBytes, const Deadline &deadline,
                      int wakeFd = -1);

/// Receives one frame's payload into `payload`.
FrameStatus receiveFrame(const Socket &socket, std::string &payload,
                         uint32_t maxBytes, const Deadline &deadline,
                         int wakeFd = -1);

} // namespace axon::sim::device

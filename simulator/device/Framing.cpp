//===- Framing.cpp - One protobuf message per length-prefixed frame -------===//
#include "simulator/device/Framing.h"

#include <fmt/format.h>

#include <cstring>

namespace axon::sim::device {

namespace {

FrameStatus fromIo(const IoStatus &io, const Deadline &deadline) {
  FrameStatus status;
  switch (io.kind) {
  case IoStatus::Ok:
    status.kind = FrameStatus::Ok;
    break;
  case IoStatus::Closed:
    status.kind = FrameStatus::Closed;
    break;
  case IoStatus::TimedOut:
    status.kind = FrameStatus::TimedOut;
    status.timeout = deadline.budget();
    break;
  case IoStatus::Stopped:
    status.kind = FrameStatus::Stopped;
    break;
  case IoStatus::Failed:
    status.kind = FrameStatus::Failed;
    status.error = io.error;
    break;
  }
  return status;
}

} // namespace

std::string FrameStatus::describe() const {
  switch (kind) {
  case Ok:
    return "ok";
  case Closed:
    return "the connection was closed";
  case Truncated:
    return fmt::format("the connection was closed inside a frame ({} of {} "
                       "bytes arrived)",
                       receivedBytes, frameBytes);
  case TimedOut:
    return fmt::format("timed out after {} ms", timeout.count());
  case Stopped:
    return "the server is stopping";
  case Oversized:
    return fmt::format("a frame of {} bytes exceeds the limit of {} bytes",
                       frameBytes, limit);
  case Failed:
    return std::strerror(error);
  }
  return "unknown";
}

void encodeFrameHeader(uint32_t size, char header[kFrameHeaderBytes]) {
  for (size_t i = 0; i < kFrameHeaderBytes; ++i)
    header[i] = static_cast<char>((size >> (8 * i)) & 0xffu);
}

uint32_t decodeFrameHeader(const char header[kFrameHeaderBytes]) {
  uint32_t size = 0;
  for (size_t i = 0; i < kFrameHeaderBytes; ++i)
    size |= static_cast<uint32_t>(static_cast<unsigned char>(header[i]))
            << (8 * i);
  return size;
}

FrameStatus sendFrame(const Socket &socket,
                      const google::protobuf::MessageLite &message,
                      uint32_t maxBytes, const Deadline &deadline, int wakeFd) {
  size_t size = message.ByteSizeLong();
  if (size > maxBytes) {
    FrameStatus status;
    status.kind = FrameStatus::Oversized;
    status.frameBytes = size;
    status.limit = maxBytes;
    return status;
  }
  // Header and payload in one buffer: one send, one TCP segment for the
  // small requests that dominate a session.
  std::string frame(kFrameHeaderBytes, '\0');
  encodeFrameHeader(static_cast<uint32_t>(size), frame.data());
  message.AppendToString(&frame);
  return fromIo(sendAll(socket, frame.data(), frame.size(), deadline, wakeFd),
                deadline);
}

FrameStatus receiveFrame(const Socket &socket, std::string &payload,
                         uint32_t maxBytes, const Deadline &deadline,
                         int wakeFd) {
  char header[kFrameHeaderBytes];
  IoStatus io = receiveExact(socket, header, sizeof header, deadline, wakeFd);
  if (io.kind == IoStatus::Closed && io.bytes > 0) {
    FrameStatus status;
    status.kind = FrameStatus::Truncated;
    status.frameBytes = kFrameHeaderBytes;
    status.receivedBytes = io.bytes;
    return status;
  }
  if (!io.ok())
    return fromIo(io, deadline);
  uint32_t size = decodeFrameHeader(header);
  if (size > maxBytes) {
    FrameStatus status;
    status.kind = FrameStatus::Oversized;
    status.frameBytes = size;
    status.limit = maxBytes;
    return status;
  }
  payload.resize(size);
  io = receiveExact(socket, payload.data(), size, deadline, wakeFd);
  if (io.kind == IoStatus::Closed) {
    FrameStatus status;
    status.kind = FrameStatus::Truncated;
    status.frameBytes = kFrameHeaderBytes + size;
    status.receivedBytes = kFrameHeaderBytes + io.bytes;
    return status;
  }
  return fromIo(io, deadline);
}

} // namespace axon::sim::device

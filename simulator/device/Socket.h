//===- Socket.h - TCP sockets whose every wait has a deadline ---*- C++ -*-===//
//
// The POSIX layer under the remote device. Sockets are non-blocking and
// every wait goes through poll() with a deadline, so that a silent or
// vanished peer costs at most the caller's timeout, never a hang; sends use
// MSG_NOSIGNAL, so that writing to a closed connection is an error instead
// of a SIGPIPE that kills the process. A server passes a wake descriptor
// (the read end of a pipe) that ends any wait when it becomes readable:
// that is how another thread stops it.
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace axon::sim::device {

/// When a wait must end: a point on the steady clock, or never.
class Deadline {
public:
  static Deadline never() { return Deadline(); }
  static Deadline after(std::chrono::milliseconds budget);

  bool isNever() const { return unlimited; }
  /// The timeout for poll(): -1 for never, else the milliseconds left,
  /// rounded up so that a wait does not end a little early (0 once past).
  int pollTimeoutMs() const;
  /// The length the deadline was made with, for messages.
  std::chrono::milliseconds budget() const { return length; }

private:
  Deadline() = default;
  bool unlimited = true;
  std::chrono::steady_clock::time_point end;
  std::chrono::milliseconds length{0};
};

/// Owns one file descriptor; closes it on destruction.
class Socket {
public:
  Socket() = default;
  explicit Socket(int fd) : handle(fd) {}
  Socket(Socket &&other) noexcept : handle(other.release()) {}
  Socket &operator=(Socket &&other) noexcept;
  Socket(const Socket &) = delete;
  Socket &operator=(const Socket &) = delete;
  ~Socket() { close(); }

  int fd() const { return handle; }
  bool isOpen() const { return handle >= 0; }
  void close();
  int release();

private:
  int handle = -1;
};

/// How a transfer or a wait ended.
struct IoStatus {
  enum Kind {
    Ok,
    Closed,   ///< the peer closed the connection (recv returned 0)
    TimedOut, ///< the deadline passed
    Stopped,  ///< the wake descriptor became readable
    Failed,   ///< a system call failed; `error` holds errno
  };
  Kind kind = Ok;
  size_t bytes = 0; ///< transferred before it ended
  int error = 0;
  bool ok() const { return kind == Ok; }
};

/// Connects to host:port, trying each resolved address until one answers;
/// the whole attempt ends at `timeout`. `location` names the device in
/// errors, which say whether the host did not resolve, refused the
/// connection or did not answer in time.
llvm::Expected<Socket> connectTcp(llvm::StringRef host, uint16_t port,
                                  std::chrono::milliseconds timeout,
                                  llvm::StringRef location);

/// Binds and listens on host:port (port 0: the system picks a free one);
/// `boundPort` receives the port actually bound.
llvm::Expected<Socket> listenTcp(llvm::StringRef host, uint16_t port,
                                 uint16_t &boundPort);

/// Accepts one pending connection of a listening socket; `peer` receives
/// "host:port" of the client. Waits until `deadline` or the wake
/// descriptor.
IoStatus acceptClient(const Socket &listener, Socket &client, std::string &peer,
                      const Deadline &deadline, int wakeFd = -1);

/// Waits until `socket` has data (or end of stream) to read.
IoStatus waitReadable(const Socket &socket, const Deadline &deadline,
                      int wakeFd = -1);

/// Sends all `size` bytes.
IoStatus sendAll(const Socket &socket, const char *data, size_t size,
                 const Deadline &deadline, int wakeFd = -1);

/// Receives exactly `size` bytes into `data`.
IoStatus receiveExact(const Socket &socket, char *data, size_t size,
                      const Deadline &deadline, int wakeFd = -1);

/// Ends a connection politely: stops sending (the peer reads what was sent,
/// then end of stream) and reads and drops what the peer still sends until
/// it closes or `deadline` passes. Closing with unread data instead would
/// make the kernel reset the connection, and the peer could lose the last
/// reply before reading it.
void closeGracefully(Socket &socket, const Deadline &deadline, int wakeFd = -1);

} // namespace axon::sim::device

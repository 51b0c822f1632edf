//===- Socket.cpp - TCP sockets whose every wait has a deadline -----------===//
#include "simulator/device/Socket.h"

#include "ir/Diagnostics.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace axon::sim::device {

namespace {

using Clock = std::chrono::steady_clock;

struct AddrInfoDeleter {
  void operator()(addrinfo *a) const { freeaddrinfo(a); }
};
using AddrInfoList = std::unique_ptr<addrinfo, AddrInfoDeleter>;

/// The stream addresses of `host` (empty with `passive`: every local
/// address) and `port`, for connecting or (`passive`) listening.
llvm::Expected<AddrInfoList> resolveTcp(llvm::StringRef host, uint16_t port,
                                        bool passive,
                                        const std::string &location) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
  addrinfo *found = nullptr;
  std::string portText = std::to_string(port);
  std::string hostText = host.str();
  int rc = ::getaddrinfo(host.empty() ? nullptr : hostText.c_str(),
                         portText.c_str(), &hints, &found);
  if (rc != 0)
    return makeError(location, "cannot resolve host '{}': {}", host,
                     gai_strerror(rc));
  return AddrInfoList(found);
}

std::string errnoText(int error) { return std::strerror(error); }

/// Request/reply traffic: a reply must not sit in Nagle's buffer waiting
/// for an acknowledgement of the previous segment.
void setNoDelay(const Socket &socket) {
  int on = 1;
  setsockopt(socket.fd(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

/// Waits until `fd` reports any of `events` (or an error or hang-up, which
/// the following call then reads), the wake descriptor becomes readable,
/// or the deadline passes.
IoStatus::Kind waitFor(int fd, short events, const Deadline &deadline,
                       int wakeFd, int &error) {
  pollfd fds[2] = {{fd, events, 0}, {wakeFd, POLLIN, 0}};
  nfds_t count = wakeFd >= 0 ? 2 : 1;
  for (;;) {
    int n = ::poll(fds, count, deadline.pollTimeoutMs());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      error = errno;
      return IoStatus::Failed;
    }
    if (count == 2 && fds[1].revents != 0)
      return IoStatus::Stopped;
    if (n == 0)
      return IoStatus::TimedOut;
    return IoStatus::Ok;
  }
}

std::string hostPort(llvm::StringRef host, uint16_t port) {
  if (host.contains(':'))
    return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

/// A non-blocking, close-on-exec socket for address `a`; when the system
/// refuses one, a closed socket and the reason in `failure`.
Socket openSocket(const addrinfo &a, std::string &failure) {
  Socket socket(::socket(a.ai_family,
                         a.ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                         a.ai_protocol));
  if (!socket.isOpen())
    failure = fmt::format("socket: {}", errnoText(errno));
  return socket;
}

std::string describeConnectFailure(int error) {
  if (error == ECONNREFUSED)
    return "connection refused (is a device server listening there?)";
  return errnoText(error);
}

} // namespace

Deadline Deadline::after(std::chrono::milliseconds budget) {
  Deadline d;
  d.unlimited = false;
  d.end = Clock::now() + budget;
  d.length = budget;
  return d;
}

int Deadline::pollTimeoutMs() const {
  if (unlimited)
    return -1;
  auto left = end - Clock::now();
  if (left <= Clock::duration::zero())
    return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return ms > INT32_MAX ? INT32_MAX : static_cast<int>(ms);
}

Socket &Socket::operator=(Socket &&other) noexcept {
  if (this != &other) {
    close();
    handle = other.release();
  }
  return *this;
}

void Socket::close() {
  if (handle >= 0)
    ::close(handle);
  handle = -1;
}

int Socket::release() {
  int fd = handle;
  handle = -1;
  return fd;
}

llvm::Expected<Socket> connectTcp(llvm::StringRef host, uint16_t port,
                                  std::chrono::milliseconds timeout,
                                  llvm::StringRef location) {
  Deadline deadline = Deadline::after(timeout);
  llvm::Expected<AddrInfoList> resolved =
      resolveTcp(host, port, /*passive=*/false, location.str());
  if (!resolved)
    return resolved.takeError();
  AddrInfoList addresses = std::move(*resolved);

  std::string lastFailure = "no address to connect to";
  for (addrinfo *a = addresses.get(); a; a = a->ai_next) {
    Socket socket = openSocket(*a, lastFailure);
    if (!socket.isOpen())
      continue;
    if (::connect(socket.fd(), a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        lastFailure = describeConnectFailure(errno);
        continue;
      }
      int error = 0;
      IoStatus::Kind waited =
          waitFor(socket.fd(), POLLOUT, deadline, -1, error);
      if (waited == IoStatus::TimedOut)
        return makeError(location.str(),
                         "cannot connect: no answer within {} ms",
                         timeout.count());
      if (waited == IoStatus::Failed) {
        lastFailure = fmt::format("poll: {}", errnoText(error));
        continue;
      }
      socklen_t length = sizeof error;
      if (::getsockopt(socket.fd(), SOL_SOCKET, SO_ERROR, &error, &length) != 0)
        error = errno;
      if (error != 0) {
        lastFailure = describeConnectFailure(error);
        continue;
      }
    }
    setNoDelay(socket);
    return socket;
  }
  return makeError(location.str(), "cannot connect: {}", lastFailure);
}

llvm::Expected<Socket> listenTcp(llvm::StringRef host, uint16_t port,
                                 uint16_t &boundPort) {
  std::string location = fmt::format("tcp://{}", hostPort(host, port));
  llvm::Expected<AddrInfoList> resolved =
      resolveTcp(host, port, /*passive=*/true, location);
  if (!resolved)
    return resolved.takeError();
  AddrInfoList addresses = std::move(*resolved);

  std::string lastFailure = "no address to listen on";
  for (addrinfo *a = addresses.get(); a; a = a->ai_next) {
    Socket socket = openSocket(*a, lastFailure);
    if (!socket.isOpen())
      continue;
    // A restarted server can take its port back while old connections
    // linger in TIME_WAIT.
    int on = 1;
    setsockopt(socket.fd(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(socket.fd(), a->ai_addr, a->ai_addrlen) != 0) {
      lastFailure = fmt::format("bind: {}", errnoText(errno));
      continue;
    }
    if (::listen(socket.fd(), /*backlog=*/16) != 0) {
      lastFailure = fmt::format("listen: {}", errnoText(errno));
      continue;
    }
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    if (::getsockname(socket.fd(), reinterpret_cast<sockaddr *>(&bound),
                      &length) != 0) {
      lastFailure = fmt::format("getsockname: {}", errnoText(errno));
      continue;
    }
    boundPort = bound.ss_family == AF_INET6
                    ? ntohs(reinterpret_cast<sockaddr_in6 *>(&bound)->sin6_port)
                    : ntohs(reinterpret_cast<sockaddr_in *>(&bound)->sin_port);
    return socket;
  }
  return makeError(location, "cannot listen: {}", lastFailure);
}

IoStatus acceptClient(const Socket &listener, Socket &client, std::string &peer,
                      const Deadline &deadline, int wakeFd) {
  IoStatus status;
  for (;;) {
    status.kind =
        waitFor(listener.fd(), POLLIN, deadline, wakeFd, status.error);
    if (!status.ok())
      return status;
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    int fd = ::accept4(listener.fd(), reinterpret_cast<sockaddr *>(&address),
                       &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      // The client may have given up between poll and accept.
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ||
          errno == ECONNABORTED)
        continue;
      status.kind = IoStatus::Failed;
      status.error = errno;
      return status;
    }
    client = Socket(fd);
    setNoDelay(client);
    char host[NI_MAXHOST] = "?", service[NI_MAXSERV] = "?";
    ::getnameinfo(reinterpret_cast<sockaddr *>(&address), length, host,
                  sizeof host, service, sizeof service,
                  NI_NUMERICHOST | NI_NUMERICSERV);
    peer = llvm::StringRef(host).contains(':')
               ? fmt::format("[{}]:{}", host, service)
               : fmt::format("{}:{}", host, service);
    return status;
  }
}

IoStatus waitReadable(const Socket &socket, const Deadline &deadline,
                      int wakeFd) {
  IoStatus status;
  status.kind = waitFor(socket.fd(), POLLIN, deadline, wakeFd, status.error);
  return status;
}

IoStatus sendAll(const Socket &socket, const char *data, size_t size,
                 const Deadline &deadline, int wakeFd) {
  IoStatus status;
  while (status.bytes < size) {
    ssize_t n = ::send(socket.fd(), data + status.bytes, size - status.bytes,
                       MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      status.bytes += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
      status.kind = IoStatus::Failed;
      status.error = errno;
      return status;
    }
    status.kind = waitFor(socket.fd(), POLLOUT, deadline, wakeFd, status.error);
    if (!status.ok())
      return status;
  }
  return status;
}

IoStatus receiveExact(const Socket &socket, char *data, size_t size,
                      const Deadline &deadline, int wakeFd) {
  IoStatus status;
  while (status.bytes < size) {
    ssize_t n = ::recv(socket.fd(), data + status.bytes, size - status.bytes,
                       MSG_DONTWAIT);
    if (n > 0) {
      status.bytes += static_cast<size_t>(n);
      continue;
    }
    if (n == 0) {
      status.kind = IoStatus::Closed;
      return status;
    }
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK) {
      status.kind = IoStatus::Failed;
      status.error = errno;
      return status;
    }
    status.kind = waitFor(socket.fd(), POLLIN, deadline, wakeFd, status.error);
    if (!status.ok())
      return status;
  }
  return status;
}

void closeGracefully(Socket &socket, const Deadline &deadline, int wakeFd) {
  ::shutdown(socket.fd(), SHUT_WR);
  char buffer[4096];
  for (;;) {
    ssize_t n = ::recv(socket.fd(), buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0)
      continue;
    if (n == 0)
      break;
    if (errno == EINTR)
      continue;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
      break;
    int error = 0;
    if (waitFor(socket.fd(), POLLIN, deadline, wakeFd, error) != IoStatus::Ok)
      break;
  }
  socket.close();
}

} // namespace axon::sim::device

//===- Diagnostics.h - Errors that say what, where and why ------*- C++ -*-===//
//
// Every user-facing failure in Axon is an llvm::Error carrying a
// DiagnosticError: a location (file and element path, e.g.
// "net.axon: projection 'in->hidden' synapse 12") and a message in lower
// case with the offending value and the limit. Tools print it as
// "axon: error: <location>: <message>".
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Format.h"

#include "llvm/Support/Error.h"

#include <fmt/format.h>
#include <string>
#include <vector>

namespace axon {

class DiagnosticError : public llvm::ErrorInfo<DiagnosticError> {
public:
  static char ID;

  DiagnosticError(std::string location, std::string message)
      : location(std::move(location)), message(std::move(message)) {}

  void log(llvm::raw_ostream &os) const override;
  std::error_code convertToErrorCode() const override;

  std::string location; ///< may be empty
  std::string message;
};

/// Builds an Error at `location` with an fmt-formatted message.
template <typename... Args>
llvm::Error makeError(std::string location, fmt::format_string<Args...> f,
                      Args &&...args) {
  return llvm::make_error<DiagnosticError>(
      std::move(location), fmt::format(f, std::forward<Args>(args)...));
}

/// Collects several diagnostics (e.g. every broken verifier rule, up to a
/// cap) and turns them into one Error listing them, one per line.
class DiagnosticList {
public:
  explicit DiagnosticList(size_t cap = 50) : cap(cap) {}

  template <typename... Args>
  void report(std::string location, fmt::format_string<Args...> f,
              Args &&...args) {
    ++count;
    if (lines.size() < cap)
      lines.push_back(location.empty()
                          ? fmt::format(f, std::forward<Args>(args)...)
                          : fmt::format("{}: {}", location,
                                        fmt::format(f, std::forward<Args>(
                                                           args)...)));
  }

  size_t size() const { return count; }
  bool empty() const { return count == 0; }
  /// Error::success() when nothing was reported.
  llvm::Error takeError(std::string location) const;

private:
  size_t cap;
  size_t count = 0;
  std::vector<std::string> lines;
};

/// Appends `note` as a new line of the diagnostic in `err`; any other
/// error becomes a diagnostic at `location` first, so the caller always
/// gets one DiagnosticError.
llvm::Error appendNote(llvm::Error err, const std::string &note,
                       const std::string &location);

/// Prefixes the location of every DiagnosticError inside `err` with
/// `prefix` (e.g. the file name), leaving other errors unchanged.
llvm::Error withLocationPrefix(llvm::Error err, llvm::StringRef prefix);

} // namespace axon

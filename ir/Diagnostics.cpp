//===- Diagnostics.cpp - Errors that say what, where and why --------------===//
#include "ir/Diagnostics.h"

#include "llvm/Support/raw_ostream.h"

namespace axon {

char DiagnosticError::ID = 0;

void DiagnosticError::log(llvm::raw_ostream &os) const {
  if (!location.empty())
    os << location << ": ";
  os << message;
}

std::error_code DiagnosticError::convertToErrorCode() const {
  return llvm::inconvertibleErrorCode();
}

llvm::Error DiagnosticList::takeError(std::string location) const {
  if (empty())
    return llvm::Error::success();
  std::string text = fmt::format("{}", fmt::join(lines, "\n"));
  if (count > lines.size())
    text += fmt::format("\n... and {} more", count - lines.size());
  return llvm::make_error<DiagnosticError>(std::move(location),
                                           std::move(text));
}

llvm::Error withLocationPrefix(llvm::Error err, llvm::StringRef prefix) {
  return llvm::handleErrors(
      std::move(err), [&](std::unique_ptr<DiagnosticError> d) -> llvm::Error {
        d->location = d->location.empty()
                          ? prefix.str()
                          : fmt::format("{}: {}", prefix, d->location);
        return llvm::Error(std::move(d));
      });
}

llvm::Error appendNote(llvm::Error err, const std::string &note,
                       const std::string &location) {
  std::string other;
  llvm::Error rest = llvm::handleErrors(
      std::move(err),
      [&](std::unique_ptr<DiagnosticError> d) -> llvm::Error {
        d->message += "\n" + note;
        return llvm::Error(std::move(d));
      },
      [&](const llvm::ErrorInfoBase &e) -> llvm::Error {
        other = e.message();
        return llvm::Error::success();
      });
  if (rest)
    return rest;
  return llvm::make_error<DiagnosticError>(location, other + "\n" + note);
}

} // namespace axon

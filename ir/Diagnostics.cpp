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

} // namespace axon

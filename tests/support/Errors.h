//===- Errors.h - Inspect llvm::Error / Expected in Catch2 tests -*- C++ -*-===//
#pragma once

#include "llvm/Support/Error.h"

#include <string>

namespace axon::test {

/// "" on success, otherwise the full message. Consumes the error, so a
/// failing check shows the diagnostic: REQUIRE(errorText(f()) == "").
inline std::string errorText(llvm::Error err) {
  if (!err)
    return "";
  return llvm::toString(std::move(err));
}

/// Same for an Expected; the value stays usable when there was no error.
template <typename T> std::string errorText(llvm::Expected<T> &value) {
  if (value)
    return "";
  return llvm::toString(value.takeError());
}

} // namespace axon::test

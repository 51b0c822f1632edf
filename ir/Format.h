//===- Format.h - The project's fmt::formatter specialisations --*- C++ -*-===//
//
// The only place that teaches fmt about LLVM and Axon types, so that no two
// files grow divergent specialisations.
//===----------------------------------------------------------------------===//
#pragma once

#include "ir/Level.h"

#include "llvm/ADT/StringRef.h"

#include <fmt/format.h>
#include <string_view>

template <>
struct fmt::formatter<llvm::StringRef> : fmt::formatter<std::string_view> {
  template <typename Ctx> auto format(llvm::StringRef s, Ctx &ctx) const {
    return fmt::formatter<std::string_view>::format(
        std::string_view(s.data(), s.size()), ctx);
  }
};

template <>
struct fmt::formatter<axon::ir::IRLevel> : fmt::formatter<std::string_view> {
  template <typename Ctx> auto format(axon::ir::IRLevel l, Ctx &ctx) const {
    llvm::StringRef name = axon::ir::levelName(l);
    return fmt::formatter<std::string_view>::format(
        std::string_view(name.data(), name.size()), ctx);
  }
};

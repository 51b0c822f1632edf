//===- Level.h - Stages of lowering a graph passes through ------*- C++ -*-===//
//
// A graph moves down these levels; each level adds fields and invariants
// (see ir/axon.proto for which fields belong to which level).
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace axon::ir {

enum class IRLevel : uint8_t {
  Float = 1,     ///< real weights, delays in ms
  Discrete = 2,  ///< integer delays in steps; relay populations allowed
  Quantised = 3, ///< integer weights and fixed-point neuron constants
  Placed = 4,    ///< neurons on chip/core/slot, routing tables
};

inline llvm::StringRef levelName(IRLevel level) {
  switch (level) {
  case IRLevel::Float:
    return "FLOAT";
  case IRLevel::Discrete:
    return "DISCRETE";
  case IRLevel::Quantised:
    return "QUANTISED";
  case IRLevel::Placed:
    return "PLACED";
  }
  return "UNKNOWN";
}

/// Parses "float", "FLOAT", "discrete", ... (case-insensitive).
inline std::optional<IRLevel> parseLevel(llvm::StringRef name) {
  for (IRLevel l : {IRLevel::Float, IRLevel::Discrete, IRLevel::Quantised,
                    IRLevel::Placed})
    if (name.equals_insensitive(levelName(l)))
      return l;
  return std::nullopt;
}

/// True when a graph at `level` carries the fields introduced at `required`.
inline bool atLeast(IRLevel level, IRLevel required) {
  return static_cast<uint8_t>(level) >= static_cast<uint8_t>(required);
}

} // namespace axon::ir

//===- EngineRunners.h - Engines behind the trainer's seam ------*- C++ -*-===//
//
// Adapters from each EventProp engine to train::BatchRunner, chosen by name
// (`axon train --engine cpu|exact|cuda`):
//   cpu    the time-stepped multi-threaded CPU engine (the default)
//   exact  the float64 event-exact reference engine: slower per event but
//          needs no time grid, so it suits small networks with precise spike
//          times (Yin-Yang) and gradient studies
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/train/Trainer.h"

namespace axon::train {

/// `threads` = 0 uses every core.
llvm::Expected<EngineFactory> makeEngineFactory(llvm::StringRef engine,
                                                unsigned threads);

} // namespace axon::train

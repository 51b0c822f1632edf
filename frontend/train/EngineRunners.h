//===- EngineRunners.h - Engines behind the trainer's seam ------*- C++ -*-===//
//
// Adapters from each EventProp engine to train::BatchRunner, chosen by name
// (`axon train --engine cpu|exact --device cpu|cuda`):
//   cpu    the time-stepped engine (the default): on CPU threads, or with
//          --device cuda the same algorithm on a GPU (cuda/CudaEngine.h)
//   exact  the float64 event-exact reference engine: slower per event but
//          needs no time grid, so it suits small networks with precise spike
//          times (Yin-Yang) and gradient studies; CPU only
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/train/Trainer.h"

namespace axon::train {

/// `threads` = 0 uses every core. `device` is "cpu" or "cuda"; "cuda" fails
/// with a diagnostic when the CUDA engine was not built or no GPU is usable.
llvm::Expected<EngineFactory> makeEngineFactory(llvm::StringRef engine,
                                                unsigned threads,
                                                llvm::StringRef device = "cpu");

} // namespace axon::train

//===- RowKernels.h - The per-row loops of the CPU engine -------*- C++ -*-===//
//
// Internal to the CPU engine. All of its time goes into two loops over the
// synapses of one presynaptic row: the forward scatter (a spike adds each
// weight into its synapse's arrival slot) and the backward gather (a spike
// reads the adjoint at each arrival, accumulates the gradient sums and the
// feedback). They are here as plain functions with a generic C++ form and,
// for float state, an AVX-512 form that gathers and scatters 16 synapses
// per instruction; the engine picks one per run (RowKernelSet) from what the
// processor supports, so a binary built for baseline x86-64 still uses
// AVX-512 where it exists.
//
// Both forms add each element exactly once, so the forward state and the
// per-synapse gradient sums are bit-identical between them; only the
// feedback sum of a row is associated differently (and fused on AVX-512).
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/NeuronUpdate.h"

#include <cstddef>
#include <cstdint>

namespace axon::eventprop::cpu {

/// base[offset[j]] += w[j] for j < width; the offsets of one row are
/// distinct.
using ScatterKernel = void (*)(float *base, const uint32_t *offset,
                               const float *w, size_t width);

/// For j < width, with s = slot[offset[j]] (slot[j] when offset is null):
/// acc[2j] += s.lambdaI, acc[2j+1] += s.lambdaVMinusI when acc is not null;
/// returns sum_j w[j] s.lambdaVMinusI when w is not null (0 otherwise).
using GatherKernel = float (*)(size_t width, const float *w,
                               const uint32_t *offset,
                               const AdjointSample<float> *slot, float *acc);

struct RowKernelSet {
  const char *name = "generic";
  ScatterKernel scatter = nullptr;
  GatherKernel gather = nullptr;
};

/// The generic kernels (any processor).
RowKernelSet genericRowKernels();

/// The fastest kernels this processor runs: AVX-512 when it has AVX-512F,
/// else the generic ones.
RowKernelSet bestRowKernels();

} // namespace axon::eventprop::cpu

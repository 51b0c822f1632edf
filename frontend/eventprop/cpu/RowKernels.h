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
using ScatterKernel = void (*)(float *base, const uint16_t *offset,
                               const float *w, size_t width);

/// For j < width, with s = slot[offset[j]] (slot[j] when offset is null):
/// acc[2j] += s.lambdaI, acc[2j+1] += s.lambdaVMinusI when acc is not null;
/// returns sum_j w[j] s.lambdaVMinusI when w is not null (0 otherwise).
using GatherKernel = float (*)(size_t width, const float *w,
                               const uint16_t *offset,
                               const AdjointSample<float> *slot, float *acc);

struct RowKernelSet {
  const char *name = "generic";
  ScatterKernel scatter = nullptr;
  GatherKernel gather = nullptr;
};

/// The generic scatter for any state type (the float kernel set's generic
/// form; the engine's double path).
template <typename Real>
void scatterRowGeneric(Real *base, const uint16_t *offset, const float *w,
                       size_t width) {
  // Synapses of one row never share a ring element (distinct offsets), so
  // the four updates of an iteration are independent.
  size_t j = 0;
  for (; j + 4 <= width; j += 4) {
    uint32_t o0 = offset[j], o1 = offset[j + 1], o2 = offset[j + 2],
             o3 = offset[j + 3];
    Real r0 = base[o0] + Real(w[j]);
    Real r1 = base[o1] + Real(w[j + 1]);
    Real r2 = base[o2] + Real(w[j + 2]);
    Real r3 = base[o3] + Real(w[j + 3]);
    base[o0] = r0;
    base[o1] = r1;
    base[o2] = r2;
    base[o3] = r3;
  }
  for (; j < width; ++j)
    base[offset[j]] += Real(w[j]);
}

/// One instantiation of the generic gather: which of the optional pointers
/// it uses is fixed, so that the loop carries no per-element branches.
template <typename Real, bool Gradients, bool Feedback, bool Contiguous>
struct GatherGeneric {
  static Real run(size_t width, const float *w, const uint16_t *offset,
                  const AdjointSample<Real> *slot, Real *acc) {
    // Four partial sums break the dependency chain of the feedback.
    Real e[4] = {0, 0, 0, 0};
    for (size_t j = 0; j < width; ++j) {
      const AdjointSample<Real> &s = Contiguous ? slot[j] : slot[offset[j]];
      if constexpr (Gradients) {
        acc[2 * j] += s.lambdaI;
        acc[2 * j + 1] += s.lambdaVMinusI;
      }
      if constexpr (Feedback)
        e[j & 3] += Real(w[j]) * s.lambdaVMinusI;
    }
    return (e[0] + e[1]) + (e[2] + e[3]);
  }
};

template <typename Real> struct GatherGenericOf {
  template <bool G, bool F, bool C> using Kernel = GatherGeneric<Real, G, F, C>;
};

/// Calls the instantiation of `Kernel` that matches which of w, offset and
/// acc are null (GatherKernel's convention).
template <typename Real, template <bool, bool, bool> class Kernel>
Real dispatchGather(size_t width, const float *w, const uint16_t *offset,
                    const AdjointSample<Real> *slot, Real *acc) {
  if (offset) {
    if (acc)
      return w ? Kernel<true, true, false>::run(width, w, offset, slot, acc)
               : Kernel<true, false, false>::run(width, w, offset, slot, acc);
    return Kernel<false, true, false>::run(width, w, offset, slot, acc);
  }
  if (acc)
    return w ? Kernel<true, true, true>::run(width, w, offset, slot, acc)
             : Kernel<true, false, true>::run(width, w, offset, slot, acc);
  return Kernel<false, true, true>::run(width, w, offset, slot, acc);
}

/// The generic gather for any state type, with GatherKernel's arguments.
template <typename Real>
Real gatherRowGeneric(size_t width, const float *w, const uint16_t *offset,
                      const AdjointSample<Real> *slot, Real *acc) {
  return dispatchGather<Real, GatherGenericOf<Real>::template Kernel>(
      width, w, offset, slot, acc);
}

/// The generic kernels (any processor).
RowKernelSet genericRowKernels();

/// The fastest kernels this processor runs: AVX-512 when it has AVX-512F,
/// VL and BW (16-bit offsets widened in registers),
/// else the generic ones.
RowKernelSet bestRowKernels();

} // namespace axon::eventprop::cpu

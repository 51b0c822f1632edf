//===- RowKernels.h - The per-row loops of the CPU engine -------*- C++ -*-===//
//
// Internal to the CPU engine. All of its time goes into two loops over the
// synapses of presynaptic rows: the forward scatter (a spike adds each
// weight into its synapse's arrival slot) and the backward gather (a spike
// reads the adjoint at each arrival, accumulates the gradient sums and the
// feedback). A call takes all rows of one projection that spike at a grid
// point, within one ring tile (RowBatch), so that the per-row cost is a few
// instructions rather than a call. They are here as plain functions with a
// generic C++ form and, for float state, an AVX-512 form that gathers and
// scatters 16 synapses per instruction; the engine picks one per run
// (RowKernelSet) from what the processor supports, so a binary built for
// baseline x86-64 still uses AVX-512 where it exists.
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

/// The rows of one kernel call: presynaptic neurons rows[0 .. count) of one
/// projection; row k is synapses rows[k] * stride .. rows[k] * stride +
/// width - 1 of the offset, weight and accumulator arrays passed beside it
/// (each already advanced to the tile's first synapse; accumulators hold
/// two per synapse).
struct RowBatch {
  const uint32_t *rows = nullptr;
  size_t count = 0;
  size_t stride = 0;
  size_t width = 0;
  /// Scatter: synapses with offsets at or above this arrive at or after
  /// the end of the trial, where no grid point takes them, and are skipped.
  uint32_t offsetLimit = UINT32_MAX;
};

/// For each row k of `batch`, in order: base[offset_k[j]] += w_k[j] for
/// j < width and offset_k[j] < offsetLimit, offset_k and w_k the row's part
/// of offset and w; the offsets of one row are distinct.
using ScatterKernel = void (*)(float *base, const uint16_t *offset,
                               const float *w, const RowBatch &batch);

/// For each row k of `batch`, in order, and j < width, with
/// s = slot[offset_k[j]] (slot[j] when offset is null):
/// acc_k[2j] += s.lambdaI, acc_k[2j+1] += s.lambdaVMinusI when acc is not
/// null; when w is not null, feedback[k] += sum_j w_k[j] s.lambdaVMinusI.
using GatherKernel = void (*)(const float *w, const uint16_t *offset,
                              const AdjointSample<float> *slot, float *acc,
                              float *feedback, const RowBatch &batch);

/// The spikes of one deferred gather (CpuBackward.cpp): the rows of
/// `rows`, row k spiking at the grid points steps[start[k] .. start[k +
/// 1]), each of which reads history slot (step & mask) of the tile.
struct SpikeBlock {
  RowBatch rows;
  const uint32_t *start = nullptr;
  const uint32_t *steps = nullptr;
  uint32_t mask = 0;
};

/// For each row k of `block.rows`, each of its spikes in order, and
/// j < width, with s = tile[slot * width + offset_k[j]] for the spike's
/// slot: acc_k[2j] += s.lambdaI, acc_k[2j+1] += s.lambdaVMinusI. `tile` is
/// the tile's history slot 0.
using BlockGatherKernel = void (*)(const uint16_t *offset,
                                   const AdjointSample<float> *tile, float *acc,
                                   const SpikeBlock &block);

struct RowKernelSet {
  const char *name = "generic";
  ScatterKernel scatter = nullptr;
  GatherKernel gather = nullptr;
  BlockGatherKernel gatherBlock = nullptr;
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

/// Calls rowKernel(k, w, offset, acc) for every row k of `batch`, with
/// the pointers advanced to the row; the ones a kernel does not use
/// (Uses*) stay null, as they came.
template <bool UsesW, bool UsesOffset, bool UsesAcc, typename Real,
          typename RowKernel>
inline void forEachRow(const float *w, const uint16_t *offset, Real *acc,
                       const RowBatch &batch, RowKernel &&rowKernel) {
  for (size_t k = 0; k < batch.count; ++k) {
    const size_t first = size_t(batch.rows[k]) * batch.stride;
    rowKernel(k, UsesW ? w + first : w, UsesOffset ? offset + first : offset,
              UsesAcc ? acc + 2 * first : acc);
  }
}

/// scatterRowGeneric over the rows of `batch` (ScatterKernel's contract).
template <typename Real>
void scatterRowsGeneric(Real *base, const uint16_t *offset, const float *w,
                        const RowBatch &batch) {
  const uint32_t limit = batch.offsetLimit;
  forEachRow<true, true, false>(
      w, offset, static_cast<Real *>(nullptr), batch,
      [&](size_t, const float *rw, const uint16_t *ro, Real *) {
        if (limit == UINT32_MAX)
          return scatterRowGeneric<Real>(base, ro, rw, batch.width);
        for (size_t j = 0; j < batch.width; ++j)
          if (ro[j] < limit)
            base[ro[j]] += Real(rw[j]);
      });
}

/// One instantiation of the generic gather: which of the optional pointers
/// it uses is fixed, so that the loop carries no per-element branches.
template <typename Real, bool Gradients, bool Feedback, bool Contiguous>
struct GatherGeneric {
  static Real row(size_t width, const float *w, const uint16_t *offset,
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
  static void run(const float *w, const uint16_t *offset,
                  const AdjointSample<Real> *slot, Real *acc, Real *feedback,
                  const RowBatch &batch) {
    forEachRow<Feedback, !Contiguous, Gradients>(
        w, offset, acc, batch,
        [&](size_t k, const float *rw, const uint16_t *ro, Real *ra) {
          Real sum = row(batch.width, rw, ro, slot, ra);
          if constexpr (Feedback)
            feedback[k] += sum;
        });
  }
};

template <typename Real> struct GatherGenericOf {
  template <bool G, bool F, bool C> using Kernel = GatherGeneric<Real, G, F, C>;
};

/// Runs the instantiation of `Kernel` (a GatherKernel per combination) that
/// matches which of w, offset and acc are null.
template <typename Real, template <bool, bool, bool> class Kernel>
void dispatchGather(const float *w, const uint16_t *offset,
                    const AdjointSample<Real> *slot, Real *acc, Real *feedback,
                    const RowBatch &batch) {
  if (offset) {
    if (acc)
      return w ? Kernel<true, true, false>::run(w, offset, slot, acc, feedback,
                                                batch)
               : Kernel<true, false, false>::run(w, offset, slot, acc, feedback,
                                                 batch);
    return Kernel<false, true, false>::run(w, offset, slot, acc, feedback,
                                           batch);
  }
  if (acc)
    return w ? Kernel<true, true, true>::run(w, offset, slot, acc, feedback,
                                             batch)
             : Kernel<true, false, true>::run(w, offset, slot, acc, feedback,
                                              batch);
  return Kernel<false, true, true>::run(w, offset, slot, acc, feedback, batch);
}

/// The generic gather for any state type (GatherKernel's contract).
template <typename Real>
void gatherRowsGeneric(const float *w, const uint16_t *offset,
                       const AdjointSample<Real> *slot, Real *acc,
                       Real *feedback, const RowBatch &batch) {
  dispatchGather<Real, GatherGenericOf<Real>::template Kernel>(
      w, offset, slot, acc, feedback, batch);
}

/// The generic deferred gather for any state type (BlockGatherKernel's
/// contract).
template <typename Real>
void gatherBlockGeneric(const uint16_t *offset, const AdjointSample<Real> *tile,
                        Real *acc, const SpikeBlock &block) {
  const RowBatch &rows = block.rows;
  forEachRow<false, true, true>(
      nullptr, offset, acc, rows,
      [&](size_t k, const float *, const uint16_t *ro, Real *ra) {
        for (uint32_t s = block.start[k]; s < block.start[k + 1]; ++s) {
          const AdjointSample<Real> *slot =
              tile + size_t(block.steps[s] & block.mask) * rows.width;
          for (size_t j = 0; j < rows.width; ++j) {
            ra[2 * j] += slot[ro[j]].lambdaI;
            ra[2 * j + 1] += slot[ro[j]].lambdaVMinusI;
          }
        }
      });
}

/// The generic kernels (any processor).
RowKernelSet genericRowKernels();

/// The fastest kernels this processor runs: AVX-512 when it has AVX-512F,
/// VL and BW (16-bit offsets widened in registers),
/// else the generic ones.
RowKernelSet bestRowKernels();

} // namespace axon::eventprop::cpu

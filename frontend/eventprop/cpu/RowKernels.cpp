//===- RowKernels.cpp - The per-row loops of the CPU engine ---------------===//
#include "frontend/eventprop/cpu/RowKernels.h"

#include <algorithm>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define AXON_HAVE_AVX512_KERNELS 1
// GCC 12's AVX-512 headers set off -Wuninitialized on their own
// _mm512_undefined_*() placeholders (GCC bug 105593), here for the whole
// file because the warnings point into the header's inline functions.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#endif

namespace axon::eventprop::cpu {

namespace {

void scatterGeneric(float *base, const uint16_t *offset, const float *w,
                    const RowBatch &batch) {
  scatterRowsGeneric<float>(base, offset, w, batch);
}

void gatherGeneric(const float *w, const uint16_t *offset,
                   const AdjointSample<float> *slot, float *acc,
                   float *feedback, const RowBatch &batch) {
  gatherRowsGeneric<float>(w, offset, slot, acc, feedback, batch);
}

void gatherBlockGenericFloat(const uint16_t *offset,
                             const AdjointSample<float> *tile, float *acc,
                             const SpikeBlock &block) {
  gatherBlockGeneric<float>(offset, tile, acc, block);
}

#ifdef AXON_HAVE_AVX512_KERNELS

#define AXON_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw")))

/// Synapses j .. j + 15 of a row, those of mask m (scatterRowAvx512).
AXON_AVX512 inline void scatterMasked(float *base, __mmask16 m, __m512i index,
                                      const float *w) {
  __m512 value =
      _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, index, base, 4);
  value = _mm512_add_ps(value, _mm512_maskz_loadu_ps(m, w));
  _mm512_mask_i32scatter_ps(base, m, index, value, 4);
}

/// One row of scatterAvx512; with Limited, only the offsets below `limit`.
template <bool Limited>
AXON_AVX512 inline void scatterRowAvx512(float *base, const uint16_t *offset,
                                         const float *w, size_t width,
                                         uint32_t limit) {
  const __m512i bound = _mm512_set1_epi32(int(limit));
  size_t j = 0;
  for (; j + 16 <= width; j += 16) {
    __m512i index = _mm512_cvtepu16_epi32(
        _mm256_loadu_si256(reinterpret_cast<const __m256i *>(offset + j)));
    if constexpr (Limited) {
      scatterMasked(base, _mm512_cmplt_epu32_mask(index, bound), index, w + j);
    } else {
      __m512 value = _mm512_i32gather_ps(index, base, 4);
      value = _mm512_add_ps(value, _mm512_loadu_ps(w + j));
      _mm512_i32scatter_ps(base, index, value, 4);
    }
  }
  if (j < width) {
    __mmask16 m = __mmask16((1u << (width - j)) - 1);
    __m512i index =
        _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(m, offset + j));
    if constexpr (Limited)
      m = _mm512_mask_cmplt_epu32_mask(m, index, bound);
    scatterMasked(base, m, index, w + j);
  }
}

AXON_AVX512 void scatterAvx512(float *base, const uint16_t *offset,
                               const float *w, const RowBatch &batch) {
  const bool limited = batch.offsetLimit != UINT32_MAX;
  for (size_t k = 0; k < batch.count; ++k) {
    const size_t first = size_t(batch.rows[k]) * batch.stride;
    if (limited)
      scatterRowAvx512<true>(base, offset + first, w + first, batch.width,
                             batch.offsetLimit);
    else
      scatterRowAvx512<false>(base, offset + first, w + first, batch.width,
                              batch.offsetLimit);
  }
}

/// Synapses j .. j + count - 1 (count <= 8) of gatherRowAvx512: a pair is 8
/// bytes, so one 64-bit gather fetches eight pairs into one register laid
/// out as the interleaved accumulators are.
template <bool Gradients, bool Feedback, bool Contiguous>
AXON_AVX512 inline void gatherEight(size_t j, unsigned count, const float *w,
                                    const uint16_t *offset, const double *pairs,
                                    float *acc, __m512 &sum) {
  const __mmask8 m = __mmask8((1u << count) - 1);
  const __mmask16 m2 = __mmask16((1u << (2 * count)) - 1);
  __m512 h;
  if constexpr (Contiguous) {
    h = _mm512_castpd_ps(_mm512_maskz_loadu_pd(m, pairs + j));
  } else {
    __m256i index = _mm256_cvtepu16_epi32(_mm_maskz_loadu_epi16(m, offset + j));
    h = _mm512_castpd_ps(
        _mm512_mask_i32gather_pd(_mm512_setzero_pd(), m, index, pairs, 8));
  }
  if constexpr (Gradients) {
    __m512 a = _mm512_maskz_loadu_ps(m2, acc + 2 * j);
    _mm512_mask_storeu_ps(acc + 2 * j, m2, _mm512_add_ps(a, h));
  }
  if constexpr (Feedback) {
    // (w0 w0 w1 w1 ... w7 w7): each weight meets its pair.
    const __m512i duplicate =
        _mm512_set_epi32(7, 7, 6, 6, 5, 5, 4, 4, 3, 3, 2, 2, 1, 1, 0, 0);
    __m512 weights = _mm512_castps256_ps512(_mm256_maskz_loadu_ps(m, w + j));
    weights = _mm512_permutexvar_ps(duplicate, weights);
    sum = _mm512_fmadd_ps(weights, h, sum);
  }
}

template <bool Gradients, bool Feedback, bool Contiguous>
AXON_AVX512 inline float
gatherRowAvx512(size_t width, const float *w, const uint16_t *offset,
                const AdjointSample<float> *slot, float *acc) {
  static_assert(sizeof(AdjointSample<float>) == 8, "pairs must be packed");
  const double *pairs = reinterpret_cast<const double *>(slot);
  // Two sums so that the FMA latency does not bound the loop.
  __m512 feedback = _mm512_setzero_ps(), feedback2 = _mm512_setzero_ps();
  size_t j = 0;
  for (; j + 16 <= width; j += 16) {
    gatherEight<Gradients, Feedback, Contiguous>(j, 8, w, offset, pairs, acc,
                                                 feedback);
    gatherEight<Gradients, Feedback, Contiguous>(j + 8, 8, w, offset, pairs,
                                                 acc, feedback2);
  }
  for (; j < width; j += 8)
    gatherEight<Gradients, Feedback, Contiguous>(
        j, unsigned(width - j < 8 ? width - j : 8), w, offset, pairs, acc,
        feedback);
  if constexpr (Feedback) {
    // Only the odd lanes (lambda_V - lambda_I times w) are the feedback.
    __m512 sum = _mm512_add_ps(feedback, feedback2);
    return _mm512_mask_reduce_add_ps(__mmask16(0xAAAA), sum);
  }
  return 0.0f;
}

template <bool G, bool F, bool C> struct GatherAvx512 {
  // The row loop is written out rather than taken from forEachRow: GCC
  // does not inline an AVX-512 lambda into a template of the default
  // target, which would cost a call per row.
  AXON_AVX512 static void run(const float *w, const uint16_t *offset,
                              const AdjointSample<float> *slot, float *acc,
                              float *feedback, const RowBatch &batch) {
    for (size_t k = 0; k < batch.count; ++k) {
      const size_t first = size_t(batch.rows[k]) * batch.stride;
      float sum = gatherRowAvx512<G, F, C>(batch.width, F ? w + first : w,
                                           C ? offset : offset + first, slot,
                                           G ? acc + 2 * first : acc);
      if constexpr (F)
        feedback[k] += sum;
    }
  }
};

void gatherAvx512(const float *w, const uint16_t *offset,
                  const AdjointSample<float> *slot, float *acc, float *feedback,
                  const RowBatch &batch) {
  dispatchGather<float, GatherAvx512>(w, offset, slot, acc, feedback, batch);
}

/// The deferred gather 32 synapses at a time: their sums stay in four
/// registers while every spike of the row adds into them, and the 32
/// synapses' part of the history (all slots) stays in the L1 cache from one
/// row to the next.
AXON_AVX512 void gatherBlockAvx512(const uint16_t *offset,
                                   const AdjointSample<float> *tile, float *acc,
                                   const SpikeBlock &block) {
  static_assert(sizeof(AdjointSample<float>) == 8, "pairs must be packed");
  const double *pairs = reinterpret_cast<const double *>(tile);
  const RowBatch &rows = block.rows;
  const size_t width = rows.width;
  const uint32_t mask = block.mask;
  for (size_t j = 0; j < width; j += 32) {
    __mmask8 m[4];
    __mmask16 m2[4];
    for (unsigned g = 0; g < 4; ++g) {
      const size_t begin = j + 8 * g;
      const unsigned count =
          begin >= width ? 0u : unsigned(std::min<size_t>(8, width - begin));
      m[g] = __mmask8((1u << count) - 1);
      m2[g] = __mmask16((1u << (2 * count)) - 1);
    }
    // Four named registers each: arrays of vectors end up on the stack.
    for (size_t k = 0; k < rows.count; ++k) {
      const size_t first = size_t(rows.rows[k]) * rows.stride + j;
      const uint16_t *o = offset + first;
      float *a = acc + 2 * first;
      const __m256i i0 = _mm256_cvtepu16_epi32(_mm_maskz_loadu_epi16(m[0], o));
      const __m256i i1 =
          _mm256_cvtepu16_epi32(_mm_maskz_loadu_epi16(m[1], o + 8));
      const __m256i i2 =
          _mm256_cvtepu16_epi32(_mm_maskz_loadu_epi16(m[2], o + 16));
      const __m256i i3 =
          _mm256_cvtepu16_epi32(_mm_maskz_loadu_epi16(m[3], o + 24));
      __m512 s0 = _mm512_maskz_loadu_ps(m2[0], a);
      __m512 s1 = _mm512_maskz_loadu_ps(m2[1], a + 16);
      __m512 s2 = _mm512_maskz_loadu_ps(m2[2], a + 32);
      __m512 s3 = _mm512_maskz_loadu_ps(m2[3], a + 48);
      const __m512d zero = _mm512_setzero_pd();
      for (uint32_t s = block.start[k]; s < block.start[k + 1]; ++s) {
        const double *slot = pairs + size_t(block.steps[s] & mask) * width;
        s0 = _mm512_add_ps(s0, _mm512_castpd_ps(_mm512_mask_i32gather_pd(
                                   zero, m[0], i0, slot, 8)));
        s1 = _mm512_add_ps(s1, _mm512_castpd_ps(_mm512_mask_i32gather_pd(
                                   zero, m[1], i1, slot, 8)));
        s2 = _mm512_add_ps(s2, _mm512_castpd_ps(_mm512_mask_i32gather_pd(
                                   zero, m[2], i2, slot, 8)));
        s3 = _mm512_add_ps(s3, _mm512_castpd_ps(_mm512_mask_i32gather_pd(
                                   zero, m[3], i3, slot, 8)));
      }
      _mm512_mask_storeu_ps(a, m2[0], s0);
      _mm512_mask_storeu_ps(a + 16, m2[1], s1);
      _mm512_mask_storeu_ps(a + 32, m2[2], s2);
      _mm512_mask_storeu_ps(a + 48, m2[3], s3);
    }
  }
}

#endif

} // namespace

RowKernelSet genericRowKernels() {
  return {"generic", scatterGeneric, gatherGeneric, gatherBlockGenericFloat};
}

RowKernelSet bestRowKernels() {
#ifdef AXON_HAVE_AVX512_KERNELS
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512bw"))
    return {"avx512", scatterAvx512, gatherAvx512, gatherBlockAvx512};
#endif
  return genericRowKernels();
}

} // namespace axon::eventprop::cpu

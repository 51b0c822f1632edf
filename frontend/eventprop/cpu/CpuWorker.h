//===- CpuWorker.h - One thread's simulation of a sample --------*- C++ -*-===//
//
// Internal to the CPU engine. A worker owns all scratch state one sample
// needs (voltages, currents, arrival rings, adjoints, adjoint history,
// per-sample gradient sums); it is sized once per network and reused for
// every sample and batch, so the time loops never allocate. Only the
// per-sample spike records grow, with the number of spikes.
//
// Real is the precision of the simulated state (float or double); gradients
// of one sample are summed in Real and across samples in double.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/eventprop/NeuronUpdate.h"
#include "frontend/eventprop/cpu/CpuPlan.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Compiler.h"

#include <vector>

namespace axon::eventprop::cpu {

/// What the backward pass of a batch shares across samples.
struct BackwardInputs {
  double batchScale = 1.0; ///< 1/B: the mean over the batch
  /// Spike-count regulariser kick (c/B)(nbar_j - nu) per global neuron,
  /// subtracted from lambda_V at each spike (eventprop.md C.3).
  llvm::ArrayRef<double> regulariserKicks;
  bool phantomKick = true;
};

template <typename Real> class Worker {
public:
  /// Sizes the scratch for `plan`'s network (no-op when unchanged).
  void prepare(const Plan &plan);

  /// Forward pass of one sample into `record` (loss, readout, spikes). With
  /// `voltageTrace`, also writes V of every neuron of layer `traceLayer` at
  /// every grid point n = 0..N (after any reset) to
  /// voltageTrace[n * size + j], for tests and debugging.
  void forward(const Plan &plan, const Sample &sample, SampleRecord &record,
               float *voltageTrace = nullptr, uint32_t traceLayer = 0);

  /// Backward pass of one sample whose forward pass left `record`; adds its
  /// gradient sums to this worker's per-sample accumulators.
  /// Runs into accumulator buffer `buffer` (0 or 1), which must be zero.
  void backward(const Plan &plan, const Sample &sample, SampleRecord &record,
                const BackwardInputs &inputs, unsigned buffer);

  /// Adds accumulator buffer `buffer` to `total` (two per synapse: sum
  /// lambda_I and sum (lambda_V - lambda_I) over arrivals) and zeroes it.
  /// The engine calls this in sample order.
  void commit(const Plan &plan, unsigned buffer,
              llvm::MutableArrayRef<double> total);

  /// Two accumulator buffers, so that a worker can start its next sample
  /// while the gradient sums of the last one wait for their turn in the
  /// ordered reduction. The engine tracks which are in use.
  static constexpr unsigned kBuffers = 2;
  bool BufferBusy[kBuffers] = {false, false};

private:
  void binInputs(const Plan &plan, const Sample &sample);
  /// The rows that spike at the current grid point (input channels, then
  /// layer spikes in record order), rebuilt each grid point, capacity
  /// kept: presynaptic indices in RowIndex, cut into runs of one source.
  struct RowRun {
    uint32_t source = 0; ///< 0: input, k: layer k - 1
    uint32_t begin = 0, end = 0;
  };
  void clearRows() {
    RowIndex.clear();
    Runs.clear();
  }
  // Once per spike: inlined into the time loops.
  LLVM_ATTRIBUTE_ALWAYS_INLINE void addRow(uint32_t source, uint32_t index) {
    if (Runs.empty() || Runs.back().source != source)
      Runs.push_back(
          {source, uint32_t(RowIndex.size()), uint32_t(RowIndex.size())});
    RowIndex.push_back(index);
    ++Runs.back().end;
  }
  /// Calls visit(begin, end, proj, element, start, span) for rows
  /// [begin, end) of one source and one projection from it, layer by layer
  /// and within a layer tile by tile (LayerPlan): `element` is the tile's
  /// slot of grid point `step` in the worker's ring (or `history`), `start`
  /// and `span` the tile's first neuron and width. Each ring element thus
  /// meets its rows in row order, as row-by-row processing would: where a
  /// source has several projections into the layer, row by row, each row
  /// through them in projection order.
  template <typename Visit>
  void forEachBatch(const Plan &plan, uint32_t step, bool history,
                    Visit &&visit) const {
    for (uint32_t l = 0; l < plan.layers.size(); ++l) {
      const LayerPlan &post = plan.layers[l];
      for (uint32_t t = 0; t < post.numTiles; ++t) {
        const uint64_t element =
            history ? post.historyOffset +
                          post.historySlot(t, step & post.historyMask)
                    : post.ringOffset + post.ringSlot(t, step & post.ringMask);
        const uint32_t start = post.tileStart(t), span = post.tileSpan(t);
        for (const RowRun &run : Runs) {
          llvm::ArrayRef<uint32_t> into = plan.projectionsInto(run.source, l);
          if (into.size() == 1) {
            visit(run.begin, run.end, plan.projections[into[0]], element, start,
                  span);
            continue;
          }
          for (uint32_t r = run.begin; r < run.end; ++r)
            for (uint32_t p : into)
              visit(r, r + 1, plan.projections[p], element, start, span);
        }
      }
    }
  }
  /// The RowBatch of rows [begin, end) in a tile of width `span`.
  RowBatch batchOf(uint32_t begin, uint32_t end, const ProjectionPlan &proj,
                   uint32_t span) const {
    return {RowIndex.data() + begin, size_t(end - begin), proj.postSize, span};
  }
  /// Scatters every row spiking at grid point `step` into the rings
  /// (forEachBatch).
  void scatterRows(const Plan &plan, uint32_t step, EngineCounters &counters);
  /// Backward work of every row at grid point `step` (forEachBatch): the
  /// gradient sums of every synapse it crosses and, for the rows from
  /// `firstFeedback` on, the error sum_m w (lambda_V - lambda_I)_m at the
  /// arrivals into Feedback (one per row).
  void gatherRows(const Plan &plan, uint32_t step, size_t firstFeedback,
                  const SampleRecord &record, double batchScale,
                  Real *accumulators, EngineCounters &counters);
  /// Deferred input gradients (ProjectionPlan::deferred) of the input
  /// spikes at grid points [first, first + count): every deferred
  /// projection takes the block's spikes channel by channel, each channel's
  /// in reverse time order, as the grid points would have taken them.
  void gatherDeferred(const Plan &plan, const Sample &sample, uint32_t first,
                      uint32_t count, Real *accumulators,
                      EngineCounters &counters);
  void finishForward(const Plan &plan, const Sample &sample,
                     SampleRecord &record);

  std::vector<StepCoefficients<Real>> Coefficients; ///< per layer
  std::vector<Real> V, I;                           ///< per global neuron
  std::vector<Real> LambdaV, LambdaI;               ///< per global neuron
  /// Arrivals per layer: 2 x ringDepth slots x layer size (LayerPlan);
  /// weights land in a slot of their arrival step.
  std::vector<Real> Ring;
  /// The adjoint just after each of the last historyDepth grid points,
  /// laid out as Ring with its own depth (both slots of a grid point hold
  /// it); read at arrival times by the backward pass.
  std::vector<AdjointSample<Real>> History;
  /// Per-sample gradient sums: 2 per synapse, interleaved, per buffer.
  std::vector<Real> Accumulators[kBuffers];
  /// Input spikes bucketed by step: indices into Sample::spikes of step n
  /// are BinOrder[BinStart[n] .. BinStart[n + 1]).
  std::vector<uint32_t> BinStart, BinOrder;
  std::vector<uint32_t> BinStep; ///< step of each input spike
  std::vector<uint32_t> RowIndex;
  std::vector<RowRun> Runs;
  std::vector<Real> Feedback; ///< per row (backward)
  /// gatherDeferred's block: the channels that spike in it (ascending), the
  /// grid point of each of their spikes (channel by channel, latest first),
  /// where each channel's spikes start (one more than channels), and the
  /// counting sort's per-channel counts.
  std::vector<uint32_t> BlockChannels, BlockSteps, BlockStart, ChannelCount;
  /// Weight sum that arrived at each readout neuron at the current grid
  /// point (MaxVoltage kinks).
  std::vector<Real> Arrived;
  /// Forward: V and I of a layer at the start of the step, and the neurons
  /// that crossed threshold in it.
  std::vector<Real> Start;
  std::vector<uint32_t> Crossed;
  std::vector<double> Forcing; ///< backward: (dL/dz_k) / (B tau_m)
  uint64_t PreparedNeurons = ~0ull, PreparedSynapses = ~0ull;
};

// Members are instantiated for float and double in CpuForward.cpp and
// CpuBackward.cpp.

} // namespace axon::eventprop::cpu

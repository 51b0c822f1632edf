//===- Network.h - What the EventProp engines simulate and train -*- C++ -*-===//
//
// The engine-side description of a network: plain data that every engine
// (the float64 event-exact reference, the time-stepped CPU engine and the
// CUDA engine) reads. The trainer builds it from the user's model file
// (examples/*.train.pbtxt); engines never see the protobuf.
//
// Units: times in ms, delays in time steps of `dt` (float, learnable; the
// time-stepped engines round them), weights dimensionless (a spike of
// weight w raises the synaptic current I by w; threshold in the same unit).
//
// Parameters and gradients share one contiguous layout (ParameterLayout), so
// an optimiser step or a multi-GPU all-reduce is one loop over one buffer.
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace axon::eventprop {

/// Neuron dynamics of a layer: tau_m dV/dt = -V + I, tau_s dI/dt = -I.
enum class NeuronKind : uint8_t {
  /// Spiking: at V >= threshold, V resets to `reset`; I is unchanged.
  LIF,
  /// Non-spiking leaky integrator, the usual readout for voltage losses.
  LeakyIntegrator,
};

struct LayerDesc {
  std::string name;
  uint32_t size = 0;
  NeuronKind kind = NeuronKind::LIF;
  double tauMem = 20.0;   ///< membrane time constant, ms (> 0)
  double tauSyn = 5.0;    ///< synaptic time constant, ms (> 0; may equal tauMem)
  double threshold = 1.0; ///< LIF only
  double reset = 0.0;     ///< LIF only, voltage after a spike
};

/// A dense projection pre -> post. Synapse (i, j) has weight w[i * post + j]
/// and delay d[i * post + j] (row-major by presynaptic neuron, so one spike
/// walks one contiguous row). `pre` indexes sources: 0 is the input
/// population, k >= 1 is layers[k - 1]; `post` indexes layers (0-based).
/// pre == post + 1 is a recurrent projection.
struct ProjectionDesc {
  std::string name;
  uint32_t pre = 0;
  uint32_t post = 0;
  bool learnWeights = true;
  bool learnDelays = false;
  /// Delays are clamped to [minDelaySteps, maxDelaySteps] after each
  /// update; the maximum also sizes the delay ring buffers (maxDelaySteps +
  /// 1 slots).
  uint32_t maxDelaySteps = 0;
  uint32_t minDelaySteps = 0;
};

enum class LossKind : uint8_t {
  /// Cross-entropy on (1/T) integral of w(t) V_k(t) dt of the readout,
  /// w(t) = exp(-t/T): mlGeNN's avg_var_exp_weight, the loss-shaping
  /// paper's sum_weigh_exp.
  SumExpWeighted,
  /// Same with w(t) = 1 - t/T (sum_weigh_linear).
  SumLinearWeighted,
  /// Same with w(t) = 1 (mlGeNN's avg_var, the "sum" loss).
  Sum,
  /// Cross-entropy on max_t V_k(t) (WP's MNIST loss, mlGeNN's max_var).
  MaxVoltage,
  /// Cross-entropy on -t_first/tau0 of a spiking readout plus
  /// alpha * (exp(t_label/tau1) - 1) (WP's Yin-Yang loss).
  FirstSpike,
};

struct LossDesc {
  LossKind kind = LossKind::SumExpWeighted;
  double tau0 = 0.5;    ///< FirstSpike: softmax temperature, ms
  double tau1 = 6.4;    ///< FirstSpike: time scale of the early-spike term, ms
  double alpha = 3e-3;  ///< FirstSpike: weight of the early-spike term
};

/// Per-neuron spike-count regulariser on hidden LIF layers:
/// L = (c/2) (nbar_j - nu)^2 with nbar_j the batch-mean count, applied as a
/// lambda_V kick at each spike (loss-shaping paper; a pseudo-gradient).
struct RegulariserDesc {
  double nuUpper = 14.0;     ///< target spikes per neuron per trial
  double lambdaUpper = 0.0;  ///< c when nbar > nu
  double lambdaLower = 0.0;  ///< c when nbar <= nu
};

struct NetworkDesc {
  uint32_t inputSize = 0;
  std::vector<LayerDesc> layers; ///< the last layer is the readout
  std::vector<ProjectionDesc> projections;
  LossDesc loss;
  RegulariserDesc regulariser;
  double dt = 1.0;         ///< ms
  uint32_t numSteps = 0;   ///< trial length T = numSteps * dt
};

/// One input spike: `time` in ms from trial start, `channel` < inputSize.
struct InputSpike {
  float time;
  uint32_t channel;
};

/// One trial: input spikes sorted by time, and the class label.
struct Sample {
  std::vector<InputSpike> spikes;
  int32_t label = 0;
};

/// Where each projection's weights and delays live in the one contiguous
/// parameter (and gradient) buffer: [w of proj 0][d of proj 0][w of proj 1]...
/// Delays are stored for every projection (zeros when not learned) so that
/// the layout does not depend on what is being learned.
struct ParameterLayout {
  struct Range {
    uint64_t weightOffset = 0;
    uint64_t delayOffset = 0;
    uint64_t count = 0; ///< synapses = pre size x post size
  };
  std::vector<Range> projections;
  uint64_t total = 0;

  static ParameterLayout of(const NetworkDesc &net) {
    ParameterLayout layout;
    for (const ProjectionDesc &p : net.projections) {
      uint64_t preSize =
          p.pre == 0 ? net.inputSize : net.layers[p.pre - 1].size;
      uint64_t count = preSize * net.layers[p.post].size;
      layout.projections.push_back({layout.total, layout.total + count, count});
      layout.total += 2 * count;
    }
    return layout;
  }
};

} // namespace axon::eventprop

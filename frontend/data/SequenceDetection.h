//===- SequenceDetection.h - Order of input spikes as the class -*- C++ -*-===//
//
// The delay paper's sequence-detection task (Mészáros, Knight, Nowotny;
// deventprop sequence_detection.py): two input channels each spike once,
// 10 ms apart; channel 0 then channel 1 is class 0, channel 1 then
// channel 0 is class 1. The network is 2 inputs -> 2 leaky-integrator
// outputs with every weight fixed at 1 and learnable delays (max 15 steps).
//
// Generalised here: `numChannels` channels each spike exactly once, one
// every `gapMs`, and the class is the order in which they spike (class c is
// the c-th permutation of 0..numChannels-1 in lexicographic order; class 0
// is 0, 1, 2, ...). Every sample of every class holds the same spike count
// on every channel, and without jitter the same set of spike times, so a
// readout whose synapses all have the same weight sees exactly the same
// input current in every class, whatever its loss: only delays (which can
// line the spikes of one order up into a coincidence) can separate them.
// With learnable, unequal weights a delay-free leaky integrator can still
// pick up the order through the residue of the earlier PSP under the later
// one (max-voltage loss) or through the trial end cutting off the later PSP
// (sum loss over a short trial); the paper therefore fixes the weights.
//
// Defaults reproduce the paper's data: 2 channels, 2 classes, spikes at 0
// and 10 ms, 4 samples labelled 0, 1, 0, 1 (sample i has class
// i mod numClasses). The trial is 40 ms: the paper's 25 ms plus the 15 ms
// maximum delay, so that the last input still arrives inside the trial when
// delayed by the maximum.
//
// Optional variation, both drawn from the seeded generator:
//  - onsetJitterMs: the whole pattern starts at onsetMs + U[0, onsetJitterMs];
//  - spikeJitterMs: each spike moves by U[-spikeJitterMs, +spikeJitterMs],
//    limited so the order never changes (see the checks).
// With timeStepMs > 0 every time is rounded to that grid, so a time-stepped
// engine sees the intended order without ties.
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/data/Dataset.h"

namespace axon::data {

struct SequenceTaskOptions {
  uint32_t numChannels = 2; ///< 2..6 (6! = 720 orders)
  uint32_t numClasses = 0;  ///< first N orders; 0 = all numChannels! orders
  uint32_t numSamples = 4;
  double onsetMs = 0.0; ///< time of the first spike
  double gapMs = 10.0;  ///< between consecutive spikes of a pattern
  double onsetJitterMs = 0.0;
  double spikeJitterMs = 0.0;
  double timeStepMs = 1.0; ///< grid the times are rounded to; 0 = none
  double durationMs = 40.0;
  uint64_t seed = 0; ///< only used when there is jitter
};

/// The channel order of class `label`: the label-th permutation of
/// 0..numChannels-1 in lexicographic order.
std::vector<uint32_t> sequenceOrder(uint32_t label, uint32_t numChannels);

/// The data set; errors name the option, its value and the limit.
llvm::Expected<DatasetSplit>
makeSequenceDetection(const SequenceTaskOptions &options,
                      llvm::StringRef name = "sequence");

} // namespace axon::data

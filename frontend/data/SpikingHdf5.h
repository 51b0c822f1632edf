//===- SpikingHdf5.h - SHD and SSC HDF5 files -------------------*- C++ -*-===//
//
// The Spiking Heidelberg Digits (SHD, 20 classes) and Spiking Speech
// Commands (SSC, 35 classes) of Cramer et al. (2020), 700 input channels
// (cochlea model fibres), as published at https://zenkelab.org/datasets/ in
// shd_train.h5.gz / shd_test.h5.gz and ssc_train / ssc_valid / ssc_test.
// Layout of each (gunzipped) file:
//   spikes/times  1-D, one variable-length array per sample of floating
//                 point spike times in seconds (the published files use
//                 16-bit floats; any HDF5 float type is read)
//   spikes/units  1-D, one variable-length array per sample of unsigned
//                 integer channel numbers (uint16), same lengths as times
//   labels        1-D integers, one per sample
//   extra/...     speaker, keys, meta data: ignored
//
// Reading converts times to ms, drops events at t >= maxTimeMs (1 s by
// default, as the delay and loss-shaping papers do) and, when binDtMs > 0,
// bins to at most one spike per channel per step (mlGeNN's
// preprocess_tonic_spikes with histogram_thresh = 1; see binSpikes). For a
// training split that is augmented per epoch, read with binDtMs = 0 and put
// BinSpikes last in the pipeline: mlGeNN blends and shifts the raw events.
//
// Every problem with the file is an llvm::Error naming the file, the
// dataset, the sample index and the value; nothing is returned half-loaded.
// Samples are read in blocks, so the HDF5 library's buffers stay small next
// to the samples (SSC's training file holds ~75k samples).
//===----------------------------------------------------------------------===//
#pragma once

#include "frontend/data/Dataset.h"

namespace axon::data {

enum class SpikingSet { SHD, SSC };

struct SpikingHdf5Options {
  double maxTimeMs = 1000.0; ///< events at or after this are dropped
  double binDtMs = 0.0;      ///< > 0: bin onto this grid (see binSpikes)
  uint32_t binThreshold = 1; ///< events a bin needs to become a spike
  uint32_t maxSamples = 0;   ///< read only the first N samples; 0 = all
  /// Samples read per HDF5 call; only the memory of one block is at stake.
  uint32_t blockSize = 1024;
};

/// 700 for both sets.
uint32_t spikingSetChannels(SpikingSet set);
/// 20 (SHD) or 35 (SSC).
uint32_t spikingSetClasses(SpikingSet set);
/// "shd" or "ssc".
llvm::StringRef spikingSetName(SpikingSet set);

/// Reads one published file. `splitName` becomes the DatasetSplit's name.
llvm::Expected<DatasetSplit> readSpikingHdf5(llvm::StringRef path,
                                             SpikingSet set,
                                             const SpikingHdf5Options &options,
                                             llvm::StringRef splitName = "");

/// Reads `<folder>/<set>_<split>.h5`; split is "train" or "test", and also
/// "valid" for SSC (SHD has no validation file). A missing file's error
/// says where to download it and that it must be gunzipped.
llvm::Expected<DatasetSplit>
loadSpikingSet(SpikingSet set, llvm::StringRef folder, llvm::StringRef split,
               const SpikingHdf5Options &options = {});

} // namespace axon::data

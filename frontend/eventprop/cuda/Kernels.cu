//===- Kernels.cu - The CUDA engine's kernels -----------------------------===//
//
// Thin shells around the __host__ __device__ phases: one block per sample
// runs the whole time loop (no launch per step, no host-device traffic
// inside it), with block barriers between phases. Only what has no host
// form lives here: the warp-parallel spike compaction (ballot-free: popc
// and a shuffle scan over the mask words) and the warp sum.
//
// Build: without FMA contraction (--fmad=false, CMakeLists.txt), so that
// V <- alpha V + c I rounds as on the host and the spike trains match the
// CPU engine bit for bit.
//===----------------------------------------------------------------------===//
#include "frontend/eventprop/cuda/BackwardPhases.h"
#include "frontend/eventprop/cuda/Kernels.h"

namespace axon::eventprop::cuda {

namespace {

constexpr unsigned kFullMask = 0xffffffffu;

/// compactSpikesSequential by warp 0: each lane takes one mask word per
/// round; an exclusive scan of the words' popcounts gives each lane's first
/// list position, so the list is in neuron order as on the host.
__device__ void compactSpikesWarp(const DeviceNetwork &net,
                                  const BatchBuffers &buf,
                                  const SampleState &st, uint32_t b,
                                  uint32_t n, uint32_t lane) {
  uint32_t base = 0;
  for (uint32_t first = 0; first < net.numMaskWords; first += kWarpSize) {
    const uint32_t w = first + lane;
    uint32_t word = 0;
    if (w < net.numMaskWords) {
      word = st.mask[w];
      st.mask[w] = 0;
    }
    const uint32_t count = __popc(word);
    uint32_t inclusive = count;
    for (uint32_t offset = 1; offset < kWarpSize; offset <<= 1) {
      uint32_t other = __shfl_up_sync(kFullMask, inclusive, offset);
      if (lane >= offset)
        inclusive += other;
    }
    uint32_t position = base + inclusive - count;
    while (word) {
      const uint32_t bit = __ffs(word) - 1;
      emitSpike(buf, st, b, position++, w * 32 + bit);
      word &= word - 1;
    }
    base += __shfl_sync(kFullMask, inclusive, kWarpSize - 1);
  }
  if (lane == 0)
    finishCompaction(net, buf, st, b, n, base);
}

__device__ float warpSum(float value) {
  for (uint32_t offset = kWarpSize / 2; offset > 0; offset /= 2)
    value += __shfl_xor_sync(kFullMask, value, offset);
  return value;
}

__global__ void forwardKernel(DeviceNetwork net, BatchBuffers buf) {
  extern __shared__ unsigned long long sharedMemory[];
  const SampleState st =
      carveSampleState(sharedMemory, net.numNeurons, net.numMaskWords);
  const uint32_t b = blockIdx.x, t = threadIdx.x, T = blockDim.x;
  forwardBegin(net, buf, st, b, t, T);
  __syncthreads();
  for (uint32_t n = 0; n < net.numSteps; ++n) {
    forwardScatter(net, buf, st, b, n, t, T);
    __syncthreads();
    forwardUpdate(net, buf, st, b, n, t, T);
    __syncthreads();
    if (t < kWarpSize)
      compactSpikesWarp(net, buf, st, b, n, t);
    __syncthreads();
  }
  forwardUpdate(net, buf, st, b, net.numSteps, t, T);
  __syncthreads();
  forwardEnd(buf, st, b, t);
}

__global__ void backwardKernel(DeviceNetwork net, BatchBuffers buf) {
  extern __shared__ unsigned long long sharedMemory[];
  const SampleState st =
      carveSampleState(sharedMemory, net.numNeurons, net.numMaskWords);
  const uint32_t b = blockIdx.x, t = threadIdx.x, T = blockDim.x;
  const uint32_t warp = t / kWarpSize, lane = t % kWarpSize;
  const uint32_t warps = T / kWarpSize;
  const uint32_t *starts = buf.recordStarts + uint64_t(b) * (net.numSteps + 2);
  backwardBegin(net, buf, st, b, t, T);
  __syncthreads();
  for (uint32_t n = net.numSteps + 1; n-- > 0;) {
    backwardHistory(net, buf, st, b, n, t, T);
    __syncthreads();
    backwardInputs(net, buf, st, b, n, t, T);
    // r is the same for all lanes of a warp: the shuffles see full warps.
    for (uint32_t r = starts[n] + warp; r < starts[n + 1]; r += warps) {
      float feedback =
          warpSum(spikeFeedbackPart(net, buf, st, b, n, r, lane, kWarpSize));
      if (lane == 0)
        applySpikeJump(net, buf, st, b, n, r, feedback);
    }
    __syncthreads();
    backwardForcing(net, buf, st, b, n, t, T);
    __syncthreads();
  }
  backwardEnd(buf, st, b, t);
}

__global__ void reduceKernel(DeviceNetwork net, BatchBuffers buf) {
  const uint64_t stride = uint64_t(gridDim.x) * blockDim.x;
  for (uint64_t q = uint64_t(blockIdx.x) * blockDim.x + threadIdx.x;
       q < net.numSynapses; q += stride)
    reduceSynapse(net, buf, q);
}

template <typename Kernel>
cudaError_t launchPerSample(Kernel kernel, const DeviceNetwork &net,
                            const BatchBuffers &buf, uint32_t threads) {
  const size_t shared = sampleStateBytes(net.numNeurons, net.numMaskWords);
  if (shared > 48 * 1024) {
    cudaError_t err = cudaFuncSetAttribute(
        kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int(shared));
    if (err != cudaSuccess)
      return err;
  }
  kernel<<<buf.numSamples, threads, shared>>>(net, buf);
  return cudaGetLastError();
}

} // namespace

cudaError_t launchForward(const DeviceNetwork &net, const BatchBuffers &buf,
                          uint32_t threads) {
  return launchPerSample(forwardKernel, net, buf, threads);
}

cudaError_t launchBackward(const DeviceNetwork &net, const BatchBuffers &buf,
                           uint32_t threads) {
  return launchPerSample(backwardKernel, net, buf, threads);
}

cudaError_t launchReduceGradients(const DeviceNetwork &net,
                                  const BatchBuffers &buf) {
  if (net.numSynapses == 0)
    return cudaSuccess;
  const uint32_t threads = 256;
  const uint64_t blocks = (net.numSynapses + threads - 1) / threads;
  reduceKernel<<<uint32_t(blocks < 65535 ? blocks : 65535), threads>>>(net,
                                                                       buf);
  return cudaGetLastError();
}

} // namespace axon::eventprop::cuda

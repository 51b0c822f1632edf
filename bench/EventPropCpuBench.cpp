//===- EventPropCpuBench.cpp - SHD-shaped batch on the CPU engine ---------===//
//
// Forward + backward time of one SHD-shaped batch on the time-stepped CPU
// engine: 700 inputs (Poisson, 5 % per step, fixed seed) -> 256 recurrent
// LIF (in->hid and hid->hid with learned delays up to 62 steps) -> 20 LI
// readouts, SumExpWeighted loss, batch 32, 1000 steps of 1 ms; initial
// weights of the delay paper (eventprop.md D): N(0.03, 0.01) in,
// N(0, 0.02) recurrent, N(0, 0.03) out.
//
// Prints seconds per batch for 1 thread and for all hardware threads (the
// best and the median wall clock of the repeats, and process CPU time, the
// steadier figure on a shared machine), synaptic events per second, spikes, and
// the process's peak RSS. Targets on a 2-core machine: <= 0.5 s per batch with
// 2 threads, <= 64 MiB peak.
//
// Built by CMake as axon_bench_eventprop_cpu (`make bench` runs it). By
// hand, linking LLVMSupport statically as the CMake build does (-lLLVM-14
// instead works too but adds ~46 MiB of RSS for the shared library's
// relocations alone):
//   g++ -O3 -march=x86-64-v2 -std=c++20 -I. -isystem /usr/lib/llvm-14/include
//     bench/EventPropCpuBench.cpp frontend/eventprop/*.cpp
//     frontend/eventprop/cpu/*.cpp /usr/lib/llvm-14/lib/libLLVMSupport.a
//     /usr/lib/llvm-14/lib/libLLVMDemangle.a -lz -ltinfo -lfmt -pthread
//   ./a.out [repeats] [generic|vector] [ring-tile-bytes]
// (one command; it also needs ir/Diagnostics.cpp for the engine's errors).
//===----------------------------------------------------------------------===//
#include "bench/BenchNetworks.h"
#include "frontend/eventprop/cpu/CpuEngine.h"
#include "frontend/eventprop/cpu/RowKernels.h"

#include <fmt/format.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace axon::eventprop;

namespace {

/// User + system CPU seconds of the whole process so far: on a shared
/// machine a steadier figure than wall-clock time.
double cpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         1e-6 * (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

double peakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0; // KiB on Linux
}

} // namespace

int main(int argc, char **argv) {
  const int repeats = argc > 1 ? std::atoi(argv[1]) : 3;
  // "generic" measures the portable row loops instead of the processor's
  // vector ones.
  const bool vectorKernels =
      !(argc > 2 && std::strcmp(argv[2], "generic") == 0);
  // Bytes of ring per tile (CpuEngineOptions::ringTileBytes; 0: whole
  // layers); the engine's default when absent.
  const long tileBytes = argc > 3 ? std::atol(argv[3]) : -1;
  NetworkDesc net = bench::shdShapedNetwork();
  std::mt19937_64 rng(12345);
  std::vector<float> params =
      bench::normalParameters(net, {0.03, 0.0, 0.0}, {0.01, 0.02, 0.03}, rng);
  std::vector<Sample> batch = bench::poissonBatch(net, 32, 0.05, rng);
  std::vector<float> grads(params.size());
  size_t inputSpikes = 0;
  for (const Sample &s : batch)
    inputSpikes += s.spikes.size();
  fmt::print("SHD-shaped batch: 700-256r-20, delays <= 62 steps, B = 32, "
             "1000 steps, {:.1f} k input spikes per sample\n",
             inputSpikes / 32.0 / 1000.0);
  fmt::print("peak RSS after building the batch: {:.1f} MiB; row kernels: "
             "{}; ring tiles: {}\n",
             peakRssMiB(),
             vectorKernels ? cpu::bestRowKernels().name
                           : cpu::genericRowKernels().name,
             tileBytes < 0 ? std::string("default")
                           : fmt::format("{} bytes", tileBytes));

  unsigned hardware = std::max(1u, std::thread::hardware_concurrency());
  std::vector<unsigned> threadCounts = {1};
  if (hardware > 1)
    threadCounts.push_back(hardware);
  for (unsigned threads : threadCounts) {
    CpuEngineOptions options;
    options.threads = threads;
    options.vectorKernels = vectorKernels;
    if (tileBytes >= 0)
      options.ringTileBytes = uint32_t(tileBytes);
    CpuEngine engine(options);
    double bestForward = 1e30, bestCpu = 1e30;
    double bestForwardCpu = 1e30;
    std::vector<double> walls; // forward + backward, one per repeat
    BatchResult last;
    for (int r = 0; r < repeats; ++r) {
      double cpuF = cpuSeconds();
      auto t0 = std::chrono::steady_clock::now();
      auto forward = engine.run(net, params, batch, {});
      auto t1 = std::chrono::steady_clock::now();
      double cpu0 = cpuSeconds();
      bestForwardCpu = std::min(bestForwardCpu, cpu0 - cpuF);
      auto result = engine.run(net, params, batch, grads);
      double cpu1 = cpuSeconds();
      auto t2 = std::chrono::steady_clock::now();
      bestCpu = std::min(bestCpu, cpu1 - cpu0);
      if (!forward || !result) {
        fmt::print(
            stderr, "error: {}\n",
            llvm::toString(forward ? result.takeError() : forward.takeError()));
        return 1;
      }
      bestForward =
          std::min(bestForward, std::chrono::duration<double>(t1 - t0).count());
      walls.push_back(std::chrono::duration<double>(t2 - t1).count());
      last = std::move(*result);
    }
    std::sort(walls.begin(), walls.end());
    const double best = walls.front(), median = walls[walls.size() / 2];
    const EngineCounters &c = last.counters;
    double events = double(c.forwardSynapticEvents + c.backwardSynapticEvents);
    fmt::print("{} thread(s): forward+backward {:.3f} s/batch (median {:.3f} "
               "s; CPU {:.3f} s; forward only {:.3f} s, CPU {:.3f} s), {:.0f} "
               "M synaptic events/s, loss {:.4f}\n",
               threads, best, median, bestCpu, bestForward, bestForwardCpu,
               events / best / 1e6, last.loss);
    fmt::print("  events: forward {:.1f} M, backward {:.1f} M; hidden "
               "spikes/sample {:.0f}; clamped slopes {}\n",
               c.forwardSynapticEvents / 1e6, c.backwardSynapticEvents / 1e6,
               double(c.spikes) / batch.size(), c.clampedSlopes);
    fmt::print("  peak RSS so far: {:.1f} MiB\n", peakRssMiB());
  }
  return 0;
}

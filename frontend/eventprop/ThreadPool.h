//===- ThreadPool.h - Fixed threads running one task each -------*- C++ -*-===//
//
// The CPU engine's parallelism: N workers (the calling thread is worker 0)
// all run the same task, each with its own index, and the call returns when
// all have finished. Work distribution (an atomic sample counter) and
// per-worker scratch belong to the caller; the pool only owns threads, which
// are started once and reused for every batch.
//===----------------------------------------------------------------------===//
#pragma once

#include "llvm/ADT/STLFunctionalExtras.h"

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace axon::eventprop {

class ThreadPool {
public:
  /// `threads` workers in all, including the caller; 0 means
  /// std::thread::hardware_concurrency() (at least 1).
  explicit ThreadPool(unsigned threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  unsigned size() const { return Size; }

  /// Runs task(worker) for every worker in [0, size()) concurrently, worker
  /// 0 on the calling thread; returns when all calls have returned. The task
  /// must not throw. Not reentrant: one runOnAll at a time per pool.
  void runOnAll(llvm::function_ref<void(unsigned worker)> task);

private:
  void workerLoop(unsigned worker);

  unsigned Size = 1;
  std::vector<std::thread> Threads;
  std::mutex Mutex;
  std::condition_variable Start;
  std::condition_variable Done;
  llvm::function_ref<void(unsigned)> Task;
  uint64_t Generation = 0; ///< bumped per runOnAll; workers wait for a change
  unsigned Running = 0;    ///< helper threads still inside the current task
  bool Stopping = false;
};

} // namespace axon::eventprop

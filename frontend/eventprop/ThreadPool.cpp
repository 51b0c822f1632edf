//===- ThreadPool.cpp - A fixed set of threads running one task each ------===//
#include "frontend/eventprop/ThreadPool.h"

namespace axon::eventprop {

ThreadPool::ThreadPool(unsigned threads) {
  if (threads == 0)
    threads = std::thread::hardware_concurrency();
  Size = threads == 0 ? 1 : threads;
  Threads.reserve(Size - 1);
  for (unsigned w = 1; w < Size; ++w)
    Threads.emplace_back([this, w] { workerLoop(w); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(Mutex);
    Stopping = true;
  }
  Start.notify_all();
  for (std::thread &t : Threads)
    t.join();
}

void ThreadPool::runOnAll(llvm::function_ref<void(unsigned)> task) {
  if (Size == 1) {
    task(0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(Mutex);
    Task = task;
    Running = Size - 1;
    ++Generation;
  }
  Start.notify_all();
  task(0);
  std::unique_lock<std::mutex> lock(Mutex);
  Done.wait(lock, [&] { return Running == 0; });
}

void ThreadPool::workerLoop(unsigned worker) {
  uint64_t seen = 0;
  for (;;) {
    llvm::function_ref<void(unsigned)> task;
    {
      std::unique_lock<std::mutex> lock(Mutex);
      Start.wait(lock, [&] { return Stopping || Generation != seen; });
      if (Stopping)
        return;
      seen = Generation;
      task = Task;
    }
    task(worker);
    bool last;
    {
      std::lock_guard<std::mutex> lock(Mutex);
      last = --Running == 0;
    }
    if (last)
      Done.notify_one();
  }
}

} // namespace axon::eventprop

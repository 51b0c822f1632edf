//===- CudaTarget.cpp - The CUDA engine's kernels on a GPU ----------------===//
//
// Device memory through the CUDA runtime and the launches of Kernels.cu.
// Every call that can fail returns a diagnostic naming the operation, the
// size where there is one, and the runtime's reason.
//===----------------------------------------------------------------------===//
#include "frontend/eventprop/cuda/ExecutionTarget.h"
#include "frontend/eventprop/cuda/Kernels.h"

#include "ir/Diagnostics.h"

#include <cuda_runtime_api.h>
#include <fmt/format.h>

namespace axon::eventprop::cuda {

namespace {

constexpr const char *kWhere = "cuda engine";

llvm::Error check(cudaError_t err, llvm::StringRef what) {
  if (err == cudaSuccess)
    return llvm::Error::success();
  return makeError(kWhere, "{}: {} ({})", what.str(), cudaGetErrorString(err),
                   cudaGetErrorName(err));
}

class CudaTarget final : public ExecutionTarget {
public:
  CudaTarget(uint32_t threads, int device, std::string name)
      : threads(threads), device(device), name(std::move(name)) {}

  std::string describe() const override {
    return fmt::format("cuda device {} ({}), {} threads per block", device,
                       name, threads);
  }

  llvm::Expected<void *> allocate(uint64_t bytes) override {
    void *memory = nullptr;
    if (bytes == 0)
      return memory;
    if (llvm::Error err =
            check(cudaMalloc(&memory, bytes),
                  fmt::format("allocating {:.1f} MiB of device memory",
                              bytes / 1048576.0)))
      return err;
    return memory;
  }
  void release(void *memory) override {
    if (memory)
      cudaFree(memory);
  }
  llvm::Error copyIn(void *target, const void *host, uint64_t bytes) override {
    if (!bytes)
      return llvm::Error::success();
    return check(cudaMemcpy(target, host, bytes, cudaMemcpyHostToDevice),
                 "copying to the device");
  }
  llvm::Error copyOut(void *host, const void *target, uint64_t bytes) override {
    if (!bytes)
      return llvm::Error::success();
    return check(cudaMemcpy(host, target, bytes, cudaMemcpyDeviceToHost),
                 "copying from the device");
  }

  llvm::Error forward(const DeviceNetwork &net,
                      const BatchBuffers &buf) override {
    if (llvm::Error err =
            check(launchForward(net, buf, threads), "launching the forward pass"))
      return err;
    return check(cudaDeviceSynchronize(), "running the forward pass");
  }
  llvm::Error backward(const DeviceNetwork &net,
                       const BatchBuffers &buf) override {
    if (llvm::Error err = check(launchBackward(net, buf, threads),
                                "launching the backward pass"))
      return err;
    return check(cudaDeviceSynchronize(), "running the backward pass");
  }
  llvm::Error reduceGradients(const DeviceNetwork &net,
                              const BatchBuffers &buf) override {
    if (llvm::Error err = check(launchReduceGradients(net, buf),
                                "launching the gradient reduction"))
      return err;
    return check(cudaDeviceSynchronize(), "reducing the gradients");
  }

private:
  uint32_t threads;
  int device;
  std::string name;
};

} // namespace

bool cudaDeviceAvailable(std::string *why) {
  int count = 0;
  cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess || count == 0) {
    if (why)
      *why = err != cudaSuccess
                 ? fmt::format("no usable CUDA device: {}",
                               cudaGetErrorString(err))
                 : std::string("no CUDA device is present");
    return false;
  }
  return true;
}

llvm::Expected<std::unique_ptr<ExecutionTarget>>
makeCudaTarget(uint32_t threadsPerBlock, int device) {
  std::string why;
  if (!cudaDeviceAvailable(&why))
    return makeError(kWhere, "{}", why);
  if (llvm::Error err = check(cudaSetDevice(device),
                              fmt::format("selecting device {}", device)))
    return err;
  cudaDeviceProp props{};
  if (llvm::Error err = check(cudaGetDeviceProperties(&props, device),
                              "reading the device's properties"))
    return err;
  std::string name =
      fmt::format("{}, sm_{}{}", props.name, props.major, props.minor);
  return std::make_unique<CudaTarget>(threadsPerBlock, device, std::move(name));
}

} // namespace axon::eventprop::cuda

# GPU benchmark of the CUDA EventProp engine (frontend/eventprop/cuda/),
# built only with it; prints a message and exits 0 where no GPU is present.
if(TARGET axon_eventprop_cuda)
  add_executable(axon_bench_eventprop_cuda
    ${CMAKE_CURRENT_LIST_DIR}/EventPropCudaBench.cpp)
  target_link_libraries(axon_bench_eventprop_cuda PRIVATE axon_eventprop_cuda)
endif()

# The Loihi-like emulator's synaptic throughput (bench/LoihiEmulatorBench.cpp).
if(TARGET axon_sim_loihi)
  add_executable(axon_bench_loihi_emulator
    ${CMAKE_CURRENT_LIST_DIR}/LoihiEmulatorBench.cpp)
  target_link_libraries(axon_bench_loihi_emulator PRIVATE axon_sim_loihi)
endif()

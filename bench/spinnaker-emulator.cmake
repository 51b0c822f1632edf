# The SpiNNaker-like emulator's synaptic throughput
# (bench/SpiNNakerEmulatorBench.cpp).
if(TARGET axon_sim_spinnaker)
  add_executable(axon_bench_spinnaker_emulator
    ${CMAKE_CURRENT_LIST_DIR}/SpiNNakerEmulatorBench.cpp)
  target_link_libraries(axon_bench_spinnaker_emulator PRIVATE
    axon_sim_spinnaker axon_spinnaker_format)
endif()

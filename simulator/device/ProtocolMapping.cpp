//===- ProtocolMapping.cpp - Trial structs <-> protocol messages ----------===//
#include "simulator/device/ProtocolMapping.h"

#include "ir/Diagnostics.h"

namespace axon::sim::device {

namespace {

llvm::Expected<Decoding> decodingFromMessage(uint32_t value,
                                             llvm::StringRef location) {
  if (value < static_cast<uint32_t>(Decoding::SpikeCount) ||
      value > static_cast<uint32_t>(Decoding::LinearWeightedVoltage))
    return makeError(location.str(),
                     "decoding {} is not one of the known decodings (1..6)",
                     value);
  return static_cast<Decoding>(value);
}

} // namespace

void toMessage(const TrialInput &input, proto::TrialInput &message) {
  message.Clear();
  message.set_num_steps(input.numSteps);
  message.mutable_step()->Reserve(input.events.size());
  message.mutable_input()->Reserve(input.events.size());
  message.mutable_channel()->Reserve(input.events.size());
  for (const InputEvent &e : input.events) {
    message.add_step(e.step);
    message.add_input(e.input);
    message.add_channel(e.channel);
  }
}

void toMessage(const RunOptions &options, proto::RunOptions &message) {
  message.set_record_readout_voltage(options.recordReadoutVoltage);
}

void toMessage(const TrialResult &result, proto::TrialResult &message) {
  message.Clear();
  for (const PopulationSpikes &pop : result.populations) {
    proto::PopulationSpikes *m = message.add_populations();
    m->set_population(pop.population);
    m->set_size(pop.size);
    m->mutable_step()->Reserve(pop.spikes.size());
    m->mutable_neuron()->Reserve(pop.spikes.size());
    for (const SpikeEvent &s : pop.spikes) {
      m->add_step(s.step);
      m->add_neuron(s.neuron);
    }
  }
  proto::ReadoutTrace *readout = message.mutable_readout();
  readout->set_population(result.readout.population);
  readout->set_decoding(static_cast<uint32_t>(result.readout.decoding));
  readout->set_size(result.readout.size);
  readout->set_state_scale(result.readout.stateScale);
  readout->mutable_voltage()->Add(result.readout.voltage.begin(),
                                  result.readout.voltage.end());
  const DeviceCounters &c = result.counters;
  proto::DeviceCounters *counters = message.mutable_counters();
  for (const CoreCounters &core : c.cores) {
    proto::CoreCounters *m = counters->add_cores();
    m->set_chip(core.chip);
    m->set_core(core.core);
    m->set_cycles(core.cycles);
    m->set_max_step_cycles(core.maxStepCycles);
    m->set_overruns(core.overruns);
    m->set_neuron_updates(core.neuronUpdates);
    m->set_synaptic_events(core.synapticEvents);
    m->set_spikes_sent(core.spikesSent);
    m->set_packets_received(core.packetsReceived);
    m->set_row_fetches(core.rowFetches);
    m->set_overflows(core.overflows);
    m->set_energy_picojoule(core.energyPicojoule);
  }
  counters->set_steps(c.steps);
  counters->set_neuron_updates(c.neuronUpdates);
  counters->set_synaptic_events(c.synapticEvents);
  counters->set_spikes(c.spikes);
  counters->set_overflows(c.overflows);
  counters->set_overruns(c.overruns);
  counters->set_max_step_cycles(c.maxStepCycles);
  counters->set_energy_picojoule(c.energyPicojoule);
}

void toMessage(const DeviceLayout &layout, proto::Layout &message) {
  message.Clear();
  message.set_target(layout.target);
  message.set_family(layout.family);
  message.set_graph(layout.graph);
  message.set_dt_ms(layout.dtMs);
  for (const InputPort &port : layout.inputs) {
    proto::InputPort *m = message.add_inputs();
    m->set_name(port.name);
    m->set_size(port.size);
  }
  message.set_readout(layout.readout);
  message.set_decoding(static_cast<uint32_t>(layout.decoding));
  for (const std::string &name : layout.classNames)
    message.add_class_names(name);
  message.set_num_classes(layout.numClasses);
  message.set_cores(layout.cores);
}

llvm::Expected<TrialInput> fromMessage(const proto::TrialInput &message,
                                       llvm::StringRef location) {
  int n = message.step_size();
  if (message.input_size() != n || message.channel_size() != n)
    return makeError(location.str(),
                     "trial input columns differ in length: {} steps, {} "
                     "inputs, {} channels",
                     n, message.input_size(), message.channel_size());
  TrialInput input;
  input.numSteps = message.num_steps();
  input.events.resize(n);
  for (int e = 0; e < n; ++e)
    input.events[e] = {message.step(e), message.input(e), message.channel(e)};
  return input;
}

RunOptions fromMessage(const proto::RunOptions &message) {
  RunOptions options;
  options.recordReadoutVoltage = message.record_readout_voltage();
  return options;
}

llvm::Expected<TrialResult> fromMessage(const proto::TrialResult &message,
                                        llvm::StringRef location) {
  TrialResult result;
  result.populations.resize(message.populations_size());
  for (int p = 0; p < message.populations_size(); ++p) {
    const proto::PopulationSpikes &m = message.populations(p);
    if (m.step_size() != m.neuron_size())
      return makeError(location.str(),
                       "population '{}': spike columns differ in length: {} "
                       "steps, {} neurons",
                       m.population(), m.step_size(), m.neuron_size());
    PopulationSpikes &pop = result.populations[p];
    pop.population = m.population();
    pop.size = m.size();
    pop.spikes.resize(m.step_size());
    for (int s = 0; s < m.step_size(); ++s)
      pop.spikes[s] = {m.step(s), m.neuron(s)};
  }
  const proto::ReadoutTrace &readout = message.readout();
  llvm::Expected<Decoding> decoding =
      decodingFromMessage(readout.decoding(), location);
  if (!decoding)
    return decoding.takeError();
  result.readout.population = readout.population();
  result.readout.decoding = *decoding;
  result.readout.size = readout.size();
  result.readout.stateScale = readout.state_scale();
  result.readout.voltage.assign(readout.voltage().begin(),
                                readout.voltage().end());

  const proto::DeviceCounters &counters = message.counters();
  DeviceCounters &c = result.counters;
  c.cores.resize(counters.cores_size());
  for (int i = 0; i < counters.cores_size(); ++i) {
    const proto::CoreCounters &m = counters.cores(i);
    CoreCounters &core = c.cores[i];
    core.chip = m.chip();
    core.core = m.core();
    core.cycles = m.cycles();
    core.maxStepCycles = m.max_step_cycles();
    core.overruns = m.overruns();
    core.neuronUpdates = m.neuron_updates();
    core.synapticEvents = m.synaptic_events();
    core.spikesSent = m.spikes_sent();
    core.packetsReceived = m.packets_received();
    core.rowFetches = m.row_fetches();
    core.overflows = m.overflows();
    core.energyPicojoule = m.energy_picojoule();
  }
  c.steps = counters.steps();
  c.neuronUpdates = counters.neuron_updates();
  c.synapticEvents = counters.synaptic_events();
  c.spikes = counters.spikes();
  c.overflows = counters.overflows();
  c.overruns = counters.overruns();
  c.maxStepCycles = counters.max_step_cycles();
  c.energyPicojoule = counters.energy_picojoule();
  return result;
}

llvm::Expected<DeviceLayout> fromMessage(const proto::Layout &message,
                                         llvm::StringRef location) {
  DeviceLayout layout;
  layout.target = message.target();
  layout.family = message.family();
  layout.graph = message.graph();
  layout.dtMs = message.dt_ms();
  for (const proto::InputPort &port : message.inputs())
    layout.inputs.push_back({port.name(), port.size()});
  layout.readout = message.readout();
  // An empty layout (nothing loaded) carries decoding 0; keep the struct's
  // default then rather than refusing it.
  if (message.decoding() != 0 || !message.readout().empty()) {
    llvm::Expected<Decoding> decoding =
        decodingFromMessage(message.decoding(), location);
    if (!decoding)
      return decoding.takeError();
    layout.decoding = *decoding;
  }
  layout.classNames.assign(message.class_names().begin(),
                           message.class_names().end());
  layout.numClasses = message.num_classes();
  layout.cores = message.cores();
  return layout;
}

} // namespace axon::sim::device

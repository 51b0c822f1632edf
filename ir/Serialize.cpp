//===- Serialize.cpp - Graph files: binary, protobuf text, JSON -----------===//
#include "ir/Serialize.h"

#include "ir/AtomicFile.h"
#include "ir/Container.h"
#include "ir/Diagnostics.h"
#include "ir/TextProto.h"
#include "ir/axon.pb.h"

#include "llvm/Support/Path.h"

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>

namespace axon::ir {
namespace pb = axon::ir::proto;

namespace {

const llvm::StringRef kMagic("AXONIR\0\0", 8);

//===----------------------------------------------------------------------===//
// Proto -> Graph
//===----------------------------------------------------------------------===//

template <typename T, typename R> std::vector<T> toVector(const R &field) {
  return std::vector<T>(field.begin(), field.end());
}

template <typename R, typename T>
void fromVector(R *field, const std::vector<T> &v) {
  field->Reserve(v.size());
  for (const T &x : v)
    field->Add(x);
}

Placement placementFromProto(const pb::Placement &p) {
  return {toVector<uint32_t>(p.chip()), toVector<uint32_t>(p.core()),
          toVector<uint32_t>(p.slot())};
}

void placementToProto(const Placement &p, pb::Placement *out) {
  fromVector(out->mutable_chip(), p.chip);
  fromVector(out->mutable_core(), p.core);
  fromVector(out->mutable_slot(), p.slot);
}

llvm::Expected<Graph> graphFromProto(const pb::Graph &in,
                                     llvm::StringRef location) {
  auto fieldError = [&](std::string element, llvm::StringRef field,
                        int value) {
    return makeError(location.str(), "{}: {} = {}: not a known value",
                     element, field, value);
  };
  Graph g;
  g.version = in.version();
  if (g.version > kIRVersion)
    return makeError(location.str(),
                     "graph version {} was written by a newer Axon; this "
                     "build reads versions 1 to {}",
                     g.version, kIRVersion);
  if (g.version == 0)
    return makeError(location.str(),
                     "graph: version = 0: a graph file must state its "
                     "schema version (this build writes {})",
                     kIRVersion);
  g.name = in.name();
  if (in.level() < pb::FLOAT || in.level() > pb::PLACED)
    return fieldError("graph", "level", in.level());
  g.level = static_cast<IRLevel>(in.level());
  g.dtMs = in.dt_ms();
  for (const pb::InputPopulation &i : in.inputs())
    g.inputs.push_back(
        {i.name(), i.size(), placementFromProto(i.placement())});
  for (const pb::Population &p : in.populations()) {
    Population out;
    out.name = p.name();
    out.size = p.size();
    if (p.kind() < pb::LIF || p.kind() > pb::RELAY)
      return fieldError(fmt::format("population '{}'", p.name()), "kind",
                        p.kind());
    out.kind = static_cast<NeuronKind>(p.kind());
    const pb::NeuronParams &n = p.params();
    out.params = {n.tau_mem_ms(), n.tau_syn_ms(),    n.threshold(),
                  n.reset(),      n.refractory_ms(), n.bias()};
    out.bias = toVector<double>(p.bias());
    const pb::FixedPointNeuron &f = p.fixed();
    out.fixed = {f.threshold(),  f.reset(),      f.bias(),
                 f.decay_mem(),  f.decay_syn(),  f.decay_bits(),
                 f.state_bits(), f.state_frac_bits(), f.refractory_steps(),
                 f.state_scale()};
    out.placement = placementFromProto(p.placement());
    g.populations.push_back(std::move(out));
  }
  for (const pb::Projection &p : in.projections()) {
    Projection out;
    out.name = p.name();
    out.source = p.source();
    out.target = p.target();
    if (p.connectivity() < pb::DENSE || p.connectivity() > pb::ONE_TO_ONE)
      return fieldError(fmt::format("projection '{}'", p.name()),
                        "connectivity", p.connectivity());
    out.connectivity = static_cast<Connectivity>(p.connectivity());
    out.pre = toVector<uint32_t>(p.pre());
    out.post = toVector<uint32_t>(p.post());
    out.weights = toVector<float>(p.weights());
    out.delaysMs = toVector<float>(p.delays_ms());
    out.delaySteps = toVector<uint32_t>(p.delay_steps());
    out.weightsInt = toVector<int32_t>(p.weights_int());
    out.quantisation = {p.quantisation().bits(), p.quantisation().scale(),
                        p.quantisation().exponent()};
    g.projections.push_back(std::move(out));
  }
  for (const pb::OutputDecoding &o : in.outputs()) {
    if (o.decoding() < pb::SPIKE_COUNT ||
        o.decoding() > pb::LINEAR_WEIGHTED_VOLTAGE)
      return fieldError(fmt::format("output '{}'", o.population()),
                        "decoding", o.decoding());
    g.outputs.push_back({o.population(),
                         static_cast<Decoding>(o.decoding()),
                         toVector<std::string>(o.class_names())});
  }
  const pb::Provenance &pv = in.provenance();
  g.provenance.producer = pv.producer();
  g.provenance.trainingConfig = pv.training_config();
  g.provenance.dataset = pv.dataset();
  g.provenance.accuracy = pv.accuracy();
  g.provenance.created = pv.created();
  for (const pb::KeyValue &kv : pv.extra())
    g.provenance.extra[kv.key()] = kv.value();
  g.target = {in.target().name(), in.target().description_hash()};
  for (const pb::RoutingEntry &r : in.routes())
    g.routes.push_back({r.chip(), r.core(), r.key(), r.mask(),
                        toVector<uint32_t>(r.destination_cores()),
                        toVector<uint32_t>(r.destination_chips())});
  return g;
}

//===----------------------------------------------------------------------===//
// Graph -> Proto
//===----------------------------------------------------------------------===//

pb::Graph graphToProto(const Graph &g) {
  pb::Graph out;
  out.set_version(g.version);
  out.set_name(g.name);
  out.set_level(static_cast<pb::Level>(g.level));
  out.set_dt_ms(g.dtMs);
  for (const InputPopulation &i : g.inputs) {
    pb::InputPopulation *p = out.add_inputs();
    p->set_name(i.name);
    p->set_size(i.size);
    if (!i.placement.empty())
      placementToProto(i.placement, p->mutable_placement());
  }
  for (const Population &p : g.populations) {
    pb::Population *o = out.add_populations();
    o->set_name(p.name);
    o->set_size(p.size);
    o->set_kind(static_cast<pb::NeuronKind>(p.kind));
    pb::NeuronParams *n = o->mutable_params();
    n->set_tau_mem_ms(p.params.tauMemMs);
    n->set_tau_syn_ms(p.params.tauSynMs);
    n->set_threshold(p.params.threshold);
    n->set_reset(p.params.reset);
    n->set_refractory_ms(p.params.refractoryMs);
    n->set_bias(p.params.bias);
    fromVector(o->mutable_bias(), p.bias);
    if (atLeast(g.level, IRLevel::Quantised)) {
      pb::FixedPointNeuron *f = o->mutable_fixed();
      f->set_threshold(p.fixed.threshold);
      f->set_reset(p.fixed.reset);
      f->set_bias(p.fixed.bias);
      f->set_decay_mem(p.fixed.decayMem);
      f->set_decay_syn(p.fixed.decaySyn);
      f->set_decay_bits(p.fixed.decayBits);
      f->set_state_bits(p.fixed.stateBits);
      f->set_state_frac_bits(p.fixed.stateFracBits);
      f->set_refractory_steps(p.fixed.refractorySteps);
      f->set_state_scale(p.fixed.stateScale);
    }
    if (!p.placement.empty())
      placementToProto(p.placement, o->mutable_placement());
  }
  for (const Projection &p : g.projections) {
    pb::Projection *o = out.add_projections();
    o->set_name(p.name);
    o->set_source(p.source);
    o->set_target(p.target);
    o->set_connectivity(static_cast<pb::Connectivity>(p.connectivity));
    fromVector(o->mutable_pre(), p.pre);
    fromVector(o->mutable_post(), p.post);
    fromVector(o->mutable_weights(), p.weights);
    fromVector(o->mutable_delays_ms(), p.delaysMs);
    fromVector(o->mutable_delay_steps(), p.delaySteps);
    fromVector(o->mutable_weights_int(), p.weightsInt);
    if (p.quantisation.bits != 0) {
      o->mutable_quantisation()->set_bits(p.quantisation.bits);
      o->mutable_quantisation()->set_scale(p.quantisation.scale);
      o->mutable_quantisation()->set_exponent(p.quantisation.exponent);
    }
  }
  for (const OutputDecoding &d : g.outputs) {
    pb::OutputDecoding *o = out.add_outputs();
    o->set_population(d.population);
    o->set_decoding(static_cast<pb::Decoding>(d.decoding));
    for (const std::string &c : d.classNames)
      o->add_class_names(c);
  }
  pb::Provenance *pv = out.mutable_provenance();
  pv->set_producer(g.provenance.producer);
  pv->set_training_config(g.provenance.trainingConfig);
  pv->set_dataset(g.provenance.dataset);
  pv->set_accuracy(g.provenance.accuracy);
  pv->set_created(g.provenance.created);
  for (const auto &[k, v] : g.provenance.extra) {
    pb::KeyValue *kv = pv->add_extra();
    kv->set_key(k);
    kv->set_value(v);
  }
  if (!g.target.name.empty() || !g.target.descriptionHash.empty()) {
    out.mutable_target()->set_name(g.target.name);
    out.mutable_target()->set_description_hash(g.target.descriptionHash);
  }
  for (const RoutingEntry &r : g.routes) {
    pb::RoutingEntry *o = out.add_routes();
    o->set_chip(r.chip);
    o->set_core(r.core);
    o->set_key(r.key);
    o->set_mask(r.mask);
    fromVector(o->mutable_destination_cores(), r.destinationCores);
    fromVector(o->mutable_destination_chips(), r.destinationChips);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Containers
//===----------------------------------------------------------------------===//



llvm::Expected<pb::Graph> parseBinary(llvm::StringRef data,
                                      llvm::StringRef location) {
  llvm::Expected<llvm::StringRef> payload =
      unframeContainer(data, kMagic, "Axon IR file", location);
  if (!payload)
    return payload.takeError();
  pb::Graph g;
  if (!g.ParseFromArray(payload->data(), static_cast<int>(payload->size())))
    return makeError(location.str(), "corrupt: the payload is not a valid "
                                     "graph message");
  return g;
}

} // namespace

llvm::Expected<GraphFormat> formatForPath(llvm::StringRef path) {
  llvm::StringRef ext = llvm::sys::path::extension(path);
  if (ext == ".axon")
    return GraphFormat::Binary;
  if (ext == ".pbtxt" || ext == ".txtpb")
    return GraphFormat::Text;
  if (ext == ".json")
    return GraphFormat::Json;
  return makeError(path.str(),
                   "unknown graph file extension '{}': expected .axon "
                   "(binary), .pbtxt (text) or .json",
                   ext);
}

llvm::Expected<Graph> parseGraph(llvm::StringRef data, GraphFormat format,
                                 llvm::StringRef location) {
  pb::Graph msg;
  switch (format) {
  case GraphFormat::Binary: {
    llvm::Expected<pb::Graph> parsed = parseBinary(data, location);
    if (!parsed)
      return parsed.takeError();
    msg = std::move(*parsed);
    break;
  }
  case GraphFormat::Text:
    if (llvm::Error err =
            parseTextProto(data, msg, "Axon IR graph", location))
      return err;
    break;
  case GraphFormat::Json: {
    if (llvm::StringRef(data).trim().empty())
      return makeError(location.str(), "empty Axon IR graph file");
    google::protobuf::util::JsonParseOptions opts;
    opts.ignore_unknown_fields = false;
    auto status =
        google::protobuf::util::JsonStringToMessage(data.str(), &msg, opts);
    if (!status.ok())
      return makeError(location.str(), "invalid graph JSON: {}",
                       std::string(status.message()));
    break;
  }
  }
  return graphFromProto(msg, location);
}

llvm::Expected<std::string> printGraph(const Graph &g, GraphFormat format) {
  pb::Graph msg = graphToProto(g);
  std::string out;
  switch (format) {
  case GraphFormat::Binary:
    return frameContainer(kMagic, msg.SerializeAsString());
  case GraphFormat::Text:
    if (!google::protobuf::TextFormat::PrintToString(msg, &out))
      return makeError("", "cannot print graph '{}' as text", g.name);
    return out;
  case GraphFormat::Json: {
    google::protobuf::util::JsonPrintOptions opts;
    opts.add_whitespace = true;
    opts.preserve_proto_field_names = true;
    auto status = google::protobuf::util::MessageToJsonString(msg, &out, opts);
    if (!status.ok())
      return makeError("", "cannot print graph '{}' as JSON: {}", g.name,
                       std::string(status.message()));
    return out;
  }
  }
  return out;
}

llvm::Expected<Graph> readGraph(llvm::StringRef path) {
  llvm::Expected<GraphFormat> format = formatForPath(path);
  if (!format)
    return format.takeError();
  llvm::Expected<std::string> data = readWholeFile(path);
  if (!data)
    return data.takeError();
  return parseGraph(*data, *format, path);
}

llvm::Error writeGraph(const Graph &g, llvm::StringRef path) {
  llvm::Expected<GraphFormat> format = formatForPath(path);
  if (!format)
    return format.takeError();
  llvm::Expected<std::string> data = printGraph(g, *format);
  if (!data)
    return data.takeError();
  return writeFileAtomically(path, *data);
}

} // namespace axon::ir

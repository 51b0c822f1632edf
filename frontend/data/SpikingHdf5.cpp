//===- SpikingHdf5.cpp - SHD and SSC from their published HDF5 files ------===//
#include "frontend/data/SpikingHdf5.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <hdf5.h>

#include <algorithm>
#include <cmath>

namespace axon::data {
namespace {

constexpr const char *kDownloadPage = "https://zenkelab.org/datasets/";

/// Owns one HDF5 identifier and closes it with the matching H5?close.
class Hid {
public:
  using Closer = herr_t (*)(hid_t);
  Hid() = default;
  Hid(hid_t id, Closer close) : id(id), close(close) {}
  Hid(const Hid &) = delete;
  Hid &operator=(const Hid &) = delete;
  Hid(Hid &&other) noexcept : id(other.id), close(other.close) {
    other.id = H5I_INVALID_HID;
  }
  Hid &operator=(Hid &&other) noexcept {
    std::swap(id, other.id);
    std::swap(close, other.close);
    return *this;
  }
  ~Hid() {
    if (id >= 0 && close)
      close(id);
  }
  hid_t get() const { return id; }
  bool valid() const { return id >= 0; }

private:
  hid_t id = H5I_INVALID_HID;
  Closer close = nullptr;
};

/// HDF5 prints its error stack to stderr by default. The reader turns
/// failures into llvm::Errors instead, so printing is switched off while a
/// file is read and the caller's setting is put back afterwards. (The
/// setting is the HDF5 library's own process-wide state; we only borrow it.)
class QuietHdf5Errors {
public:
  QuietHdf5Errors() {
    H5Eget_auto2(H5E_DEFAULT, &oldFunc, &oldData);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietHdf5Errors() { H5Eset_auto2(H5E_DEFAULT, oldFunc, oldData); }
  QuietHdf5Errors(const QuietHdf5Errors &) = delete;
  QuietHdf5Errors &operator=(const QuietHdf5Errors &) = delete;

private:
  H5E_auto2_t oldFunc = nullptr;
  void *oldData = nullptr;
};

/// The innermost message on HDF5's error stack (the most specific one), and
/// clears the stack.
std::string hdf5Detail() {
  std::string detail;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t *e, void *out) -> herr_t {
        if (e->desc && *e->desc)
          *static_cast<std::string *>(out) = e->desc;
        return 0;
      },
      &detail);
  H5Eclear2(H5E_DEFAULT);
  return detail.empty() ? "no detail from HDF5" : detail;
}

const char *typeClassName(H5T_class_t c) {
  switch (c) {
  case H5T_INTEGER:
    return "integer";
  case H5T_FLOAT:
    return "float";
  case H5T_STRING:
    return "string";
  case H5T_COMPOUND:
    return "compound";
  case H5T_ENUM:
    return "enum";
  case H5T_VLEN:
    return "variable-length array";
  case H5T_ARRAY:
    return "fixed-size array";
  default:
    return "other";
  }
}

/// Everything known about the file being read, for messages.
struct Reader {
  std::string path;
  SpikingSet set;
  uint32_t numChannels;
  uint32_t numClasses;
  Hid file;

  llvm::StringRef setName() const {
    return set == SpikingSet::SHD ? "SHD" : "SSC";
  }

  /// Opens a 1-D dataset, checking each level of its path exists.
  llvm::Expected<Hid> openDataset(llvm::StringRef name, uint64_t &length) {
    llvm::SmallVector<llvm::StringRef, 4> parts;
    name.split(parts, '/');
    std::string prefix;
    for (llvm::StringRef part : parts) {
      if (!prefix.empty())
        prefix += '/';
      prefix.append(part.data(), part.size());
      htri_t exists = H5Lexists(file.get(), prefix.c_str(), H5P_DEFAULT);
      if (exists <= 0) {
        if (exists < 0)
          hdf5Detail();
        return dataError("{}: dataset '{}' is missing ('{}' not found); the "
                         "published {} files hold 'spikes/times', "
                         "'spikes/units' and 'labels'",
                         path, name.str(), prefix, setName().str());
      }
    }
    {
      Hid object(H5Oopen(file.get(), prefix.c_str(), H5P_DEFAULT), H5Oclose);
      if (!object.valid() || H5Iget_type(object.get()) != H5I_DATASET) {
        hdf5Detail();
        return dataError("{}: '{}' is not a dataset", path, name.str());
      }
    }
    Hid ds(H5Dopen2(file.get(), prefix.c_str(), H5P_DEFAULT), H5Dclose);
    if (!ds.valid())
      return dataError("{}: cannot open dataset '{}': {}", path, name.str(),
                       hdf5Detail());
    Hid space(H5Dget_space(ds.get()), H5Sclose);
    int rank = space.valid() ? H5Sget_simple_extent_ndims(space.get()) : -1;
    if (rank != 1)
      return dataError("{}: dataset '{}' has rank {}; expected 1 (one entry "
                       "per sample)",
                       path, name.str(), rank);
    hsize_t dims[1] = {0};
    H5Sget_simple_extent_dims(space.get(), dims, nullptr);
    length = dims[0];
    return ds;
  }

  /// Checks the element type: `outer` class, and for variable-length
  /// arrays the class of the elements.
  llvm::Error checkType(const Hid &ds, llvm::StringRef name, bool vlen,
                        H5T_class_t element) {
    Hid type(H5Dget_type(ds.get()), H5Tclose);
    H5T_class_t outer = H5Tget_class(type.get());
    H5T_class_t inner = outer;
    if (vlen && outer == H5T_VLEN) {
      Hid super(H5Tget_super(type.get()), H5Tclose);
      inner = H5Tget_class(super.get());
    }
    if ((vlen && outer != H5T_VLEN) || inner != element) {
      std::string found = outer == H5T_VLEN
                              ? fmt::format("variable-length arrays of {}",
                                            typeClassName(inner))
                              : fmt::format("{} values", typeClassName(outer));
      const char *kind = element == H5T_FLOAT ? "float" : "integer";
      std::string expected =
          vlen ? fmt::format("variable-length arrays of {}", kind)
               : fmt::format("{} values", kind);
      return dataError("{}: dataset '{}' holds {}; expected {}", path,
                       name.str(), found, expected);
    }
    return llvm::Error::success();
  }
};

/// hvl_t buffers for one block; HDF5 allocates the arrays inside H5Dread
/// and H5Dvlen_reclaim frees them, also after a failed or partial read
/// (entries HDF5 did not fill stay {0, nullptr}).
class VlenBlock {
public:
  VlenBlock(hid_t memType, hid_t memSpace, size_t count)
      : memType(memType), memSpace(memSpace), buffer(count, hvl_t{0, nullptr}) {
  }
  ~VlenBlock() {
    H5Dvlen_reclaim(memType, memSpace, H5P_DEFAULT, buffer.data());
  }
  VlenBlock(const VlenBlock &) = delete;
  VlenBlock &operator=(const VlenBlock &) = delete;
  hvl_t *data() { return buffer.data(); }
  const hvl_t &operator[](size_t i) const { return buffer[i]; }

private:
  hid_t memType;
  hid_t memSpace;
  std::vector<hvl_t> buffer;
};

llvm::Error checkOptions(llvm::StringRef path, const SpikingHdf5Options &o) {
  if (!std::isfinite(o.maxTimeMs) || o.maxTimeMs <= 0)
    return dataError("{}: option maxTimeMs = {}: must be positive", path.str(),
                     o.maxTimeMs);
  if (!std::isfinite(o.binDtMs) || o.binDtMs < 0)
    return dataError("{}: option binDtMs = {}: must be >= 0 (0: no binning)",
                     path.str(), o.binDtMs);
  if (o.binDtMs > 0 && o.binThreshold == 0)
    return dataError("{}: option binThreshold = 0: a bin needs at least 1 "
                     "event to become a spike",
                     path.str());
  return llvm::Error::success();
}

} // namespace

uint32_t spikingSetChannels(SpikingSet) { return 700; }

uint32_t spikingSetClasses(SpikingSet set) {
  return set == SpikingSet::SHD ? 20 : 35;
}

llvm::StringRef spikingSetName(SpikingSet set) {
  return set == SpikingSet::SHD ? "shd" : "ssc";
}

llvm::Expected<DatasetSplit> readSpikingHdf5(llvm::StringRef pathRef,
                                             SpikingSet set,
                                             const SpikingHdf5Options &options,
                                             llvm::StringRef splitName) {
  std::string path = pathRef.str();
  if (llvm::Error e = checkOptions(pathRef, options))
    return e;
  std::string files = set == SpikingSet::SHD
                          ? "shd_train.h5.gz and shd_test.h5.gz"
                          : "ssc_train.h5.gz, ssc_valid.h5.gz and "
                            "ssc_test.h5.gz";
  llvm::StringRef upper = set == SpikingSet::SHD ? "SHD" : "SSC";
  if (!llvm::sys::fs::exists(path)) {
    if (llvm::sys::fs::exists(path + ".gz"))
      return dataError("{}: file not found, but {}.gz is there: run `gunzip "
                       "{}.gz` first",
                       path, path, path);
    return dataError("{}: file not found; {} is published at {} as {}: "
                     "download them and gunzip each (gunzip {}_*.h5.gz)",
                     path, upper.str(), kDownloadPage, files,
                     spikingSetName(set).str());
  }
  if (llvm::sys::fs::is_directory(path))
    return dataError("{}: is a directory, not an HDF5 file", path);

  QuietHdf5Errors quiet;
  htri_t isHdf5 = H5Fis_hdf5(path.c_str());
  if (isHdf5 <= 0) {
    std::string detail = isHdf5 < 0 ? ": " + hdf5Detail() : "";
    return dataError("{}: not an HDF5 file{} (still gzipped? the downloads "
                     "from {} must be gunzipped)",
                     path, detail, kDownloadPage);
  }

  Reader r{path, set, spikingSetChannels(set), spikingSetClasses(set),
           Hid(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose)};
  if (!r.file.valid())
    return dataError("{}: cannot open the HDF5 file: {}", path, hdf5Detail());

  uint64_t numTimes = 0, numUnits = 0, numLabels = 0;
  llvm::Expected<Hid> times = r.openDataset("spikes/times", numTimes);
  if (!times)
    return times.takeError();
  llvm::Expected<Hid> units = r.openDataset("spikes/units", numUnits);
  if (!units)
    return units.takeError();
  llvm::Expected<Hid> labels = r.openDataset("labels", numLabels);
  if (!labels)
    return labels.takeError();
  if (llvm::Error e = r.checkType(*times, "spikes/times", true, H5T_FLOAT))
    return e;
  if (llvm::Error e = r.checkType(*units, "spikes/units", true, H5T_INTEGER))
    return e;
  if (llvm::Error e = r.checkType(*labels, "labels", false, H5T_INTEGER))
    return e;
  if (numUnits != numTimes)
    return dataError("{}: dataset 'spikes/units' has {} samples but "
                     "'spikes/times' has {}",
                     path, numUnits, numTimes);
  if (numLabels != numTimes)
    return dataError("{}: dataset 'labels' has {} entries but 'spikes/times' "
                     "has {} samples",
                     path, numLabels, numTimes);

  // Labels: small, read whole, converted by HDF5 from whatever integer type
  // the file uses (uint8/uint16/int64).
  std::vector<int64_t> labelValues(numLabels);
  if (numLabels > 0 && H5Dread(labels->get(), H5T_NATIVE_INT64, H5S_ALL,
                               H5S_ALL, H5P_DEFAULT, labelValues.data()) < 0)
    return dataError("{}: cannot read dataset 'labels': {}", path,
                     hdf5Detail());

  uint64_t count = numTimes;
  if (options.maxSamples > 0)
    count = std::min<uint64_t>(count, options.maxSamples);

  DatasetSplit split;
  split.name = splitName.empty() ? path : splitName.str();
  split.numInputs = r.numChannels;
  split.numClasses = r.numClasses;
  split.durationMs = options.maxTimeMs;
  split.samples.reserve(count);

  // Memory types: times as double and units as int64, wide enough that
  // HDF5's conversion neither rounds a time nor clips a negative unit (it
  // would clamp -1 to 0 in an unsigned type and hide the corruption).
  Hid timeType(H5Tvlen_create(H5T_NATIVE_DOUBLE), H5Tclose);
  Hid unitType(H5Tvlen_create(H5T_NATIVE_INT64), H5Tclose);
  Hid timeSpace(H5Dget_space(times->get()), H5Sclose);
  Hid unitSpace(H5Dget_space(units->get()), H5Sclose);
  uint64_t block = options.blockSize ? options.blockSize : 1024;

  for (uint64_t start = 0; start < count; start += block) {
    hsize_t offset[1] = {start};
    hsize_t n[1] = {std::min<uint64_t>(block, count - start)};
    Hid memSpace(H5Screate_simple(1, n, nullptr), H5Sclose);
    VlenBlock timeBlock(timeType.get(), memSpace.get(), n[0]);
    VlenBlock unitBlock(unitType.get(), memSpace.get(), n[0]);
    if (H5Sselect_hyperslab(timeSpace.get(), H5S_SELECT_SET, offset, nullptr, n,
                            nullptr) < 0 ||
        H5Dread(times->get(), timeType.get(), memSpace.get(), timeSpace.get(),
                H5P_DEFAULT, timeBlock.data()) < 0)
      return dataError("{}: cannot read dataset 'spikes/times' samples "
                       "[{}, {}): {}",
                       path, start, start + n[0], hdf5Detail());
    if (H5Sselect_hyperslab(unitSpace.get(), H5S_SELECT_SET, offset, nullptr, n,
                            nullptr) < 0 ||
        H5Dread(units->get(), unitType.get(), memSpace.get(), unitSpace.get(),
                H5P_DEFAULT, unitBlock.data()) < 0)
      return dataError("{}: cannot read dataset 'spikes/units' samples "
                       "[{}, {}): {}",
                       path, start, start + n[0], hdf5Detail());

    for (uint64_t j = 0; j < n[0]; ++j) {
      uint64_t i = start + j;
      const hvl_t &tv = timeBlock[j];
      const hvl_t &uv = unitBlock[j];
      if (tv.len != uv.len)
        return dataError("{}: sample {}: 'spikes/times' holds {} events but "
                         "'spikes/units' holds {}",
                         path, i, tv.len, uv.len);
      int64_t label = labelValues[i];
      if (label < 0 || label >= int64_t(r.numClasses))
        return dataError("{}: dataset 'labels' sample {}: label {} is outside "
                         "[0, {}), the {} classes of {}",
                         path, i, label, r.numClasses, r.numClasses,
                         upper.str());
      const auto *t = static_cast<const double *>(tv.p);
      const auto *u = static_cast<const int64_t *>(uv.p);
      Sample sample;
      sample.label = static_cast<int32_t>(label);
      sample.spikes.reserve(tv.len);
      for (size_t k = 0; k < tv.len; ++k) {
        if (!std::isfinite(t[k]) || t[k] < 0)
          return dataError("{}: dataset 'spikes/times' sample {} event {}: "
                           "time {} s is not a finite, non-negative number",
                           path, i, k, t[k]);
        if (u[k] < 0 || u[k] >= int64_t(r.numChannels))
          return dataError("{}: dataset 'spikes/units' sample {} event {}: "
                           "unit {} is outside [0, {}), the {} channels of {}",
                           path, i, k, u[k], r.numChannels, r.numChannels,
                           upper.str());
        // Seconds to ms. The cut is applied to the float that is stored,
        // so no kept time can round up onto the trial end.
        auto ms = static_cast<float>(t[k] * 1000.0);
        if (double(ms) >= options.maxTimeMs)
          continue;
        sample.spikes.push_back({ms, static_cast<uint32_t>(u[k])});
      }
      sortSpikes(sample);
      if (options.binDtMs > 0)
        binSpikes(sample, options.binDtMs, options.binThreshold);
      split.samples.push_back(std::move(sample));
    }
  }
  return split;
}

llvm::Expected<DatasetSplit> loadSpikingSet(SpikingSet set,
                                            llvm::StringRef folder,
                                            llvm::StringRef split,
                                            const SpikingHdf5Options &options) {
  bool known = split == "train" || split == "test" ||
               (set == SpikingSet::SSC && split == "valid");
  if (!known)
    return dataError("{}: split '{}' does not exist; {} has {}", folder.str(),
                     split.str(), set == SpikingSet::SHD ? "SHD" : "SSC",
                     set == SpikingSet::SHD ? "'train' and 'test'"
                                            : "'train', 'valid' and 'test'");
  llvm::SmallString<256> path(folder);
  llvm::sys::path::append(
      path, fmt::format("{}_{}.h5", spikingSetName(set).str(), split.str()));
  return readSpikingHdf5(
      path, set, options,
      fmt::format("{}/{}", spikingSetName(set).str(), split.str()));
}

} // namespace axon::data

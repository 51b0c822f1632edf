//===- SpikingHdf5Test.cpp - SHD/SSC files in the published layout -------===//
//
// Each test writes a small HDF5 file with the layout of the published
// shd_*.h5 / ssc_*.h5 files (variable-length spikes/times and spikes/units,
// labels, extra/...) through the HDF5 C API, then reads it back.
//===----------------------------------------------------------------------===//
#include "frontend/data/SpikingHdf5.h"
#include "support/Errors.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <catch2/catch.hpp>
#include <hdf5.h>

#include <cmath>
#include <fstream>
#include <limits>

using namespace axon::data;
using axon::test::errorText;

namespace {

enum class TimeType { F16, F32, I32 };

struct FileSpec {
  std::vector<std::vector<double>> times; ///< seconds
  std::vector<std::vector<int64_t>> units;
  std::vector<int64_t> labels;
  TimeType timeType = TimeType::F32;
  hid_t unitType = H5T_STD_U16LE; ///< H5T_STD_I32LE to store negatives
  hid_t labelType = H5T_STD_U16LE;
  bool writeTimes = true, writeUnits = true, writeLabels = true;
};

/// Three SHD-like samples; sample 0 has an event after 1 s.
FileSpec validSpec() {
  FileSpec spec;
  spec.times = {{0.0015, 0.0005, 1.2}, {0.25}, {0.010, 0.0102, 0.0107}};
  spec.units = {{3, 699, 5}, {0}, {5, 5, 6}};
  spec.labels = {0, 19, 7};
  return spec;
}

/// A 16-bit IEEE float type, as the published files use for times (h5py's
/// float16: 1 sign, 5 exponent, 10 mantissa bits, bias 15).
hid_t makeFloat16() {
  hid_t t = H5Tcopy(H5T_IEEE_F32LE);
  H5Tset_fields(t, 15, 10, 5, 0, 10);
  H5Tset_size(t, 2);
  H5Tset_ebias(t, 15);
  return t;
}

void writeVlen(hid_t file, const char *name, hid_t fileBase, hid_t memBase,
               std::vector<hvl_t> &rows) {
  hsize_t dims[1] = {rows.size()};
  hid_t space = H5Screate_simple(1, dims, nullptr);
  hid_t fileType = H5Tvlen_create(fileBase);
  hid_t memType = H5Tvlen_create(memBase);
  hid_t ds = H5Dcreate2(file, name, fileType, space, H5P_DEFAULT, H5P_DEFAULT,
                        H5P_DEFAULT);
  REQUIRE(ds >= 0);
  REQUIRE(H5Dwrite(ds, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()) >=
          0);
  H5Dclose(ds);
  H5Tclose(memType);
  H5Tclose(fileType);
  H5Sclose(space);
}

void writeFile(const std::string &path, const FileSpec &spec) {
  hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  REQUIRE(file >= 0);
  if (spec.writeTimes || spec.writeUnits)
    H5Gclose(H5Gcreate2(file, "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));

  std::vector<std::vector<double>> times = spec.times;
  std::vector<std::vector<int64_t>> units = spec.units;
  if (spec.writeTimes) {
    std::vector<std::vector<int32_t>> asInt;
    for (const auto &row : times)
      asInt.emplace_back(row.begin(), row.end());
    std::vector<hvl_t> rows;
    for (size_t i = 0; i < times.size(); ++i) {
      if (spec.timeType == TimeType::I32)
        rows.push_back({asInt[i].size(), asInt[i].data()});
      else
        rows.push_back({times[i].size(), times[i].data()});
    }
    if (spec.timeType == TimeType::I32) {
      writeVlen(file, "spikes/times", H5T_STD_I32LE, H5T_NATIVE_INT32, rows);
    } else {
      hid_t f16 = makeFloat16();
      writeVlen(file, "spikes/times",
                spec.timeType == TimeType::F16 ? f16 : H5T_IEEE_F32LE,
                H5T_NATIVE_DOUBLE, rows);
      H5Tclose(f16);
    }
  }
  if (spec.writeUnits) {
    std::vector<hvl_t> rows;
    for (auto &row : units)
      rows.push_back({row.size(), row.data()});
    writeVlen(file, "spikes/units", spec.unitType, H5T_NATIVE_INT64, rows);
  }
  if (spec.writeLabels) {
    hsize_t dims[1] = {spec.labels.size()};
    hid_t space = H5Screate_simple(1, dims, nullptr);
    hid_t ds = H5Dcreate2(file, "labels", spec.labelType, space, H5P_DEFAULT,
                          H5P_DEFAULT, H5P_DEFAULT);
    REQUIRE(H5Dwrite(ds, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                     spec.labels.data()) >= 0);
    H5Dclose(ds);
    H5Sclose(space);
  }
  // extra/speaker, as in the published files; the reader ignores it.
  hid_t extra =
      H5Gcreate2(file, "extra", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hsize_t dims[1] = {spec.labels.size()};
  hid_t space = H5Screate_simple(1, dims, nullptr);
  hid_t ds = H5Dcreate2(extra, "speaker", H5T_STD_U16LE, space, H5P_DEFAULT,
                        H5P_DEFAULT, H5P_DEFAULT);
  std::vector<uint16_t> speakers(spec.labels.size(), 4);
  H5Dwrite(ds, H5T_NATIVE_UINT16, H5S_ALL, H5S_ALL, H5P_DEFAULT,
           speakers.data());
  H5Dclose(ds);
  H5Sclose(space);
  H5Gclose(extra);
  H5Fclose(file);
}

/// A fresh directory per test, removed afterwards.
struct TempDir {
  TempDir() {
    llvm::SmallString<128> dir;
    REQUIRE(!llvm::sys::fs::createUniqueDirectory("axon-data-test", dir));
    path = std::string(dir);
  }
  ~TempDir() { llvm::sys::fs::remove_directories(path); }
  std::string file(llvm::StringRef name) const {
    llvm::SmallString<128> p(path);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
  std::string path;
};

std::string readError(const std::string &path, SpikingSet set = SpikingSet::SHD,
                      SpikingHdf5Options options = {}) {
  return errorText(readSpikingHdf5(path, set, options).takeError());
}

} // namespace

TEST_CASE("SHD files are read in ms, sorted, cut at 1 s", "[data][hdf5]") {
  TempDir dir;
  writeFile(dir.file("shd_train.h5"), validSpec());
  auto split = loadSpikingSet(SpikingSet::SHD, dir.path, "train");
  REQUIRE(errorText(split) == "");
  CHECK(split->name == "shd/train");
  CHECK(split->numInputs == 700);
  CHECK(split->numClasses == 20);
  CHECK(split->durationMs == 1000.0);
  CHECK(errorText(checkSplit(*split)) == "");
  REQUIRE(split->samples.size() == 3);

  const Sample &s0 = split->samples[0];
  CHECK(s0.label == 0);
  REQUIRE(s0.spikes.size() == 2); // 1.2 s is dropped
  CHECK(s0.spikes[0].time == Approx(0.5));
  CHECK(s0.spikes[0].channel == 699);
  CHECK(s0.spikes[1].time == Approx(1.5));
  CHECK(s0.spikes[1].channel == 3);

  CHECK(split->samples[1].label == 19);
  REQUIRE(split->samples[1].spikes.size() == 1);
  CHECK(split->samples[1].spikes[0].time == Approx(250.0));
  CHECK(split->samples[2].spikes.size() == 3);
}

TEST_CASE("16-bit float times, as published, are read", "[data][hdf5]") {
  TempDir dir;
  FileSpec spec = validSpec();
  spec.timeType = TimeType::F16;
  spec.times = {{0.5, 0.25}, {0.125}, {0.75}}; // exact in float16
  spec.units = {{1, 2}, {3}, {4}};
  spec.labelType = H5T_STD_U8LE;
  writeFile(dir.file("f16.h5"), spec);
  auto split = readSpikingHdf5(dir.file("f16.h5"), SpikingSet::SHD, {});
  REQUIRE(errorText(split) == "");
  REQUIRE(split->samples[0].spikes.size() == 2);
  CHECK(split->samples[0].spikes[0].time == 250.0f);
  CHECK(split->samples[0].spikes[0].channel == 2);
  CHECK(split->samples[0].spikes[1].time == 500.0f);
  CHECK(split->samples[1].spikes[0].time == 125.0f);
  CHECK(split->samples[2].spikes[0].time == 750.0f);
}

TEST_CASE("reading can bin to one spike per channel and step and stop early",
          "[data][hdf5]") {
  TempDir dir;
  writeFile(dir.file("shd_test.h5"), validSpec());
  SpikingHdf5Options options;
  options.binDtMs = 1.0;
  auto split = loadSpikingSet(SpikingSet::SHD, dir.path, "test", options);
  REQUIRE(errorText(split) == "");
  // Sample 2: channel 5 at 10.0 and 10.2 ms -> one spike at 10 ms; channel 6
  // at 10.7 ms -> 10 ms.
  const Sample &s2 = split->samples[2];
  REQUIRE(s2.spikes.size() == 2);
  CHECK(s2.spikes[0].time == 10.0f);
  CHECK(s2.spikes[0].channel == 5);
  CHECK(s2.spikes[1].time == 10.0f);
  CHECK(s2.spikes[1].channel == 6);

  options.binThreshold = 2;
  options.maxSamples = 2;
  options.maxTimeMs = 500;
  auto limited =
      readSpikingHdf5(dir.file("shd_test.h5"), SpikingSet::SHD, options);
  REQUIRE(errorText(limited) == "");
  CHECK(limited->samples.size() == 2);
  CHECK(limited->durationMs == 500.0);
  CHECK(limited->samples[0].spikes.empty()); // single events per bin
}

TEST_CASE("SSC has 35 classes and a validation split", "[data][hdf5]") {
  TempDir dir;
  FileSpec spec = validSpec();
  spec.labels = {34, 0, 20};
  writeFile(dir.file("ssc_valid.h5"), spec);
  auto split = loadSpikingSet(SpikingSet::SSC, dir.path, "valid");
  REQUIRE(errorText(split) == "");
  CHECK(split->name == "ssc/valid");
  CHECK(split->numClasses == 35);
  CHECK(split->samples[0].label == 34);

  spec.labels = {35, 0, 20};
  writeFile(dir.file("ssc_test.h5"), spec);
  CHECK(errorText(
            loadSpikingSet(SpikingSet::SSC, dir.path, "test").takeError()) ==
        dir.file("ssc_test.h5") +
            ": dataset 'labels' sample 0: label 35 is outside [0, 35), the 35 "
            "classes of SSC");
  CHECK(errorText(
            loadSpikingSet(SpikingSet::SHD, dir.path, "valid").takeError()) ==
        dir.path + ": split 'valid' does not exist; SHD has 'train' and "
                   "'test'");
}

TEST_CASE("a missing file says where to download it", "[data][hdf5]") {
  TempDir dir;
  std::string path = dir.file("shd_train.h5");
  std::string message = readError(path);
  CHECK_THAT(message, Catch::StartsWith(path + ": file not found"));
  CHECK_THAT(message, Catch::Contains("https://zenkelab.org/datasets/"));
  CHECK_THAT(message, Catch::Contains("shd_train.h5.gz"));
  CHECK_THAT(message, Catch::Contains("gunzip"));
  CHECK_THAT(readError(path, SpikingSet::SSC),
             Catch::Contains("ssc_valid.h5.gz"));

  std::ofstream(path + ".gz") << "compressed";
  CHECK(readError(path) == path + ": file not found, but " + path +
                               ".gz is there: run `gunzip " + path +
                               ".gz` first");
}

TEST_CASE("a file that is not HDF5 is named as such", "[data][hdf5]") {
  TempDir dir;
  std::string path = dir.file("shd_train.h5");
  std::ofstream(path) << "this is not an HDF5 file\n";
  CHECK(readError(path) ==
        path + ": not an HDF5 file (still gzipped? the downloads from "
               "https://zenkelab.org/datasets/ must be gunzipped)");
}

TEST_CASE("a missing dataset is named", "[data][hdf5]") {
  TempDir dir;
  std::string path = dir.file("x.h5");
  const char *tail = "; the published SHD files hold 'spikes/times', "
                     "'spikes/units' and 'labels'";

  FileSpec noTimes = validSpec();
  noTimes.writeTimes = false;
  writeFile(path, noTimes);
  CHECK(readError(path) == path +
                               ": dataset 'spikes/times' is missing "
                               "('spikes/times' not found)" +
                               tail);

  FileSpec noSpikes = validSpec();
  noSpikes.writeTimes = noSpikes.writeUnits = false;
  writeFile(path, noSpikes);
  CHECK(readError(path) == path +
                               ": dataset 'spikes/times' is missing "
                               "('spikes' not found)" +
                               tail);

  FileSpec noUnits = validSpec();
  noUnits.writeUnits = false;
  writeFile(path, noUnits);
  CHECK(readError(path) == path +
                               ": dataset 'spikes/units' is missing "
                               "('spikes/units' not found)" +
                               tail);

  FileSpec noLabels = validSpec();
  noLabels.writeLabels = false;
  writeFile(path, noLabels);
  CHECK(readError(path) ==
        path + ": dataset 'labels' is missing ('labels' not found)" + tail);
}

TEST_CASE("a dataset of the wrong type is named", "[data][hdf5]") {
  TempDir dir;
  std::string path = dir.file("x.h5");
  FileSpec intTimes = validSpec();
  intTimes.timeType = TimeType::I32;
  writeFile(path, intTimes);
  CHECK(readError(path) ==
        path + ": dataset 'spikes/times' holds variable-length arrays of "
               "integer; expected variable-length arrays of float");

  FileSpec floatLabels = validSpec();
  floatLabels.labelType = H5T_IEEE_F32LE;
  writeFile(path, floatLabels);
  CHECK(readError(path) == path + ": dataset 'labels' holds float values; "
                                  "expected integer values");
}

TEST_CASE("mismatched lengths name the sample or the datasets",
          "[data][hdf5]") {
  TempDir dir;
  std::string path = dir.file("x.h5");

  FileSpec perSample = validSpec();
  perSample.units[1] = {0, 1};
  writeFile(path, perSample);
  CHECK(readError(path) == path + ": sample 1: 'spikes/times' holds 1 events "
                                  "but 'spikes/units' holds 2");

  FileSpec fewerUnits = validSpec();
  fewerUnits.units.pop_back();
  writeFile(path, fewerUnits);
  CHECK(readError(path) == path + ": dataset 'spikes/units' has 2 samples but "
                                  "'spikes/times' has 3");

  FileSpec fewerLabels = validSpec();
  fewerLabels.labels.pop_back();
  writeFile(path, fewerLabels);
  CHECK(readError(path) == path + ": dataset 'labels' has 2 entries but "
                                  "'spikes/times' has 3 samples");
}

TEST_CASE("bad units, times and labels name the sample, event and value",
          "[data][hdf5]") {
  TempDir dir;
  std::string path = dir.file("x.h5");

  FileSpec bigUnit = validSpec();
  bigUnit.units[2][1] = 700;
  writeFile(path, bigUnit);
  CHECK(readError(path) ==
        path + ": dataset 'spikes/units' sample 2 event 1: unit 700 is outside "
               "[0, 700), the 700 channels of SHD");

  FileSpec negativeUnit = validSpec();
  negativeUnit.unitType = H5T_STD_I32LE;
  negativeUnit.units[1][0] = -1;
  writeFile(path, negativeUnit);
  CHECK(readError(path) ==
        path + ": dataset 'spikes/units' sample 1 event 0: unit -1 is outside "
               "[0, 700), the 700 channels of SHD");

  FileSpec nanTime = validSpec();
  nanTime.times[2][2] = std::numeric_limits<double>::quiet_NaN();
  writeFile(path, nanTime);
  CHECK(readError(path) ==
        path + ": dataset 'spikes/times' sample 2 event 2: time nan s is not "
               "a finite, non-negative number");

  FileSpec negativeTime = validSpec();
  negativeTime.times[0][1] = -0.5;
  writeFile(path, negativeTime);
  CHECK(readError(path) ==
        path + ": dataset 'spikes/times' sample 0 event 1: time -0.5 s is not "
               "a finite, non-negative number");

  FileSpec badLabel = validSpec();
  badLabel.labels[1] = 20;
  writeFile(path, badLabel);
  CHECK(readError(path) == path + ": dataset 'labels' sample 1: label 20 is "
                                  "outside [0, 20), the 20 classes of SHD");
}

TEST_CASE("an error in a late block returns no samples at all",
          "[data][hdf5]") {
  TempDir dir;
  std::string path = dir.file("x.h5");
  FileSpec spec = validSpec();
  spec.units[2][0] = 900;
  writeFile(path, spec);
  SpikingHdf5Options options;
  options.blockSize = 1; // samples 0 and 1 are read and converted first
  auto split = readSpikingHdf5(path, SpikingSet::SHD, options);
  CHECK_FALSE(bool(split));
  CHECK_THAT(errorText(split), Catch::Contains("sample 2 event 0: unit 900"));
}

TEST_CASE("bad reader options are errors", "[data][hdf5]") {
  SpikingHdf5Options options;
  options.binDtMs = -1;
  CHECK(readError("any.h5", SpikingSet::SHD, options) ==
        "any.h5: option binDtMs = -1: must be >= 0 (0: no binning)");
  options = {};
  options.maxTimeMs = 0;
  CHECK(readError("any.h5", SpikingSet::SHD, options) ==
        "any.h5: option maxTimeMs = 0: must be positive");
}

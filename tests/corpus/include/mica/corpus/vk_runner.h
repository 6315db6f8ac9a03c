// Runs corpus cases on any Vulkan ICD through the system loader. Choose the ICD with VK_DRIVER_FILES /
// VK_ICD_FILENAMES (the loader's own mechanism) and, when several devices remain, with
// RunnerOptions::device_name (substring of deviceName or driverName) or device_index.
#pragma once

#include "mica/corpus/corpus.h"

#include <memory>
#include <string>
#include <vector>

namespace mica::corpus::vk {

struct RunnerOptions {
  std::string device_name;  // substring of VkPhysicalDeviceProperties::deviceName or the driver name
  int device_index = -1;    // index into vkEnumeratePhysicalDevices; -1 = first match
  // Enable VK_LAYER_KHRONOS_validation and fail any case during which it reports an error.
  bool validation = false;
  // Also fail on validation warnings.
  bool fail_on_warnings = false;
  // Treat these features as unsupported (exercise the skip path, or emulate a smaller device).
  Features disabled_features = feature_none;
  // Environment overrides, applied by options_from_env(): MICA_CORPUS_DEVICE (name substring or a
  // decimal index), MICA_CORPUS_VALIDATION=1, MICA_CORPUS_DISABLE=int64,float16,...
};
RunnerOptions options_from_env();

enum class Status { pass, fail, skip };
const char* status_name(Status s);

struct Timings {
  double setup_ms = 0;     // module, pipeline, buffers, descriptor sets
  double dispatch_ms = 0;  // submit to fence signalled
  double check_ms = 0;     // readback and host reference
  double total_ms = 0;
};

struct RunResult {
  Status status = Status::fail;
  std::string message;  // failure or skip reason; empty on pass
  Timings timings;
  std::vector<Bytes> final;  // buffer contents after the dispatch (empty when it did not run)
};

struct DeviceDescription {
  std::string name;
  std::string driver_name;
  std::uint32_t api_version = 0;
  std::uint32_t subgroup_size = 0;
  Features features = feature_none;  // the corpus features the device supports
  bool validation = false;           // whether the validation layer is active
};

// Owns one instance + device; reuse it for many cases.
class Runner {
 public:
  // Throws std::runtime_error when no instance/device can be created (no ICD, no matching device,
  // validation requested but the layer is missing).
  explicit Runner(const RunnerOptions& options);
  ~Runner();
  Runner(const Runner&) = delete;
  Runner& operator=(const Runner&) = delete;

  const DeviceDescription& device() const;
  // Skips (Status::skip, reason naming the features) when the device lacks a required feature.
  RunResult run(const Case& c);
  // Every validation message so far (errors and warnings), for diagnostics.
  std::vector<std::string> validation_messages() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// One-shot convenience: a fresh Runner for one case.
RunResult run_case(const Case& c, const RunnerOptions& options = options_from_env());

}  // namespace mica::corpus::vk

// The in-memory cache of compile(): a second clBuildProgram of the same source with the same
// options, headers and device features returns the stored module without running clang.
//
// Correctness rests on the key holding everything the compile reads: the source and its name,
// the options string, the in-memory headers, the device's extensions/features, and (checked on
// every hit) the contents of each real file the preprocessor read. Builds with -I directories are
// not cached: a header added to an earlier directory could shadow the one read before, which a
// list of files read cannot notice. Failed builds are not cached.
#include <fstream>
#include <list>
#include <mutex>
#include <sstream>
#include <unordered_map>

#include "clc_internal.h"
#include "mica/clc/clc.h"

namespace mica::clc {

namespace {

constexpr size_t kCapacityBytes = 64u << 20;

struct FileStamp {
  std::string path;
  size_t size;
  size_t hash;
};

struct Entry {
  std::vector<uint32_t> spirv;
  std::string log;
  std::vector<FileStamp> files;
  size_t bytes;
};

bool read_whole(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

class Cache {
 public:
  bool find(const std::string& key, CompileResult* out) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(key);
    if (it == map_.end()) {
      ++stats_.misses;
      return false;
    }
    for (const FileStamp& f : it->second->second.files) {
      std::string text;
      if (!read_whole(f.path, &text) || text.size() != f.size || std::hash<std::string>{}(text) != f.hash) {
        ++stats_.stale;
        ++stats_.misses;
        drop(it);
        return false;
      }
    }
    lru_.splice(lru_.begin(), lru_, it->second);  // most recently used first
    ++stats_.hits;
    out->status = Status::Success;
    out->spirv = it->second->second.spirv;
    out->log = it->second->second.log;
    return true;
  }

  void insert(const std::string& key, const CompileResult& r, const std::vector<std::string>& files) {
    Entry e{r.spirv, r.log, {}, key.size() + r.spirv.size() * 4 + r.log.size()};
    for (const std::string& path : files) {
      std::string text;
      if (!read_whole(path, &text)) return;  // vanished already: do not cache what cannot be checked
      e.files.push_back({path, text.size(), std::hash<std::string>{}(text)});
      e.bytes += path.size();
    }
    if (e.bytes > kCapacityBytes / 4) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = map_.find(key); it != map_.end()) drop(it);
    lru_.emplace_front(key, std::move(e));
    map_[key] = lru_.begin();
    bytes_ += lru_.front().second.bytes;
    while (bytes_ > kCapacityBytes && !lru_.empty()) drop(map_.find(lru_.back().first));
    stats_.entries = map_.size();
    stats_.bytes = bytes_;
  }

  CacheStats stats() {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
  }

  void clear() {
    std::lock_guard<std::mutex> lock(mu_);
    map_.clear();
    lru_.clear();
    bytes_ = 0;
    stats_ = {};
  }

 private:
  using List = std::list<std::pair<std::string, Entry>>;
  void drop(std::unordered_map<std::string, List::iterator>::iterator it) {
    bytes_ -= it->second->second.bytes;
    lru_.erase(it->second);
    map_.erase(it);
    stats_.entries = map_.size();
    stats_.bytes = bytes_;
  }

  std::mutex mu_;
  List lru_;
  std::unordered_map<std::string, List::iterator> map_;
  size_t bytes_ = 0;
  CacheStats stats_;
};

Cache& cache() {
  static Cache* c = new Cache;  // never destroyed: compiles may run while the process exits
  return *c;
}

void put_field(std::string* key, const std::string& s) {
  *key += std::to_string(s.size());
  *key += ':';
  *key += s;
}

}  // namespace

std::string cache_key(const CompileRequest& req) {
  std::string key = "mica-clc-1";
  put_field(&key, req.source_name);
  put_field(&key, req.source);
  put_field(&key, req.options);
  key += 'H' + std::to_string(req.headers.size());
  for (const Header& h : req.headers) put_field(&key, h.name), put_field(&key, h.source);
  key += 'E' + std::to_string(req.device.extensions.size());
  for (const auto& e : req.device.extensions) put_field(&key, e);
  key += 'F' + std::to_string(req.device.features.size());
  for (const auto& f : req.device.features) put_field(&key, f);
  key += 'V' + std::to_string(req.device.max_cl_c_version) + '/' + std::to_string(req.device.opencl_version) +
         (req.device.image_support ? "I" : "i");
  return key;
}

bool cache_find(const std::string& key, CompileResult* out) { return cache().find(key, out); }

void cache_insert(const std::string& key, const CompileResult& r, const std::vector<std::string>& files) {
  cache().insert(key, r, files);
}

CacheStats cache_stats() { return cache().stats(); }

void cache_clear() { cache().clear(); }

}  // namespace mica::clc

// The on-disk program cache (see disk_cache.h for the rules).
#include "mica/device/disk_cache.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

namespace mica::device::disk_cache {
namespace {

constexpr const char* kSuffix = ".mbin";

// Recency is the file's modification time, set explicitly to the current time on every write and
// read: the kernel stamps files with a coarse clock (a tick), so two entries written in a row
// would otherwise tie.
void mark_used(const std::string& path) {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  const timespec times[2] = {now, now};
  ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

struct Entry {
  std::filesystem::path path;
  std::filesystem::file_time_type used;
  uint64_t bytes;
};

// Scans the directory: its entries' total, and the oldest ones removed (never 'keep') until the
// total is at most max_bytes. *total gets what is left.
size_t scan_and_evict(const std::string& dir, const std::string& keep, uint64_t max_bytes, uint64_t* total_out) {
  std::vector<Entry> entries;
  uint64_t total = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto& p = it->path();
    if (p.extension() != kSuffix) continue;
    std::error_code e1, e2;
    const auto size = it->file_size(e1);
    const auto time = it->last_write_time(e2);
    if (e1 || e2) continue;  // removed by another process meanwhile
    entries.push_back({p, time, size});
    total += size;
  }
  *total_out = total;
  if (total <= max_bytes) return 0;
  // Oldest first; ties broken by name so every process evicts in the same order.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.used != b.used ? a.used < b.used : a.path < b.path;
  });
  size_t evicted = 0;
  for (const auto& e : entries) {
    if (total <= max_bytes) break;
    if (e.path.filename() == keep) continue;
    std::error_code e1;
    if (std::filesystem::remove(e.path, e1)) ++evicted;
    total -= e.bytes;  // gone either way: removed here or by another process
  }
  *total_out = total;
  return evicted;
}

// The directory's total is kept in kIndex (one native-endian uint64) by the writers, under an
// exclusive flock of that file, so a write costs no directory scan: a scan happens only when the
// index is new (or unreadable) and when the total passes the bound. Entries removed by hand make
// the total too large, which only brings the next scan (and its exact total) forward.
constexpr const char* kIndex = "index";

size_t account_and_evict(const std::string& dir, const std::string& keep, int64_t added, uint64_t max_bytes) {
  const int fd = ::open((dir + "/" + kIndex).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  uint64_t total = 0;
  if (fd < 0) return scan_and_evict(dir, keep, max_bytes, &total);
  ::flock(fd, LOCK_EX);
  size_t evicted = 0;
  if (::pread(fd, &total, sizeof total, 0) != ssize_t(sizeof total)) {
    evicted = scan_and_evict(dir, keep, max_bytes, &total);
  } else {
    total = added < 0 && uint64_t(-added) > total ? 0 : total + uint64_t(added);
    if (total > max_bytes) evicted = scan_and_evict(dir, keep, max_bytes, &total);
  }
  if (::pwrite(fd, &total, sizeof total, 0) != ssize_t(sizeof total)) {
    // Unwritable index: the next writer rescans.
  }
  ::flock(fd, LOCK_UN);
  ::close(fd);
  return evicted;
}

}  // namespace

std::optional<uint64_t> parse_size(const char* text) {
  // Digits first: strtoull would also take leading blanks and a sign.
  if (!text || *text < '0' || *text > '9') return std::nullopt;
  errno = 0;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(text, &end, 10);
  if (errno) return std::nullopt;
  uint64_t scale = 1;
  switch (*end) {
  case '\0': break;
  case 'K': case 'k': scale = 1ull << 10; ++end; break;
  case 'M': case 'm': scale = 1ull << 20; ++end; break;
  case 'G': case 'g': scale = 1ull << 30; ++end; break;
  default: return std::nullopt;
  }
  if (*end != '\0' || n > UINT64_MAX / scale) return std::nullopt;
  return uint64_t(n) * scale;
}

uint64_t max_bytes_from_env() {
  const char* text = std::getenv("MICA_CACHE_MAX_SIZE");
  if (!text) return kDefaultMaxBytes;
  if (auto n = parse_size(text)) return *n;
  static std::atomic<bool> reported{false};
  if (!reported.exchange(true))
    std::fprintf(stderr, "mica: MICA_CACHE_MAX_SIZE=\"%s\" is not a size (<n>[K|M|G]); using %llu bytes\n", text,
                 static_cast<unsigned long long>(kDefaultMaxBytes));
  return kDefaultMaxBytes;
}

std::string entry_name(const driver::Digest& key) {
  std::string s;
  char b[3];
  for (uint8_t v : key) {
    std::snprintf(b, sizeof b, "%02x", v);
    s += b;
  }
  return s + kSuffix;
}

std::optional<std::vector<uint8_t>> read(const std::string& dir, const driver::Digest& key) {
  const std::string path = dir + "/" + entry_name(key);
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (bytes.empty()) return std::nullopt;
  mark_used(path);
  return bytes;
}

size_t write(const std::string& dir, const driver::Digest& key, const std::vector<uint8_t>& bytes,
             uint64_t max_bytes) {
  // Written to a temporary name and renamed, so a concurrent reader never sees half a file.
  ::mkdir(dir.c_str(), 0755);
  const std::string name = entry_name(key);
  const std::string path = dir + "/" + name;
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) return 0;
    f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    if (!f) {
      std::remove(tmp.c_str());
      return 0;
    }
  }
  struct stat old{};
  const int64_t replaced = ::stat(path.c_str(), &old) == 0 ? int64_t(old.st_size) : 0;
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return 0;
  }
  mark_used(path);
  return account_and_evict(dir, name, int64_t(bytes.size()) - replaced, max_bytes);
}

}  // namespace mica::device::disk_cache

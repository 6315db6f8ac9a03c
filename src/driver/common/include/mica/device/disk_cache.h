// The on-disk program cache: one file per program key, written atomically, bounded in size.
//
// Programs are compiled once per machine rather than once per process (OpenCL applications
// rebuild their programs at every start). The directory is shared by every process of the user,
// so the bound is enforced by whoever writes: after a write, the least recently used files are
// removed until the directory's entries fit. Writers keep the entries' total in an `index` file
// (under flock), so a write scans the directory only when the total passes the bound. A read marks its file as used. What a file holds is
// not trusted here: the caller validates every byte it reads (program.cpp parses the binary).
#pragma once

#include "mica/driver/sha256.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mica::device::disk_cache {

// MICA_CACHE_MAX_SIZE: "<n>", "<n>K", "<n>M" or "<n>G" bytes (as Mesa's MESA_SHADER_CACHE_MAX_SIZE);
// unset: kDefaultMaxBytes. A value that does not parse is reported on stderr once and the default used.
constexpr uint64_t kDefaultMaxBytes = 1ull << 30;
uint64_t max_bytes_from_env();
// Parses a MICA_CACHE_MAX_SIZE value; nullopt when it is not one.
std::optional<uint64_t> parse_size(const char* text);

// The bytes stored for `key`, or nullopt (no file, unreadable, empty). Marks the entry as used.
std::optional<std::vector<uint8_t>> read(const std::string& dir, const driver::Digest& key);

// Stores `bytes` for `key` (best effort: a cache that cannot be written is only slower), then
// evicts least recently used entries until the directory's entries total at most `max_bytes`.
// The entry just written is never evicted. Returns the number of entries evicted.
size_t write(const std::string& dir, const driver::Digest& key, const std::vector<uint8_t>& bytes,
             uint64_t max_bytes);

// The file name of `key`'s entry inside the directory.
std::string entry_name(const driver::Digest& key);

}  // namespace mica::device::disk_cache

// Programs: cache lookup (application, memory, disk), compile, load; one variant per power profile.
#include "mica/device/program.h"
#include "mica/device/disk_cache.h"
#include "mica/device/screen.h"
#include "screen_state.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

namespace mica::device {
namespace {

// Bumped whenever what a cached binary means changes without the compiler changing.
constexpr uint32_t kKeyVersion = 2;

// The program key must cover every option that changes the compiler's output. A field added to
// compiler::Options changes its size: add it to program_key() below, then update this number.
static_assert(sizeof(compiler::Options) == 168,
              "compiler::Options changed: add the new fields to mica::device::program_key() (program.cpp)");

struct BuildIdSearch {
  const void* address;
  std::vector<uint8_t> id;
  std::string path;
};

int find_build_id(dl_phdr_info* info, size_t, void* data) {
  auto* search = static_cast<BuildIdSearch*>(data);
  const auto addr = reinterpret_cast<ElfW(Addr)>(search->address);
  bool contains = false;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const auto& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_LOAD && addr >= info->dlpi_addr + ph.p_vaddr && addr < info->dlpi_addr + ph.p_vaddr + ph.p_memsz)
      contains = true;
  }
  if (!contains) return 0;
  search->path = info->dlpi_name ? info->dlpi_name : "";
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const auto& ph = info->dlpi_phdr[i];
    if (ph.p_type != PT_NOTE) continue;
    const auto* p = reinterpret_cast<const uint8_t*>(info->dlpi_addr + ph.p_vaddr);
    const uint8_t* end = p + ph.p_memsz;
    while (p + sizeof(ElfW(Nhdr)) <= end) {
      const auto* n = reinterpret_cast<const ElfW(Nhdr)*>(p);
      const uint8_t* name = p + sizeof(ElfW(Nhdr));
      const uint8_t* desc = name + ((n->n_namesz + 3) & ~3u);
      if (desc + n->n_descsz > end) break;
      if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
        search->id.assign(desc, desc + n->n_descsz);
        return 1;
      }
      p = desc + ((n->n_descsz + 3) & ~3u);
    }
  }
  return 1;
}

std::vector<uint8_t> compute_build_id() {
  BuildIdSearch search{reinterpret_cast<const void*>(&compiler::format_stats), {}, {}};
  dl_iterate_phdr(find_build_id, &search);
  if (!search.id.empty()) return search.id;
  // No build-id note (linked with --build-id=none): the object's path, size and modification time.
  std::string path = search.path;
  if (path.empty()) {
    char buf[4096];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) path.assign(buf, size_t(n));
  }
  struct stat st{};
  stat(path.c_str(), &st);
  driver::Sha256 h;
  h.update(path);
  h.update_value(uint64_t(st.st_size));
  h.update_value(uint64_t(st.st_mtim.tv_sec));
  h.update_value(uint64_t(st.st_mtim.tv_nsec));
  const auto d = h.finish();
  return {d.begin(), d.end()};
}

// A disk entry is validated like any other untrusted binary: a truncated or corrupted file is a miss.
std::optional<std::vector<uint8_t>> disk_read(const std::string& dir, const driver::Digest& key) {
  auto bytes = disk_cache::read(dir, key);
  if (!bytes || std::holds_alternative<isa::BinaryError>(isa::parse_binary(*bytes))) return std::nullopt;
  return bytes;
}

}  // namespace

const std::vector<uint8_t>& compiler_build_id() {
  static const std::vector<uint8_t> id = compute_build_id();
  return id;
}

driver::Digest program_key(const ProgramSource& source, uint32_t revision, uint32_t power_profile) {
  const compiler::Options& o = source.options;
  driver::Sha256 h;
  h.update_value(kKeyVersion);
  const auto& id = compiler_build_id();
  h.update_value(uint32_t(id.size()));
  h.update(std::span(id.data(), id.size()));
  h.update_value(revision);
  h.update_value(power_profile);
  h.update_value(int32_t(o.opt_level));
  h.update_value(uint32_t(o.robust_buffer_access));
  h.update_value(uint32_t(o.robust_buffer_access2));  // VK_EXT_robustness2: per-component checks
  h.update_value(o.subgroup_size);   // VK_EXT_subgroup_size_control: 8, 16 or 32 lanes
  h.update_value(uint32_t(o.hazard_pass));
  h.update_value(uint32_t(o.waitcnt_pass));
  // verify_ir and print_passes do not change the output.
  h.update_value(uint32_t(o.entry_point.size()));
  h.update(o.entry_point);
  h.update_value(uint32_t(o.spec_constants.size()));
  for (const auto& [sid, value] : o.spec_constants) {
    h.update_value(sid);
    h.update_value(value);
  }
  // Kernel execution model (OpenCL): the work-group size and __local argument sizes compiled for.
  for (uint32_t v : o.local_size) h.update_value(v);
  h.update_value(uint32_t(o.local_arg_bytes.size()));
  for (const auto& [index, bytes] : o.local_arg_bytes) {
    h.update_value(index);
    h.update_value(bytes);
  }
  h.update_value(uint64_t(source.spirv.size()));
  h.update(std::span(reinterpret_cast<const uint8_t*>(source.spirv.data()), source.spirv.size() * 4));
  return h.finish();
}

Program::~Program() = default;

Status Program::build(uint32_t power_profile, const ProgramCacheUse& cache, ProgramVariant& out, std::string* log) {
  ScreenState& st = *state_;
  const uint32_t revision = st.info.revision;
  const driver::Digest key = program_key(source_, revision, power_profile);
  const bool disk = (cache.use_disk || use_disk_) && !st.disk_cache_dir.empty();
  std::optional<std::vector<uint8_t>> bytes;
  bool from_cache = true;
  if (cache.application && (bytes = cache.application->find(key))) {
    ++st.app_cache_hits;
    st.cache.insert(key, *bytes);
  } else if ((bytes = st.cache.find(key))) {
    ++st.memory_hits;
  } else if (disk && (bytes = disk_read(st.disk_cache_dir, key))) {
    ++st.disk_hits;
    st.cache.insert(key, *bytes);
  } else {
    if (cache.cache_only) return Status::cache_miss;
    compiler::Options opts = source_.options;
    opts.revision = revision;
    opts.power_profile = power_profile;
    std::variant<compiler::CompileResult, compiler::CompileError> result;
    try {
      result = compiler::compile_spirv(source_.spirv, opts);
    } catch (const std::bad_alloc&) {
      return Status::out_of_host_memory;
    }
    ++st.compiles;
    if (auto* err = std::get_if<compiler::CompileError>(&result)) {
      if (log) *log = err->message;
      return Status::compile_failed;
    }
    bytes = std::get<compiler::CompileResult>(result).binary.serialize();
    from_cache = false;
    st.cache.insert(key, *bytes);
    if (disk) disk_cache::write(st.disk_cache_dir, key, *bytes, st.disk_cache_max_bytes);
  }
  if (cache.application) cache.application->insert(key, *bytes);

  auto parsed = isa::parse_binary(*bytes);
  if (auto* err = std::get_if<isa::BinaryError>(&parsed)) {
    if (log) *log = "cached binary is malformed: " + err->message;
    return Status::failed;
  }
  const auto& image = std::get<isa::Binary>(parsed);
  const isa::EntryPoint* entry = nullptr;
  for (const auto& e : image.entries)
    if (e.name == source_.options.entry_point) entry = &e;
  if (!entry && image.entries.size() == 1) entry = &image.entries[0];
  if (!entry) {
    if (log) *log = "the binary has no entry point '" + source_.options.entry_point + "'";
    return Status::failed;
  }

  winsys::Bo bo;
  Status s = guarded_call("SHADER_CREATE", [&] { bo = st.dev->create_shader(*bytes); });
  if (s != Status::ok) {
    if (s == Status::failed && log) *log = "the kernel refused the compiled binary";
    return s;
  }
  auto code = std::make_shared<LoadedCode>();
  code->state = state_;
  code->handle = bo.handle();
  s = st.map_bo(std::move(bo), true, code->va);
  if (s != Status::ok) {
    code->handle = 0;  // map_bo did not take it; the Bo closed itself
    return s;
  }
  ProgramVariant v;
  v.power_profile = power_profile;
  v.entry_va = code->va + entry->code_offset;
  v.vgprs = entry->vgpr_count;
  v.sgprs = entry->sgpr_count;
  v.shared_bytes = entry->shared_bytes;
  v.scratch_bytes = entry->scratch_bytes;
  for (int i = 0; i < 3; ++i) v.workgroup_size[i] = entry->wg_size[i];
  v.from_cache = from_cache;
  v.binary = std::make_shared<const std::vector<uint8_t>>(std::move(*bytes));
  v.code = std::move(code);
  out = std::move(v);
  return Status::ok;
}

Status Program::variant(uint32_t power_profile, ProgramVariant& out, std::string* log) {
  std::lock_guard lock(mutex_);
  auto it = variants_.find(power_profile);
  if (it != variants_.end()) {
    out = it->second;
    return Status::ok;
  }
  ProgramVariant v;
  Status s = build(power_profile, {}, v, log);
  if (s != Status::ok) return s;
  variants_[power_profile] = v;
  out = std::move(v);
  return Status::ok;
}

Status Screen::create_program(ProgramSource source, const ProgramCacheUse& cache, std::shared_ptr<Program>& out,
                              std::string* log) {
  std::shared_ptr<Program> program;
  try {
    program.reset(new Program());
  } catch (const std::bad_alloc&) {
    return Status::out_of_host_memory;
  }
  program->state_ = state_;
  program->source_ = std::move(source);
  program->use_disk_ = cache.use_disk;
  // Build for the active profile now so that compile errors surface at creation. If the profile
  // changes meanwhile the kernel refuses the binary: build again for the new one.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const uint32_t profile = refresh_power_state().profile;
    ProgramVariant v;
    Status s = program->build(profile, cache, v, log);
    if (s == Status::ok) {
      program->variants_[profile] = std::move(v);
      out = std::move(program);
      return Status::ok;
    }
    if (s != Status::stale_shader) return s;
  }
  return Status::stale_shader;
}

}  // namespace mica::device

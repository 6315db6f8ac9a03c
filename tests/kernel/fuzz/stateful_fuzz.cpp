// SPDX-License-Identifier: MIT
// Stateful multi-client fuzzer of the kernel core (issue 9): seeded random sequences of ioctls
// from several clients over one device model -- BO create/close/mmap/munmap, VM_BIND map/unmap
// with any permissions, shader creation, contexts, sync objects, submits of random (mostly
// valid, sometimes garbage) command streams with sync dependencies, device faults (MMU, watchdog,
// CP), context destruction with work queued, GPU resets, client close/reopen, PRIME with itself and
// userptr BOs over pages of each client's own host memory (read-only ones too).
//
// Oracles, checked as it goes:
//  * no client's canary (a BO it maps read-only on the GPU and never writes) ever changes;
//  * no client ever reads another's data: every value a client writes carries its tag, and no
//    client's memory (through its live CPU mappings, which include closed BOs it still maps, and
//    the host pages its userptr BOs are made of) ever holds another client's tag;
//  * the compute units never fetch an instruction outside a validated program: a device-model
//    hook (mica/sim/test_hooks.h) checks every fetch against the client's executable shader
//    mappings and the validated bytes;
//  * no kernel WARN_ON fires; ASan/UBSan/LSan stay clean (the sanitizer build runs it);
//  * a SUBMIT that fails attaches no point to any of its out-syncs, and one that succeeds
//    leaves each timeline out-sync's last submitted point at what it asked for;
//  * SUBMIT and the SYNCOBJ ioctls, given any handle (another client's numbers, freed ones,
//    garbage), points (0, repeated, backwards, huge), pad bits and counts, answer 0 or a
//    documented errno;
//  * once every client is closed (and every dma-buf fd), no GEM object, sync object, fence,
//    job or context is left (mica_um_live_objects);
//  * a fourth client on its own thread (Fuzzer::racer) creates and destroys sync objects,
//    contexts and BOs while its SUBMITs name them, concurrently with the main loop: 0 or a
//    documented errno, and no client's memory holds another's tag.
//
// Usage: kernel_stateful_fuzz [seconds (default 20)] [seed (default: time)]. Exits 1 on a finding
// and prints the seed that reproduces it (the device model is multi-threaded, so a replay
// reproduces the sequence, not necessarily every interleaving).
#include <mica/kernel/um.h>
#include <mica/sim/device.h>
#include <mica/sim/test_hooks.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#include "../shader_builder.h"

using namespace mica::ktest;

namespace {

constexpr int kClients = 3;
constexpr int kRacer = kClients; // the tag of the racing thread's client (Fuzzer::racer)
constexpr uint64_t CMD_VA = 0x10000000, CMD_BYTES = 64 * 1024;
constexpr uint64_t CANARY_VA = 0x20000000;
constexpr uint64_t FLAG_VA = 0x30000000;
constexpr uint64_t SLOT_VA = 0x40000000, SLOT_STRIDE = 0x100000;
constexpr int kSlots = 12;
constexpr uint32_t TAG_MARK = 0x5a;
constexpr uint64_t kHostPages = 8; // each client's host memory for userptr BOs

uint32_t pkt(uint32_t op, uint32_t len) { return MICA_PKT_HEADER(op, len); }
uint32_t lo32(uint64_t v) { return static_cast<uint32_t>(v); }
uint32_t hi32(uint64_t v) { return static_cast<uint32_t>(v >> 32); }

uint32_t tagged(int client, uint32_t low) { return (0xa1u + client) << 24 | TAG_MARK << 16 | (low & 0xffff); }
// Which client's tag a word carries, or -1.
int tag_of(uint32_t w)
{
	uint32_t t = w >> 24;
	if (((w >> 16) & 0xff) != TAG_MARK || t < 0xa1 || t > 0xa1u + kRacer)
		return -1;
	return static_cast<int>(t - 0xa1);
}

struct ShaderKind {
	std::vector<uint8_t> binary;
	std::vector<uint8_t> code; // what the kernel validated and loads at offset 0
};

std::vector<ShaderKind> make_kinds()
{
	std::vector<ShaderKind> k;
	for (const Program &p : {store_lane_program(), load_store_program(), endless_program(), store_lane_program(530)}) {
		ShaderKind s;
		s.binary = make_binary(p);
		s.code.resize(p.bytes());
		std::memcpy(s.code.data(), p.words.data(), p.bytes());
		// The data oracle relies on code never looking like a tagged value.
		for (size_t i = 0; i + 4 <= s.code.size(); i += 4) {
			uint32_t w;
			std::memcpy(&w, s.code.data() + i, 4);
			if (tag_of(w) >= 0) {
				std::fprintf(stderr, "stateful_fuzz: a program word looks tagged\n");
				std::exit(2);
			}
		}
		k.push_back(std::move(s));
	}
	return k;
}

struct Mapping {
	uint64_t va = 0, size = 0, bo_offset = 0;
	uint32_t perms = 0;
	int shader_kind = -1;
};

struct CpuMap {
	uint32_t *p = nullptr;
	uint64_t size = 0;
};

struct Bo {
	uint32_t handle = 0; // 0: closed
	uint64_t size = 0;
	int shader_kind = -1;
	bool userptr = false; // pages of the client's host memory
	std::vector<CpuMap> maps;
};

struct ClientState {
	mica_file *f = nullptr;
	int id = 0;
	uint32_t canary = 0;
	uint32_t *canary_cpu = nullptr;
	uint32_t *cmd_cpu = nullptr;
	uint32_t *flag_cpu = nullptr;
	// kHostPages of this process's memory, tagged with the client's id: what its userptr BOs
	// are made of. Mapped for the whole run (the in-process kernel cannot hold pages: the
	// memory must outlive every BO, as Vulkan requires of imported host memory).
	uint32_t *host = nullptr;
	std::vector<Bo> bos;
	std::map<uint64_t, Mapping> maps; // by va; guarded by Fuzzer::model_mu
	std::vector<uint32_t> ctxs;
	std::vector<std::pair<uint32_t, uint64_t>> syncs; // handle, next out point
	std::vector<std::pair<uint32_t, uint64_t>> jobs;  // ctx, seqno
	std::vector<int> dmabufs; // PRIME fds of its own BOs (kept across close/reopen)
};

class Fuzzer : public mica::sim::FetchObserver {
public:
	Fuzzer(uint64_t seed) : rng_(seed), kinds_(make_kinds()) {}

	int run(double seconds);
	void fetched(uint32_t ctx, uint64_t program_va, uint64_t va, const uint8_t *bytes) override;

private:
	uint64_t rnd(uint64_t n) { return n ? rng_() % n : 0; }
	bool chance(unsigned pct) { return rnd(100) < pct; }
	int ioctl(ClientState &c, unsigned long cmd, void *arg) { return mica_um_ioctl(c.f, cmd, arg); }
	void fail(const std::string &what);

	void open_client(int i);
	void close_client(int i);
	void step(ClientState &c);
	void op_bo_create(ClientState &c);
	void op_bo_close(ClientState &c);
	void op_prime(ClientState &c);
	void op_munmap(ClientState &c);
	void op_bind(ClientState &c);
	void op_unbind(ClientState &c);
	void op_shader(ClientState &c);
	void op_ctx(ClientState &c);
	void op_sync(ClientState &c);
	void op_submit(ClientState &c);
	void op_wait(ClientState &c);
	void op_sync_hostile(ClientState &c);
	uint32_t some_sync_handle(ClientState &c);
	uint64_t last_submitted(ClientState &c, uint32_t handle, int *err = nullptr);
	void op_exec_race(ClientState &c);
	uint64_t some_va(ClientState &c);
	void check();
	void racer(uint64_t seed);

	std::mt19937_64 rng_;
	std::vector<ShaderKind> kinds_;
	std::unique_ptr<mica::sim::Device> dev_;
	std::unique_ptr<mica::kernel::UmDevice> kdev_;
	ClientState clients_[kClients];
	std::mutex model_mu_;
	std::mutex fetch_mu_;
	std::string fetch_violation_;
	uint64_t fetches_ = 0, steps_ = 0, submits_ok_ = 0, faults_seen_ = 0, userptrs_ = 0;
	bool failed_ = false;
	// The racing client: its own file, driven by its own thread at the same time as the main
	// loop's clients (so the kernel's shared locks and objects see two threads).
	std::atomic<bool> racer_stop_{false};
	std::mutex racer_mu_;
	std::string racer_finding_;
	uint64_t racer_ops_ = 0, racer_submits_ok_ = 0;
};

void Fuzzer::fail(const std::string &what)
{
	if (!failed_)
		std::fprintf(stderr, "stateful_fuzz: FINDING after %" PRIu64 " steps: %s\n", steps_, what.c_str());
	failed_ = true;
}

// The oracle of "only validated code runs": the dispatch's entry is an entry point (offset 0)
// of a shader BO mapped executable in some client's VM at program_va, and the fetched word lies
// in that same mapping, inside that shader's validated code, and is the validated word.
void Fuzzer::fetched(uint32_t ctx, uint64_t program_va, uint64_t va, const uint8_t *bytes)
{
	bool ok = false;
	{
		std::lock_guard lk(model_mu_);
		for (ClientState &c : clients_) {
			auto it = c.maps.upper_bound(program_va);
			if (it == c.maps.begin())
				continue;
			const Mapping &m = std::prev(it)->second;
			if (program_va >= m.va + m.size || !(m.perms & DRM_MICA_BIND_EXEC) || m.shader_kind < 0)
				continue;
			if (m.bo_offset + (program_va - m.va) != 0) // every program here has one entry, at 0
				continue;
			if (va < m.va || va >= m.va + m.size)
				continue;
			const uint64_t off = m.bo_offset + (va - m.va);
			const std::vector<uint8_t> &code = kinds_[m.shader_kind].code;
			if (off % 8 == 0 && off + 8 <= code.size() && std::memcmp(bytes, code.data() + off, 8) == 0) {
				ok = true;
				break;
			}
		}
	}
	std::lock_guard lk(fetch_mu_);
	fetches_++;
	if (!ok && fetch_violation_.empty()) {
		char buf[200];
		std::snprintf(buf, sizeof buf,
			      "context %u (program 0x%" PRIx64 ") fetched an instruction at 0x%" PRIx64
			      " outside its validated program",
			      ctx, program_va, va);
		fetch_violation_ = buf;
	}
}

void Fuzzer::open_client(int i)
{
	ClientState &c = clients_[i];
	{
		// The fetch observer reads every client's mappings from compute-unit threads.
		std::lock_guard lk(model_mu_);
		c.maps.clear();
	}
	c.bos.clear();
	c.ctxs.clear();
	c.syncs.clear();
	c.jobs.clear();
	c.id = i;
	if (mica_um_open(kdev_->get(), &c.f))
		std::abort();
	auto bo = [&](uint64_t size, uint64_t va, uint32_t perms) {
		drm_mica_bo_create bc{};
		bc.size = size;
		if (ioctl(c, DRM_IOCTL_MICA_BO_CREATE, &bc))
			std::abort();
		drm_mica_bo_mmap_offset mo{bc.handle, 0, 0};
		void *p = nullptr;
		if (ioctl(c, DRM_IOCTL_MICA_BO_MMAP_OFFSET, &mo) || mica_um_mmap(c.f, mo.offset, size, &p))
			std::abort();
		drm_mica_vm_bind_op op{DRM_MICA_BIND_OP_MAP, perms, bc.handle, 0, 0, va, size};
		drm_mica_vm_bind b{};
		b.ops = {sizeof(op), 1, reinterpret_cast<uintptr_t>(&op)};
		if (ioctl(c, DRM_IOCTL_MICA_VM_BIND, &b))
			std::abort();
		std::lock_guard lk(model_mu_);
		c.maps[va] = Mapping{va, size, 0, perms, -1};
		return std::make_pair(bc.handle, static_cast<uint32_t *>(p));
	};
	c.cmd_cpu = bo(CMD_BYTES, CMD_VA, DRM_MICA_BIND_READ).second;
	auto [canary, canary_cpu] = bo(4096, CANARY_VA, DRM_MICA_BIND_READ);
	c.canary = canary;
	c.canary_cpu = canary_cpu;
	for (uint32_t w = 0; w < 1024; w++)
		c.canary_cpu[w] = tagged(i, w);
	c.flag_cpu = bo(4096, FLAG_VA, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE).second;
}

void Fuzzer::close_client(int i)
{
	ClientState &c = clients_[i];
	c.flag_cpu[0] = 1; // bound the wait for a job stuck in WAIT_MEM
	// The kernel destroys the contexts (waiting for their jobs) before the VM: once close
	// returns, no wave can fetch from these mappings any more.
	mica_um_close(c.f);
	c.f = nullptr;
	std::lock_guard lk(model_mu_);
	c.maps.clear();
}

uint64_t Fuzzer::some_va(ClientState &c)
{
	switch (rnd(8)) {
	case 0: return CANARY_VA + 4 * rnd(1024);
	case 1: return FLAG_VA + 4 * rnd(8);
	case 2: return 0x50000000 + 4 * rnd(1024); // never mapped
	case 3: return CMD_VA + 4 * rnd(256);
	default: {
		(void)c;
		return SLOT_VA + rnd(kSlots) * SLOT_STRIDE + 4 * rnd(2048);
	}
	}
}

void Fuzzer::op_bo_create(ClientState &c)
{
	if (chance(20)) {
		// A userptr BO over some of the client's host pages, sometimes read-only; at times a
		// range running into the guard page after them (-EFAULT).
		const uint64_t first = rnd(kHostPages), pages = 1 + rnd(kHostPages - first + (chance(10) ? 4 : 0));
		drm_mica_bo_create_userptr u{};
		u.address = reinterpret_cast<uintptr_t>(c.host) + first * 4096;
		u.size = pages * 4096;
		u.flags = chance(30) ? DRM_MICA_USERPTR_READ_ONLY : 0;
		const int r = ioctl(c, DRM_IOCTL_MICA_BO_CREATE_USERPTR, &u);
		if (r == 0) {
			Bo b;
			b.handle = u.handle;
			b.size = u.size;
			b.userptr = true;
			c.bos.push_back(std::move(b));
			userptrs_++;
		} else if (r != -EFAULT || first + pages <= kHostPages) {
			fail("BO_CREATE_USERPTR of the client's own pages failed with " + std::to_string(r));
		}
		return;
	}
	drm_mica_bo_create bc{};
	bc.size = (1 + rnd(4)) * 4096;
	if (ioctl(c, DRM_IOCTL_MICA_BO_CREATE, &bc))
		return;
	Bo b;
	b.handle = bc.handle;
	b.size = bc.size;
	if (chance(80)) {
		drm_mica_bo_mmap_offset mo{bc.handle, 0, 0};
		void *p = nullptr;
		if (ioctl(c, DRM_IOCTL_MICA_BO_MMAP_OFFSET, &mo) == 0 && mica_um_mmap(c.f, mo.offset, b.size, &p) == 0) {
			auto *w = static_cast<uint32_t *>(p);
			for (uint64_t i = 0; i < b.size / 4; i++)
				w[i] = tagged(c.id, static_cast<uint32_t>(i));
			b.maps.push_back({w, b.size});
		}
	}
	c.bos.push_back(std::move(b));
}

void Fuzzer::op_bo_close(ClientState &c)
{
	if (c.bos.empty())
		return;
	Bo &b = c.bos[rnd(c.bos.size())];
	if (!b.handle)
		return;
	drm_gem_close cl{b.handle, 0};
	if (ioctl(c, DRM_IOCTL_GEM_CLOSE, &cl))
		fail("GEM_CLOSE of a live handle failed");
	b.handle = 0; // its CPU mappings stay valid (they hold the BO), GPU mappings too
}

// PRIME with itself only (another client importing would legitimately see this one's tags): export,
// self-import (the same handle), keep fds that outlive GEM_CLOSE and the client's close/reopen,
// import them back later, close them.
void Fuzzer::op_prime(ClientState &c)
{
	if (!c.dmabufs.empty() && chance(40)) {
		const size_t i = rnd(c.dmabufs.size());
		const int fd = c.dmabufs[i];
		if (chance(50)) {
			drm_prime_handle p{0, 0, fd};
			if (int r = ioctl(c, DRM_IOCTL_PRIME_FD_TO_HANDLE, &p))
				return fail("PRIME_FD_TO_HANDLE of a live dma-buf failed: " + std::to_string(r));
			bool known = false;
			for (const Bo &b : c.bos)
				known |= b.handle == p.handle;
			drm_gem_close cl{p.handle, 0};
			if (!known && ioctl(c, DRM_IOCTL_GEM_CLOSE, &cl))
				return fail("GEM_CLOSE of an imported handle failed");
		}
		close(fd);
		c.dmabufs.erase(c.dmabufs.begin() + static_cast<long>(i));
		return;
	}
	if (c.bos.empty())
		return;
	const Bo &b = c.bos[rnd(c.bos.size())];
	drm_prime_handle e{b.handle, DRM_CLOEXEC, -1};
	int r = ioctl(c, DRM_IOCTL_PRIME_HANDLE_TO_FD, &e);
	if (!b.handle) {
		if (r != -ENOENT)
			fail("PRIME_HANDLE_TO_FD of handle 0 did not fail with -ENOENT");
		return;
	}
	if (b.userptr) {
		if (r != -EPERM)
			fail("PRIME_HANDLE_TO_FD of a userptr BO did not fail with -EPERM: " + std::to_string(r));
		return;
	}
	if (r || e.fd < 0)
		return fail("PRIME_HANDLE_TO_FD of a live handle failed: " + std::to_string(r));
	drm_prime_handle self{0, 0, e.fd};
	if (ioctl(c, DRM_IOCTL_PRIME_FD_TO_HANDLE, &self) || self.handle != b.handle)
		return fail("self-import did not return the exporter's handle");
	if (c.dmabufs.size() < 8)
		c.dmabufs.push_back(e.fd);
	else
		close(e.fd);
}

void Fuzzer::op_munmap(ClientState &c)
{
	if (c.bos.empty())
		return;
	size_t i = rnd(c.bos.size());
	Bo &b = c.bos[i];
	if (b.maps.empty())
		return;
	CpuMap m = b.maps.back();
	if (mica_um_munmap(c.f, m.p, m.size))
		fail("munmap of a live mapping failed");
	b.maps.pop_back();
	if (!b.handle && b.maps.empty())
		c.bos.erase(c.bos.begin() + static_cast<ptrdiff_t>(i));
}

void Fuzzer::op_bind(ClientState &c)
{
	if (c.bos.empty())
		return;
	const Bo &b = c.bos[rnd(c.bos.size())];
	if (!b.handle)
		return;
	drm_mica_vm_bind_op op{};
	op.op = DRM_MICA_BIND_OP_MAP;
	op.flags = DRM_MICA_BIND_READ | static_cast<uint32_t>(rnd(4)) << 1;
	if (b.shader_kind >= 0 && chance(80))
		op.flags = DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC;
	op.handle = b.handle;
	const uint64_t pages = b.size / 4096;
	op.bo_offset = chance(70) ? 0 : 4096 * rnd(pages);
	op.size = 4096 * (1 + rnd(pages));
	// Sometimes one page past the previous slot's start: executable ranges made of two BOs.
	op.va = SLOT_VA + rnd(kSlots) * SLOT_STRIDE + (chance(20) ? 4096 * (1 + rnd(3)) : 0);
	drm_mica_vm_bind bind{};
	bind.ops = {sizeof(op), 1, reinterpret_cast<uintptr_t>(&op)};
	if (ioctl(c, DRM_IOCTL_MICA_VM_BIND, &bind) == 0) {
		std::lock_guard lk(model_mu_);
		c.maps[op.va] = Mapping{op.va, op.size, op.bo_offset, op.flags, b.shader_kind};
	}
}

void Fuzzer::op_unbind(ClientState &c)
{
	std::vector<Mapping> slots;
	{
		std::lock_guard lk(model_mu_);
		for (auto &[va, m] : c.maps)
			if (va >= SLOT_VA)
				slots.push_back(m);
	}
	if (slots.empty())
		return;
	const Mapping m = slots[rnd(slots.size())];
	drm_mica_vm_bind_op op{};
	op.op = DRM_MICA_BIND_OP_UNMAP;
	op.va = m.va;
	op.size = m.size;
	drm_mica_vm_bind bind{};
	bind.ops = {sizeof(op), 1, reinterpret_cast<uintptr_t>(&op)};
	int r = ioctl(c, DRM_IOCTL_MICA_VM_BIND, &bind);
	if (r == 0) {
		std::lock_guard lk(model_mu_);
		c.maps.erase(m.va);
	} else if (r != -EBUSY || !(m.perms & DRM_MICA_BIND_EXEC)) {
		fail("UNMAP of a mapping failed with " + std::to_string(r));
	}
}

void Fuzzer::op_shader(ClientState &c)
{
	const int kind = static_cast<int>(rnd(kinds_.size()));
	drm_mica_shader_create s{};
	s.binary = reinterpret_cast<uintptr_t>(kinds_[kind].binary.data());
	s.size = static_cast<uint32_t>(kinds_[kind].binary.size());
	if (ioctl(c, DRM_IOCTL_MICA_SHADER_CREATE, &s))
		return;
	Bo b;
	b.handle = s.handle;
	b.size = s.bo_size;
	b.shader_kind = kind;
	c.bos.push_back(std::move(b));
}

void Fuzzer::op_ctx(ClientState &c)
{
	if (c.ctxs.size() < 3 && chance(70)) {
		drm_mica_ctx_create cc{};
		cc.type = chance(80) ? DRM_MICA_CTX_COMPUTE : DRM_MICA_CTX_COPY;
		if (ioctl(c, DRM_IOCTL_MICA_CTX_CREATE, &cc) == 0)
			c.ctxs.push_back(cc.handle);
	} else if (!c.ctxs.empty()) {
		// Destroys with jobs in flight and queued: they are cancelled, their syncs signalled.
		size_t i = rnd(c.ctxs.size());
		drm_mica_ctx_destroy d{c.ctxs[i], 0};
		c.flag_cpu[0] = 1; // bound the wait for a job stuck in WAIT_MEM
		if (ioctl(c, DRM_IOCTL_MICA_CTX_DESTROY, &d))
			fail("CTX_DESTROY failed");
		c.ctxs.erase(c.ctxs.begin() + static_cast<ptrdiff_t>(i));
	}
}

void Fuzzer::op_sync(ClientState &c)
{
	if (c.syncs.size() < 4 && chance(50)) {
		drm_syncobj_create sc{};
		sc.flags = chance(20) ? DRM_SYNCOBJ_CREATE_SIGNALED : 0;
		if (ioctl(c, DRM_IOCTL_SYNCOBJ_CREATE, &sc) == 0)
			c.syncs.push_back({sc.handle, 1});
	} else if (!c.syncs.empty()) {
		auto &s = c.syncs[rnd(c.syncs.size())];
		if (chance(70)) {
			uint64_t point = chance(10) ? 0 : s.second + rnd(3);
			drm_syncobj_timeline_array sig{reinterpret_cast<uintptr_t>(&s.first),
						       reinterpret_cast<uintptr_t>(&point), 1, 0};
			ioctl(c, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &sig);
		} else if (chance(50)) {
			drm_syncobj_array r{reinterpret_cast<uintptr_t>(&s.first), 1, 0};
			ioctl(c, chance(50) ? DRM_IOCTL_SYNCOBJ_RESET : DRM_IOCTL_SYNCOBJ_SIGNAL, &r);
		} else {
			drm_syncobj_destroy d{s.first, 0};
			ioctl(c, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
			s = c.syncs.back();
			c.syncs.pop_back();
		}
	}
}

// A sync object handle as a hostile client picks one: its own, another client's number (which
// names nothing here, or one of its own objects), a freed one, 0 or garbage.
uint32_t Fuzzer::some_sync_handle(ClientState &c)
{
	switch (rnd(10)) {
	case 0: {
		ClientState &o = clients_[rnd(kClients)];
		return o.syncs.empty() ? 1 : o.syncs[rnd(o.syncs.size())].first;
	}
	case 1: return 0;
	case 2: return static_cast<uint32_t>(rng_());
	case 3: return static_cast<uint32_t>(1 + rnd(64)); // freed or never allocated, mostly
	default: return c.syncs.empty() ? 1 : c.syncs[rnd(c.syncs.size())].first;
	}
}

// DRM_IOCTL_SYNCOBJ_QUERY(LAST_SUBMITTED) of one handle; *err gets the ioctl's result.
uint64_t Fuzzer::last_submitted(ClientState &c, uint32_t handle, int *err)
{
	uint64_t point = ~0ull;
	drm_syncobj_timeline_array a{reinterpret_cast<uintptr_t>(&handle), reinterpret_cast<uintptr_t>(&point), 1,
				     DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED};
	const int r = ioctl(c, DRM_IOCTL_SYNCOBJ_QUERY, &a);
	if (err)
		*err = r;
	return r ? ~0ull : point;
}

// The SYNCOBJ ioctls with hostile arguments: handles of any kind, several per call (repeats
// too), points of any size, every flag bit, absurd counts, transfers between any two objects.
// Only the errno is checked here (0 or a documented one); the other oracles do the rest.
void Fuzzer::op_sync_hostile(ClientState &c)
{
	uint32_t h[4];
	uint64_t pts[4];
	const uint32_t n = 1 + static_cast<uint32_t>(rnd(4));
	for (uint32_t i = 0; i < 4; i++) {
		h[i] = some_sync_handle(c);
		pts[i] = chance(20) ? rng_() : rnd(8);
	}
	// Mostly n; sometimes 0 or far beyond what the arrays hold (the kernel must fail first).
	const uint32_t count = chance(90) ? n : chance(50) ? 0 : 0x40000000u + static_cast<uint32_t>(rnd(1u << 20));
	const uint32_t flags = chance(70) ? static_cast<uint32_t>(rnd(8)) : static_cast<uint32_t>(rng_());
	const uintptr_t hp = reinterpret_cast<uintptr_t>(h), pp = reinterpret_cast<uintptr_t>(pts);
	int r = 0;
	const char *what = "";
	switch (rnd(6)) {
	case 0: {
		// A poll (timeout 0): WAIT_FOR_SUBMIT may not sleep here.
		drm_syncobj_timeline_wait w{hp, pp, 0, count, flags, 0, 0};
		r = ioctl(c, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w);
		what = "SYNCOBJ_TIMELINE_WAIT";
		if (r == -ETIME)
			r = 0;
		break;
	}
	case 1: {
		drm_syncobj_wait w{hp, 0, count, flags, 0, 0};
		r = ioctl(c, DRM_IOCTL_SYNCOBJ_WAIT, &w);
		what = "SYNCOBJ_WAIT";
		if (r == -ETIME)
			r = 0;
		break;
	}
	case 2: {
		drm_syncobj_timeline_array a{hp, pp, count, flags & 1};
		r = ioctl(c, DRM_IOCTL_SYNCOBJ_QUERY, &a);
		what = "SYNCOBJ_QUERY";
		break;
	}
	case 3: {
		// Host signals: only points above what each timeline has keep the model's "next out
		// point" meaningful, so the model is told about the ones that went through.
		drm_syncobj_timeline_array a{hp, pp, count, chance(90) ? 0 : flags};
		r = ioctl(c, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL, &a);
		what = "SYNCOBJ_TIMELINE_SIGNAL";
		break;
	}
	case 4: {
		drm_syncobj_transfer t{h[0], h[1], pts[0], pts[1], chance(90) ? 0u : flags & ~DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, 0};
		r = ioctl(c, DRM_IOCTL_SYNCOBJ_TRANSFER, &t);
		what = "SYNCOBJ_TRANSFER";
		break;
	}
	default: {
		drm_syncobj_array a{hp, count, chance(95) ? 0u : 1u};
		r = ioctl(c, chance(50) ? DRM_IOCTL_SYNCOBJ_RESET : DRM_IOCTL_SYNCOBJ_SIGNAL, &a);
		what = "SYNCOBJ_RESET/SIGNAL";
		break;
	}
	}
	// Points the host added may be above the model's next out point: resynchronise it.
	for (auto &s : c.syncs) {
		int err = 0;
		const uint64_t last = last_submitted(c, s.first, &err);
		if (err)
			return fail(std::string("SYNCOBJ_QUERY of a live handle failed: ") + std::to_string(err));
		s.second = std::max(s.second, last);
	}
	if (r != 0 && r != -EINVAL && r != -ENOENT && r != -ENOMEM && r != -EFAULT)
		fail(std::string(what) + " answered " + std::to_string(r));
}

void Fuzzer::op_submit(ClientState &c)
{
	if (c.ctxs.empty())
		return;
	std::vector<uint32_t> dw;
	const unsigned n = 1 + static_cast<unsigned>(rnd(4));
	for (unsigned k = 0; k < n; k++) {
		const uint64_t a = some_va(c), b = some_va(c);
		switch (rnd(10)) {
		case 0: dw.insert(dw.end(), {pkt(MICA_PKT_DMA_FILL, 4), lo32(a), hi32(a), tagged(c.id, k), 4 * (1 + static_cast<uint32_t>(rnd(64)))}); break;
		case 1: dw.insert(dw.end(), {pkt(MICA_PKT_DMA_COPY, 5), lo32(a), hi32(a), lo32(b), hi32(b), 4 * (1 + static_cast<uint32_t>(rnd(64)))}); break;
		case 2: dw.insert(dw.end(), {pkt(MICA_PKT_WRITE_DATA, 3), lo32(a), hi32(a), tagged(c.id, k)}); break;
		case 3: dw.insert(dw.end(), {pkt(MICA_PKT_WAIT_MEM, 5), lo32(FLAG_VA), hi32(FLAG_VA), 1, 0, MICA_WAIT_EQ}); break;
		case 4: dw.insert(dw.end(), {pkt(MICA_PKT_LOAD_USER_DATA, 4), 0, 2, lo32(a & ~3ull), hi32(a)}); break;
		case 5: dw.push_back(static_cast<uint32_t>(rng_())); break; // garbage
		case 6: { // a small tiled box between a and b, LINEAR or OPTIMAL on each side
			const uint32_t eb = 1u << rnd(5), w = 1 + static_cast<uint32_t>(rnd(16));
			const uint32_t h = 1 + static_cast<uint32_t>(rnd(16)), tiles = 16 * eb;
			const uint32_t control = eb | static_cast<uint32_t>(rnd(4)) << MICA_PKT_DMA_COPY_TILED_CONTROL_SRC_TILING_SHIFT;
			dw.insert(dw.end(), {pkt(MICA_PKT_DMA_COPY_TILED, 16), lo32(a), hi32(a), lo32(b), hi32(b),
					     tiles * 4, tiles * 4, 0, 0, 0, 0, static_cast<uint32_t>(rnd(4)), 0, w, h, 1,
					     chance(95) ? control : static_cast<uint32_t>(rng_())});
			break;
		}
		default: {
			uint64_t code = SLOT_VA + rnd(kSlots) * SLOT_STRIDE + (chance(80) ? 0 : 256 * rnd(20));
			const bool load_store = chance(50);
			dw.insert(dw.end(), {pkt(MICA_PKT_SET_PROGRAM, 4), lo32(code), hi32(code), 16, 32,
					     pkt(MICA_PKT_SET_USER_DATA, 5), 0, lo32(a), hi32(a),
					     load_store ? lo32(b) : static_cast<uint32_t>(rnd(1000)), load_store ? hi32(b) : 0,
					     pkt(MICA_PKT_SET_WORKGROUP_SIZE, 3), 32, 1, 1,
					     pkt(MICA_PKT_DISPATCH, 3), 1 + static_cast<uint32_t>(rnd(3)), 1, 1});
			break;
		}
		}
	}
	const uint64_t va = CMD_VA + 4096 * rnd(CMD_BYTES / 4096 - 1);
	if (dw.size() > 1024)
		dw.resize(1024);
	std::memcpy(c.cmd_cpu + (va - CMD_VA) / 4, dw.data(), dw.size() * 4);
	drm_mica_cmdbuf cb{va, static_cast<uint32_t>(dw.size()), 0};
	std::vector<drm_mica_sync_point> in, out;
	const bool hostile = chance(25);
	if (!c.syncs.empty() && chance(40)) {
		auto &s = c.syncs[rnd(c.syncs.size())];
		in.push_back({s.first, 0, chance(50) ? 0 : 1 + rnd(s.second)});
	}
	if (!c.syncs.empty() && chance(50)) {
		auto &s = c.syncs[rnd(c.syncs.size())];
		out.push_back({s.first, 0, s.second + 1});
	}
	if (hostile) {
		// More of them, of any handle, point (0, repeated, backwards, huge) and pad.
		for (unsigned k = rnd(3); k > 0; k--)
			in.push_back({some_sync_handle(c), chance(10) ? 1u : 0u, chance(20) ? rng_() : rnd(8)});
		for (unsigned k = rnd(3); k > 0; k--)
			out.push_back({some_sync_handle(c), chance(10) ? 1u : 0u, chance(20) ? rng_() : rnd(8)});
	}
	// What each out handle of ours had before: a failed SUBMIT must leave it so.
	std::vector<std::pair<uint32_t, uint64_t>> before;
	for (const auto &o : out)
		for (const auto &s : c.syncs)
			if (s.first == o.handle)
				before.push_back({o.handle, last_submitted(c, o.handle)});
	drm_mica_submit sub{};
	sub.ctx = chance(95) ? c.ctxs[rnd(c.ctxs.size())] : static_cast<uint32_t>(rnd(16));
	sub.cmdbufs = {sizeof(cb), 1, reinterpret_cast<uintptr_t>(&cb)};
	sub.in_syncs = {sizeof(drm_mica_sync_point), static_cast<uint32_t>(in.size()), reinterpret_cast<uintptr_t>(in.data())};
	sub.out_syncs = {sizeof(drm_mica_sync_point), static_cast<uint32_t>(out.size()), reinterpret_cast<uintptr_t>(out.data())};
	const int r = ioctl(c, DRM_IOCTL_MICA_SUBMIT, &sub);
	if (r == 0) {
		submits_ok_++;
		// Each timeline out handle of ours is now at the last point this SUBMIT gave it
		// (point 0 replaces the fence: no longer a timeline, the query says 0).
		for (auto &s : c.syncs) {
			bool named = false;
			uint64_t want = 0;
			for (const auto &o : out)
				if (o.handle == s.first) {
					named = true;
					want = o.point;
				}
			if (!named)
				continue;
			const uint64_t got = last_submitted(c, s.first);
			if (got != want)
				return fail("after SUBMIT, sync object " + std::to_string(s.first) + " is at point " +
					    std::to_string(got) + ", asked for " + std::to_string(want));
			s.second = std::max(s.second, want);
		}
		c.jobs.push_back({sub.ctx, sub.seqno});
		if (c.jobs.size() > 16)
			c.jobs.erase(c.jobs.begin());
		return;
	}
	for (const auto &[h, last] : before)
		if (last_submitted(c, h) != last)
			return fail("a failed SUBMIT (" + std::to_string(r) + ") moved sync object " + std::to_string(h));
	// 0 or what docs/kernel.md lists for SUBMIT (the validator's rejections included).
	static const int kSubmitErrnos[] = {-EINVAL, -ENOENT, -EACCES, -EFAULT, -ECANCELED, -EAGAIN,
					    -EIO, -ENOMEM, -ENOSPC, -E2BIG, -EPERM};
	bool known = false;
	for (int e : kSubmitErrnos)
		known |= r == e;
	if (!known)
		fail("SUBMIT answered " + std::to_string(r));
}

void Fuzzer::op_wait(ClientState &c)
{
	if (c.jobs.empty())
		return;
	auto [ctx, seq] = c.jobs[rnd(c.jobs.size())];
	drm_mica_ctx_wait w{};
	w.ctx = ctx;
	w.seqno = seq;
	w.timeout_ns = chance(50) ? 0 : 20'000'000;
	if (ioctl(c, DRM_IOCTL_MICA_CTX_WAIT, &w) == 0 && w.error)
		faults_seen_++;
}

// The attack of issue 9 item 1, aimed: a dispatch validated against one executable mapping waits
// (WAIT_MEM or an in-sync), then the client tries to put other bytes at that address -- page 2 of
// the long program, whose first word is validated code but no entry point.
void Fuzzer::op_exec_race(ClientState &c)
{
	if (c.ctxs.empty())
		return;
	int first = -1, second = -1;
	for (size_t i = 0; i < c.bos.size(); i++) {
		if (!c.bos[i].handle || c.bos[i].shader_kind < 0)
			continue;
		if (first < 0 || chance(30))
			first = static_cast<int>(i);
		if (c.bos[i].size >= 2 * 4096)
			second = static_cast<int>(i);
	}
	if (first < 0 || second < 0)
		return op_shader(c);
	const uint64_t slot = SLOT_VA + rnd(kSlots) * SLOT_STRIDE;
	// Split variant: only the first page of the two-page program, another shader right after.
	const bool split = chance(50);
	const Bo &a = split ? c.bos[second] : c.bos[first];
	drm_mica_vm_bind_op op{DRM_MICA_BIND_OP_MAP, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC, a.handle, 0, 0, slot,
			       split ? 4096 : a.size};
	drm_mica_vm_bind bind{};
	bind.ops = {sizeof(op), 1, reinterpret_cast<uintptr_t>(&op)};
	if (ioctl(c, DRM_IOCTL_MICA_VM_BIND, &bind))
		return;
	{
		std::lock_guard lk(model_mu_);
		c.maps[slot] = Mapping{slot, op.size, 0, op.flags, a.shader_kind};
	}
	if (split) {
		const Bo &next = c.bos[first];
		drm_mica_vm_bind_op op2{DRM_MICA_BIND_OP_MAP, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC, next.handle, 0, 0,
					slot + 4096, 4096};
		drm_mica_vm_bind bind2{};
		bind2.ops = {sizeof(op2), 1, reinterpret_cast<uintptr_t>(&op2)};
		if (ioctl(c, DRM_IOCTL_MICA_VM_BIND, &bind2) == 0) {
			std::lock_guard lk(model_mu_);
			c.maps[slot + 4096] = Mapping{slot + 4096, 4096, 0, op2.flags, next.shader_kind};
		}
	}
	c.flag_cpu[0] = 0;
	const uint64_t dst = SLOT_VA + rnd(kSlots) * SLOT_STRIDE;
	std::vector<uint32_t> dw = {pkt(MICA_PKT_WAIT_MEM, 5), lo32(FLAG_VA), hi32(FLAG_VA), 1, 0, MICA_WAIT_EQ,
				    pkt(MICA_PKT_SET_PROGRAM, 4), lo32(slot), hi32(slot), 16, 32,
				    pkt(MICA_PKT_SET_USER_DATA, 5), 0, lo32(dst), hi32(dst), 7, 0,
				    pkt(MICA_PKT_SET_WORKGROUP_SIZE, 3), 32, 1, 1,
				    pkt(MICA_PKT_DISPATCH, 3), 1, 1, 1};
	const uint64_t va = CMD_VA + 4096 * rnd(CMD_BYTES / 4096 - 1);
	std::memcpy(c.cmd_cpu + (va - CMD_VA) / 4, dw.data(), dw.size() * 4);
	drm_mica_cmdbuf cb{va, static_cast<uint32_t>(dw.size()), 0};
	drm_mica_submit sub{};
	sub.ctx = c.ctxs[rnd(c.ctxs.size())];
	sub.cmdbufs = {sizeof(cb), 1, reinterpret_cast<uintptr_t>(&cb)};
	if (ioctl(c, DRM_IOCTL_MICA_SUBMIT, &sub))
		return;
	submits_ok_++;
	c.jobs.push_back({sub.ctx, sub.seqno});
	op.op = DRM_MICA_BIND_OP_UNMAP;
	op.flags = 0;
	op.handle = 0;
	if (ioctl(c, DRM_IOCTL_MICA_VM_BIND, &bind) == 0) {
		std::lock_guard lk(model_mu_);
		c.maps.erase(slot);
	} else {
		return; // -EBUSY: the mapping is pinned until the job retires
	}
	const Bo &b = c.bos[second];
	drm_mica_vm_bind_op re{DRM_MICA_BIND_OP_MAP, DRM_MICA_BIND_READ | DRM_MICA_BIND_EXEC, b.handle, 0, 4096, slot, 4096};
	bind.ops = {sizeof(re), 1, reinterpret_cast<uintptr_t>(&re)};
	if (ioctl(c, DRM_IOCTL_MICA_VM_BIND, &bind) == 0) {
		std::lock_guard lk(model_mu_);
		c.maps[slot] = Mapping{slot, 4096, 4096, re.flags, b.shader_kind};
	}
}

void Fuzzer::step(ClientState &c)
{
	switch (rnd(23)) {
	case 22: op_sync_hostile(c); break;
	case 21: op_prime(c); break;
	case 20: op_exec_race(c); break;
	case 0: case 1: op_bo_create(c); break;
	case 2: op_bo_close(c); break;
	case 3: op_munmap(c); break;
	case 4: case 5: case 6: op_bind(c); break;
	case 7: op_unbind(c); break;
	case 8: op_shader(c); break;
	case 9: op_ctx(c); break;
	case 10: op_sync(c); break;
	case 11: op_wait(c); break;
	case 12: c.flag_cpu[0] = static_cast<uint32_t>(rnd(2)); break;
	default: op_submit(c); break;
	}
}

// A fourth client on a thread of its own: sync objects, contexts and BOs created and destroyed
// while its SUBMITs (WRITE_DATA of its tag, with in/out syncs and BO references naming them,
// stale handles included) are in flight -- the races of SUBMIT against SYNCOBJ_DESTROY,
// GEM_CLOSE and CTX_DESTROY, between files too, since the main loop runs meanwhile. Oracles:
// every answer is 0 or a documented errno; its memory never holds another client's tag (and
// theirs never its tag: check()); its close at the end is part of the leak oracle.
void Fuzzer::racer(uint64_t seed)
{
	std::mt19937_64 rng(seed);
	auto rn = [&](uint64_t n) { return n ? rng() % n : 0; };
	auto finding = [&](const std::string &what) {
		std::lock_guard lk(racer_mu_);
		if (racer_finding_.empty())
			racer_finding_ = "racer: " + what;
	};
	constexpr uint64_t R_CMD_VA = 0x10000000, R_DATA_VA = 0x60000000;
	mica_file *f = nullptr;
	if (mica_um_open(kdev_->get(), &f))
		return finding("open failed");
	auto io = [&](unsigned long cmd, void *arg) { return mica_um_ioctl(f, cmd, arg); };
	auto bo = [&](uint64_t va, uint32_t perms, uint32_t **cpu) {
		drm_mica_bo_create bc{};
		bc.size = 4096;
		drm_mica_bo_mmap_offset mo{};
		void *ptr = nullptr;
		if (io(DRM_IOCTL_MICA_BO_CREATE, &bc))
			return 0u;
		mo.handle = bc.handle;
		if (cpu && (io(DRM_IOCTL_MICA_BO_MMAP_OFFSET, &mo) || mica_um_mmap(f, mo.offset, 4096, &ptr)))
			return 0u;
		if (cpu)
			*cpu = static_cast<uint32_t *>(ptr);
		if (va) {
			drm_mica_vm_bind_op op{DRM_MICA_BIND_OP_MAP, perms, bc.handle, 0, 0, va, 4096};
			drm_mica_vm_bind b{};
			b.ops = {sizeof(op), 1, reinterpret_cast<uintptr_t>(&op)};
			if (io(DRM_IOCTL_MICA_VM_BIND, &b))
				return 0u;
		}
		return bc.handle;
	};
	uint32_t *cmd = nullptr, *data = nullptr;
	if (!bo(R_CMD_VA, DRM_MICA_BIND_READ, &cmd) || !bo(R_DATA_VA, DRM_MICA_BIND_READ | DRM_MICA_BIND_WRITE, &data))
		return finding("setup failed");
	std::vector<uint32_t> syncs, ctxs, bos;
	uint64_t next_point = 1;
	auto any = [&](const std::vector<uint32_t> &v) { return v.empty() || rn(8) == 0 ? uint32_t(rn(16)) : v[rn(v.size())]; };
	auto known = [&](int r, std::initializer_list<int> ok) {
		for (int e : ok)
			if (r == e)
				return true;
		return false;
	};
	while (!racer_stop_) {
		racer_ops_++;
		switch (rn(10)) {
		case 0: {
			drm_syncobj_create c{};
			c.flags = rn(2) ? DRM_SYNCOBJ_CREATE_SIGNALED : 0;
			if (syncs.size() < 6 && io(DRM_IOCTL_SYNCOBJ_CREATE, &c) == 0)
				syncs.push_back(c.handle);
			break;
		}
		case 1: {
			if (syncs.empty())
				break;
			const size_t i = rn(syncs.size());
			drm_syncobj_destroy d{syncs[i], 0};
			if (int r = io(DRM_IOCTL_SYNCOBJ_DESTROY, &d))
				finding("SYNCOBJ_DESTROY of a live handle: " + std::to_string(r));
			syncs.erase(syncs.begin() + static_cast<long>(i));
			break;
		}
		case 2: {
			uint32_t h = any(syncs);
			uint64_t pt = next_point++;
			drm_syncobj_timeline_array a{reinterpret_cast<uintptr_t>(&h), reinterpret_cast<uintptr_t>(&pt), 1, 0};
			if (int r = io(rn(2) ? DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL : DRM_IOCTL_SYNCOBJ_RESET, &a);
			    !known(r, {0, -ENOENT, -EINVAL}))
				finding("SYNCOBJ signal/reset: " + std::to_string(r));
			break;
		}
		case 3: {
			if (ctxs.size() < 2) {
				drm_mica_ctx_create c{};
				c.type = DRM_MICA_CTX_COMPUTE;
				if (io(DRM_IOCTL_MICA_CTX_CREATE, &c) == 0)
					ctxs.push_back(c.handle);
			} else {
				const size_t i = rn(ctxs.size());
				drm_mica_ctx_destroy d{ctxs[i], 0};
				if (int r = io(DRM_IOCTL_MICA_CTX_DESTROY, &d))
					finding("CTX_DESTROY of a live context: " + std::to_string(r));
				ctxs.erase(ctxs.begin() + static_cast<long>(i));
			}
			break;
		}
		case 4: {
			if (bos.size() < 4) {
				if (uint32_t h = bo(0, 0, nullptr))
					bos.push_back(h);
			} else {
				const size_t i = rn(bos.size());
				drm_gem_close c{bos[i], 0};
				if (int r = io(DRM_IOCTL_GEM_CLOSE, &c))
					finding("GEM_CLOSE of a live handle: " + std::to_string(r));
				bos.erase(bos.begin() + static_cast<long>(i));
			}
			break;
		}
		case 5: {
			uint32_t h = any(syncs);
			uint64_t pt = rn(next_point + 2);
			drm_syncobj_timeline_wait w{reinterpret_cast<uintptr_t>(&h), reinterpret_cast<uintptr_t>(&pt), 0, 1,
						    uint32_t(rn(8)), 0, 0};
			if (int r = io(DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w); !known(r, {0, -ETIME, -ENOENT, -EINVAL}))
				finding("SYNCOBJ_TIMELINE_WAIT: " + std::to_string(r));
			break;
		}
		default: {
			const uint32_t slot = static_cast<uint32_t>(rn(256)), at = static_cast<uint32_t>(rn(64)) * 16;
			const uint64_t va = R_DATA_VA + 4 * slot;
			cmd[at] = pkt(MICA_PKT_WRITE_DATA, 3);
			cmd[at + 1] = lo32(va);
			cmd[at + 2] = hi32(va);
			cmd[at + 3] = tagged(kRacer, slot);
			drm_mica_cmdbuf cb{R_CMD_VA + 4 * at, 4, 0};
			drm_mica_bo_ref ref{any(bos), DRM_MICA_BO_REF_READ};
			drm_mica_sync_point in{any(syncs), 0, rn(2) ? 0 : rn(next_point + 1)};
			drm_mica_sync_point out{any(syncs), 0, rn(4) ? next_point++ : 0};
			drm_mica_submit sub{};
			sub.ctx = any(ctxs);
			sub.cmdbufs = {sizeof(cb), 1, reinterpret_cast<uintptr_t>(&cb)};
			sub.bos = {sizeof(ref), rn(2) ? 1u : 0u, reinterpret_cast<uintptr_t>(&ref)};
			sub.in_syncs = {sizeof(in), rn(2) ? 1u : 0u, reinterpret_cast<uintptr_t>(&in)};
			sub.out_syncs = {sizeof(out), rn(2) ? 1u : 0u, reinterpret_cast<uintptr_t>(&out)};
			const int r = io(DRM_IOCTL_MICA_SUBMIT, &sub);
			if (!known(r, {0, -ENOENT, -EINVAL, -ECANCELED, -EAGAIN, -EIO}))
				finding("SUBMIT: " + std::to_string(r));
			racer_submits_ok_ += r == 0;
			break;
		}
		}
		for (uint32_t w = 0; w < 1024; w += 64)
			if (int t = tag_of(data[w]); t >= 0 && t != kRacer)
				finding("the racer reads client " + std::to_string(t) + "'s data");
		// Racing, not starving the main loop (CI has two cores and runs this under ASan).
		std::this_thread::sleep_for(std::chrono::microseconds(100));
	}
	mica_um_close(f);
}

void Fuzzer::check()
{
	for (ClientState &c : clients_) {
		for (uint32_t w = 0; w < 1024; w++)
			if (c.canary_cpu[w] != tagged(c.id, w))
				return fail("client " + std::to_string(c.id) + "'s canary changed at word " + std::to_string(w));
		for (uint64_t i = 0; i < kHostPages * 1024; i++) {
			int t = tag_of(c.host[i]);
			if (t >= 0 && t != c.id)
				return fail("client " + std::to_string(c.id) + "'s host memory holds client " + std::to_string(t) +
					    "'s data");
		}
		for (const Bo &b : c.bos)
			for (const CpuMap &m : b.maps)
				for (uint64_t i = 0; i < m.size / 4; i++) {
					int t = tag_of(m.p[i]);
					if (t >= 0 && t != c.id)
						return fail("client " + std::to_string(c.id) + " reads client " + std::to_string(t) +
							    "'s data");
				}
	}
	{
		std::lock_guard lk(racer_mu_);
		if (!racer_finding_.empty())
			fail(racer_finding_);
	}
	std::lock_guard lk(fetch_mu_);
	if (!fetch_violation_.empty())
		fail(fetch_violation_);
	if (mica_um_warnings())
		fail("a kernel WARN_ON fired");
}

int Fuzzer::run(double seconds)
{
	mica::sim::DeviceConfig cfg;
	cfg.cu_count = 2;
	cfg.vram_bytes = 32ull << 20;
	cfg.host_threads = 1;
	dev_ = std::make_unique<mica::sim::Device>(cfg);
	mica_um_params p{};
	p.watchdog_cycles = 200'000;
	p.job_timeout_ns = 200'000'000;
	p.client_max_vram_bytes = 8ull << 20; // three clients cannot starve each other
	kdev_ = std::make_unique<mica::kernel::UmDevice>(*dev_, p);
	mica::sim::set_fetch_observer(this);
	mica_um_live live_before{};
	mica_um_live_objects(&live_before);
	for (int i = 0; i < kClients; i++) {
		// A PROT_NONE guard page follows, so a range past the end never reaches other memory.
		void *h = mmap(nullptr, (kHostPages + 1) * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (h == MAP_FAILED || mprotect(static_cast<uint8_t *>(h) + kHostPages * 4096, 4096, PROT_NONE))
			std::abort();
		clients_[i].host = static_cast<uint32_t *>(h);
		for (uint32_t w = 0; w < kHostPages * 1024; w++)
			clients_[i].host[w] = tagged(i, w);
		open_client(i);
	}
	std::thread racer_thread(&Fuzzer::racer, this, rng_());

	const auto start = std::chrono::steady_clock::now();
	while (!failed_ && std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < seconds &&
	       steps_ < 2'000'000) {
		steps_++;
		ClientState &c = clients_[rnd(kClients)];
		if (chance(1) && chance(20)) {
			close_client(c.id);
			open_client(c.id);
		} else if (chance(1) && chance(10)) {
			mica_um_debugfs_gpu_recover(kdev_->get());
		} else {
			step(c);
		}
		if (steps_ % 16 == 0)
			check();
	}
	racer_stop_ = true;
	racer_thread.join();
	for (ClientState &c : clients_)
		c.flag_cpu[0] = 1;
	check();
	for (int i = 0; i < kClients; i++)
		close_client(i);
	// dma-bufs still open: the device's teardown lets go of their BOs; the fds are the process's.
	for (ClientState &c : clients_) {
		for (int fd : c.dmabufs)
			close(fd);
		c.dmabufs.clear();
	}
	// Every file and dma-buf is closed: nothing the clients made may still exist (a dma-buf
	// whose fd was closed is let go at the next ioctl, as fput() would: one more client makes one).
	{
		mica_file *f = nullptr;
		if (mica_um_open(kdev_->get(), &f) == 0) {
			drm_syncobj_destroy d{0, 0};
			mica_um_ioctl(f, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
			mica_um_close(f);
		}
	}
	mica_um_live live_after{};
	mica_um_live_objects(&live_after);
	if (live_after.bos != live_before.bos || live_after.syncobjs != live_before.syncobjs ||
	    live_after.fences != live_before.fences || live_after.jobs != live_before.jobs ||
	    live_after.contexts != live_before.contexts)
		fail("leak after every client closed: " + std::to_string(live_after.bos - live_before.bos) + " BOs, " +
		     std::to_string(live_after.syncobjs - live_before.syncobjs) + " sync objects, " +
		     std::to_string(live_after.fences - live_before.fences) + " fences, " +
		     std::to_string(live_after.jobs - live_before.jobs) + " jobs, " +
		     std::to_string(live_after.contexts - live_before.contexts) + " contexts");
	kdev_.reset();
	mica::sim::set_fetch_observer(nullptr);
	dev_.reset();
	for (ClientState &c : clients_)
		munmap(c.host, (kHostPages + 1) * 4096);
	if (mica_um_warnings())
		fail("a kernel WARN_ON fired during teardown");
	std::printf("stateful_fuzz: %" PRIu64 " steps, %" PRIu64 " accepted submits, %" PRIu64
		    " failed jobs seen, %" PRIu64 " instruction fetches checked, %" PRIu64 " userptr BOs, %" PRIu64
		    " racer ops (%" PRIu64 " accepted submits)%s\n",
		    steps_, submits_ok_, faults_seen_, fetches_, userptrs_, racer_ops_, racer_submits_ok_,
		    failed_ ? ", FINDING" : ", no findings");
	return failed_ ? 1 : 0;
}

} // namespace

int main(int argc, char **argv)
{
	const double seconds = argc > 1 ? std::atof(argv[1]) : 20.0;
	const uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 0)
				       : static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
	std::printf("stateful_fuzz: seed %" PRIu64 ", %.0f s\n", seed, seconds);
	std::fflush(stdout);
	Fuzzer f(seed);
	int r = f.run(seconds);
	if (r)
		std::fprintf(stderr, "stateful_fuzz: reproduce with: kernel_stateful_fuzz %.0f %" PRIu64 "\n", seconds, seed);
	return r;
}

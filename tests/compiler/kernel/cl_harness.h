// Runs Kernel-model (OpenCL) programs on the device model with the launch ABI of
// docs/compiler.md "Kernel programs": argument block at s[0:1] filled at the reflected offsets,
// dispatch block at s[2:3] (global offset/size, enqueued local size, work dim, printf buffer),
// workgroup counts in s4..s6. What the OpenCL frontend does, without the frontend.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "mica/compiler/compiler.h"

namespace mica::compiler::cltest {

struct Arg {
	enum class Kind { buffer, value, local } kind = Kind::value;
	std::vector<uint8_t> bytes;   // buffer: initial contents (read back after the run); value: its bytes
	uint32_t local_bytes = 0;     // local: the __local argument's size

	template <class T> static Arg buffer(const std::vector<T> &v)
	{
		Arg a;
		a.kind = Kind::buffer;
		a.bytes.resize(v.size() * sizeof(T));
		if (!v.empty())
			memcpy(a.bytes.data(), v.data(), a.bytes.size());
		return a;
	}
	template <class T> static Arg value(const T &v)
	{
		Arg a;
		a.bytes.resize(sizeof(T));
		memcpy(a.bytes.data(), &v, sizeof(T));
		return a;
	}
	static Arg local(uint32_t bytes)
	{
		Arg a;
		a.kind = Kind::local;
		a.local_bytes = bytes;
		return a;
	}
	template <class T> std::vector<T> as() const
	{
		std::vector<T> v(bytes.size() / sizeof(T));
		if (!v.empty())
			memcpy(v.data(), bytes.data(), v.size() * sizeof(T));
		return v;
	}
};

struct NDRange {
	uint32_t work_dim = 1;
	std::array<uint64_t, 3> offset{0, 0, 0};
	std::array<uint32_t, 3> global{1, 1, 1};
	std::array<uint32_t, 3> local{1, 1, 1};
};

struct Result {
	bool ok = false;
	std::string error;
	uint64_t hazard_violations = 0;
	std::vector<uint8_t> printf_buffer;   // the whole buffer after the run
	CompileResult compiled;
};

// The module built by meson from tests/compiler/kernel/<name>.cl.
std::vector<uint32_t> load_spv(const std::string &name);

// Compiles 'kernel' for the range's local size and runs it; buffer arguments are read back
// into args[i].bytes. host_threads > 1 runs the two compute units on their own host threads
// (atomicity across CUs).
Result run(const std::vector<uint32_t> &spv, const std::string &kernel, const NDRange &range, std::vector<Arg> &args,
           uint32_t revision = 2, uint32_t profile = 0, bool checked = true, uint32_t printf_bytes = 0,
           int opt_level = 2, unsigned host_threads = 1);

// The printf records of a buffer, decoded into text with the module's printf strings
// (the frontend's job; a reference decoder for the tests).
std::vector<std::string> decode_printf(const std::vector<uint8_t> &buffer, const KernelModuleInfo &info);

} // namespace mica::compiler::cltest

// 64-bit atomics (cl_khr_int64_base_atomics, cl_khr_int64_extended_atomics): every
// read-modify-write on __global, __local and generic pointers, signed and unsigned, with the
// returned old value used and unused. Work-item i works on slot i % 4; the host checks that the
// returned values form one valid order of the operations per slot (kernel_atomic64_test.cpp).
#pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable
#pragma OPENCL EXTENSION cl_khr_int64_extended_atomics : enable

#define SLOTS 4

// atom_<op>(p, v) for the two-operand operations, atom_<op>(p) for inc/dec.
#define CALL_add(p, v) atom_add(p, v)
#define CALL_sub(p, v) atom_sub(p, v)
#define CALL_xchg(p, v) atom_xchg(p, v)
#define CALL_inc(p, v) atom_inc(p)
#define CALL_dec(p, v) atom_dec(p)
#define CALL_min(p, v) atom_min(p, v)
#define CALL_max(p, v) atom_max(p, v)
#define CALL_and(p, v) atom_and(p, v)
#define CALL_or(p, v) atom_or(p, v)
#define CALL_xor(p, v) atom_xor(p, v)

// g_: __global, old value stored; gn_: __global, old value unused.
// l_/ln_: the group's slots copied into __local memory, operated on, copied back.
#define KERNELS(OP, T)                                                                              \
	__kernel void g_##OP##_##T(__global T *mem, __global T *ret, __global const T *val)            \
	{                                                                                              \
		size_t i = get_global_id(0);                                                               \
		ret[i] = CALL_##OP(&mem[i % SLOTS], val[i]);                                               \
	}                                                                                              \
	__kernel void gn_##OP##_##T(__global T *mem, __global T *ret, __global const T *val)           \
	{                                                                                              \
		size_t i = get_global_id(0);                                                               \
		CALL_##OP(&mem[i % SLOTS], val[i]);                                                        \
	}                                                                                              \
	__kernel void l_##OP##_##T(__global T *mem, __global T *ret, __global const T *val)            \
	{                                                                                              \
		__local T slot[SLOTS];                                                                     \
		size_t i = get_global_id(0), l = get_local_id(0), g = get_group_id(0);                     \
		if (l < SLOTS)                                                                             \
			slot[l] = mem[g * SLOTS + l];                                                          \
		barrier(CLK_LOCAL_MEM_FENCE);                                                              \
		ret[i] = CALL_##OP(&slot[l % SLOTS], val[i]);                                              \
		barrier(CLK_LOCAL_MEM_FENCE);                                                              \
		if (l < SLOTS)                                                                             \
			mem[g * SLOTS + l] = slot[l];                                                          \
	}                                                                                              \
	__kernel void ln_##OP##_##T(__global T *mem, __global T *ret, __global const T *val)           \
	{                                                                                              \
		__local T slot[SLOTS];                                                                     \
		size_t i = get_global_id(0), l = get_local_id(0), g = get_group_id(0);                     \
		if (l < SLOTS)                                                                             \
			slot[l] = mem[g * SLOTS + l];                                                          \
		barrier(CLK_LOCAL_MEM_FENCE);                                                              \
		CALL_##OP(&slot[l % SLOTS], val[i]);                                                       \
		barrier(CLK_LOCAL_MEM_FENCE);                                                              \
		if (l < SLOTS)                                                                             \
			mem[g * SLOTS + l] = slot[l];                                                          \
	}

#define ALL_OPS(T)      \
	KERNELS(add, T)     \
	KERNELS(sub, T)     \
	KERNELS(xchg, T)    \
	KERNELS(inc, T)     \
	KERNELS(dec, T)     \
	KERNELS(min, T)     \
	KERNELS(max, T)     \
	KERNELS(and, T)     \
	KERNELS(or, T)      \
	KERNELS(xor, T)

ALL_OPS(long)
ALL_OPS(ulong)

// Compare-and-swap: each work-item replaces the slot's value x by x * 3 + val[i] in a CAS loop
// (the value it finally swapped against goes to ret[i]), on __global and __local memory.
#define CAS_KERNELS(T)                                                                              \
	__kernel void g_cas_##T(__global T *mem, __global T *ret, __global const T *val)               \
	{                                                                                              \
		size_t i = get_global_id(0);                                                               \
		volatile __global T *p = &mem[i % SLOTS];                                                  \
		T old = *p, seen;                                                                          \
		while ((seen = atom_cmpxchg(p, old, old * 3 + val[i])) != old)                             \
			old = seen;                                                                            \
		ret[i] = old;                                                                              \
	}                                                                                              \
	__kernel void l_cas_##T(__global T *mem, __global T *ret, __global const T *val)               \
	{                                                                                              \
		__local T slot[SLOTS];                                                                     \
		size_t i = get_global_id(0), l = get_local_id(0), g = get_group_id(0);                     \
		if (l < SLOTS)                                                                             \
			slot[l] = mem[g * SLOTS + l];                                                          \
		barrier(CLK_LOCAL_MEM_FENCE);                                                              \
		volatile __local T *p = &slot[l % SLOTS];                                                  \
		T old = *p, seen;                                                                          \
		while ((seen = atom_cmpxchg(p, old, old * 3 + val[i])) != old)                             \
			old = seen;                                                                            \
		ret[i] = old;                                                                              \
		barrier(CLK_LOCAL_MEM_FENCE);                                                              \
		if (l < SLOTS)                                                                             \
			mem[g * SLOTS + l] = slot[l];                                                          \
	}                                                                                              \
	/* a compare that never matches: nothing is written, the current value comes back */          \
	__kernel void g_cas_miss_##T(__global T *mem, __global T *ret, __global const T *val)          \
	{                                                                                              \
		size_t i = get_global_id(0);                                                               \
		ret[i] = atom_cmpxchg(&mem[i % SLOTS], ~mem[i % SLOTS], val[i]);                           \
	}

CAS_KERNELS(long)
CAS_KERNELS(ulong)

// Generic pointers (OpenCL C 2.0 atomics through a call clang keeps): even work-items operate on
// the __global slot, odd ones on the group's __local slot, so one wave takes both paths.
#define GENERIC_KERNEL(OP, T)                                                                       \
	__attribute__((noinline)) T gen_##OP##_##T(volatile atomic_##T *p, T v)                        \
	{                                                                                              \
		return atomic_fetch_##OP##_explicit(p, v, memory_order_relaxed, memory_scope_device);      \
	}                                                                                              \
	__kernel void x_##OP##_##T(__global T *mem, __global T *ret, __global const T *val)            \
	{                                                                                              \
		__local T slot[SLOTS];                                                                     \
		size_t i = get_global_id(0), l = get_local_id(0), g = get_group_id(0);                     \
		if (l < SLOTS)                                                                             \
			slot[l] = mem[SLOTS + g * SLOTS + l];                                                  \
		barrier(CLK_LOCAL_MEM_FENCE);                                                              \
		volatile atomic_##T *p = (l & 1) ? (volatile atomic_##T *)&slot[(l >> 1) % SLOTS]          \
		                                 : (volatile atomic_##T *)&mem[(l >> 1) % SLOTS];          \
		ret[i] = gen_##OP##_##T(p, val[i]);                                                        \
		barrier(CLK_LOCAL_MEM_FENCE);                                                              \
		if (l < SLOTS)                                                                             \
			mem[SLOTS + g * SLOTS + l] = slot[l];                                                  \
	}

#define GENERIC_OPS(T)          \
	GENERIC_KERNEL(add, T)      \
	GENERIC_KERNEL(sub, T)      \
	GENERIC_KERNEL(min, T)      \
	GENERIC_KERNEL(max, T)      \
	GENERIC_KERNEL(and, T)      \
	GENERIC_KERNEL(or, T)       \
	GENERIC_KERNEL(xor, T)

GENERIC_OPS(long)
GENERIC_OPS(ulong)

// exchange, compare-exchange, load and store through generic pointers.
__attribute__((noinline)) ulong gen_xchg(volatile atomic_ulong *p, ulong v)
{
	return atomic_exchange_explicit(p, v, memory_order_relaxed, memory_scope_device);
}
__attribute__((noinline)) ulong gen_cas(volatile atomic_ulong *p, ulong v)
{
	ulong old = atomic_load_explicit(p, memory_order_relaxed, memory_scope_device);
	while (!atomic_compare_exchange_strong_explicit(p, &old, old * 3 + v, memory_order_relaxed, memory_order_relaxed,
	                                                memory_scope_device))
		;
	return old;
}

__kernel void x_xchg_ulong(__global ulong *mem, __global ulong *ret, __global const ulong *val)
{
	__local ulong slot[SLOTS];
	size_t i = get_global_id(0), l = get_local_id(0), g = get_group_id(0);
	if (l < SLOTS)
		atomic_store_explicit((volatile atomic_ulong *)&slot[l], mem[SLOTS + g * SLOTS + l], memory_order_relaxed,
		                      memory_scope_work_group);
	barrier(CLK_LOCAL_MEM_FENCE);
	volatile atomic_ulong *p = (l & 1) ? (volatile atomic_ulong *)&slot[(l >> 1) % SLOTS]
	                                   : (volatile atomic_ulong *)&mem[(l >> 1) % SLOTS];
	ret[i] = gen_xchg(p, val[i]);
	barrier(CLK_LOCAL_MEM_FENCE);
	if (l < SLOTS)
		mem[SLOTS + g * SLOTS + l] = slot[l];
}

__kernel void x_cas_ulong(__global ulong *mem, __global ulong *ret, __global const ulong *val)
{
	__local ulong slot[SLOTS];
	size_t i = get_global_id(0), l = get_local_id(0), g = get_group_id(0);
	if (l < SLOTS)
		slot[l] = mem[SLOTS + g * SLOTS + l];
	barrier(CLK_LOCAL_MEM_FENCE);
	volatile atomic_ulong *p = (l & 1) ? (volatile atomic_ulong *)&slot[(l >> 1) % SLOTS]
	                                   : (volatile atomic_ulong *)&mem[(l >> 1) % SLOTS];
	ret[i] = gen_cas(p, val[i]);
	barrier(CLK_LOCAL_MEM_FENCE);
	if (l < SLOTS)
		mem[SLOTS + g * SLOTS + l] = slot[l];
}

// Piglit's atomic_int64_cmpxchg-local gives this kernel 8 bytes of __local memory and uses 16:
// __local allocations are whole 16-byte granules, so the second long is inside the workgroup's
// shared memory (as on GPUs with granular local memory).
__kernel void cas_local_arg(__global long *out, __local long *mem, __global const long *in)
{
	mem[0] = in[0];
	mem[1] = in[1];
	out[0] = atom_cmpxchg(mem, in[2], in[3]);
	out[1] = mem[0];
	out[2] = atom_cmpxchg(mem + 1, in[4], in[5]);
	out[3] = mem[1];
}

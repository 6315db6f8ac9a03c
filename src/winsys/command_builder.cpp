// SPDX-License-Identifier: MIT
// Command-stream builder: packet opcodes, payload layouts and lengths all come from the generated
// hardware description (mica_hw.h), and every packet is checked against mica_packet_table.
#include <stdexcept>
#include <string>

#include "mica/winsys/winsys.h"
#include "mica_dma.h"
#include "mica_hw.h"

namespace mica::winsys {

namespace {
uint32_t lo(uint64_t v) { return static_cast<uint32_t>(v); }
uint32_t hi(uint64_t v) { return static_cast<uint32_t>(v >> 32); }
} // namespace

CommandBuilder &CommandBuilder::packet(uint32_t op, std::span<const uint32_t> head, std::span<const uint32_t> tail)
{
	const mica_packet_info &info = mica_packet_table[op];
	const size_t len = head.size() + tail.size();
	if (!info.valid || info.priv)
		throw std::invalid_argument("CommandBuilder: packet not available to user command buffers");
	if (len < info.len_min || len > info.len_max)
		throw std::invalid_argument(std::string("CommandBuilder: ") + info.name + " with " +
					    std::to_string(len) + " payload dwords (allowed " +
					    std::to_string(info.len_min) + ".." + std::to_string(info.len_max) + ")");
	dw_.push_back(MICA_PKT_HEADER(op, len));
	dw_.insert(dw_.end(), head.begin(), head.end());
	dw_.insert(dw_.end(), tail.begin(), tail.end());
	return *this;
}

CommandBuilder &CommandBuilder::packet(uint32_t op, std::initializer_list<uint32_t> payload)
{
	return packet(op, std::span<const uint32_t>(payload.begin(), payload.size()), {});
}

CommandBuilder &CommandBuilder::nop(uint32_t payload_dwords)
{
	std::vector<uint32_t> zeros(payload_dwords, 0);
	return packet(MICA_PKT_NOP, zeros, {});
}

CommandBuilder &CommandBuilder::set_program(uint64_t va, uint32_t vgprs, uint32_t sgprs)
{
	return packet(MICA_PKT_SET_PROGRAM, {lo(va), hi(va), vgprs, sgprs});
}

CommandBuilder &CommandBuilder::set_user_data(uint32_t first, std::span<const uint32_t> values)
{
	if (first + values.size() > MICA_USER_DATA_SGPRS)
		throw std::invalid_argument("CommandBuilder: user data runs past s" +
					    std::to_string(MICA_USER_DATA_SGPRS - 1));
	const uint32_t head[] = {first};
	return packet(MICA_PKT_SET_USER_DATA, head, values);
}

CommandBuilder &CommandBuilder::set_user_data_va(uint32_t first, uint64_t va)
{
	const uint32_t v[] = {lo(va), hi(va)};
	return set_user_data(first, v);
}

CommandBuilder &CommandBuilder::load_user_data(uint32_t first, uint32_t count, uint64_t va)
{
	if (count == 0 || first >= MICA_USER_DATA_SGPRS || count > MICA_USER_DATA_SGPRS - first)
		throw std::invalid_argument("CommandBuilder: LOAD_USER_DATA of " + std::to_string(count) +
					    " dwords at s" + std::to_string(first) + " is outside s0..s" +
					    std::to_string(MICA_USER_DATA_SGPRS - 1));
	if (va % 4 != 0)
		throw std::invalid_argument("CommandBuilder: LOAD_USER_DATA address not 4-byte aligned");
	return packet(MICA_PKT_LOAD_USER_DATA, {first, count, lo(va), hi(va)});
}

CommandBuilder &CommandBuilder::set_shared_size(uint32_t bytes)
{
	return packet(MICA_PKT_SET_SHARED_SIZE, {bytes});
}

CommandBuilder &CommandBuilder::set_workgroup_size(uint32_t x, uint32_t y, uint32_t z)
{
	return packet(MICA_PKT_SET_WORKGROUP_SIZE, {x, y, z});
}

CommandBuilder &CommandBuilder::dispatch(uint32_t x, uint32_t y, uint32_t z)
{
	return packet(MICA_PKT_DISPATCH, {x, y, z});
}

CommandBuilder &CommandBuilder::dispatch_indirect(uint64_t va)
{
	return packet(MICA_PKT_DISPATCH_INDIRECT, {lo(va), hi(va)});
}

CommandBuilder &CommandBuilder::barrier(uint32_t flags)
{
	return packet(MICA_PKT_BARRIER, {flags});
}

CommandBuilder &CommandBuilder::dma_copy(uint64_t src, uint64_t dst, uint32_t bytes)
{
	return packet(MICA_PKT_DMA_COPY, {lo(src), hi(src), lo(dst), hi(dst), bytes});
}

CommandBuilder &CommandBuilder::dma_copy_tiled(const mica_dma_tiled &copy)
{
	uint32_t payload[MICA_PKT_DMA_COPY_TILED_LEN_MAX];
	mica_dma_tiled_pack(&copy, payload);
	return packet(MICA_PKT_DMA_COPY_TILED, payload, {});
}

CommandBuilder &CommandBuilder::dma_fill(uint64_t dst, uint32_t value, uint32_t bytes)
{
	return packet(MICA_PKT_DMA_FILL, {lo(dst), hi(dst), value, bytes});
}

CommandBuilder &CommandBuilder::write_data(uint64_t dst, std::span<const uint32_t> values)
{
	const uint32_t head[] = {lo(dst), hi(dst)};
	return packet(MICA_PKT_WRITE_DATA, head, values);
}

CommandBuilder &CommandBuilder::timestamp(uint64_t dst)
{
	return packet(MICA_PKT_TIMESTAMP, {lo(dst), hi(dst)});
}

CommandBuilder &CommandBuilder::signal(uint64_t dst, uint64_t value)
{
	// Flags stay 0: the interrupt flag belongs to the kernel ring.
	return packet(MICA_PKT_SIGNAL, {lo(dst), hi(dst), lo(value), hi(value), 0});
}

CommandBuilder &CommandBuilder::wait_mem(uint64_t va, uint64_t ref, uint32_t func)
{
	return packet(MICA_PKT_WAIT_MEM, {lo(va), hi(va), lo(ref), hi(ref), func});
}

CommandBuilder &CommandBuilder::chain(uint64_t va, uint32_t dwords)
{
	return packet(MICA_PKT_CHAIN, {lo(va), hi(va), dwords});
}

} // namespace mica::winsys

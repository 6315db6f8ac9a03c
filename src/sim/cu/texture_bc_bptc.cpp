// SPDX-License-Identifier: MIT
// BPTC block decoding (BC6H and BC7, docs/hw/texture.md "Block-compressed formats"): the texel of a
// 16-byte block as the BPTC appendix of ARB_texture_compression_bptc (= the Khronos Data Format
// Specification's BPTC chapter, = Direct3D's BC6H/BC7) defines it, in integers, so the result is
// exact: BC7 gives 8-bit UNORM components, BC6H the bits of IEEE half floats.
#include "texture_bc_bptc.h"

#include <array>
#include <cstring>
#include <utility>
#include <vector>

namespace mica::sim::cu::tex {

namespace {

// The little-endian 128-bit block read field by field from bit 0 up.
class BlockBits {
public:
	explicit BlockBits(const uint8_t *b) { std::memcpy(bytes_, b, 16); }
	uint32_t get(unsigned n)
	{
		uint32_t v = 0;
		for (unsigned k = 0; k < n; k++, pos_++)
			v |= static_cast<uint32_t>((bytes_[pos_ / 8] >> (pos_ % 8)) & 1) << k;
		return v;
	}
	void seek(unsigned pos) { pos_ = pos; }
	unsigned pos() const { return pos_; }

private:
	uint8_t bytes_[16];
	unsigned pos_ = 0;
};

// Table.P2 and Table.P3: the subset of each texel (x + 4 y) for the 64 two- and three-subset
// partitions (BC6H uses the first 32 of P2).
const char *const kPartition2[64] = {
	"0011001100110011", "0001000100010001", "0111011101110111", "0001001100110111",
	"0000000100010011", "0011011101111111", "0001001101111111", "0000000100110111",
	"0000000000010011", "0011011111111111", "0000000101111111", "0000000000010111",
	"0001011111111111", "0000000011111111", "0000111111111111", "0000000000001111",
	"0000100011101111", "0111000100000000", "0000000010001110", "0111001100010000",
	"0011000100000000", "0000100011001110", "0000000010001100", "0111001100110001",
	"0011000100010000", "0000100010001100", "0110011001100110", "0011011001101100",
	"0001011111101000", "0000111111110000", "0111000110001110", "0011100110011100",
	"0101010101010101", "0000111100001111", "0101101001011010", "0011001111001100",
	"0011110000111100", "0101010110101010", "0110100101101001", "0101101010100101",
	"0111001111001110", "0001001111001000", "0011001001001100", "0011101111011100",
	"0110100110010110", "0011110011000011", "0110011010011001", "0000011001100000",
	"0100111001000000", "0010011100100000", "0000001001110010", "0000010011100100",
	"0110110010010011", "0011011011001001", "0110001110011100", "0011100111000110",
	"0110110011001001", "0110001100111001", "0111111010000001", "0001100011100111",
	"0000111100110011", "0011001111110000", "0010001011101110", "0100010001110111",
};
const char *const kPartition3[64] = {
	"0011001102212222", "0001001122112221", "0000200122112211", "0222002200110111",
	"0000000011221122", "0011001100220022", "0022002211111111", "0011001122112211",
	"0000000011112222", "0000111111112222", "0000111122222222", "0012001200120012",
	"0112011201120112", "0122012201220122", "0011011211221222", "0011200122002220",
	"0001001101121122", "0111001120012200", "0000112211221122", "0022002200221111",
	"0111011102220222", "0001000122212221", "0000001101220122", "0000110022102210",
	"0122012200110000", "0012001211222222", "0110122112210110", "0000011012211221",
	"0022110211020022", "0110011020022222", "0011012201220011", "0000200022112221",
	"0000000211221222", "0222002200120011", "0011001200220222", "0120012001200120",
	"0000111122220000", "0120120120120120", "0120201212010120", "0011220011220011",
	"0011112222000011", "0101010122222222", "0000000021212121", "0022112200221122",
	"0022001100220011", "0220122102201221", "0101222222220101", "0000212121212121",
	"0101010101012222", "0222011102220111", "0002111200021112", "0000211221122112",
	"0222011101110222", "0002111211120002", "0110011001102222", "0000000021122112",
	"0110011022222222", "0022001100110022", "0022112211220022", "0000000000002112",
	"0002000100020001", "0222122202221222", "0101222222222222", "0111201122012220",
};
// Table.A2, A3a, A3b: the anchor texel of subset 1 of two-subset partitions, and of subsets 1 and 2
// of three-subset partitions (subset 0's anchor is texel 0). An anchor index has one bit less.
const uint8_t kAnchor2[64] = {
	15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15,
	15, 2, 8, 2, 2, 8, 8, 15, 2, 8, 2, 2, 8, 8, 2, 2,
	15, 15, 6, 8, 2, 8, 15, 15, 2, 8, 2, 2, 2, 15, 15, 6,
	6, 2, 6, 8, 15, 15, 2, 2, 15, 15, 15, 15, 15, 2, 2, 15,
};
const uint8_t kAnchor3a[64] = {
	3, 3, 15, 15, 8, 3, 15, 15, 8, 8, 6, 6, 6, 5, 3, 3,
	3, 3, 8, 15, 3, 3, 6, 10, 5, 8, 8, 6, 8, 5, 15, 15,
	8, 15, 3, 5, 6, 10, 8, 15, 15, 3, 15, 5, 15, 15, 15, 15,
	3, 15, 5, 5, 5, 8, 5, 10, 5, 10, 8, 13, 15, 12, 3, 3,
};
const uint8_t kAnchor3b[64] = {
	15, 8, 8, 3, 15, 15, 3, 8, 15, 15, 15, 15, 15, 15, 15, 8,
	15, 8, 15, 3, 15, 8, 15, 8, 3, 15, 6, 10, 15, 15, 10, 8,
	15, 3, 15, 10, 10, 8, 9, 10, 6, 15, 8, 15, 3, 6, 6, 8,
	15, 3, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 3, 15, 15, 8,
};

// The 6-bit interpolation weights of 2-, 3- and 4-bit indices.
const uint8_t kWeights2[4] = {0, 21, 43, 64};
const uint8_t kWeights3[8] = {0, 9, 18, 27, 37, 46, 55, 64};
const uint8_t kWeights4[16] = {0, 4, 9, 13, 17, 21, 26, 30, 34, 38, 43, 47, 51, 55, 60, 64};

uint32_t weight(unsigned index_bits, uint32_t index)
{
	return index_bits == 2 ? kWeights2[index] : index_bits == 3 ? kWeights3[index] : kWeights4[index];
}

unsigned subset_of(unsigned subsets, unsigned partition, unsigned texel)
{
	if (subsets == 1)
		return 0;
	const char *row = subsets == 2 ? kPartition2[partition] : kPartition3[partition];
	return static_cast<unsigned>(row[texel] - '0');
}

bool is_anchor(unsigned subsets, unsigned partition, unsigned texel)
{
	if (texel == 0)
		return true;
	if (subsets == 2)
		return texel == kAnchor2[partition];
	if (subsets == 3)
		return texel == kAnchor3a[partition] || texel == kAnchor3b[partition];
	return false;
}

// Reads the 16 indices of 'bits' bits (anchors one less) from the current position and returns
// texel's.
uint32_t read_index(BlockBits &in, unsigned subsets, unsigned partition, unsigned bits, unsigned texel)
{
	uint32_t v = 0;
	for (unsigned t = 0; t <= texel; t++)
		v = in.get(bits - (is_anchor(subsets, partition, t) ? 1 : 0));
	return v;
}

int32_t interpolate(int32_t e0, int32_t e1, uint32_t w)
{
	return (e0 * (64 - static_cast<int32_t>(w)) + e1 * static_cast<int32_t>(w) + 32) >> 6;
}

// ---- BC7 -------------------------------------------------------------------------------------

// Table.M: subsets, partition bits, rotation bits, index-selection bits, colour bits, alpha bits,
// per-endpoint P-bits, shared P-bits, index bits, secondary index bits.
struct Bc7Mode {
	uint8_t ns, pb, rb, isb, cb, ab, epb, spb, ib, ib2;
};
const Bc7Mode kBc7Modes[8] = {
	{3, 4, 0, 0, 4, 0, 1, 0, 3, 0}, {2, 6, 0, 0, 6, 0, 0, 1, 3, 0}, {3, 6, 0, 0, 5, 0, 0, 0, 2, 0},
	{2, 6, 0, 0, 7, 0, 1, 0, 2, 0}, {1, 0, 2, 1, 5, 6, 0, 0, 2, 3}, {1, 0, 2, 0, 7, 8, 0, 0, 2, 2},
	{1, 0, 0, 0, 7, 7, 1, 0, 4, 0}, {2, 6, 0, 0, 5, 5, 1, 0, 2, 0},
};

// An n-bit endpoint component widened to 8 bits by replicating its top bits below it.
uint32_t widen8(uint32_t v, unsigned n)
{
	return (v << (8 - n)) | (v >> (2 * n - 8));
}

} // namespace

void decode_bc7(const uint8_t *block, unsigned texel, uint8_t rgba[4])
{
	const unsigned low = block[0];
	if (low == 0) { // reserved mode 8: every texel is (0, 0, 0, 0), as Direct3D defines it
		std::memset(rgba, 0, 4);
		return;
	}
	unsigned mode = 0;
	while (!(low & (1u << mode)))
		mode++;
	const Bc7Mode &m = kBc7Modes[mode];
	BlockBits in(block);
	in.seek(mode + 1);
	const unsigned partition = in.get(m.pb), rotation = in.get(m.rb), isel = in.get(m.isb);
	uint32_t ep[3][2][4] = {}; // subset, endpoint, channel
	for (unsigned c = 0; c < 3; c++)
		for (unsigned s = 0; s < m.ns; s++)
			for (unsigned e = 0; e < 2; e++)
				ep[s][e][c] = in.get(m.cb);
	for (unsigned s = 0; s < m.ns && m.ab; s++)
		for (unsigned e = 0; e < 2; e++)
			ep[s][e][3] = in.get(m.ab);
	uint32_t p[3][2] = {};
	for (unsigned s = 0; s < m.ns && m.epb; s++)
		for (unsigned e = 0; e < 2; e++)
			p[s][e] = in.get(1);
	for (unsigned s = 0; s < m.ns && m.spb; s++)
		p[s][0] = p[s][1] = in.get(1);
	const unsigned pbit = m.epb || m.spb ? 1 : 0;
	for (unsigned s = 0; s < m.ns; s++)
		for (unsigned e = 0; e < 2; e++) {
			for (unsigned c = 0; c < 3; c++)
				ep[s][e][c] = widen8((ep[s][e][c] << pbit) | (pbit ? p[s][e] : 0), m.cb + pbit);
			ep[s][e][3] = m.ab ? widen8((ep[s][e][3] << pbit) | (pbit ? p[s][e] : 0), m.ab + pbit) : 255;
		}
	const unsigned s = subset_of(m.ns, partition, texel);
	const unsigned primary_start = in.pos();
	const uint32_t primary = read_index(in, m.ns, partition, m.ib, texel);
	uint32_t secondary = 0;
	if (m.ib2) {
		in.seek(primary_start + 16 * m.ib - m.ns); // after every primary index (one anchor per subset)
		secondary = read_index(in, 1, 0, m.ib2, texel);
	}
	// Colour from the secondary indices when the selection bit says so, alpha from the other set.
	const bool swap = m.isb && isel;
	const uint32_t ci = swap ? secondary : primary, cbits = swap ? m.ib2 : m.ib;
	const uint32_t ai = m.ib2 && !swap ? secondary : primary, abits = m.ib2 && !swap ? m.ib2 : m.ib;
	uint32_t out[4];
	for (unsigned c = 0; c < 3; c++)
		out[c] = static_cast<uint32_t>(interpolate(static_cast<int32_t>(ep[s][0][c]), static_cast<int32_t>(ep[s][1][c]),
		                                           weight(cbits, ci)));
	out[3] = static_cast<uint32_t>(
	    interpolate(static_cast<int32_t>(ep[s][0][3]), static_cast<int32_t>(ep[s][1][3]), weight(abits, ai)));
	if (rotation)
		std::swap(out[3], out[rotation - 1]);
	for (unsigned c = 0; c < 4; c++)
		rgba[c] = static_cast<uint8_t>(out[c]);
}

// ---- BC6H ------------------------------------------------------------------------------------

namespace {

// Table.MF and Table.F: the 14 modes (mode number, transformed endpoints, partition bits, endpoint
// bits, delta bits of R, G, B) and where each mode keeps its fields, as the spec writes it: v[a:b]
// takes bits for v[b] first and then towards v[a] (so a < b reverses them), v[a] is one bit.
struct Bc6Mode {
	uint8_t number, transformed, pb, epb, delta[3];
	const char *layout;
};
const Bc6Mode kBc6Modes[14] = {
	{0, 1, 5, 10, {5, 5, 5},
	 "m[1:0],g2[4],b2[4],b3[4],r0[9:0],g0[9:0],b0[9:0],r1[4:0],g3[4],g2[3:0],"
	 "g1[4:0],b3[0],g3[3:0],b1[4:0],b3[1],b2[3:0],r2[4:0],b3[2],r3[4:0],b3[3]"},
	{1, 1, 5, 7, {6, 6, 6},
	 "m[1:0],g2[5],g3[4],g3[5],r0[6:0],b3[0],b3[1],b2[4],g0[6:0],b2[5],b3[2],"
	 "g2[4],b0[6:0],b3[3],b3[5],b3[4],r1[5:0],g2[3:0],g1[5:0],g3[3:0],b1[5:0],"
	 "b2[3:0],r2[5:0],r3[5:0]"},
	{2, 1, 5, 11, {5, 4, 4},
	 "m[4:0],r0[9:0],g0[9:0],b0[9:0],r1[4:0],r0[10],g2[3:0],g1[3:0],g0[10],"
	 "b3[0],g3[3:0],b1[3:0],b0[10],b3[1],b2[3:0],r2[4:0],b3[2],r3[4:0],b3[3]"},
	{6, 1, 5, 11, {4, 5, 4},
	 "m[4:0],r0[9:0],g0[9:0],b0[9:0],r1[3:0],r0[10],g3[4],g2[3:0],g1[4:0],"
	 "g0[10],g3[3:0],b1[3:0],b0[10],b3[1],b2[3:0],r2[3:0],b3[0],b3[2],r3[3:0],"
	 "g2[4],b3[3]"},
	{10, 1, 5, 11, {4, 4, 5},
	 "m[4:0],r0[9:0],g0[9:0],b0[9:0],r1[3:0],r0[10],b2[4],g2[3:0],g1[3:0],"
	 "g0[10],b3[0],g3[3:0],b1[4:0],b0[10],b2[3:0],r2[3:0],b3[1],b3[2],r3[3:0],"
	 "b3[4],b3[3]"},
	{14, 1, 5, 9, {5, 5, 5},
	 "m[4:0],r0[8:0],b2[4],g0[8:0],g2[4],b0[8:0],b3[4],r1[4:0],g3[4],g2[3:0],"
	 "g1[4:0],b3[0],g3[3:0],b1[4:0],b3[1],b2[3:0],r2[4:0],b3[2],r3[4:0],b3[3]"},
	{18, 1, 5, 8, {6, 5, 5},
	 "m[4:0],r0[7:0],g3[4],b2[4],g0[7:0],b3[2],g2[4],b0[7:0],b3[3],b3[4],"
	 "r1[5:0],g2[3:0],g1[4:0],b3[0],g3[3:0],b1[4:0],b3[1],b2[3:0],r2[5:0],"
	 "r3[5:0]"},
	{22, 1, 5, 8, {5, 6, 5},
	 "m[4:0],r0[7:0],b3[0],b2[4],g0[7:0],g2[5],g2[4],b0[7:0],g3[5],b3[4],"
	 "r1[4:0],g3[4],g2[3:0],g1[5:0],g3[3:0],b1[4:0],b3[1],b2[3:0],r2[4:0],"
	 "b3[2],r3[4:0],b3[3]"},
	{26, 1, 5, 8, {5, 5, 6},
	 "m[4:0],r0[7:0],b3[1],b2[4],g0[7:0],b2[5],g2[4],b0[7:0],b3[5],b3[4],"
	 "r1[4:0],g3[4],g2[3:0],g1[4:0],b3[0],g3[3:0],b1[5:0],b2[3:0],r2[4:0],"
	 "b3[2],r3[4:0],b3[3]"},
	{30, 0, 5, 6, {6, 6, 6},
	 "m[4:0],r0[5:0],g3[4],b3[0],b3[1],b2[4],g0[5:0],g2[5],b2[5],b3[2],"
	 "g2[4],b0[5:0],g3[5],b3[3],b3[5],b3[4],r1[5:0],g2[3:0],g1[5:0],g3[3:0],"
	 "b1[5:0],b2[3:0],r2[5:0],r3[5:0]"},
	{3, 0, 0, 10, {10, 10, 10}, "m[4:0],r0[9:0],g0[9:0],b0[9:0],r1[9:0],g1[9:0],b1[9:0]"},
	{7, 1, 0, 11, {9, 9, 9},
	 "m[4:0],r0[9:0],g0[9:0],b0[9:0],r1[8:0],r0[10],g1[8:0],g0[10],b1[8:0],"
	 "b0[10]"},
	{11, 1, 0, 12, {8, 8, 8},
	 "m[4:0],r0[9:0],g0[9:0],b0[9:0],r1[7:0],r0[10:11],g1[7:0],g0[10:11],"
	 "b1[7:0],b0[10:11]"},
	{15, 1, 0, 16, {4, 4, 4},
	 "m[4:0],r0[9:0],g0[9:0],b0[9:0],r1[3:0],r0[10:15],g1[3:0],g0[10:15],"
	 "b1[3:0],b0[10:15]"},
};

// One field of a layout: 'bits' block bits go to variable 'var' (0: the mode, 1 + 3 e + c:
// component c of endpoint e), the first to bit 'first', the next ones one apart by 'step'.
struct Bc6Field {
	uint8_t var, first, bits;
	int8_t step;
};
struct Bc6Layout {
	std::vector<Bc6Field> fields;
	unsigned bits = 0; // where the partition number (or the indices) start
};

unsigned parse_number(const char *&p)
{
	unsigned v = 0;
	while (*p >= '0' && *p <= '9')
		v = v * 10 + static_cast<unsigned>(*p++ - '0');
	return v;
}

Bc6Layout parse_layout(const char *p)
{
	Bc6Layout out;
	while (*p) {
		uint8_t var = 0;
		if (*p == 'm') {
			p++;
		} else {
			const unsigned c = *p == 'r' ? 0 : *p == 'g' ? 1 : 2;
			p++;
			var = static_cast<uint8_t>(1 + 3 * (*p++ - '0') + c);
		}
		p++; // '['
		const unsigned a = parse_number(p);
		unsigned b = a;
		if (*p == ':') {
			p++;
			b = parse_number(p);
		}
		p++; // ']'
		if (*p == ',')
			p++;
		const unsigned n = a >= b ? a - b + 1 : b - a + 1;
		out.fields.push_back({var, static_cast<uint8_t>(b), static_cast<uint8_t>(n), static_cast<int8_t>(a >= b ? 1 : -1)});
		out.bits += n;
	}
	return out;
}

const std::array<Bc6Layout, 14> &bc6_layouts()
{
	static const std::array<Bc6Layout, 14> layouts = [] {
		std::array<Bc6Layout, 14> l;
		for (unsigned i = 0; i < 14; i++)
			l[i] = parse_layout(kBc6Modes[i].layout);
		return l;
	}();
	return layouts;
}

int32_t sign_extend(uint32_t v, unsigned bits)
{
	const uint32_t m = 1u << (bits - 1);
	return static_cast<int32_t>((v ^ m) - m);
}

// The spec's unquantization of an endpoint of 'epb' bits to 16 (unsigned) or 15 bits plus sign.
int32_t unquantize(int32_t x, unsigned epb, bool is_signed)
{
	if (!is_signed) {
		if (epb >= 15)
			return x;
		if (x == 0)
			return 0;
		if (x == (1 << epb) - 1)
			return 0xffff;
		return ((x << 15) + 0x4000) >> (epb - 1);
	}
	if (epb >= 16)
		return x;
	const bool negative = x < 0;
	if (negative)
		x = -x;
	int32_t unq;
	if (x == 0)
		unq = 0;
	else if (x >= (1 << (epb - 1)) - 1)
		unq = 0x7fff;
	else
		unq = ((x << 15) + 0x4000) >> (epb - 1);
	return negative ? -unq : unq;
}

} // namespace

void decode_bc6h(const uint8_t *block, unsigned texel, bool is_signed, uint16_t rgb[3])
{
	const unsigned low2 = block[0] & 3u, low5 = block[0] & 31u;
	const unsigned number = low2 < 2 ? low2 : low5;
	unsigned mode = 14;
	for (unsigned i = 0; i < 14; i++)
		if (kBc6Modes[i].number == number)
			mode = i;
	if (mode == 14) { // reserved (19, 23, 27, 31): (0, 0, 0) with alpha 1
		rgb[0] = rgb[1] = rgb[2] = 0;
		return;
	}
	const Bc6Mode &m = kBc6Modes[mode];
	const Bc6Layout &layout = bc6_layouts()[mode];
	BlockBits in(block);
	uint32_t var[13] = {}; // the mode, then r, g, b of endpoints 0..3
	for (const Bc6Field &f : layout.fields) {
		const uint32_t v = in.get(f.bits);
		for (unsigned k = 0; k < f.bits; k++)
			var[f.var] |= ((v >> k) & 1u) << (f.first + f.step * static_cast<int>(k));
	}
	const unsigned ns = m.pb ? 2 : 1;
	const unsigned partition = in.get(m.pb);
	int32_t e[4][3];
	for (unsigned c = 0; c < 3; c++) {
		const uint32_t mask = (1u << m.epb) - 1;
		e[0][c] = is_signed ? sign_extend(var[1 + c], m.epb) : static_cast<int32_t>(var[1 + c]);
		for (unsigned k = 1; k < 2 * ns; k++) {
			const uint32_t raw = var[1 + 3 * k + c];
			int32_t v = is_signed || m.transformed ? sign_extend(raw, m.delta[c]) : static_cast<int32_t>(raw);
			if (m.transformed) {
				v = static_cast<int32_t>((static_cast<uint32_t>(e[0][c]) + static_cast<uint32_t>(v)) & mask);
				if (is_signed)
					v = sign_extend(static_cast<uint32_t>(v), m.epb);
			}
			e[k][c] = v;
		}
		for (unsigned k = 0; k < 2 * ns; k++)
			e[k][c] = unquantize(e[k][c], m.epb, is_signed);
	}
	const unsigned s = subset_of(ns, partition, texel);
	const unsigned index_bits = ns == 2 ? 3 : 4;
	const uint32_t index = read_index(in, ns, partition, index_bits, texel);
	for (unsigned c = 0; c < 3; c++) {
		const int32_t v = interpolate(e[2 * s][c], e[2 * s + 1][c], weight(index_bits, index));
		// The final scaling to a half float's bits: unsigned x 31/64; signed magnitude x 31/32.
		if (!is_signed)
			rgb[c] = static_cast<uint16_t>((v * 31) >> 6);
		else
			rgb[c] = static_cast<uint16_t>(v < 0 ? (((-v) * 31) >> 5) | 0x8000 : (v * 31) >> 5);
	}
}

} // namespace mica::sim::cu::tex

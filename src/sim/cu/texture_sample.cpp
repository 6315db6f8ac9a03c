// SPDX-License-Identifier: MIT
// Sampling and gathers of the texture unit (docs/hw/texture.md "Sampling"): explicit-LOD level
// selection, cube face selection, address modes, border colours, nearest/linear filtering within
// and between mip levels, depth compare, and the 2x2 gathers. Weights and sums are computed in
// double and rounded once to f32; each texel is fetched through the MMU by fetch_texel.
#include <algorithm>
#include <cmath>

#include "fp.h"
#include "worker.h"

namespace mica::sim::cu {

using tex::ImageOp;
using tex::Texel;

namespace {

constexpr double kCoordLimit = 1073741824.0; // 2^30: keeps floor() results in int64 comfortably

double sane(double v) { return std::isnan(v) ? 0.0 : std::clamp(v, -kCoordLimit, kCoordLimit); }

int64_t mirror(int64_t a) { return a >= 0 ? a : -(1 + a); }

int64_t pos_mod(int64_t a, int64_t n)
{
	const int64_t r = a % n;
	return r < 0 ? r + n : r;
}

// Wraps an integer texel coordinate; returns -1 for a border texel (CLAMP_TO_BORDER outside).
int64_t wrap(int64_t i, int64_t n, uint32_t mode)
{
	switch (mode) {
	case MICA_ADDRESS_MODE_REPEAT: return pos_mod(i, n);
	case MICA_ADDRESS_MODE_MIRRORED_REPEAT: return (n - 1) - mirror(pos_mod(i, 2 * n) - n);
	case MICA_ADDRESS_MODE_CLAMP_TO_BORDER: return (i < 0 || i >= n) ? -1 : i;
	case MICA_ADDRESS_MODE_MIRROR_CLAMP_TO_EDGE: return std::clamp<int64_t>(mirror(i), 0, n - 1);
	default: return std::clamp<int64_t>(i, 0, n - 1); // CLAMP_TO_EDGE
	}
}

void border_texel(uint32_t color, Texel &t)
{
	const bool opaque = color >= MICA_BORDER_COLOR_FLOAT_OPAQUE_BLACK;
	const bool white = color >= MICA_BORDER_COLOR_FLOAT_OPAQUE_WHITE;
	for (unsigned c = 0; c < 4; c++) {
		const bool one = c == 3 ? opaque : white;
		t.f[c] = one ? 1.0 : 0.0;
		t.i[c] = one ? 1 : 0;
	}
}

bool compare(uint32_t op, double ref, double d)
{
	switch (op) {
	case MICA_COMPARE_OP_NEVER: return false;
	case MICA_COMPARE_OP_LESS: return ref < d;
	case MICA_COMPARE_OP_EQUAL: return ref == d;
	case MICA_COMPARE_OP_LESS_OR_EQUAL: return ref <= d;
	case MICA_COMPARE_OP_GREATER: return ref > d;
	case MICA_COMPARE_OP_NOT_EQUAL: return ref != d;
	case MICA_COMPARE_OP_GREATER_OR_EQUAL: return ref >= d;
	default: return true;
	}
}

// Cube face from a direction (docs/hw/texture.md step 2): face index and face coordinates s, t.
void cube_face(double x, double y, double z, uint32_t &face, double &s, double &t)
{
	const double ax = std::fabs(x), ay = std::fabs(y), az = std::fabs(z);
	double sc, tc, ma;
	if (az >= ax && az >= ay) {
		face = std::signbit(z) ? 5 : 4;
		sc = std::signbit(z) ? -x : x;
		tc = -y;
		ma = az;
	} else if (ay >= ax) {
		face = std::signbit(y) ? 3 : 2;
		sc = x;
		tc = std::signbit(y) ? -z : z;
		ma = ay;
	} else {
		face = std::signbit(x) ? 1 : 0;
		sc = std::signbit(x) ? z : -z;
		tc = -y;
		ma = ax;
	}
	if (ma == 0 || std::isnan(ma)) {
		s = t = 0.5;
		return;
	}
	s = 0.5 * (sc / ma) + 0.5;
	t = 0.5 * (tc / ma) + 0.5;
}

struct Axis {
	int64_t i[2];
	double wt[2];
	unsigned n; // 1 (nearest) or 2 (linear)
};

Axis axis(double u, bool linear, int32_t offset, int64_t size, uint32_t mode)
{
	Axis a{};
	if (linear) {
		const double f = std::floor(u - 0.5);
		const double alpha = (u - 0.5) - f;
		const int64_t i0 = static_cast<int64_t>(f) + offset;
		a.i[0] = wrap(i0, size, mode);
		a.i[1] = wrap(i0 + 1, size, mode);
		a.wt[0] = 1.0 - alpha;
		a.wt[1] = alpha;
		a.n = 2;
	} else {
		a.i[0] = wrap(static_cast<int64_t>(std::floor(u)) + offset, size, mode);
		a.wt[0] = 1.0;
		a.n = 1;
	}
	return a;
}

} // namespace

Step Worker::exec_image_sample(Wave &w, const DecodedInst &d, ImageOp &op)
{
	const mica_image_desc &img = op.img;
	uint32_t sdw[MICA_SMPDESC_DWORDS];
	for (unsigned k = 0; k < MICA_SMPDESC_DWORDS; k++)
		sdw[k] = read_s(w, d.opnd[2] + MICA_IMGDESC_DWORDS + k, kVector);
	if (uint32_t e = mica_sampler_desc_decode(sdw, &op.smp))
		return image_fault(w, d, e, "");
	const mica_sampler_desc &smp = op.smp;
	const bool gather = d.op >= MICA_OP_IMAGE_GATHER4_R && d.op <= MICA_OP_IMAGE_GATHER4_C;
	const bool cmp = d.op == MICA_OP_IMAGE_SAMPLE_C || d.op == MICA_OP_IMAGE_GATHER4_C;
	const bool cube = img.type == MICA_IMAGE_TYPE_CUBE || img.type == MICA_IMAGE_TYPE_CUBE_ARRAY;
	const bool integer = op.fi->result != MICA_TEXEL_CLASS_FLOAT;
	if (img.type == MICA_IMAGE_TYPE_BUFFER)
		return image_fault(w, d, MICA_DESCRIPTOR_ERROR_TYPE, "sampling a BUFFER view");
	if (gather && (img.type == MICA_IMAGE_TYPE_1D || img.type == MICA_IMAGE_TYPE_1D_ARRAY || img.type == MICA_IMAGE_TYPE_3D))
		return image_fault(w, d, MICA_DESCRIPTOR_ERROR_TYPE, "gather of a 1D or 3D view");
	if (op.fi->flags & MICA_TEXEL_64BIT)
		return image_fault(w, d, MICA_DESCRIPTOR_ERROR_FILTER_FORMAT, op.fi->name);
	if (!gather && integer &&
	    (smp.mag_filter == MICA_FILTER_LINEAR || smp.min_filter == MICA_FILTER_LINEAR || smp.mipmap_mode == MICA_MIPMAP_MODE_LINEAR))
		return image_fault(w, d, MICA_DESCRIPTOR_ERROR_FILTER_FORMAT, std::string("linear filtering of ") + op.fi->name);
	if (smp.unnormalized) {
		const bool clamps = [&] {
			for (unsigned k = 0; k < 2; k++)
				if (smp.address[k] != MICA_ADDRESS_MODE_CLAMP_TO_EDGE && smp.address[k] != MICA_ADDRESS_MODE_CLAMP_TO_BORDER)
					return false;
			return true;
		}();
		if ((img.type != MICA_IMAGE_TYPE_1D && img.type != MICA_IMAGE_TYPE_2D) || img.view_levels != 1 || !clamps)
			return image_fault(w, d, MICA_DESCRIPTOR_ERROR_SAMPLER, "unnormalized coordinates need a 1D/2D single-level view and clamping");
	}
	if (cmp && !smp.compare_enable)
		return image_fault(w, d, MICA_DESCRIPTOR_ERROR_SAMPLER, "depth-compare instruction with COMPARE_ENABLE 0");

	unsigned gather_comp = 0;
	if (gather && !cmp)
		gather_comp = d.op - MICA_OP_IMAGE_GATHER4_R;
	const int64_t q = static_cast<int64_t>(img.view_levels) - 1;
	const unsigned dims = img.type == MICA_IMAGE_TYPE_3D ? 3
	                      : (img.type == MICA_IMAGE_TYPE_1D || img.type == MICA_IMAGE_TYPE_1D_ARRAY) ? 1
	                                                                                                 : 2;
	const bool unorm_ref = op.fi->numeric == MICA_NUMERIC_UNORM;

	for (unsigned l = 0; l < kLanes; l++) {
		if (!(op.exec & (1u << l)))
			continue;
		double c[4];
		for (unsigned k = 0; k < 4; k++)
			c[k] = fp::f32(op.addr[k][l]);
		double coord[3] = {c[0], c[1], c[2]};
		double layer_coord = 0;
		uint32_t face = 0;
		switch (img.type) {
		case MICA_IMAGE_TYPE_1D_ARRAY: layer_coord = c[1]; break;
		case MICA_IMAGE_TYPE_2D_ARRAY: layer_coord = c[2]; break;
		case MICA_IMAGE_TYPE_CUBE:
		case MICA_IMAGE_TYPE_CUBE_ARRAY: cube_face(c[0], c[1], c[2], face, coord[0], coord[1]); layer_coord = c[3]; break;
		default: break;
		}
		uint32_t layer = 0;
		if (img.type == MICA_IMAGE_TYPE_1D_ARRAY || img.type == MICA_IMAGE_TYPE_2D_ARRAY ||
		    img.type == MICA_IMAGE_TYPE_CUBE_ARRAY) {
			const int64_t count = img.type == MICA_IMAGE_TYPE_CUBE_ARRAY ? img.view_layers / 6 : img.view_layers;
			layer = static_cast<uint32_t>(std::clamp<int64_t>(static_cast<int64_t>(std::nearbyint(sane(layer_coord))), 0, count - 1));
		}
		if (cube)
			layer = layer * 6 + face;
		const double ref_in = cmp ? fp::f32(d.op == MICA_OP_IMAGE_SAMPLE_C ? op.data[1][l] : op.data[0][l]) : 0.0;
		const double ref = unorm_ref ? std::clamp(ref_in, 0.0, 1.0) : ref_in;

		// Level selection (explicit LOD; gathers use view level 0).
		uint32_t levels[2] = {0, 0};
		double level_wt[2] = {1.0, 0.0};
		unsigned nlevels = 1;
		bool linear = true;
		if (!gather) {
			const double lod = fp::f32(op.data[0][l]);
			double lambda = lod + static_cast<double>(smp.lod_bias);
			lambda = std::fmin(std::fmax(lambda, static_cast<double>(smp.min_lod)), static_cast<double>(smp.max_lod));
			if (std::isnan(lambda))
				lambda = 0;
			linear = (lambda <= 0 ? smp.mag_filter : smp.min_filter) == MICA_FILTER_LINEAR;
			const double dp = std::clamp(lambda, 0.0, static_cast<double>(q));
			if (smp.mipmap_mode == MICA_MIPMAP_MODE_NEAREST) {
				levels[0] = static_cast<uint32_t>(std::clamp<int64_t>(static_cast<int64_t>(std::ceil(dp + 0.5)) - 1, 0, q));
			} else {
				const int64_t lo = static_cast<int64_t>(std::floor(dp));
				levels[0] = static_cast<uint32_t>(lo);
				levels[1] = static_cast<uint32_t>(std::min<int64_t>(lo + 1, q));
				level_wt[1] = dp - static_cast<double>(lo);
				level_wt[0] = 1.0 - level_wt[1];
				nlevels = level_wt[1] != 0.0 ? 2 : 1;
			}
		}

		double acc[4] = {0, 0, 0, 0};
		uint64_t iacc[4] = {0, 0, 0, 0};
		double gathered[4] = {0, 0, 0, 0};
		uint64_t igathered[4] = {0, 0, 0, 0};
		for (unsigned li = 0; li < nlevels; li++) {
			const mica_image_level &L = op.level[levels[li]];
			const int64_t size[3] = {L.width, L.height, L.depth};
			Axis ax[3];
			for (unsigned k = 0; k < 3; k++) {
				if (k >= dims) {
					ax[k] = Axis{{0, 0}, {1.0, 0.0}, 1};
					continue;
				}
				const double u = sane(smp.unnormalized ? coord[k] : coord[k] * static_cast<double>(size[k]));
				const uint32_t mode = cube ? static_cast<uint32_t>(MICA_ADDRESS_MODE_CLAMP_TO_EDGE) : smp.address[k];
				ax[k] = axis(u, linear, cube ? 0 : op.texel_offset[k], size[k], mode);
			}
			if (gather) {
				// Vulkan's gather order: (i0, j1), (i1, j1), (i1, j0), (i0, j0).
				static const unsigned kOrder[4][2] = {{0, 1}, {1, 1}, {1, 0}, {0, 0}};
				for (unsigned g = 0; g < 4; g++) {
					const int64_t i = ax[0].i[kOrder[g][0]], j = ax[1].i[kOrder[g][1]];
					Texel t;
					if (i < 0 || j < 0)
						border_texel(smp.border_color, t);
					else if (!fetch_texel(w, d, op, levels[li], static_cast<uint32_t>(i), static_cast<uint32_t>(j), 0, layer, t))
						return Step::Fault;
					if (cmp)
						gathered[g] = compare(smp.compare_op, ref, t.f[0]) ? 1.0 : 0.0;
					else {
						gathered[g] = t.f[gather_comp];
						igathered[g] = t.i[gather_comp];
					}
				}
				continue;
			}
			for (unsigned kz = 0; kz < ax[2].n; kz++)
				for (unsigned ky = 0; ky < ax[1].n; ky++)
					for (unsigned kx = 0; kx < ax[0].n; kx++) {
						const double wt = level_wt[li] * ax[0].wt[kx] * ax[1].wt[ky] * ax[2].wt[kz];
						const int64_t i = ax[0].i[kx], j = ax[1].i[ky], k = ax[2].i[kz];
						Texel t;
						if (i < 0 || j < 0 || k < 0)
							border_texel(smp.border_color, t);
						else if (!fetch_texel(w, d, op, levels[li], static_cast<uint32_t>(i), static_cast<uint32_t>(j),
						                      static_cast<uint32_t>(k), layer, t))
							return Step::Fault;
						if (cmp && smp.compare_enable) {
							acc[0] += wt * (compare(smp.compare_op, ref, t.f[0]) ? 1.0 : 0.0);
							continue;
						}
						for (unsigned ch = 0; ch < 4; ch++) {
							acc[ch] += wt * t.f[ch];
							iacc[ch] = t.i[ch]; // integer formats: one tap only (nearest, no mip blend)
						}
					}
		}
		for (unsigned ch = 0; ch < 4; ch++) {
			uint32_t r;
			if (gather)
				r = integer && !cmp ? static_cast<uint32_t>(igathered[ch]) : fp::bits(static_cast<float>(gathered[ch]));
			else if (cmp)
				r = fp::bits(static_cast<float>(ch == 0 ? acc[0] : ch == 3 ? 1.0 : 0.0));
			else
				r = integer ? static_cast<uint32_t>(iacc[ch]) : fp::bits(static_cast<float>(acc[ch]));
			op.res[ch][l] = r;
		}
	}
	return finish_image(w, d, op);
}

} // namespace mica::sim::cu

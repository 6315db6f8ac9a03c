// Subgroups smaller than the wave (Options::subgroup_size N = 8 or 16; docs/compiler.md "Subgroup
// sizes"). A 32-lane wave holds 32 / N subgroups of N consecutive lanes: subgroup s of the wave is
// lanes [s*N, s*N+N). The device's cross-lane instructions work on the whole wave, so every
// subgroup operation is composed here from them with per-lane arithmetic: wave ballots shifted
// down to the subgroup's bits, shuffles whose source lane is the subgroup's base plus a
// subgroup-relative lane, and reductions/scans segmented by N (isel.cpp, select_reduction).
// The results differ between the subgroups of one wave, so none of them is wave-uniform: they are
// built from lane-dependent values, and the uniformity analysis keeps them in VGPRs.
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

using IOp = IO::Op;

// The subgroup-relative lane (SubgroupLocalInvocationId).
Operand Translator::sg_lane()
{
	Operand lane = emit(IOp::lane_id, r32(), {});
	if (sg_size_ == MICA_WAVE_SIZE)
		return lane;
	return emit(IOp::iand, r32(), {lane, Operand::c32(sg_size_ - 1)});
}

// The wave lane of this subgroup's first lane.
Operand Translator::sg_base()
{
	return emit(IOp::iand, r32(), {emit(IOp::lane_id, r32(), {}), Operand::c32(~(sg_size_ - 1))});
}

// Bits 0..N-1 set: the lanes of one subgroup in a subgroup-relative mask.
Operand Translator::sg_lanes_mask() const
{
	return Operand::c32(sg_size_ == 32 ? 0xffffffffu : (1u << sg_size_) - 1);
}

// A wave-wide lane mask (a ballot) reduced to this lane's subgroup, bit i = subgroup lane i.
Operand Translator::sg_bits(Operand wave_mask)
{
	if (sg_size_ == MICA_WAVE_SIZE)
		return wave_mask;
	return emit(IOp::iand, r32(), {emit(IOp::ushr, r32(), {wave_mask, sg_base()}), sg_lanes_mask()});
}

// The active lanes of this lane's subgroup, subgroup-relative.
Operand Translator::sg_active()
{
	return sg_bits(emit(IOp::ballot, r32(), {Operand::c32(1)}));
}

// Wave lane of the subgroup's lowest active lane (BroadcastFirst, Elect, AllEqual).
Operand Translator::sg_first_lane()
{
	return emit(IOp::iadd, r32(), {sg_base(), emit(IOp::findlsb, r32(), {sg_active()})});
}

// The wave lane of subgroup lane 'rel' (taken modulo N: out-of-range ids are undefined in the
// spec, and this keeps them inside the subgroup).
Operand Translator::sg_abs_lane(Operand rel)
{
	return emit(IOp::iadd, r32(), {sg_base(), emit(IOp::iand, r32(), {rel, Operand::c32(sg_size_ - 1)})});
}

// Whether 'b' holds in every active lane of the subgroup (OpGroupNonUniformAll).
Operand Translator::sg_all(Operand b)
{
	return emit(IOp::ieq, rbool(), {sg_bits(emit(IOp::ballot, r32(), {b})), sg_active()});
}

// SubgroupId: subgroups are numbered through the workgroup's waves in order.
Operand Translator::sg_subgroup_id()
{
	Operand wave = emit(IOp::subgroup_id, r32(), {});
	if (sg_size_ == MICA_WAVE_SIZE)
		return wave;
	uint32_t shift = sg_size_ == 8 ? 3 : 4;
	return emit(IOp::iadd, r32(), {emit(IOp::imul, r32(), {wave, Operand::c32(MICA_WAVE_SIZE / sg_size_)}),
	                               emit(IOp::ushr, r32(), {emit(IOp::lane_id, r32(), {}), Operand::c32(shift)})});
}

} // namespace mica::compiler::spirv_detail

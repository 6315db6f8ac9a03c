// Latency-aware list scheduler (pre register allocation, per basic block). Builds the dependence
// graph (temporaries, fixed registers incl. EXEC and SCC, memory ordering) and issues, among the
// ready instructions, the one with the longest latency-weighted path to the block end, so long
// memory and transcendental latencies overlap independent work.
#include <algorithm>
#include <map>

#include "machine.h"
#include "passes.h"

namespace mica::compiler {

using namespace ir;

namespace {

struct Res {
	std::vector<uint64_t> reads, writes;   // resource keys
};

uint64_t key_temp(uint32_t t) { return (1ull << 32) | t; }
uint64_t key_reg(uint32_t r) { return (2ull << 32) | r; }

unsigned latency_of(const Instr &ins)
{
	if (ins.op != Op::mach)
		return 1;
	return std::max<unsigned>(1, mica_unit_table[ins.mop->unit].latency);
}

Res resources(const Instr &ins)
{
	Res r;
	const mica_op_info *m = ins.mop;
	for (const Operand &o : ins.ops) {
		if (o.is_temp())
			r.reads.push_back(key_temp(o.id));
		else if (o.kind == Operand::Kind::reg && o.reg != MICA_OPND_NONE)
			for (unsigned k = 0; k < o.size; k++)
				r.reads.push_back(key_reg(o.reg + k));
	}
	for (const Operand &d : ins.defs) {
		if (d.is_temp())
			r.writes.push_back(key_temp(d.id));
		else if (d.kind == Operand::Kind::reg)
			for (unsigned k = 0; k < d.size; k++)
				r.writes.push_back(key_reg(d.reg + k));
	}
	if (unit_is_vector(m->unit) || m->opcode == MICA_OP_S_CBRANCH_EXECZ || m->opcode == MICA_OP_S_CBRANCH_EXECNZ ||
	    (m->flags & MICA_OPF_WEXEC))
		r.reads.push_back(key_reg(MICA_OPND_EXEC));
	if (m->flags & MICA_OPF_WEXEC)
		r.writes.push_back(key_reg(MICA_OPND_EXEC));
	if (m->flags & MICA_OPF_SCC)
		r.writes.push_back(key_reg(MICA_OPND_SCC));
	if ((m->flags & MICA_OPF_RSCC) || m->opcode == MICA_OP_S_CBRANCH_SCC0 || m->opcode == MICA_OP_S_CBRANCH_SCC1)
		r.reads.push_back(key_reg(MICA_OPND_SCC));
	if (m->opcode == MICA_OP_S_CBRANCH_VCCZ || m->opcode == MICA_OP_S_CBRANCH_VCCNZ)
		r.reads.push_back(key_reg(MICA_OPND_VCC));
	return r;
}

bool is_mem_writer(const Instr &ins)
{
	uint32_t f = ins.mop->flags;
	return (f & (MICA_OPF_STORE | MICA_OPF_ATOMIC | MICA_OPF_BARRIER)) || ins.mop->opcode == MICA_OP_S_WAITCNT ||
	       ins.mop->opcode == MICA_OP_S_FENCE;
}

} // namespace

static void schedule_blocks(Program &p);

void schedule(Program &p)
{
	// The scheduler does not model register pressure: hoisting every load of a block to its top
	// keeps all of their results live at once. A block whose new order needs more VGPRs or SGPRs
	// than the file holds (it would spill, typically over a much wider range than the original
	// order) keeps its original order unless the new one needs fewer. SGPRs matter for image
	// operations: each sample holds a 12-SGPR image + sampler descriptor tuple, and a dozen of
	// them hoisted together (CTS binding_model.descriptor_copy.compute.combined_image_sampler_array2)
	// needed more than SGPR spilling into VGPR lanes could give.
	Program original = p;
	const uint32_t invocations = p.wg_size[0] * p.wg_size[1] * p.wg_size[2];
	const unsigned vlimit = vgpr_limit(invocations) - kReservedVgprs;
	const unsigned slimit = sgpr_limit(invocations) - kReservedSgprs;
	schedule_blocks(p);
	std::vector<unsigned> vbefore = max_vgpr_pressure(original), vafter = max_vgpr_pressure(p);
	std::vector<unsigned> sbefore = max_sgpr_pressure(original), safter = max_sgpr_pressure(p);
	for (size_t b = 0; b < p.blocks.size(); b++)
		if ((vafter[b] > vlimit && vafter[b] >= vbefore[b]) || (safter[b] > slimit && safter[b] >= sbefore[b]))
			p.blocks[b] = std::move(original.blocks[b]);
}

static void schedule_blocks(Program &p)
{
	for (Block &b : p.blocks) {
		auto &in = b.instrs;
		size_t n = in.size();
		if (n < 3)
			continue;
		for (const Instr &i : in)
			if (i.op != Op::mach)
				return;   // only machine code is scheduled
		std::vector<std::vector<uint32_t>> succ(n);
		std::vector<uint32_t> npred(n, 0);
		auto edge = [&](uint32_t a, uint32_t c) {
			succ[a].push_back(c);
			npred[c]++;
		};
		std::map<uint64_t, uint32_t> last_write;
		std::map<uint64_t, std::vector<uint32_t>> reads_since;
		int last_mem_writer = -1;
		std::vector<uint32_t> loads_since_writer;
		for (uint32_t j = 0; j < n; j++) {
			Res r = resources(in[j]);
			for (uint64_t k : r.reads)
				if (auto it = last_write.find(k); it != last_write.end())
					edge(it->second, j);
			for (uint64_t k : r.writes) {
				if (auto it = last_write.find(k); it != last_write.end())
					edge(it->second, j);
				for (uint32_t rd : reads_since[k])
					if (rd != j)
						edge(rd, j);
			}
			for (uint64_t k : r.reads)
				reads_since[k].push_back(j);
			for (uint64_t k : r.writes) {
				last_write[k] = j;
				reads_since[k].clear();
			}
			bool mem = unit_is_mem(in[j].mop->unit) || in[j].mop->format == MICA_FMT_CTRL;
			if (mem) {
				if (is_mem_writer(in[j]) || in[j].mop->format == MICA_FMT_CTRL) {
					if (last_mem_writer >= 0)
						edge((uint32_t)last_mem_writer, j);
					for (uint32_t l : loads_since_writer)
						edge(l, j);
					loads_since_writer.clear();
					last_mem_writer = (int)j;
				} else {
					if (last_mem_writer >= 0)
						edge((uint32_t)last_mem_writer, j);
					loads_since_writer.push_back(j);
				}
			}
		}
		// A final branch / end stays last.
		const mica_op_info *lm = in[n - 1].mop;
		if (lm->flags & (MICA_OPF_BRANCH | MICA_OPF_END))
			for (uint32_t j = 0; j + 1 < n; j++)
				edge(j, (uint32_t)(n - 1));
		std::vector<unsigned> height(n, 0);
		for (size_t j = n; j-- > 0;) {
			unsigned h = 0;
			for (uint32_t s : succ[j])
				h = std::max(h, height[s]);
			height[j] = h + latency_of(in[j]);
		}
		std::vector<Instr> out;
		out.reserve(n);
		std::vector<uint32_t> ready;
		for (uint32_t j = 0; j < n; j++)
			if (!npred[j])
				ready.push_back(j);
		while (!ready.empty()) {
			size_t best = 0;
			for (size_t k = 1; k < ready.size(); k++)
				if (height[ready[k]] > height[ready[best]] ||
				    (height[ready[k]] == height[ready[best]] && ready[k] < ready[best]))
					best = k;
			uint32_t j = ready[best];
			ready.erase(ready.begin() + (long)best);
			out.push_back(std::move(in[j]));
			for (uint32_t s : succ[j])
				if (--npred[s] == 0)
					ready.push_back(s);
		}
		in = std::move(out);
	}
}

} // namespace mica::compiler

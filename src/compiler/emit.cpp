// Layout and encoding (through mica_encode, i.e. the single hardware description), and the
// inverse for the verifier: decoding a code blob back into blocks.
#include <map>
#include <set>

#include "asm.h"
#include "machine.h"

namespace mica::compiler {

bool encode_program(AsmProgram &p, std::vector<uint8_t> &code, std::string &error)
{
	std::vector<uint64_t> block_pc(p.blocks.size() + 1, 0);
	uint64_t pc = 0;
	for (size_t b = 0; b < p.blocks.size(); b++) {
		block_pc[b] = pc;
		for (AsmInst &ai : p.blocks[b].insts) {
			ai.pc = pc;
			pc += (ai.inst.has_literal ? 2u : 1u) * MICA_INSTRUCTION_BYTES;
		}
	}
	block_pc[p.blocks.size()] = pc;
	// Const data is loaded at code base + align_up(code size, 256) (docs/hw/binary-format.md).
	const uint64_t const_data_offset = (pc + MICA_CODE_ALIGNMENT - 1) / MICA_CODE_ALIGNMENT * MICA_CODE_ALIGNMENT;
	std::map<uint16_t, uint64_t> getpc_next;   // SGPR pair written by s_getpc_b64 -> the pc it holds
	code.clear();
	for (size_t b = 0; b < p.blocks.size(); b++) {
		for (AsmInst &ai : p.blocks[b].insts) {
			if (ai.inst.info && ai.inst.info->opcode == MICA_OP_S_GETPC_B64)
				getpc_next[ai.inst.opnd[0]] = ai.pc + MICA_INSTRUCTION_BYTES;
			if (ai.const_data_rel) {
				auto it = getpc_next.find(ai.inst.opnd[1]);
				if (it == getpc_next.end() || !ai.inst.has_literal) {
					error = "internal error: const data address without its s_getpc_b64";
					return false;
				}
				ai.inst.literal = const_data_offset - it->second;
			}
			if (ai.target >= 0) {
				if ((size_t)ai.target > p.blocks.size()) {
					error = "internal error: branch to a missing block";
					return false;
				}
				// target = address of the branch + 8 + imm
				ai.inst.imm = (int32_t)((int64_t)block_pc[(size_t)ai.target] - (int64_t)ai.pc - MICA_INSTRUCTION_BYTES);
			}
			uint64_t w[2];
			int n = mica_encode(&ai.inst, w);
			if (n < 0) {
				error = "internal error: cannot encode '" + format_inst(ai.inst) + "': " + mica_decode_status_name(n);
				return false;
			}
			for (int k = 0; k < n; k++)
				for (int byte = 0; byte < 8; byte++)
					code.push_back((uint8_t)(w[k] >> (8 * byte)));
		}
	}
	return true;
}

bool decode_program(std::span<const uint8_t> code, uint32_t entry, AsmProgram &out, std::string &error)
{
	out.blocks.clear();
	if (code.size() % MICA_INSTRUCTION_BYTES) {
		error = "code size is not a multiple of 8 bytes";
		return false;
	}
	size_t nwords = code.size() / 8;
	std::vector<uint64_t> words(nwords);
	for (size_t i = 0; i < nwords; i++) {
		uint64_t w = 0;
		for (int b = 0; b < 8; b++)
			w |= (uint64_t)code[i * 8 + b] << (8 * b);
		words[i] = w;
	}
	std::vector<AsmInst> insts;
	std::set<uint64_t> leaders{entry};
	for (size_t i = entry / 8; i < nwords;) {
		AsmInst ai;
		unsigned bad = 0;
		int st = mica_decode(&words[i], nwords - i, &ai.inst, &bad);
		if (st) {
			error = "undecodable instruction at byte " + std::to_string(i * 8) + ": " + mica_decode_status_name(st);
			return false;
		}
		ai.pc = i * 8;
		if (ai.inst.info->flags & MICA_OPF_BRANCH) {
			int64_t t = (int64_t)ai.pc + MICA_INSTRUCTION_BYTES + ai.inst.imm;
			if (t < 0 || t >= (int64_t)code.size() || t % 8) {
				error = "branch at byte " + std::to_string(ai.pc) + " leaves the code";
				return false;
			}
			leaders.insert((uint64_t)t);
			leaders.insert(ai.pc + ai.inst.words * 8u);
		}
		if (ai.inst.info->flags & MICA_OPF_END)
			leaders.insert(ai.pc + ai.inst.words * 8u);
		insts.push_back(ai);
		i += ai.inst.words;
	}
	std::map<uint64_t, uint32_t> block_of;
	for (const AsmInst &ai : insts) {
		if (leaders.count(ai.pc) || out.blocks.empty()) {
			block_of[ai.pc] = (uint32_t)out.blocks.size();
			out.blocks.emplace_back();
		}
		out.blocks.back().insts.push_back(ai);
	}
	for (AsmBlock &b : out.blocks)
		for (AsmInst &ai : b.insts)
			if (ai.inst.info->flags & MICA_OPF_BRANCH) {
				uint64_t t = ai.pc + MICA_INSTRUCTION_BYTES + (int64_t)ai.inst.imm;
				auto it = block_of.find(t);
				if (it == block_of.end()) {
					error = "branch at byte " + std::to_string(ai.pc) + " lands inside an instruction";
					return false;
				}
				ai.target = (int32_t)it->second;
			}
	out.compute_succs();
	return true;
}

} // namespace mica::compiler

// Matrix arithmetic. A matrix value is flattened like any composite: column after column, so
// column c, row r is leaf c * rows + r.
#include "spirv_translator.h"

namespace mica::compiler::spirv_detail {

void Translator::matrix_op(const Inst &in)
{
	auto w = in.w;
	Op op = (Op)in.op;
	using IOp = IO::Op;
	if (w.size() < 4)
		fail("truncated matrix instruction");
	uint32_t rt = w[1], res = w[2];
	// Shape (columns, rows) of a matrix type.
	auto shape = [&](uint32_t t) -> std::pair<uint32_t, uint32_t> {
		const Type &m = type(t);
		if (!m.matrix)
			fail("matrix operand expected");
		return {m.count, type(m.elem).count};
	};
	// Scalar component type id of a matrix or vector (for register classes and constants).
	auto comp = [&](uint32_t t) {
		const Type &x = type(t);
		return x.matrix ? type(x.elem).elem : scalar_type(t);
	};
	uint32_t ct = comp(rt);
	auto mul = [&](Operand a, Operand b) { return scalar_rc_op(IOp::fmul, ct, {a, b}); };
	auto fma = [&](Operand a, Operand b, Operand c) { return scalar_rc_op(IOp::ffma, ct, {a, b, c}); };
	std::vector<Operand> r;
	switch (op) {
	case Op::OpMatrixTimesScalar: {
		if (w.size() < 5)
			fail("truncated matrix instruction");
		Operand s = val(w[4])[0];
		for (const Operand &x : val(w[3]))
			r.push_back(mul(x, s));
		break;
	}
	case Op::OpMatrixTimesVector: {
		if (w.size() < 5)
			fail("truncated matrix instruction");
		auto [cols, rows] = shape(val_type_.at(w[3]));
		const auto &m = val(w[3]);
		const auto &v = val(w[4]);
		if (v.size() != cols || m.size() != cols * rows)
			fail("matrix/vector shape mismatch");
		for (uint32_t row = 0; row < rows; row++) {
			Operand acc = mul(m[row], v[0]);
			for (uint32_t c = 1; c < cols; c++)
				acc = fma(m[c * rows + row], v[c], acc);
			r.push_back(acc);
		}
		break;
	}
	case Op::OpVectorTimesMatrix: {
		if (w.size() < 5)
			fail("truncated matrix instruction");
		auto [cols, rows] = shape(val_type_.at(w[4]));
		const auto &v = val(w[3]);
		const auto &m = val(w[4]);
		if (v.size() != rows || m.size() != cols * rows)
			fail("matrix/vector shape mismatch");
		for (uint32_t c = 0; c < cols; c++) {
			Operand acc = mul(v[0], m[c * rows]);
			for (uint32_t row = 1; row < rows; row++)
				acc = fma(v[row], m[c * rows + row], acc);
			r.push_back(acc);
		}
		break;
	}
	case Op::OpMatrixTimesMatrix: {
		if (w.size() < 5)
			fail("truncated matrix instruction");
		auto [ka, rows] = shape(val_type_.at(w[3]));
		auto [cols, kb] = shape(val_type_.at(w[4]));
		const auto &a = val(w[3]);
		const auto &b = val(w[4]);
		if (ka != kb || a.size() != ka * rows || b.size() != cols * kb)
			fail("matrix shape mismatch");
		for (uint32_t c = 0; c < cols; c++)
			for (uint32_t row = 0; row < rows; row++) {
				Operand acc = mul(a[row], b[c * kb]);
				for (uint32_t k = 1; k < ka; k++)
					acc = fma(a[k * rows + row], b[c * kb + k], acc);
				r.push_back(acc);
			}
		break;
	}
	case Op::OpTranspose: {
		auto [cols, rows] = shape(val_type_.at(w[3]));
		const auto &m = val(w[3]);
		if (m.size() != cols * rows)
			fail("matrix shape mismatch");
		for (uint32_t row = 0; row < rows; row++)
			for (uint32_t c = 0; c < cols; c++)
				r.push_back(m[c * rows + row]);
		break;
	}
	case Op::OpOuterProduct: {
		if (w.size() < 5)
			fail("truncated matrix instruction");
		const auto &col = val(w[3]);
		const auto &row = val(w[4]);
		for (const Operand &y : row)
			for (const Operand &x : col)
				r.push_back(mul(x, y));
		break;
	}
	default: fail("internal error: not a matrix instruction");
	}
	set(res, rt, r);
}

} // namespace mica::compiler::spirv_detail

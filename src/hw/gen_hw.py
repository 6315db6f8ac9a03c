#!/usr/bin/env python3
"""Generate Mica's hardware tables from the single description (mica.toml + mica.isa).

Usage: gen_hw.py --toml mica.toml --isa mica.isa [--header OUT.h] [--tables OUT.c] [--doc OUT.md]

The description is validated first (unique opcodes and names, fields that fit their format, operand
kinds that exist, flags that are known); any inconsistency stops the build with file:line.
"""
import argparse
import re
import sys
import tomllib

KNOWN_FLAGS = {"branch", "cond", "end", "barrier", "priv", "scc", "rscc", "wexec", "noexec",
               "load", "store", "atomic", "image"}
IMM_KINDS = ["none", "count", "target", "waitcnt", "scope", "hwreg", "counter", "code"]
FIELD_COLUMNS = {"ALU": ["dst", "src0", "src1", "src2"], "MEM": ["dst", "addr", "saddr", "data"],
                 "CTRL": ["dst", "src0", None, None]}
ALLOW_BITS = ["vgpr", "sgpr", "exec", "vcc", "scc", "lane_id", "none", "const", "literal"]


class DescError(Exception):
    pass


def c_ident(s):
    return s.upper().replace("-", "_")


def load(toml_path, isa_path):
    with open(toml_path, "rb") as f:
        hw = tomllib.load(f)
    ops = []
    seen_op, seen_name = {}, {}
    kinds = hw["operand_kinds"]
    with open(isa_path) as f:
        for lineno, line in enumerate(f, 1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            where = f"{isa_path}:{lineno}"
            cols = text.split()
            if len(cols) != 9:
                raise DescError(f"{where}: expected 9 columns, got {len(cols)}")
            opc, name, fmt, unit, *operands, flags = cols
            op = int(opc, 16)
            if op >= 1 << 10:
                raise DescError(f"{where}: opcode {opc} does not fit 10 bits")
            if op in seen_op:
                raise DescError(f"{where}: opcode {opc} already used by {seen_op[op]}")
            if name in seen_name:
                raise DescError(f"{where}: mnemonic {name} defined twice")
            if fmt not in hw["formats"]:
                raise DescError(f"{where}: unknown format {fmt}")
            if unit not in hw["units"]:
                raise DescError(f"{where}: unknown unit {unit}")
            for slot, k in enumerate(operands):
                if k == "-":
                    continue
                if k not in kinds:
                    raise DescError(f"{where}: unknown operand kind {k}")
                if FIELD_COLUMNS[fmt][slot] is None:
                    raise DescError(f"{where}: format {fmt} has no field for operand column {slot}")
                if fmt != "ALU" and "literal" in kinds[k]["allow"]:
                    raise DescError(f"{where}: only ALU words have a literal, but kind {k} allows one")
            flag_set, imm, size = set(), "none", 0
            if flags != "-":
                for fl in flags.split(","):
                    if fl.startswith("imm="):
                        imm = fl[4:]
                        if imm not in IMM_KINDS:
                            raise DescError(f"{where}: unknown immediate kind {imm}")
                    elif fl.startswith("size="):
                        size = int(fl[5:])
                    elif fl in KNOWN_FLAGS:
                        flag_set.add(fl)
                    else:
                        raise DescError(f"{where}: unknown flag {fl}")
            if imm != "none" and fmt != "CTRL":
                raise DescError(f"{where}: only CTRL instructions carry an immediate")
            seen_op[op], seen_name[name] = name, op
            ops.append(dict(op=op, name=name, fmt=fmt, unit=unit, operands=operands,
                            flags=flag_set, imm=imm, size=size))
    for fname, fmt in hw["formats"].items():
        used = 0
        for fld in fmt["fields"]:
            _, lsb, width = fld[:3]
            mask = ((1 << width) - 1) << lsb
            if used & mask or lsb + width > 64:
                raise DescError(f"{toml_path}: format {fname} field {fld[0]} overlaps or overflows")
            used |= mask
        if used != (1 << 64) - 1:
            raise DescError(f"{toml_path}: format {fname} leaves bits undefined")
    for pname, p in hw["packets"].items():
        if isinstance(p["len"], int) and len(p["fields"]) != p["len"]:
            raise DescError(f"{toml_path}: packet {pname} has {len(p['fields'])} fields for len {p['len']}")
        for field, bits in p.get("bits", {}).items():
            if field not in p["fields"]:
                raise DescError(f"{toml_path}: packet {pname} has bits for unknown field {field}")
            used = 0
            for name, lsb, width in bits:
                mask = ((1 << width) - 1) << lsb
                if width < 1 or used & mask or lsb + width > 32:
                    raise DescError(f"{toml_path}: packet {pname} field {field} bits {name} overlap or overflow")
                used |= mask
    ops.sort(key=lambda o: o["op"])
    return hw, ops


def emit_header(hw, ops, tables):
    """Returns the header text; table definitions go to the list 'tables' (for mica_hw_tables.c)."""
    o = []
    in_table = [False]

    def w(line):
        m = re.match(r"static const (.*?) ?(\*?)(?:const )?(\w+)\[(.*?)\] = \{$", line)
        if m and not in_table[0]:
            decl = line[len("static "):-len(" = {")]
            o.append("extern " + decl + ";")
            tables.append(decl + " = {")
            in_table[0] = True
            return
        if in_table[0]:
            tables.append(line)
            if line == "};":
                in_table[0] = False
            return
        o.append(line)
    w("/* SPDX-License-Identifier: MIT */")
    w("/* Generated by src/hw/gen_hw.py from src/hw/mica.toml and src/hw/mica.isa. Do not edit. */")
    w("#ifndef MICA_HW_H")
    w("#define MICA_HW_H")
    w("")
    w("#ifdef __KERNEL__")
    w("#include <linux/types.h>")
    w("#else")
    w("#include <stddef.h>")
    w("#include <stdint.h>")
    w("#endif")
    w("")
    w("#ifdef __cplusplus")
    w("#define MICA_STATIC_ASSERT(e) static_assert(e, #e)")
    w("#else")
    w("#define MICA_STATIC_ASSERT(e) _Static_assert(e, #e)")
    w("#endif")
    w("")
    w("#ifdef __cplusplus")
    w('extern "C" {')
    w("#endif")
    w("")
    w("/* ---- device ---- */")
    for k, v in hw["device"].items():
        if isinstance(v, list):
            for i, x in enumerate(v):
                w(f"#define MICA_{c_ident(k)}_{'XYZ'[i]} {x}u")
        elif isinstance(v, int):
            w(f"#define MICA_{c_ident(k)} {v}u")
    for k, v in hw["launch_abi"].items():
        w(f"#define MICA_ABI_{c_ident(k)} {v}u")
    for r in hw["revision"]:
        w(f"#define MICA_REV_{c_ident(r['name'])} {r['id']}u /* {r['description']} */")
    for p in hw["power_profile"]:
        w(f"#define MICA_PROFILE_{c_ident(p['name'])} {p['id']}u /* {p['description']} */")
    w(f"#define MICA_REVISION_COUNT {len(hw['revision'])}u")
    w(f"#define MICA_PROFILE_COUNT {len(hw['power_profile'])}u")
    w("")
    w("/* ---- instruction formats: field shift and width ---- */")
    for fname, fmt in hw["formats"].items():
        for fld in fmt["fields"]:
            w(f"#define MICA_{fname}_{c_ident(fld[0])}_SHIFT {fld[1]}u")
            w(f"#define MICA_{fname}_{c_ident(fld[0])}_BITS {fld[2]}u")
    w("enum mica_format {")
    for i, fname in enumerate(hw["formats"]):
        w(f"\tMICA_FMT_{fname} = {i},")
    w("};")
    w("")
    w("static inline uint64_t mica_field_get(uint64_t word, unsigned shift, unsigned bits)")
    w("{\n\treturn (word >> shift) & ((bits >= 64) ? ~0ull : ((1ull << bits) - 1));\n}")
    w("static inline int64_t mica_field_get_signed(uint64_t word, unsigned shift, unsigned bits)")
    w("{\n\tuint64_t v = mica_field_get(word, shift, bits);\n\tuint64_t sign = 1ull << (bits - 1);\n"
      "\treturn (int64_t)((v ^ sign) - sign);\n}")
    w("static inline uint64_t mica_field_set(uint64_t word, unsigned shift, unsigned bits, uint64_t v)")
    w("{\n\tuint64_t m = ((bits >= 64) ? ~0ull : ((1ull << bits) - 1)) << shift;\n"
      "\treturn (word & ~m) | ((v << shift) & m);\n}")
    w("")
    w("/* ---- operand space (9-bit fields) ---- */")
    ops_ = hw["operands"]
    w(f"#define MICA_OPND_VGPR_FIRST {ops_['vgpr_first']}u")
    w(f"#define MICA_OPND_SGPR_FIRST {ops_['sgpr_first']}u")
    w(f"#define MICA_OPND_VGPR_LAST {ops_['vgpr_first'] + hw['device']['vgprs_per_wave'] - 1}u")
    w(f"#define MICA_OPND_SGPR_LAST {ops_['sgpr_first'] + hw['device']['sgprs_per_wave'] - 1}u")
    for k in ["exec", "vcc", "scc", "lane_id", "none", "literal"]:
        w(f"#define MICA_OPND_{c_ident(k)} {ops_[k]}u")
    w(f"#define MICA_OPND_INT_CONST_FIRST {ops_['int_const_first']}u /* value 0 */")
    w(f"#define MICA_OPND_INT_CONST_LAST {ops_['int_const_first'] + 64}u /* value 64 */")
    w(f"#define MICA_OPND_INT_NEG_FIRST {ops_['int_const_neg_first']}u /* value -1 */")
    w(f"#define MICA_OPND_INT_NEG_LAST {ops_['int_const_neg_first'] + 15}u /* value -16 */")
    fc = ops_["float_consts"]
    w(f"#define MICA_OPND_FLOAT_FIRST {ops_['float_const_first']}u")
    w(f"#define MICA_OPND_FLOAT_LAST {ops_['float_const_first'] + len(fc) - 1}u")
    w("/* float inline constants in operand order, as f32 bit patterns (unused in most users:")
    w(" * the kernel module's W=1 build warns about unused static consts otherwise) */")
    import struct
    w("static const uint32_t mica_float_const_f32[] __attribute__((unused)) = {" +
      ", ".join("0x%08xu" % struct.unpack("<I", struct.pack("<f", v))[0] for v in fc) + "};")
    w("static const uint64_t mica_float_const_f64[] __attribute__((unused)) = {" +
      ", ".join("0x%016xull" % struct.unpack("<Q", struct.pack("<d", v))[0] for v in fc) + "};")
    w("static const uint16_t mica_float_const_f16[] __attribute__((unused)) = {" +
      ", ".join("0x%04xu" % struct.unpack("<H", struct.pack("<e", v))[0] for v in fc) + "};")
    w("")
    w("/* ---- operand kinds ---- */")
    w("enum mica_opnd_allow {")
    for i, a in enumerate(ALLOW_BITS):
        w(f"\tMICA_ALLOW_{c_ident(a)} = 1u << {i},")
    w("};")
    w("enum mica_opnd_kind {\n\tMICA_KIND_UNUSED = 0,")
    for i, k in enumerate(hw["operand_kinds"], 1):
        w(f"\tMICA_KIND_{c_ident(k)} = {i},")
    w(f"\tMICA_KIND_COUNT = {len(hw['operand_kinds']) + 1},\n}};")
    w("struct mica_kind_info {\n\tconst char *name;\n\tuint8_t regs;\n\tuint16_t allow;\n};")
    w("static const struct mica_kind_info mica_kind_table[MICA_KIND_COUNT] = {")
    w('\t/* MICA_KIND_UNUSED */ { "-", 0, MICA_ALLOW_NONE },')
    for k, v in hw["operand_kinds"].items():
        allow = " | ".join(f"MICA_ALLOW_{c_ident(a)}" for a in v["allow"])
        w(f'\t/* MICA_KIND_{c_ident(k)} */ {{ "{k}", {v["regs"]}, {allow} }},')
    w("};")
    w("")
    w("/* ---- execution units ---- */")
    w("enum mica_unit {")
    for i, u in enumerate(hw["units"]):
        w(f"\tMICA_UNIT_{c_ident(u)} = {i},")
    w(f"\tMICA_UNIT_COUNT = {len(hw['units'])},\n}};")
    w("enum mica_counter { MICA_COUNTER_NONE = 0, MICA_COUNTER_GM = 1, MICA_COUNTER_LS = 2 };")
    w("struct mica_unit_info {\n\tconst char *name;\n\tuint8_t latency;\n\tuint8_t lowpower_latency;\n"
      "\tuint8_t interlocked;\n\tuint8_t counter;\n};")
    w("static const struct mica_unit_info mica_unit_table[MICA_UNIT_COUNT] = {")
    for u, v in hw["units"].items():
        ctr = {"gm": "MICA_COUNTER_GM", "ls": "MICA_COUNTER_LS"}.get(v.get("counter"), "MICA_COUNTER_NONE")
        w(f'\t/* MICA_UNIT_{c_ident(u)} */ {{ "{u}", {v["latency"]}, {v.get("lowpower_latency", v["latency"])}, '
          f'{1 if v.get("interlocked", False) else 0}, {ctr} }},')
    w("};")
    wc = hw["waitcnt"]
    w(f"#define MICA_WAITCNT_GM_SHIFT {wc['gm_shift']}u")
    w(f"#define MICA_WAITCNT_LS_SHIFT {wc['ls_shift']}u")
    w(f"#define MICA_WAITCNT_BITS {wc['field_bits']}u")
    w(f"#define MICA_WAITCNT_NOWAIT {wc['max_outstanding']}u")
    for k, v in hw["fence_scopes"].items():
        w(f"#define MICA_SCOPE_{c_ident(k)} {v}u")
    w("")
    w("/* ---- instructions ---- */")
    w("enum mica_imm_kind {")
    for i, k in enumerate(IMM_KINDS):
        w(f"\tMICA_IMM_{c_ident(k)} = {i},")
    w("};")
    w("enum mica_op_flag {")
    for i, f in enumerate(sorted(KNOWN_FLAGS)):
        w(f"\tMICA_OPF_{c_ident(f)} = 1u << {i},")
    w("};")
    w("enum mica_opcode {")
    for op in ops:
        w(f"\tMICA_OP_{c_ident(op['name'])} = 0x{op['op']:03x},")
    w("};")
    w(f"#define MICA_OP_COUNT {len(ops)}u")
    w("#define MICA_OPCODE_SPACE 1024u")
    w("struct mica_op_info {\n\tconst char *name;\n\tuint16_t opcode;\n\tuint8_t format;\n\tuint8_t unit;\n"
      "\tuint8_t kind[4]; /* ALU: dst src0 src1 src2; MEM: dst addr saddr data; CTRL: dst src0 */\n"
      "\tuint8_t imm;\n\tuint8_t mem_bytes;\n\tuint32_t flags;\n};")
    w("static const struct mica_op_info mica_op_table[MICA_OP_COUNT] = {")
    for op in ops:
        kinds = ", ".join("MICA_KIND_UNUSED" if k == "-" else f"MICA_KIND_{c_ident(k)}" for k in op["operands"])
        flags = " | ".join(f"MICA_OPF_{c_ident(f)}" for f in sorted(op["flags"])) or "0"
        w(f'\t{{ "{op["name"]}", 0x{op["op"]:03x}, MICA_FMT_{op["fmt"]}, MICA_UNIT_{c_ident(op["unit"])}, '
          f'{{ {kinds} }}, MICA_IMM_{c_ident(op["imm"])}, {op["size"]}, {flags} }},')
    w("};")
    index = [-1] * 1024
    for i, op in enumerate(ops):
        index[op["op"]] = i
    w("/* opcode -> index into mica_op_table, -1 for an undefined opcode */")
    w("static const int16_t mica_op_index[MICA_OPCODE_SPACE] = {")
    for i in range(0, 1024, 16):
        w("\t" + ", ".join(str(x) for x in index[i:i + 16]) + ",")
    w("};")
    w("static inline const struct mica_op_info *mica_op_lookup(unsigned opcode)")
    w("{\n\tif (opcode >= MICA_OPCODE_SPACE || mica_op_index[opcode] < 0)\n\t\treturn NULL;\n"
      "\treturn &mica_op_table[mica_op_index[opcode]];\n}")
    w("")
    w("/* ---- hazards and errata ---- */")
    w("enum mica_hazard {\n\tMICA_HAZARD_NONE = 0,")
    for h in hw["hazard"]:
        w(f"\tMICA_HAZARD_{h['name']} = {h['id']},")
    w(f"\tMICA_HAZARD_COUNT = {len(hw['hazard']) + 1},\n}};")
    w("static const char *const mica_hazard_name[MICA_HAZARD_COUNT] = {")
    w('\t"NONE",')
    for i, h in enumerate(hw["hazard"], 1):
        if h["id"] != i:
            raise DescError("hazard ids must be 1, 2, 3, ... in order")
        w(f'\t"{h["name"]}",')
    w("};")
    for h in hw["hazard"]:
        if isinstance(h["distance"], int):
            w(f"#define MICA_HAZARD_{h['name']}_DISTANCE {h['distance']}u")
    w("")
    w("/* ---- hardware registers (s_getreg/s_setreg) and perf counters ---- */")
    for k, v in hw["hwregs"].items():
        w(f"#define MICA_HWREG_{k} {v['id']}u /* {v['doc']} */")
    for k, v in hw["hwregs"].items():
        if v.get("priv"):
            w(f"#define MICA_HWREG_{k}_PRIV 1")
    for k, v in hw["perf_counters"].items():
        w(f"#define MICA_PERF_{k} {v}u")
    w(f"#define MICA_PERF_COUNT {len(hw['perf_counters'])}u")
    w("struct mica_named_value {\n\tconst char *name;\n\tuint32_t value;\n};")
    named = [
        ("hwreg", [(k, v["id"]) for k, v in hw["hwregs"].items()]),
        ("perf_counter", list(hw["perf_counters"].items())),
        ("scope", list(hw["fence_scopes"].items())),
        ("revision", [(r["name"], r["id"]) for r in hw["revision"]]),
        ("profile", [(p["name"], p["id"]) for p in hw["power_profile"]]),
    ]
    for tname, items in named:
        w(f"#define MICA_{c_ident(tname)}_NAME_COUNT {len(items)}u")
        w(f"static const struct mica_named_value mica_{tname}_names[MICA_{c_ident(tname)}_NAME_COUNT] = {{")
        for k, v in items:
            w(f'\t{{ "{k}", {v} }},')
        w("};")
    w("")
    emit_texture_header(hw, w)
    w("/* ---- MMIO ---- */")
    w("#define MICA_ID_VALUE 0x4143494Du")
    for k, v in hw["mmio"].items():
        if "stride" in v:
            w(f"#define MICA_REG_{k}(ctx) (0x{v['offset']:03X}u + (ctx) * 0x{v['stride']:X}u) /* {v['access']}: {v['doc']} */")
        else:
            w(f"#define MICA_REG_{k} 0x{v['offset']:03X}u /* {v['access']}: {v['doc']} */")
    w("#define MICA_MMIO_SIZE 0x1000u")
    for reg, fields in hw["bitfields"].items():
        for name, lsb, width in fields:
            w(f"#define MICA_{reg}_{name}_SHIFT {lsb}u")
            w(f"#define MICA_{reg}_{name}_BITS {width}u")
            w(f"#define MICA_{reg}_{name}_MAX {(1 << width) - 1}u")
    w("#define MICA_BITFIELD_GET(v, REG, F) (((v) >> MICA_##REG##_##F##_SHIFT) & MICA_##REG##_##F##_MAX)")
    w("#define MICA_BITFIELD_PUT(REG, F, x) (((uint32_t)(x) & MICA_##REG##_##F##_MAX) << MICA_##REG##_##F##_SHIFT)")
    for k, v in hw["irq"].items():
        w(f"#define MICA_IRQ_{k} (1u << {v})")
    w("enum mica_fault {")
    for k, v in hw["fault"].items():
        w(f"\tMICA_FAULT_{k} = {v},")
    w("};")
    w("static const char *const mica_fault_name[] = {")
    for i, (k, v) in enumerate(hw["fault"].items()):
        if v != i:
            raise DescError("fault codes must be 0, 1, 2, ... in order")
        w(f'\t"{k}",')
    w("};")
    w(f"#define MICA_FAULT_COUNT {len(hw['fault'])}u")
    w("enum mica_access { MICA_ACCESS_READ = 0, MICA_ACCESS_WRITE = 1, MICA_ACCESS_EXEC = 2 };")
    for k, v in hw["cp_error"].items():
        w(f"#define MICA_CP_ERROR_{k} {v}u")
    w("")
    w("/* ---- command processor packets ---- */")
    ph = hw["packet_header"]
    w(f"#define MICA_PKT_OPCODE_SHIFT {ph['opcode_shift']}u")
    w(f"#define MICA_PKT_OPCODE_BITS {ph['opcode_bits']}u")
    w(f"#define MICA_PKT_LEN_SHIFT {ph['len_shift']}u")
    w(f"#define MICA_PKT_LEN_BITS {ph['len_bits']}u")
    w("#define MICA_PKT_HEADER(op, len) ((uint32_t)(op) | ((uint32_t)(len) << MICA_PKT_LEN_SHIFT))")
    w("#define MICA_PKT_HDR_OPCODE(h) ((h) & 0xffu)")
    w("#define MICA_PKT_HDR_LEN(h) (((h) >> MICA_PKT_LEN_SHIFT) & 0xffffu)")
    w("#define MICA_PKT_HDR_RESERVED(h) ((h) >> 24)")
    w("enum mica_packet {")
    for k, v in hw["packets"].items():
        w(f"\tMICA_PKT_{k} = 0x{v['op']:02x},")
    w("};")
    for k, v in hw["packets"].items():
        lo, hi = (v["len"], v["len"]) if isinstance(v["len"], int) else v["len"]
        w(f"#define MICA_PKT_{k}_LEN_MIN {lo}u")
        w(f"#define MICA_PKT_{k}_LEN_MAX {hi}u")
        for i, f in enumerate(v["fields"]):
            w(f"#define MICA_PKT_{k}_{c_ident(f)} {i}u /* payload dword index */")
        for f, bits in v.get("bits", {}).items():
            used = 0
            for name, lsb, width in bits:
                w(f"#define MICA_PKT_{k}_{c_ident(f)}_{name}_SHIFT {lsb}u")
                w(f"#define MICA_PKT_{k}_{c_ident(f)}_{name}_MAX {(1 << width) - 1}u")
                used |= ((1 << width) - 1) << lsb
            w(f"#define MICA_PKT_{k}_{c_ident(f)}_RESERVED 0x{0xffffffff & ~used:08x}u /* must be 0 */")
    w("struct mica_packet_info {\n\tconst char *name;\n\tuint16_t len_min;\n\tuint16_t len_max;\n\tuint8_t priv;\n\tuint8_t valid;\n};")
    w("static const struct mica_packet_info mica_packet_table[256] = {")
    by_op = {v["op"]: (k, v) for k, v in hw["packets"].items()}
    for op in range(256):
        if op not in by_op:
            w(f'\t/* 0x{op:02x} */ {{ NULL, 0, 0, 0, 0 }},')
            continue
        k, v = by_op[op]
        lo, hi = (v["len"], v["len"]) if isinstance(v["len"], int) else v["len"]
        w(f'\t/* 0x{op:02x} */ {{ "{k}", {lo}, {hi}, {1 if v.get("priv") else 0}, 1 }},')
    w("};")
    w("#define MICA_BARRIER_FLUSH (1u << 0)")
    w("#define MICA_BARRIER_INVALIDATE (1u << 1)")
    w("#define MICA_SIGNAL_IRQ (1u << 0)")
    w("#define MICA_WAIT_GE 0u\n#define MICA_WAIT_EQ 1u\n#define MICA_WAIT_NE 2u")
    w("")
    w("/* ---- page tables ---- */")
    pte = hw["pte"]
    for k in ["VALID", "READ", "WRITE", "EXEC", "SYSTEM"]:
        w(f"#define MICA_PTE_{k} (1ull << {pte[k]})")
    w(f"#define MICA_PTE_ADDR_MASK (((1ull << {pte['addr_bits']}) - 1) << {pte['addr_shift']})")
    w(f"#define MICA_PT_LEVELS {pte['levels']}u")
    w(f"#define MICA_PT_INDEX_BITS {pte['index_bits']}u")
    w("")
    w("/* ---- shader binary format ---- */")
    b = hw["binary"]
    w(f"#define MICA_BIN_MAGIC 0x{b['magic']:08X}u")
    w(f"#define MICA_BIN_VERSION_MAJOR {b['version_major']}u")
    w(f"#define MICA_BIN_VERSION_MINOR {b['version_minor']}u")
    sizes = {"u16": 2, "u32": 4, "u64": 8}
    for sname in ["header", "entry", "debug_line"]:
        s = b[sname]
        w(f"/* {s['doc']} */")
        w(f"struct mica_bin_{sname} {{")
        total = 0
        for ty, name in s["fields"]:
            if total % sizes[ty]:
                raise DescError(f"binary.{sname}.{name} is misaligned")
            w(f"\tuint{sizes[ty] * 8}_t {name};")
            total += sizes[ty]
        w("};")
        w(f"#define MICA_BIN_{c_ident(sname)}_SIZE {total}u")
        w(f"MICA_STATIC_ASSERT(sizeof(struct mica_bin_{sname}) == {total});")
    w("")
    w("#ifdef __cplusplus")
    w("}")
    w("#endif")
    w("#endif /* MICA_HW_H */")
    return "\n".join(o) + "\n"


TEXTURE_ENUMS = ["image_type", "image_tiling", "swizzle", "filter", "mipmap_mode", "address_mode",
                 "border_color", "compare_op", "descriptor_error"]


def check_texture(hw):
    for dname, d in hw["descriptor"].items():
        used = [0] * (d["bytes"] // 4)
        for name, dword, lsb, width, _ in d["fields"]:
            if dword >= len(used) or lsb + width > 32:
                raise DescError(f"descriptor.{dname}.{name} does not fit its dword")
            mask = ((1 << width) - 1) << lsb
            if used[dword] & mask:
                raise DescError(f"descriptor.{dname}.{name} overlaps another field")
            used[dword] |= mask
    if hw["descriptor"]["image"]["bytes"] != hw["texture"]["image_descriptor_bytes"] or \
       hw["descriptor"]["sampler"]["bytes"] != hw["texture"]["sampler_descriptor_bytes"]:
        raise DescError("[texture] descriptor sizes disagree with [descriptor.*]")
    kinds = hw["operand_kinds"]
    if kinds["tdesc"]["regs"] * 4 != hw["texture"]["image_descriptor_bytes"] or \
       kinds["tsdesc"]["regs"] * 4 != hw["texture"]["image_descriptor_bytes"] + hw["texture"]["sampler_descriptor_bytes"]:
        raise DescError("operand kinds tdesc/tsdesc must cover the descriptors")
    for e in TEXTURE_ENUMS:
        vals = list(hw[e].values())
        if len(set(vals)) != len(vals):
            raise DescError(f"[{e}] has duplicate values")


def emit_texture_header(hw, w):
    check_texture(hw)
    w("/* ---- texture unit: descriptors (docs/hw/texture.md) ---- */")
    for k, v in hw["texture"].items():
        w(f"#define MICA_TEX_{c_ident(k)} " + (f"({v})" if v < 0 else f"{v}u"))
    for dname, d in hw["descriptor"].items():
        pre = {"image": "MICA_IMGDESC", "sampler": "MICA_SMPDESC"}[dname]
        w(f"#define {pre}_BYTES {d['bytes']}u")
        w(f"#define {pre}_DWORDS {d['bytes'] // 4}u")
        for name, dword, lsb, width, doc in d["fields"]:
            w(f"#define {pre}_{name}_DWORD {dword}u /* {doc} */")
            w(f"#define {pre}_{name}_SHIFT {lsb}u")
            w(f"#define {pre}_{name}_BITS {width}u")
        # Which bits of each dword are defined (the rest are reserved, must be zero).
        used = [0] * (d["bytes"] // 4)
        for name, dword, lsb, width, _ in d["fields"]:
            used[dword] |= ((1 << width) - 1) << lsb
        w(f"static const uint32_t {pre.lower()}_defined_bits[{len(used)}] __attribute__((unused)) = {{" +
          ", ".join(f"0x{u:08x}u" for u in used) + "};")
    w("/* Read / write a field of a descriptor held as an array of 32-bit dwords. */")
    w("#define MICA_DESC_MASK(PRE, F) (0xffffffffu >> (32u - PRE##_##F##_BITS))")
    w("#define MICA_DESC_GET(dw, PRE, F) (((dw)[PRE##_##F##_DWORD] >> PRE##_##F##_SHIFT) & MICA_DESC_MASK(PRE, F))")
    w("#define MICA_DESC_SET(dw, PRE, F, v) \\\n"
      "\t((dw)[PRE##_##F##_DWORD] = ((dw)[PRE##_##F##_DWORD] & ~(MICA_DESC_MASK(PRE, F) << PRE##_##F##_SHIFT)) | \\\n"
      "\t\t(((uint32_t)(v) & MICA_DESC_MASK(PRE, F)) << PRE##_##F##_SHIFT))")
    for e in TEXTURE_ENUMS:
        w(f"enum mica_{e} {{")
        for k, v in hw[e].items():
            w(f"\tMICA_{c_ident(e)}_{c_ident(k)} = {v},")
        w(f"\tMICA_{c_ident(e)}_COUNT = {max(hw[e].values()) + 1},")
        w("};")
    w("")


def texture_doc(hw):
    o = ["## Texture unit descriptors", "",
         "Semantics in `texture.md`. Dwords are little endian, dword 0 at the lowest address / in the first SGPR;",
         "bits not listed are reserved and must be zero (else the instruction faults BAD_DESCRIPTOR).", ""]
    o += ["| constant | value |", "|---|---|"]
    for k, v in hw["texture"].items():
        o.append(f"| {k} | {v} |")
    o.append("")
    for dname, d in hw["descriptor"].items():
        o += [f"### {dname} descriptor ({d['bytes']} bytes)", "", "| field | dword | bits | meaning |", "|---|---|---|---|"]
        for name, dword, lsb, width, doc in d["fields"]:
            o.append(f"| {name} | {dword} | {lsb + width - 1}:{lsb} | {doc} |")
        o.append("")
    for e in TEXTURE_ENUMS:
        o += [f"### {e}", "", "| value | name |", "|---|---|"]
        for k, v in hw[e].items():
            o.append(f"| {v} | {k} |")
        o.append("")
    return o


def operand_space_doc(hw):
    o = hw["operands"]
    fc = ", ".join(str(x) for x in o["float_consts"])
    return [
        "| value | meaning |", "|---|---|",
        f"| {o['vgpr_first']}..{o['vgpr_first'] + hw['device']['vgprs_per_wave'] - 1} | v0..v{hw['device']['vgprs_per_wave'] - 1} |",
        f"| {o['sgpr_first']}..{o['sgpr_first'] + hw['device']['sgprs_per_wave'] - 1} | s0..s{hw['device']['sgprs_per_wave'] - 1} |",
        f"| {o['exec']} | exec |", f"| {o['vcc']} | vcc |", f"| {o['scc']} | scc |",
        f"| {o['lane_id']} | lane_id |", f"| {o['none']} | none |",
        f"| {o['int_const_first']}..{o['int_const_first'] + 64} | integers 0..64 |",
        f"| {o['int_const_neg_first']}..{o['int_const_neg_first'] + 15} | integers -1..-16 |",
        f"| {o['float_const_first']}..{o['float_const_first'] + len(o['float_consts']) - 1} | floats {fc} |",
        f"| {o['literal']} | literal: the next 64-bit word |",
        "| anything else | reserved: illegal |",
    ]


def emit_doc(hw, ops):
    o = ["<!-- Generated by src/hw/gen_hw.py from src/hw/mica.toml and src/hw/mica.isa; do not edit. -->",
         "# Mica ISA reference (generated)", "",
         "Every instruction is one 64-bit little-endian word, followed by a second 64-bit word when any",
         "source field holds the literal operand. See `isa.md` for semantics and `hazards.md` for timing.", "",
         "## Formats", ""]
    for fname, fmt in hw["formats"].items():
        o.append(f"### {fname}: {fmt['doc']}")
        o.append("")
        o.append("| field | bits | notes |")
        o.append("|---|---|---|")
        for fld in fmt["fields"]:
            note = "signed" if len(fld) > 3 else ("must be zero" if fld[0] == "reserved" else "")
            o.append(f"| {fld[0]} | {fld[1] + fld[2] - 1}:{fld[1]} | {note} |")
        o.append("")
    o += ["## Operand space (9-bit fields)", ""] + operand_space_doc(hw) + [""]
    o += ["## Operand kinds", "", "| kind | registers | may hold |", "|---|---|---|"]
    for k, v in hw["operand_kinds"].items():
        o.append(f"| {k} | {v['regs']} | {', '.join(v['allow'])} |")
    o += ["", "## Units", "", "| unit | latency | lowpower latency | interlocked | counter |", "|---|---|---|---|---|"]
    for u, v in hw["units"].items():
        o.append(f"| {u} | {v['latency']} | {v.get('lowpower_latency', v['latency'])} | "
                 f"{'yes' if v.get('interlocked') else 'no'} | {v.get('counter', '-')} |")
    o += ["", "## Instructions", "", f"{len(ops)} instructions.", "",
          "| opcode | mnemonic | format | unit | operands | immediate | flags |", "|---|---|---|---|---|---|---|"]
    for op in ops:
        cols = FIELD_COLUMNS[op["fmt"]]
        opnds = ", ".join(f"{cols[i]}:{k}" for i, k in enumerate(op["operands"]) if k != "-")
        fl = sorted(op["flags"]) + ([f"size={op['size']}"] if op["size"] else [])
        o.append(f"| 0x{op['op']:03x} | `{op['name']}` | {op['fmt']} | {op['unit']} | {opnds or '-'} | "
                 f"{op['imm'] if op['imm'] != 'none' else '-'} | {', '.join(fl) or '-'} |")
    o += ["", "## Hardware registers", "", "| id | name | meaning |", "|---|---|---|"]
    for k, v in hw["hwregs"].items():
        o.append(f"| {v['id']} | {k} | {v['doc']} |")
    o += ["", "## Hazards", "", "| id | rule | producer | consumer | distance | applies | effect |",
          "|---|---|---|---|---|---|---|"]
    for h in hw["hazard"]:
        o.append(f"| {h['id']} | {h['name']} | {h['producer']} | {h['consumer']} | {h['distance']} | "
                 f"{h['applies']} | {h['effect']} |")
    o += ["", "## Command processor packets", "",
          "Header dword: bits 7:0 opcode, 23:8 payload length in dwords, 31:24 zero.", "",
          "| opcode | packet | payload dwords | privileged | payload | meaning |", "|---|---|---|---|---|---|"]
    for k, v in hw["packets"].items():
        ln = str(v["len"]) if isinstance(v["len"], int) else f"{v['len'][0]}..{v['len'][1]}"
        o.append(f"| 0x{v['op']:02x} | {k} | {ln} | {'yes' if v.get('priv') else 'no'} | "
                 f"{', '.join(v['fields']) or '-'} | {v['doc']} |")
    o += ["", "Payload dwords made of bit fields (the other bits are reserved and must be 0):", "",
          "| packet | payload dword | field | bits |", "|---|---|---|---|"]
    for k, v in hw["packets"].items():
        for f, bits in v.get("bits", {}).items():
            for name, lsb, width in bits:
                o.append(f"| {k} | {f} | {name} | {lsb + width - 1}:{lsb} |")
    o += ["", "## MMIO registers", "", "| offset | register | access | meaning |", "|---|---|---|---|"]
    for k, v in hw["mmio"].items():
        off = f"0x{v['offset']:03X}" + (f" + ctx*0x{v['stride']:X}" if "stride" in v else "")
        o.append(f"| {off} | {k} | {v['access']} | {v['doc']} |")
    o += ["", "## Register bit fields", "", "| value | field | bits |", "|---|---|---|"]
    for reg, fields in hw["bitfields"].items():
        for name, lsb, width in fields:
            o.append(f"| {reg} | {name} | {lsb + width - 1}:{lsb} |")
    o += ["", "## Interrupts", "", "| bit | name |", "|---|---|"]
    for k, v in hw["irq"].items():
        o.append(f"| {v} | {k} |")
    o += ["", "## Fault codes", "", "| code | name |", "|---|---|"]
    for k, v in hw["fault"].items():
        o.append(f"| {v} | {k} |")
    o += [""] + texture_doc(hw)
    o += ["", "## Binary format structures", ""]
    for sname in ["header", "entry", "debug_line"]:
        s = hw["binary"][sname]
        o += [f"### {sname}: {s['doc']}", "", "| offset | type | field |", "|---|---|---|"]
        off = 0
        for ty, name in s["fields"]:
            o.append(f"| {off} | {ty} | {name} |")
            off += {"u16": 2, "u32": 4, "u64": 8}[ty]
        o.append("")
    return "\n".join(o) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--toml", required=True)
    ap.add_argument("--isa", required=True)
    ap.add_argument("--header")
    ap.add_argument("--doc")
    ap.add_argument("--tables")
    args = ap.parse_args()
    try:
        hw, ops = load(args.toml, args.isa)
        outputs = []
        tables = []
        header = emit_header(hw, ops, tables)
        if args.header:
            outputs.append((args.header, header))
        if args.tables:
            outputs.append((args.tables, "/* SPDX-License-Identifier: MIT */\n"
                            "/* Generated by src/hw/gen_hw.py; the tables declared in mica_hw.h. */\n"
                            '#include "mica_hw.h"\n\n' + "\n".join(tables) + "\n"))
        if args.doc:
            outputs.append((args.doc, emit_doc(hw, ops)))
    except DescError as e:
        print(f"gen_hw.py: error: {e}", file=sys.stderr)
        return 1
    for path, text in outputs:
        with open(path, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

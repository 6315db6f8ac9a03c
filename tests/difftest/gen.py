"""Random GLSL compute-shader generator for the differential tester (seeded, deterministic).

Every program it emits is valid GLSL 450 whose every output word is defined by the spec, so two
correct Vulkan implementations must produce identical buffers:
  * integers are 32-bit (and optionally 64-bit) unsigned with wrapping arithmetic; signed views go
    through int() casts; shifts are masked to the width; divisors are forced odd (never zero);
    signed division and % on negative values are never generated;
  * floats are built from small integers and combined only by operations that stay exact (add, sub,
    mul with a tracked magnitude bound under 2^22, min/max/abs, floor/ceil/trunc of halves), so
    every legal evaluation order, contraction or rounding gives the same bits;
  * barriers, shared-memory phases and subgroup operations appear only at the top level of main,
    before any early return (uniform control flow);
  * subgroup results are made independent of the subgroup size: reductions, votes and ballots are
    combined across the workgroup with an order-independent atomic by one elected lane, and shuffles
    use xor masks below 8 (lavapipe's size) on a lane numbering built from the subgroup ids;
  * atomics only use add/min/max/or/and/xor, each on its own word, and their return values are
    never used, so the final contents do not depend on the order invocations ran in.
  * every loop has a bound fixed at its header (per-lane trip counts up to 7).
Features (a set): "subgroup", "int64" (need device features), "dynarr" (main's local array is
indexed at run time; without it every index is a constant), and "no_bitfield32", "no_not64",
"no_fallthrough", "no_dowhile", "no_return" which leave out bitfield operations with count 32 /
offset 31, 64-bit ~, switch fall-through, do/while loops and early returns, to look past known
defects (difftest.py --avoid).

The program is a tree of Expr and Stmt nodes so the reducer (reduce.py) can drop statements and
replace expressions by their operands or constants and re-render.
"""

import random
import re

LOCAL = 64          # workgroup size: a multiple of every plausible subgroup size (8 lavapipe, 32 Mica)
GROUPS = 2
INPUT_WORDS = 1024  # binding 0 (read-only input, filled by the runner from the seed)
N_GLOBAL = 4        # private globals g0..g3
N_LOCAL = 4         # main's locals v0..v3
ARR = 8             # main's local array arr[8]
OUT_PER_INV = N_GLOBAL + N_LOCAL + ARR
OUTPUT_WORDS = LOCAL * GROUPS * OUT_PER_INV
# Atomic words: each has one operation so the result is order independent.
ATOM_OPS = ["add", "add", "min", "max", "or", "and", "xor", "add"]
ATOM_INIT = {"add": 0, "min": 0xFFFFFFFF, "max": 0, "or": 0, "and": 0xFFFFFFFF, "xor": 0}
ATOM_WORDS = len(ATOM_OPS)
SUBGROUP_FN = {"add": "subgroupAdd", "min": "subgroupMin", "max": "subgroupMax", "or": "subgroupOr",
               "and": "subgroupAnd", "xor": "subgroupXor"}
AVOIDABLE_FEATURES = ["dynarr", "int64", "subgroup"]
AVOIDABLE_FORMS = ["bitfield32", "not64", "fallthrough", "dowhile", "return"]   # "no_" + name in the feature set
FLOAT_LIMIT = 1 << 22  # every float value is an integer below 2^23 in magnitude: exact


class Expr:
    """fmt uses {0}, {1}... for the children. ty: 'u' uint, 'b' bool, 'f' float, 'l' uint64_t.
    bound: magnitude bound of a float expression (children's bounds never exceed it)."""

    def __init__(self, ty, fmt, kids=(), bound=0):
        self.ty, self.fmt, self.kids, self.bound = ty, fmt, list(kids), bound

    def render(self):
        return self.fmt.format(*[k.render() for k in self.kids]) if self.kids else self.fmt

    def size(self):
        return 1 + sum(k.size() for k in self.kids)


def const_of(ty):
    return {"u": Expr("u", "1u"), "b": Expr("b", "true"), "f": Expr("f", "1.0", bound=1),
            "l": Expr("l", "uint64_t(1u)")}[ty]


class Stmt:
    """lines: text lines; '{eN}' substitutes exprs[N], a line '@bN' inserts blocks[N] indented.
    removable=False for the structural parts the program needs (declarations, out-param setup).
    loop=True when the blocks are a loop body (break/continue inside are legal)."""

    def __init__(self, lines, exprs=(), blocks=(), removable=True, loop=False, kind="", alt=None):
        self.lines, self.exprs, self.blocks = list(lines), list(exprs), [list(b) for b in blocks]
        self.removable, self.loop, self.kind = removable, loop, kind
        self.alt = alt   # the same semantics in another shape (Program.render(alt=True))

    def render(self, out, ind, alt=False):
        for ln in (self.alt if alt and self.alt else self.lines):
            if ln.startswith("@b"):
                for s in self.blocks[int(ln[2:])]:
                    s.render(out, ind + 1, alt)
            else:
                # Statement text has literal braces, so placeholders are substituted by pattern.
                out.append("  " * ind + re.sub(r"\{e(\d+)\}", lambda m: self.exprs[int(m.group(1))].render(), ln))


class Func:
    def __init__(self, name, header, prologue, body, ret_expr):
        self.name, self.header, self.prologue, self.body, self.ret = name, header, prologue, body, ret_expr


class Program:
    def __init__(self, seed, features):
        self.seed, self.features = seed, features
        self.funcs = []
        self.uniform = []   # main's top level, uniform part (barriers, subgroup ops allowed)
        self.tail = []      # main's divergent tail (early returns allowed)

    def render(self, alt=False):
        """GLSL text. alt=True renders every statement that has one in its alternative shape (same
        results, different control flow), to cross-check the reference against itself."""
        f = self.features
        o = ["#version 450", "// difftest program, seed %d, features %s" % (self.seed, ",".join(sorted(f)) or "none")]
        if "subgroup" in f:
            for ext in ("basic", "arithmetic", "ballot", "vote", "shuffle"):
                o.append("#extension GL_KHR_shader_subgroup_%s : enable" % ext)
        if "int64" in f:
            o.append("#extension GL_EXT_shader_explicit_arithmetic_types_int64 : enable")
        o += ["layout(local_size_x = %d) in;" % LOCAL,
              "layout(std430, set = 0, binding = 0) readonly buffer In { uint inp[]; };",
              "layout(std430, set = 0, binding = 1) buffer Out { uint outp[]; };",
              "layout(std430, set = 0, binding = 2) buffer Atom { uint atom[]; };",
              "shared uint sh[%d];" % LOCAL,
              "shared uint shatom[%d];" % ATOM_WORDS,
              "uint lid;", "uint gid;"]
        o += ["uint g%d;" % i for i in range(N_GLOBAL)]
        o += ["",
              "void emit(uint v0, uint v1, uint v2, uint v3, uint a[%d]) {" % ARR,
              "  uint base = gid * %du;" % OUT_PER_INV]
        o += ["  outp[base + %du] = g%d;" % (i, i) for i in range(N_GLOBAL)]
        o += ["  outp[base + %du] = v%d;" % (N_GLOBAL + i, i) for i in range(N_LOCAL)]
        o += ["  outp[base + %du] = a[%d];" % (N_GLOBAL + N_LOCAL + i, i) for i in range(ARR)]
        o.append("}")
        for fn in self.funcs:
            o += ["", fn.header + " {"]
            for s in fn.prologue + fn.body:
                s.render(o, 1, alt)
            o.append("  return %s;" % fn.ret.render())
            o.append("}")
        o += ["", "void main() {"]
        if "subgroup" in f:
            # Lane numbering from the subgroup ids: the same for every subgroup size, so xor shuffles
            # below the smallest size pair the same invocations everywhere.
            o.append("  lid = gl_SubgroupID * gl_SubgroupSize + gl_SubgroupInvocationID;")
        else:
            o.append("  lid = gl_LocalInvocationIndex;")
        o.append("  gid = gl_WorkGroupID.x * %du + lid;" % LOCAL)
        o += ["  g%d = inp[(gid * 7u + %du) & %du];" % (i, i, INPUT_WORDS - 1) for i in range(N_GLOBAL)]
        o += ["  uint v%d = inp[(gid * 5u + %du) & %du] ^ %du;" % (i, 3 + i, INPUT_WORDS - 1, i) for i in range(N_LOCAL)]
        o.append("  uint arr[%d];" % ARR)
        o += ["  arr[%d] = inp[(gid + %du) & %du];" % (i, i * 131, INPUT_WORDS - 1) for i in range(ARR)]
        ones = [i for i, op in enumerate(ATOM_OPS) if ATOM_INIT[op]]
        o.append("  if (lid < %du) shatom[lid] = (%s) ? 0xFFFFFFFFu : 0u;" % (
            ATOM_WORDS, " || ".join("lid == %du" % i for i in ones)))
        o.append("  barrier();")
        for s in self.uniform + self.tail:
            s.render(o, 1, alt)
        o.append("  emit(v0, v1, v2, v3, arr);")
        o.append("}")
        return "\n".join(o) + "\n"

    def all_blocks(self):
        """Every statement list of the program (for the reducer), outermost first."""
        blocks = [self.uniform, self.tail] + [fn.body for fn in self.funcs]
        i = 0
        while i < len(blocks):
            for s in blocks[i]:
                blocks += s.blocks
            i += 1
        return blocks


class Gen:
    def __init__(self, seed, features=("subgroup", "int64", "dynarr"), size=1.0):
        self.r = random.Random(seed)
        self.p = Program(seed, set(features))
        self.size = size
        self.budget = int(self.r.randint(25, 70) * size)
        self.counter = 0

    # ---- expressions ----
    def fresh(self, prefix):
        self.counter += 1
        return "%s%d" % (prefix, self.counter)

    def uvar(self, ctx):
        """A variable that may be assigned (loop counters are read-only: they bound the loop)."""
        return self.r.choice(ctx["vars"])

    def rvar(self, ctx):
        return self.r.choice(ctx["vars"] + ctx.get("ro", []))

    def uleaf(self, ctx):
        r = self.r
        k = r.randrange(10)
        if k < 4:
            return Expr("u", self.rvar(ctx))
        if k == 4:
            return Expr("u", "%du" % r.choice([0, 1, 2, 3, 7, 31, 32, 255, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
                                                r.getrandbits(32)]))
        if k == 5:
            return Expr("u", r.choice(["lid", "gid", "gl_WorkGroupID.x"]))
        if k == 6 and ctx.get("arr"):
            if "dynarr" in self.p.features:
                return Expr("u", "arr[{0} & %du]" % (ARR - 1), [self.uexpr(ctx, 0)])
            return Expr("u", "arr[%d]" % r.randrange(ARR))
        if k == 7:
            return Expr("u", "inp[{0} & %du]" % (INPUT_WORDS - 1), [self.uexpr(ctx, 0)])
        return Expr("u", self.uvar(ctx))

    def uexpr(self, ctx, depth):
        r = self.r
        if depth <= 0 or r.random() < 0.25:
            return self.uleaf(ctx)
        d = depth - 1
        k = r.randrange(24)
        a = lambda: self.uexpr(ctx, d)
        if k < 6:
            op = r.choice(["+", "-", "*", "&", "|", "^"])
            return Expr("u", "({0} %s {1})" % op, [a(), a()])
        if k == 6:
            return Expr("u", "({0} << ({1} & 31u))", [a(), a()])
        if k == 7:
            return Expr("u", "({0} >> ({1} & 31u))", [a(), a()])
        if k == 8:
            return Expr("u", "uint(int({0}) >> int({1} & 31u))", [a(), a()])
        if k == 9:
            return Expr("u", "({0} %s ({1} | 1u))" % r.choice(["/", "%"]), [a(), a()])
        if k == 10:
            return Expr("u", r.choice(["(~{0})", "(-{0})", "uint(bitCount({0}))", "uint(findLSB({0}))",
                                       "uint(findMSB({0}))", "uint(findMSB(int({0})))", "bitfieldReverse({0})"]), [a()])
        if k == 11:
            return Expr("u", r.choice(["min({0}, {1})", "max({0}, {1})", "uint(min(int({0}), int({1})))",
                                       "uint(max(int({0}), int({1})))"]), [a(), a()])
        if k == 12:
            return Expr("u", "clamp({0}, min({1}, {2}), max({1}, {2}))", [a(), a(), a()])
        if k == 13:
            return Expr("u", "({0} ? {1} : {2})", [self.bexpr(ctx, d), a(), a()])
        if k == 14:
            # offset + count <= 32, with the edges (offset 0 / count 32, offset 31 / count 1) now and then
            form = r.choice(["bitfieldExtract({0}, int({1} & 15u), int({2} & 15u))",
                             "uint(bitfieldExtract(int({0}), int({1} & 15u), int({2} & 15u)))",
                             "bitfieldInsert({0}, {1}, int({2} & 15u), int({2} >> 28))",
                             "bitfieldExtract({0}, 0, 32 + int({1} & 0u) + int({2} & 0u))",
                             "bitfieldInsert({0}, {1}, 0, 32 + int({2} & 0u))",
                             "bitfieldExtract({0}, 31, 1 + int({1} & 0u) + int({2} & 0u))"])
            if "no_bitfield32" in self.p.features and ("32 +" in form or "31, 1" in form):
                form = "bitfieldExtract({0}, int({1} & 15u), int({2} & 15u))"
            return Expr("u", form, [a(), a(), a()])
        if k == 15:
            return Expr("u", "uint(int({0}))", [self.fexpr(ctx, d)])
        if k == 16 and "int64" in self.p.features:
            return Expr("u", r.choice(["uint({0})", "uint({0} >> 32)"]), [self.lexpr(ctx, d)])
        if k == 17:
            return Expr("u", "uint({0})", [self.bexpr(ctx, d)])
        if k == 18:
            return Expr("u", "(({0} * 0x9E3779B9u) ^ ({1} >> 7))", [a(), a()])
        return Expr("u", "({0} %s {1})" % r.choice(["+", "^", "-"]), [a(), self.uleaf(ctx)])

    def bexpr(self, ctx, depth):
        r = self.r
        a = lambda: self.uexpr(ctx, max(depth - 1, 0))
        k = r.randrange(9)
        if k < 3:
            return Expr("b", "({0} %s {1})" % r.choice(["<", "<=", "==", "!=", ">", ">="]), [a(), a()])
        if k == 3:
            return Expr("b", "(int({0}) %s int({1}))" % r.choice(["<", ">="]), [a(), a()])
        if k == 4:
            return Expr("b", "(({0} & %du) == 0u)" % r.choice([1, 2, 3, 4, 7]), [a()])
        if k == 5:
            return Expr("b", "(lid %s %du)" % (r.choice(["<", ">="]), r.randrange(LOCAL)))
        if k == 6 and depth > 0:
            return Expr("b", "({0} %s {1})" % r.choice(["&&", "||"]), [self.bexpr(ctx, depth - 1), self.bexpr(ctx, depth - 1)])
        if k == 7 and depth > 0:
            return Expr("b", "!{0}", [self.bexpr(ctx, depth - 1)])
        if k == 8 and depth > 0:
            f1, f2 = self.fexpr(ctx, depth - 1), self.fexpr(ctx, depth - 1)
            return Expr("b", "({0} %s {1})" % r.choice(["<", "<=", "==", ">"]), [f1, f2])
        return Expr("b", "((lid & %du) == %du)" % (3, r.randrange(4)))

    def fexpr(self, ctx, depth):
        """Exact float expressions: integer or half-integer values with a magnitude bound < 2^22."""
        r = self.r
        if depth <= 0 or r.random() < 0.3:
            if r.random() < 0.2:
                v = r.choice([0.0, 1.0, -2.0, 3.0, 1024.0])
                return Expr("f", "(%r)" % v if v < 0 else repr(v), bound=max(abs(v), 1))
            return Expr("f", "float(int({0} & 1023u) - 512)", [self.uleaf(ctx)], bound=512)
        d = depth - 1
        a, b = self.fexpr(ctx, d), self.fexpr(ctx, d)
        k = r.randrange(7)
        if k == 0 and a.bound * b.bound < FLOAT_LIMIT:
            return Expr("f", "({0} * {1})", [a, b], bound=a.bound * b.bound)
        if k <= 2 and a.bound + b.bound < FLOAT_LIMIT:
            return Expr("f", "({0} %s {1})" % r.choice("+-"), [a, b], bound=a.bound + b.bound)
        if k == 3:
            return Expr("f", r.choice(["min({0}, {1})", "max({0}, {1})"]), [a, b], bound=max(a.bound, b.bound))
        if k == 4:
            return Expr("f", r.choice(["abs({0})", "floor({0} * 0.5)", "ceil({0} * 0.5)", "trunc({0} * 0.5)",
                                       "(-{0})", "sign({0})", "roundEven({0} * 0.5)"]), [a], bound=a.bound)
        if k == 5:
            return Expr("f", "({0} ? {1} : {2})", [self.bexpr(ctx, d), a, b], bound=max(a.bound, b.bound))
        if k == 6:
            return Expr("f", "float({0} & 65535u)", [self.uleaf(ctx)], bound=65535)
        return a

    def lexpr(self, ctx, depth):
        r = self.r
        if depth <= 0 or r.random() < 0.3:
            return Expr("l", "(uint64_t({0}) | (uint64_t({1}) << 32))", [self.uleaf(ctx), self.uleaf(ctx)])
        d = depth - 1
        a = lambda: self.lexpr(ctx, d)
        k = r.randrange(5)
        if k < 2:
            return Expr("l", "({0} %s {1})" % r.choice(["+", "-", "*", "&", "|", "^"]), [a(), a()])
        if k == 2:
            return Expr("l", "({0} %s ({1} & 63u))" % r.choice(["<<", ">>"]), [a(), self.uexpr(ctx, 0)])
        if k == 3:
            form = r.choice(["(~{0})", "({0} / ({0} | uint64_t(1u)))", "max({0}, uint64_t(7u))"])
            if "no_not64" in self.p.features and form == "(~{0})":
                form = "({0} ^ uint64_t(0x8000000180000001ul))"
            return Expr("l", form, [a()])
        return Expr("l", "uint64_t(int64_t(int({0})))", [self.uexpr(ctx, d)])

    # ---- statements ----
    def lvalue(self, ctx):
        r = self.r
        if ctx.get("arr") and r.random() < 0.2:
            if "dynarr" not in self.p.features:
                return "arr[%d]" % r.randrange(ARR), []
            return "arr[{e1} & %du]" % (ARR - 1), [self.uexpr(ctx, 1)]
        return self.uvar(ctx), []

    def assign(self, ctx):
        lhs, ex = self.lvalue(ctx)
        op = self.r.choice(["=", "+=", "^=", "=", "-=", "*=", "|="])
        return Stmt(["%s %s {e0};" % (lhs, op)], [self.uexpr(ctx, self.r.randint(1, 3))] + ex, kind="assign")

    def loop_ctx(self, ctx, **extra):
        """Inside a loop. Calls are allowed only at the outermost loop level of main and outside
        loops in helpers (which start at level 1), so at most two loop levels of 7 iterations nest
        anywhere and a program stays far below the device watchdog."""
        inner = dict(ctx, loops=ctx["loops"] + 1, in_loop=True, **extra)
        if inner["loops"] >= 2:
            inner["calls"] = []
        return inner

    def block(self, ctx, n, depth):
        out = []
        for _ in range(n):
            if self.budget <= 0:
                break
            out.append(self.stmt(ctx, depth))
        return out

    def stmt(self, ctx, depth):
        r = self.r
        self.budget -= 1
        k = r.randrange(20)
        if depth <= 0 or k < 6:
            return self.assign(ctx)
        d = depth - 1
        n = lambda: r.randint(1, 3)
        if k < 9:
            els = self.block(ctx, n(), d) if r.random() < 0.6 else []
            lines = ["if ({e0}) {", "@b0", "}"] + (["else {", "@b1", "}"] if els else [])
            # alt: the negated condition with the branches swapped
            alt = ["if (!{e0}) {"] + (["@b1"] if els else []) + ["}", "else {", "@b0", "}"]
            return Stmt(lines, [self.bexpr(ctx, 2)], [self.block(ctx, n(), d)] + ([els] if els else []), kind="if",
                        alt=alt)
        if k < 12 and ctx["loops"] < 2:
            iv = self.fresh("i")
            inner = self.loop_ctx(ctx, ro=ctx.get("ro", []) + [iv])
            return Stmt(["for (uint %s = 0u; %s < ({e0} & 7u); %s++) {" % (iv, iv, iv), "@b0", "}"],
                        [self.uexpr(ctx, 1)], [self.block(inner, n(), d)], loop=True, kind="for")
        if k == 12 and ctx["loops"] < 2:
            c = self.fresh("c")
            inner = self.loop_ctx(ctx)
            body = self.block(inner, n(), d)
            if r.random() < 0.5 and "no_dowhile" not in self.p.features:
                # alt: a while loop whose first test is skipped (a continue still reaches the test).
                return Stmt(["{", "  uint %s = 0u;" % c, "  do {", "@b0", "  } while (++%s < ({e0} & 3u));" % c, "}"],
                            [self.uexpr(ctx, 1)], [body], loop=True, kind="do",
                            alt=["{", "  uint %s = 0u;" % c, "  bool %s_first = true;" % c,
                                 "  while (%s_first || ++%s < ({e0} & 3u)) {" % (c, c), "    %s_first = false;" % c,
                                 "@b0", "  }", "}"])
            return Stmt(["{", "  uint %s = 0u;" % c, "  while (true) {", "    if (%s++ >= ({e0} & 7u)) break;" % c,
                         "@b0", "  }", "}"], [self.uexpr(ctx, 1)], [body], loop=True, kind="while")
        if k == 13 and ctx.get("in_loop"):
            return Stmt(["if ({e0}) %s;" % r.choice(["break", "continue"])], [self.bexpr(ctx, 1)], kind="jump")
        if k == 14:
            return self.switch(ctx, d)
        if k == 15 and ctx.get("ret") is not None and "no_return" not in self.p.features:
            if ctx["ret"] == "main":
                return Stmt(["if ({e0}) { emit(v0, v1, v2, v3, arr); return; }"], [self.bexpr(ctx, 1)], kind="return")
            return Stmt(["if ({e0}) return {e1};"], [self.bexpr(ctx, 1), self.uexpr(ctx, 1)], kind="return")
        if k == 16 and ctx.get("calls"):
            return self.call(ctx)
        if k == 17:
            i = r.randrange(ATOM_WORDS)
            target = "shatom" if ctx.get("shatom") and r.random() < 0.5 else "atom"
            fn = "atomic" + ATOM_OPS[i].capitalize()
            return Stmt(["%s(%s[%d], {e0});" % (fn, target, i)], [self.uexpr(ctx, 2)], kind="atomic")
        return self.assign(ctx)

    def switch(self, ctx, d):
        r = self.r
        lines, blocks = ["switch ({e0} & 7u) {"], []
        labels = list(range(8))
        r.shuffle(labels)
        for ci in range(r.randint(1, 4)):
            lab = labels[ci]
            grouped = "case %du: " % labels[ci + 4] if r.random() < 0.3 else ""
            lines.append("  %scase %du: {" % (grouped, lab))
            lines.append("@b%d" % len(blocks))
            blocks.append(self.block(ctx, r.randint(1, 2), d))
            lines.append("  }")
            # otherwise fall through into the next label
            if r.random() < 0.7 or "no_fallthrough" in self.p.features:
                lines.append("  break;")
        if r.random() < 0.5:
            lines += ["  default: {", "@b%d" % len(blocks), "  }"]
            blocks.append(self.block(ctx, 1, d))
        lines.append("}")
        return Stmt(lines, [self.uexpr(ctx, 2)], blocks, kind="switch")

    def call(self, ctx):
        r = self.r
        fn = r.choice(ctx["calls"])
        vs = ctx["vars"][:]
        r.shuffle(vs)
        # The inout and out arguments must be distinct variables (no aliasing between them).
        dst, io, out = vs[0], vs[1], vs[2]
        return Stmt(["%s = %s({e0}, %s, %s);" % (dst, fn, io, out)], [self.uexpr(ctx, 1)], kind="call")

    def function(self, idx):
        name = "f%d" % idx
        calls = ["f%d" % i for i in range(idx)]
        ctx = {"vars": ["a", "b", "c", "t", "g0", "g1", "g2", "g3"], "loops": 1, "ret": name, "calls": calls,
               "arr": False}
        prologue = [Stmt(["c = a ^ 0x55u;", "uint t = b + %du;" % idx], removable=False)]
        body = self.block(ctx, self.r.randint(2, 5), 2)
        return Func(name, "uint %s(uint a, inout uint b, out uint c)" % name, prologue, body, self.uexpr(ctx, 2))

    def shared_phase(self, ctx):
        """All invocations write their slot, barrier, read any slot, barrier (uniform control flow)."""
        return Stmt(["sh[lid] = {e0};", "barrier();", "%s %s sh[{e1} & %du];" % (self.uvar(ctx), self.r.choice(
            ["=", "+=", "^="]), LOCAL - 1), "barrier();"], [self.uexpr(ctx, 2), self.uexpr(ctx, 1)], kind="shared")

    def subgroup_op(self, ctx):
        r = self.r
        k = r.randrange(4)
        if k == 0:
            i = r.choice([i for i, op in enumerate(ATOM_OPS)])
            fn = SUBGROUP_FN[ATOM_OPS[i]]
            return Stmt(["{ uint s = %s({e0}); if (subgroupElect()) atomic%s(atom[%d], s); }" % (
                fn, ATOM_OPS[i].capitalize(), i)], [self.uexpr(ctx, 2)], kind="subgroup")
        if k == 1:
            return Stmt(["%s ^= subgroupShuffleXor({e0}, %du);" % (self.uvar(ctx), r.choice([1, 2, 4, 7]))],
                        [self.uexpr(ctx, 2)], kind="subgroup")
        if k == 2:
            return Stmt(["{ uint n = subgroupBallotBitCount(subgroupBallot({e0})); if (subgroupElect()) atomicAdd(atom[0], n); }"],
                        [self.bexpr(ctx, 1)], kind="subgroup")
        vote, op, idx = r.choice([("subgroupAny", "Or", 4), ("subgroupAll", "And", 5)])
        bit = r.randrange(32)
        return Stmt(["{ bool q = %s({e0}); if (subgroupElect()) atomic%s(atom[%d], q ? %du : %du); }" % (
            vote, op, idx, (1 << bit) if op == "Or" else 0xFFFFFFFF, 0 if op == "Or" else ~(1 << bit) & 0xFFFFFFFF)],
            [self.bexpr(ctx, 1)], kind="subgroup")

    def generate(self):
        r = self.r
        for i in range(r.randint(0, 3)):
            self.p.funcs.append(self.function(i))
        calls = [f.name for f in self.p.funcs]
        base = {"vars": ["v0", "v1", "v2", "v3", "g0", "g1", "g2", "g3"], "loops": 0, "calls": calls, "arr": True}
        while self.budget > 0:
            k = r.randrange(10)
            if k == 0:
                self.p.uniform.append(self.shared_phase(base))
            elif k == 1 and "subgroup" in self.p.features:
                self.p.uniform.append(self.subgroup_op(base))
            elif k == 2:
                # A uniform loop whose body has a shared-memory phase (barriers inside a loop).
                body = [self.shared_phase(base)] + self.block(dict(base, loops=1), r.randint(0, 2), 2)
                u = self.fresh("u")
                self.p.uniform.append(Stmt(["for (uint %s = 0u; %s < %du; %s++) {" % (u, u, r.randint(1, 3), u),
                                            "@b0", "}"], [], [body], loop=False, kind="uniform_loop"))
            elif k == 3:
                # Shared atomics: divergent statements in between two barriers, then read the results.
                body = self.block(dict(base, shatom=True), r.randint(1, 3), 2)
                self.p.uniform.append(Stmt(["barrier();", "@b0", "barrier();", "%s ^= shatom[{e0} & %du];" % (
                    self.uvar(base), ATOM_WORDS - 1)], [self.uexpr(base, 1)], [body], kind="shatom_phase"))
            else:
                self.p.uniform.append(self.stmt(base, 3))
        self.budget = int(r.randint(3, 10) * self.size)
        self.p.tail = self.block(dict(base, ret="main"), self.budget, 3)
        return self.p


def generate(seed, features=("subgroup", "int64", "dynarr"), size=1.0):
    return Gen(seed, features, size).generate()


if __name__ == "__main__":
    import sys
    print(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1).render())

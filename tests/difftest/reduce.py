"""The generator's own shrinking: greedily simplifies a Program while a predicate (the failure still
reproduces with the same signature) holds.

Passes, repeated until nothing changes or the test budget is spent:
  0. drop helper functions;
  1. drop statements: chunks of each block (halves, quarters, ... single statements), ddmin style;
  2. flatten: replace a compound statement (if/loop/switch/phase) by the statements of its blocks;
  3. simplify expressions: replace an operation by one of its operands of the same type, or by a
     constant.
A candidate that does not compile, or that changes the failure, is rejected by the predicate, so the
passes never need to know what makes a program valid (the generator's safety rules are kept because
loop bounds, barriers and out-parameter setup live in non-removable parts).
"""

import gen


def reduce(prog, interesting, max_tests=300):
    tests = [0]

    def check():
        # Out of budget: reject, so the pass undoes the change it just made (the program stays the
        # last one that was shown to fail) and the remaining candidates are skipped without a run.
        if tests[0] >= max_tests:
            return False
        tests[0] += 1
        return interesting(prog)

    changed = True
    while changed and tests[0] < max_tests:
        changed = drop_functions(prog, check)
        changed |= drop_statements(prog, check)
        changed |= flatten(prog, check)
        changed |= simplify_exprs(prog, check)
    return prog


def drop_functions(prog, check):
    """Functions nothing calls any more (a call to a dropped one fails to compile: rejected)."""
    changed = False
    i = len(prog.funcs) - 1
    while i >= 0:
        fn = prog.funcs.pop(i)
        if check():
            changed = True
        else:
            prog.funcs.insert(i, fn)
        i -= 1
    return changed


def drop_statements(prog, check):
    changed = False
    for block in prog.all_blocks():
        n = max(len(block) // 2, 1)
        while n >= 1:
            i = 0
            while i < len(block):
                chunk = block[i:i + n]
                if not chunk or not all(s.removable for s in chunk):
                    i += n
                    continue
                del block[i:i + n]
                if check():
                    changed = True
                else:
                    block[i:i] = chunk
                    i += n
            n //= 2
    return changed


def flatten(prog, check):
    changed = False
    for block in prog.all_blocks():
        i = 0
        while i < len(block):
            s = block[i]
            if s.blocks and s.removable:
                inner = [x for b in s.blocks for x in b]
                block[i:i + 1] = inner
                if check():
                    changed = True
                    continue
                block[i:i + len(inner)] = [s]
            i += 1
    return changed


def all_exprs(prog):
    """(holder list, index) pairs for every expression slot, outermost first."""
    slots = []
    for block in prog.all_blocks():
        for s in block:
            for i in range(len(s.exprs)):
                slots.append((s.exprs, i))
    for fn in prog.funcs:
        slots.append((fn, "ret"))
    i = 0
    while i < len(slots):
        e = get(slots[i])
        for k in range(len(e.kids)):
            slots.append((e.kids, k))
        i += 1
    return slots


def get(slot):
    holder, i = slot
    return getattr(holder, i) if isinstance(i, str) else holder[i]


def put(slot, e):
    holder, i = slot
    if isinstance(i, str):
        setattr(holder, i, e)
    else:
        holder[i] = e


def simplify_exprs(prog, check):
    changed = False
    live = None
    for slot in all_exprs(prog):
        e = get(slot)
        if not e.kids or (live is not None and id(e) not in live):
            continue   # a leaf, or inside a subtree an earlier replacement removed
        # Operands keep the float magnitude bound (a child's bound never exceeds its parent's).
        for cand in [k for k in e.kids if k.ty == e.ty] + [gen.const_of(e.ty)]:
            put(slot, cand)
            if check():
                changed = True
                live = {id(get(s)) for s in all_exprs(prog)}
                break
            put(slot, e)
    return changed

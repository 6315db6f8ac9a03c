// SPDX-License-Identifier: MIT
// The machine code size of translations, for MICA_CU_JIT_DEBUG's line (docs/performance.md,
// "Machine code per device instruction"): the object each translation compiles to is looked at
// before it is linked (and written to a file with MICA_CU_JIT_OBJ=PREFIX: PREFIX<function>.o).
#pragma once

#include <cstddef>
#include <string>

namespace llvm::orc {
class LLJIT;
}

namespace mica::sim::cu::jit {

struct CodeSize {
	size_t text = 0;    // every executable section of the object (the program and its access functions)
	size_t program = 0; // the program's own function (the name given to expect_code_size)
	size_t pool = 0;    // read-only data: vector constants, the dispatch switch's jump table
};

// Records the sizes of every object 'jit' links from now on, on the thread that links it (LLJIT
// compiles on the thread that looks a symbol up). Call once per LLJIT, under its lock.
void watch_code_size(llvm::orc::LLJIT &jit);
// Starts a translation's measurement: the next object's function named 'program' is its own.
void expect_code_size(const std::string &program);
// What the last object linked on this thread measured (zeros: none since expect_code_size).
CodeSize last_code_size();

} // namespace mica::sim::cu::jit

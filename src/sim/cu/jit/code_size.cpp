// SPDX-License-Identifier: MIT
#include "code_size.h"

#include <cstdio>
#include <cstdlib>

#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ObjectTransformLayer.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Object/SymbolSize.h>

namespace mica::sim::cu::jit {

namespace {

thread_local CodeSize last;
thread_local std::string expected;

// MICA_CU_JIT_OBJ=PREFIX: each object also written to PREFIX<program>.o, for objdump.
void keep(llvm::MemoryBufferRef buf)
{
	const char *prefix = std::getenv("MICA_CU_JIT_OBJ");
	if (!prefix || !*prefix)
		return;
	if (FILE *f = std::fopen((std::string(prefix) + expected + ".o").c_str(), "wb")) {
		std::fwrite(buf.getBufferStart(), 1, buf.getBufferSize(), f);
		std::fclose(f);
	}
}

void measure(llvm::MemoryBufferRef buf)
{
	keep(buf);
	auto obj = llvm::object::ObjectFile::createObjectFile(buf);
	if (!obj) {
		llvm::consumeError(obj.takeError());
		return;
	}
	CodeSize s;
	for (const llvm::object::SectionRef &sec : (*obj)->sections()) {
		if (sec.isText())
			s.text += sec.getSize();
		else if (sec.isData() && !sec.isBSS()) {
			auto name = sec.getName();
			if (name && name->startswith(".rodata"))
				s.pool += sec.getSize();
			else if (!name)
				llvm::consumeError(name.takeError());
		}
	}
	for (const auto &[sym, size] : llvm::object::computeSymbolSizes(**obj)) {
		auto name = sym.getName();
		if (!name) {
			llvm::consumeError(name.takeError());
			continue;
		}
		if (*name == expected)
			s.program = size;
	}
	last = s;
}

} // namespace

void watch_code_size(llvm::orc::LLJIT &jit)
{
	jit.getObjTransformLayer().setTransform([](std::unique_ptr<llvm::MemoryBuffer> obj) {
		measure(obj->getMemBufferRef());
		return llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>(std::move(obj));
	});
}

void expect_code_size(const std::string &program)
{
	expected = program;
	last = CodeSize{};
}

CodeSize last_code_size() { return last; }

} // namespace mica::sim::cu::jit

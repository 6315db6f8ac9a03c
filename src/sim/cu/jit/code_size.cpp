// SPDX-License-Identifier: MIT
#include "code_size.h"

#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/ObjectTransformLayer.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Object/SymbolSize.h>

namespace mica::sim::cu::jit {

namespace {

thread_local CodeSize last;
thread_local std::string expected;

void measure(llvm::MemoryBufferRef buf)
{
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

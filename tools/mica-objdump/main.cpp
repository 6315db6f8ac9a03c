// SPDX-License-Identifier: MIT
// mica-objdump: validates a Mica shader binary and prints its header, entry points, disassembly
// and const data. A malformed file is reported with the byte offset of the offending field.
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "mica/isa/disassembler.h"
#include "objdump.h"

namespace {

int usage()
{
	std::cerr << "usage: mica-objdump [--headers | --asm] FILE.mbin\n"
		     "  (default)  header, entry points, disassembly and const data\n"
		     "  --headers  header and entry points only\n"
		     "  --asm      reassemblable source (mica-as reproduces the file)\n";
	return 2;
}

}  // namespace

int main(int argc, char **argv)
{
	enum { ALL, HEADERS, ASM } mode = ALL;
	std::string path;
	for (int i = 1; i < argc; i++) {
		const std::string a = argv[i];
		if (a == "--headers")
			mode = HEADERS;
		else if (a == "--asm")
			mode = ASM;
		else if (a == "-h" || a == "--help")
			return usage(), 0;
		else if (path.empty() && a[0] != '-')
			path = a;
		else
			return usage();
	}
	if (path.empty())
		return usage();

	std::ifstream in(path, std::ios::binary);
	if (!in) {
		std::cerr << "mica-objdump: cannot open " << path << "\n";
		return 1;
	}
	const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
	auto parsed = mica::isa::parse_binary(bytes);
	if (auto *e = std::get_if<mica::isa::BinaryError>(&parsed)) {
		std::cerr << "mica-objdump: " << path << ": malformed binary at byte offset " << e->offset << ": "
			  << e->message << "\n";
		return 1;
	}
	const auto &b = std::get<mica::isa::Binary>(parsed);
	if (mode == ASM) {
		std::cout << mica::isa::disassemble_binary(b);
		return 0;
	}
	std::cout << path << ": Mica shader binary\n" << mica::objdump::headers(bytes, b);
	if (mode == ALL)
		std::cout << mica::objdump::disassembly(b) << mica::objdump::const_dump(b);
	return 0;
}

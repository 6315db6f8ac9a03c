// SPDX-License-Identifier: MIT
// mica-as: assembles Mica assembly (docs/hw/assembly.md) into a shader binary.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "mica/isa/assembler.h"

namespace {

int usage()
{
	std::cerr << "usage: mica-as INPUT.s -o OUTPUT.mbin\n"
		     "       (INPUT '-' reads standard input)\n";
	return 2;
}

}  // namespace

int main(int argc, char **argv)
{
	std::string input, output;
	for (int i = 1; i < argc; i++) {
		const std::string a = argv[i];
		if (a == "-o" && i + 1 < argc)
			output = argv[++i];
		else if (a == "-h" || a == "--help")
			return usage(), 0;
		else if (input.empty() && (a == "-" || a[0] != '-'))
			input = a;
		else
			return usage();
	}
	if (input.empty() || output.empty())
		return usage();

	std::string source;
	if (input == "-") {
		source.assign(std::istreambuf_iterator<char>(std::cin), {});
	} else {
		std::ifstream in(input, std::ios::binary);
		if (!in) {
			std::cerr << "mica-as: cannot open " << input << "\n";
			return 1;
		}
		std::ostringstream ss;
		ss << in.rdbuf();
		source = ss.str();
	}

	const auto result = mica::isa::assemble(source, input == "-" ? "<stdin>" : input);
	for (const auto &d : result.diagnostics)
		std::cerr << d.format() << "\n";
	if (!result.binary)
		return 1;

	const auto bytes = result.binary->serialize();
	std::ofstream out(output, std::ios::binary | std::ios::trunc);
	out.write(reinterpret_cast<const char *>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
	out.close();
	if (!out) {
		std::cerr << "mica-as: cannot write " << output << "\n";
		std::remove(output.c_str());
		return 1;
	}
	return 0;
}

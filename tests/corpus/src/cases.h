// One function per case file; corpus.cpp calls them in this order to build the table.
#pragma once

#include "mica/corpus/corpus.h"

#include <vector>

namespace mica::corpus::detail {
void add_int_cases(std::vector<Case>& out);
void add_float_cases(std::vector<Case>& out);
void add_control_cases(std::vector<Case>& out);
void add_memory_cases(std::vector<Case>& out);
void add_builtin_cases(std::vector<Case>& out);
void add_shared_cases(std::vector<Case>& out);
void add_atomic_cases(std::vector<Case>& out);
void add_subgroup_cases(std::vector<Case>& out);
void add_app_cases(std::vector<Case>& out);
void add_optional_cases(std::vector<Case>& out);
}  // namespace mica::corpus::detail

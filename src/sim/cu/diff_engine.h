// SPDX-License-Identifier: MIT
// MICA_CU_ENGINE=diff: both engines on every dispatch, compared (diff_engine.cpp).
#pragma once

#include <memory>

#include "../engine.h"

namespace mica::sim::cu {

std::unique_ptr<ComputeEngine> make_diff_engine(Mmu &mmu, uint32_t cu_count);
// The interpreter inside a diff engine (the reference whose results it returns), else null.
const ComputeEngine *diff_reference(const ComputeEngine &engine);

} // namespace mica::sim::cu

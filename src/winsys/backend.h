// SPDX-License-Identifier: MIT
// Backend factories (internal to the winsys).
#pragma once

#include <memory>
#include <string>

#include "mica/winsys/winsys.h"

namespace mica::winsys {

std::unique_ptr<Transport> make_sim_transport(const SimOptions &opt);
// Throws Error(ENODEV) with the list of nodes it looked at when no render node runs "mica".
std::unique_ptr<Transport> make_drm_transport();
// Path of the first render node whose driver is "mica", or "" (never throws).
std::string find_mica_render_node();

} // namespace mica::winsys

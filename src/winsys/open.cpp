// SPDX-License-Identifier: MIT
// Backend selection: MICA_WINSYS=drm|sim, else drm when a mica render node exists, else sim.
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "backend.h"

namespace mica::winsys {

std::unique_ptr<Device> Device::open(const OpenOptions &opt)
{
	OpenOptions::Select sel = opt.select;
	if (sel == OpenOptions::Select::Auto) {
		if (const char *env = std::getenv("MICA_WINSYS"); env && *env) {
			if (std::strcmp(env, "drm") == 0)
				sel = OpenOptions::Select::Drm;
			else if (std::strcmp(env, "sim") == 0)
				sel = OpenOptions::Select::Sim;
			else
				throw Error(EINVAL, std::string("MICA_WINSYS=") + env +
							    ": unknown backend (use drm or sim)");
		}
	}
	if (sel == OpenOptions::Select::Auto)
		sel = find_mica_render_node().empty() ? OpenOptions::Select::Sim : OpenOptions::Select::Drm;
	if (sel == OpenOptions::Select::Drm)
		return std::make_unique<Device>(make_drm_transport());
	return std::make_unique<Device>(make_sim_transport(opt.sim));
}

} // namespace mica::winsys

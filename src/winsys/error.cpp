// SPDX-License-Identifier: MIT
#include "mica/winsys/winsys.h"

namespace mica::winsys {

Error::Error(int err, const std::string &what) : std::runtime_error(what), err_(err) {}

const char *backend_name(Backend b)
{
	return b == Backend::Drm ? "drm" : "sim";
}

} // namespace mica::winsys

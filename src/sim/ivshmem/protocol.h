// SPDX-License-Identifier: MIT
// The ivshmem server side of QEMU's client-server protocol (QEMU docs/specs/ivshmem-spec.txt):
// 8-byte little-endian signed messages over a UNIX socket, some carrying one fd (SCM_RIGHTS).
#pragma once

#include <cstdint>
#include <string>

namespace mica::ivshmem {

// Sends one message; fd < 0 sends none. Throws std::system_error on failure.
void send_message(int sock, int64_t value, int fd = -1);

// A listening UNIX socket at path (an existing socket file is replaced).
int listen_unix(const std::string &path);

} // namespace mica::ivshmem

// SPDX-License-Identifier: MIT
#include "protocol.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

namespace mica::ivshmem {

void send_message(int sock, int64_t value, int fd)
{
	// The protocol is little-endian; so is every host QEMU runs Mica on (x86-64), checked here.
	static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "ivshmem messages are little-endian");
	iovec iov{&value, sizeof(value)};
	msghdr msg{};
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
	if (fd >= 0) {
		msg.msg_control = control;
		msg.msg_controllen = sizeof(control);
		cmsghdr *c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	ssize_t n;
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != static_cast<ssize_t>(sizeof(value)))
		throw std::system_error(n < 0 ? errno : EIO, std::generic_category(), "ivshmem: sendmsg");
}

int listen_unix(const std::string &path)
{
	sockaddr_un addr{};
	addr.sun_family = AF_UNIX;
	if (path.size() >= sizeof(addr.sun_path))
		throw std::system_error(ENAMETOOLONG, std::generic_category(), "ivshmem: socket path " + path);
	std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		throw std::system_error(errno, std::generic_category(), "ivshmem: socket");
	unlink(path.c_str());
	if (bind(s, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) < 0 || listen(s, 1) < 0) {
		int e = errno;
		close(s);
		throw std::system_error(e, std::generic_category(), "ivshmem: bind/listen " + path);
	}
	return s;
}

} // namespace mica::ivshmem

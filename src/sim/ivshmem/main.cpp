// SPDX-License-Identifier: MIT
// mica-ivshmem-server: the Mica device for a QEMU guest. Debian's QEMU has no Mica device and
// ships no ivshmem server, so the device model is the server: it creates BAR2's shared memory
// and the interrupt eventfds, serves one guest at a time over QEMU's ivshmem-doorbell protocol,
// and runs the command processor, MMU and compute units here on the host.
//
//   mica-ivshmem-server --socket PATH [--vram-mib N] [--cus N] [--revision R] [--once]
//   qemu-system-x86_64 ... -chardev socket,path=PATH,id=mica
//                          -device ivshmem-doorbell,chardev=mica,vectors=1
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

extern "C" {
#include "mica_pci.h"
}
#include "pci_personality.h"
#include "protocol.h"

namespace {

constexpr int64_t kProtocolVersion = 0;
constexpr int64_t kDevicePeer = 0; // the device's ID as a peer (MICA_PCI_CTRL_DEVICE_PEER)
constexpr int64_t kGuestPeer = 1;

volatile sig_atomic_t g_stop = 0;
std::atomic<int> g_irq_fd{-1};

void on_signal(int) { g_stop = 1; }

void usage()
{
	std::fprintf(stderr, "usage: mica-ivshmem-server --socket PATH [--vram-mib N (power of two)] "
	                     "[--cus N] [--revision 1|2] [--once]\n");
	std::exit(2);
}

// Raise the guest's interrupt vector: QEMU turns the eventfd write into an MSI-X message.
void raise_irq()
{
	int fd = g_irq_fd.load();
	uint64_t one = 1;
	if (fd >= 0 && write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		std::perror("mica-ivshmem: irq eventfd");
}

struct Eventfds {
	std::vector<int> fds;
	explicit Eventfds(unsigned n)
	{
		for (unsigned i = 0; i < n; i++) {
			int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
			if (fd < 0)
				throw std::system_error(errno, std::generic_category(), "eventfd");
			fds.push_back(fd);
		}
	}
	~Eventfds()
	{
		for (int fd : fds)
			close(fd);
	}
};

// Serves one guest until it disconnects (QEMU exits) or a signal arrives.
void serve(int client, mica::ivshmem::PciPersonality &dev)
{
	using mica::ivshmem::send_message;
	Eventfds doorbell(MICA_PCI_VECTORS), irq(MICA_PCI_VECTORS);
	send_message(client, kProtocolVersion);
	send_message(client, kGuestPeer);
	send_message(client, -1, dev.shm_fd());
	for (int fd : doorbell.fds) // the device as a peer: the guest rings these
		send_message(client, kDevicePeer, fd);
	for (int fd : irq.fds) // the guest's own vectors: the device raises these
		send_message(client, kGuestPeer, fd);
	g_irq_fd.store(irq.fds[MICA_PCI_VEC_IRQ]);
	std::fprintf(stderr, "mica-ivshmem: guest connected (peer %lld)\n", (long long)kGuestPeer);

	pollfd pfd[2] = {{doorbell.fds[MICA_PCI_VEC_MBOX], POLLIN, 0}, {client, POLLIN, 0}};
	while (!g_stop) {
		// The timeout also covers doorbells QEMU drops while it is still setting up.
		int r = poll(pfd, 2, 50);
		if (r < 0 && errno != EINTR)
			throw std::system_error(errno, std::generic_category(), "poll");
		if (pfd[0].revents & POLLIN) {
			uint64_t v;
			while (read(pfd[0].fd, &v, sizeof(v)) == sizeof(v)) {
			}
		}
		dev.service_mailbox();
		if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
			char c;
			if (recv(client, &c, 1, MSG_DONTWAIT) == 0 || (pfd[1].revents & (POLLHUP | POLLERR)))
				break; // QEMU never sends: readable means gone
		}
	}
	g_irq_fd.store(-1);
	std::fprintf(stderr, "mica-ivshmem: guest gone after %llu register requests\n",
	             (unsigned long long)dev.requests());
	dev.reset();
}

} // namespace

int main(int argc, char **argv)
{
	std::string socket_path;
	mica::sim::DeviceConfig config;
	config.vram_bytes = 128ull << 20;
	bool once = false;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		auto next = [&]() -> const char * {
			if (i + 1 >= argc)
				usage();
			return argv[++i];
		};
		if (a == "--socket")
			socket_path = next();
		else if (a == "--vram-mib")
			config.vram_bytes = std::strtoull(next(), nullptr, 0) << 20;
		else if (a == "--cus")
			config.cu_count = static_cast<uint32_t>(std::strtoul(next(), nullptr, 0));
		else if (a == "--revision")
			config.revision = static_cast<uint32_t>(std::strtoul(next(), nullptr, 0));
		else if (a == "--once")
			once = true;
		else
			usage();
	}
	if (socket_path.empty())
		usage();
	struct sigaction sa {};
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, nullptr);
	sigaction(SIGTERM, &sa, nullptr);
	signal(SIGPIPE, SIG_IGN);
	try {
		mica::ivshmem::PciPersonality dev(config, raise_irq);
		int listener = mica::ivshmem::listen_unix(socket_path);
		std::fprintf(stderr, "mica-ivshmem: listening on %s (BAR2 %llu MiB)\n", socket_path.c_str(),
		             (unsigned long long)(dev.shm_size() >> 20));
		while (!g_stop) {
			pollfd lp{listener, POLLIN, 0};
			int r = poll(&lp, 1, 200);
			if (r <= 0)
				continue;
			int client = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
			if (client < 0)
				continue;
			try {
				serve(client, dev);
			} catch (const std::exception &e) {
				std::fprintf(stderr, "%s\n", e.what());
			}
			close(client);
			if (once)
				break;
		}
		close(listener);
		unlink(socket_path.c_str());
	} catch (const std::exception &e) {
		std::fprintf(stderr, "%s\n", e.what());
		return 1;
	}
	return 0;
}

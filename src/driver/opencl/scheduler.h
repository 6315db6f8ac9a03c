// The scheduler's lock and wake-up, shared by events and queues (see event.h).
#pragma once

#include <condition_variable>
#include <mutex>

namespace mica::cl {

std::mutex& scheduler_mutex();
// Notified (all waiters) whenever any event completes.
std::condition_variable& scheduler_completion();

}  // namespace mica::cl

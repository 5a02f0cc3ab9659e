#pragma once
#include <chrono>
#include <string>

namespace alx {

// Seconds of the steady clock since `start`.
inline double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The time now as ISO 8601 in UTC: "2026-12-02T12:25:26Z".
std::string utcNowIso();

}  // namespace alx

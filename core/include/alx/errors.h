#pragma once
#include <stdexcept>
#include <string>

namespace alx {

// Something the user gave us is wrong: a flag, a path, a damaged dataset.
// The CLI maps it to exit code 2 and prints the message on one line.
class InputError : public std::runtime_error {
public:
    explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

// The work itself failed (a diverging loss, a device error, a full disk).
// The CLI maps it to exit code 1.
class RunError : public std::runtime_error {
public:
    explicit RunError(const std::string& message) : std::runtime_error(message) {}
};

// Thrown when the caller's stop flag was seen between two units of work.
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

// "path: what" in one line, the form every error about a file uses.
std::string fileError(const std::string& path, const std::string& what);

}  // namespace alx

#pragma once
#include <stdexcept>
#include <string>
#include <utility>

namespace alx {

// Something the user gave us is wrong: a setting, a path, a damaged file.
// The CLI maps it to exit code 2 and prints the message on one line.
// `field` names the request field at fault when there is one ("budget",
// "validation", ...), so that each front-end can point at its own control
// for it (the CLI names its flag); the message itself names no flag.
class InputError : public std::runtime_error {
public:
    explicit InputError(const std::string& message, std::string field = {})
        : std::runtime_error(message), field_(std::move(field)) {}
    const std::string& field() const { return field_; }

private:
    std::string field_;
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

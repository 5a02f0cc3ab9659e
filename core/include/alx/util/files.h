#pragma once
// Reading and writing whole files, for every part of the engine that keeps
// or reads a file (the formats themselves are the run store's, storage/).
#include <cstdint>
#include <string>
#include <vector>

namespace alx {

// Reads a whole file; throws InputError naming it when it cannot (missing,
// a directory, unreadable).
std::vector<uint8_t> readWholeFile(const std::string& path);

// Writes `contents` to `path` so that a reader (or a crash) sees either the
// old file or the whole new one: write to a temporary file in the same
// directory, flush it to disk, rename it over `path`, then flush the
// directory so that the rename itself survives a crash. Every file ALX
// writes goes through here.
// Throws RunError naming the file when any step fails.
void writeFileAtomically(const std::string& path, const std::string& contents);

// Creates `dir` (and its parents) if missing and checks it is writable.
// Throws InputError naming the directory otherwise.
void ensureWritableDirectory(const std::string& dir);

}  // namespace alx

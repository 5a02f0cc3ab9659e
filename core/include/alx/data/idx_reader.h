#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace alx {

// An IDX array of unsigned bytes (the only element type MNIST and
// Fashion-MNIST use): dims[0] items, each of dims[1] x dims[2] ... bytes.
struct IdxArray {
    std::vector<int64_t> dims;
    std::vector<uint8_t> data;

    int64_t items() const { return dims.empty() ? 0 : dims[0]; }
};

// Whether `bytes` start as a gzip stream does (1f 8b).
bool isGzip(const std::vector<uint8_t>& bytes);

// Decompresses `bytes` if they start with the gzip magic, else returns them.
// Throws InputError naming `name` for corrupt or truncated gzip data.
// Output is capped at `maxBytes` so that a hostile file cannot exhaust memory.
// `shouldStop` is polled between output blocks (throws Cancelled): a window
// closed while a large file inflates does not wait for the rest of it.
std::vector<uint8_t> gunzipIfCompressed(const std::vector<uint8_t>& bytes, const std::string& name,
                                        size_t maxBytes = size_t(1) << 31,
                                        const std::function<bool()>& shouldStop = {});

// Parses an IDX buffer (already decompressed). `expectedRank` is 1 for
// labels and 3 for images. Every defect (magic, element type, rank, zero or
// huge dimension, size mismatch) throws InputError naming `name`.
IdxArray parseIdx(const std::vector<uint8_t>& bytes, int expectedRank, const std::string& name);

// Reads a raw or gzipped IDX file. Throws InputError naming the file for a
// missing or unreadable file, a directory, or any defect above.
IdxArray readIdxFile(const std::string& path, int expectedRank);

}  // namespace alx

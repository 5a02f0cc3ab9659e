// libFuzzer target for the readers of a run folder's files that a person
// may be sent: the .npy header (probabilities.npy, embeddings.npy) and
// summary.json. Any byte string must either parse or raise InputError,
// never crash, leak, hang or read out of bounds (built with ASan + UBSan).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "alx/storage/npy_layout.h"
#include "alx/storage/run_summary.h"
#include "alx/util/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::vector<uint8_t> bytes(data, data + size);
    try {
        const alx::NpyLayout layout = alx::parseNpyLayout(bytes, "fuzz.npy");
        // Touch every element the header promised: ASan catches a lie.
        const size_t element = layout.type == alx::NpyLayout::Type::Float64 ? 8 : 4;
        volatile uint8_t sink = 0;
        for (size_t i = layout.dataOffset; i < layout.dataOffset + size_t(layout.rows * layout.cols) * element; ++i) {
            sink = sink ^ data[i];
        }
        (void)sink;
    } catch (const alx::InputError&) {
    }
    try {
        const alx::RunSummary record =
            alx::parseRunSummary(std::string(reinterpret_cast<const char*>(data), size), "summary.json");
        // The reader promises a square matrix: walk it.
        size_t cells = 0;
        for (const auto& row : record.confusion) cells += row.size();
        if (cells != record.confusion.size() * record.confusion.size()) __builtin_trap();
    } catch (const alx::InputError&) {
    }
    return 0;
}

// libFuzzer target for the IDX reader, raw and gzipped: any byte string
// must either parse or raise InputError, never crash, leak or read out of
// bounds (built with AddressSanitizer and UndefinedBehaviorSanitizer).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "alx/util/errors.h"
#include "alx/data/idx_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::vector<uint8_t> bytes(data, data + size);
    for (int rank : {1, 3}) {
        try {
            // A small cap keeps a decompression bomb from exhausting memory.
            const alx::IdxArray array = alx::parseIdx(alx::gunzipIfCompressed(bytes, "fuzz", size_t(1) << 24), rank, "fuzz");
            // Touch every byte the header promised: ASan catches a lie.
            volatile uint8_t sink = 0;
            for (uint8_t b : array.data) sink = sink ^ b;
            (void)sink;
        } catch (const alx::InputError&) {
            // The expected outcome for damaged input.
        }
    }
    return 0;
}

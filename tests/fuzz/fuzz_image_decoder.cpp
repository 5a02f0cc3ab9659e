// libFuzzer target for the PNG and JPEG decoder: any byte string must
// either decode or raise InputError, never crash, leak, read out of bounds,
// print or exit (built with AddressSanitizer and UndefinedBehaviorSanitizer).
// libpng and libjpeg are Debian's, not instrumented: coverage guides the
// fuzzer through our side (the error paths, the jumps, the pixel handling),
// and the sanitizers still see every allocation and every byte we touch.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "alx/data/image_decoder.h"
#include "alx/util/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    alx::DecodeLimits limits;
    // A small cap keeps each run quick and a hostile header from using the
    // fuzzer's memory; the check itself is the same at any cap.
    limits.maxPixels = int64_t(1) << 20;
    try {
        const alx::DecodedImage image = alx::decodeImage(data, size, "fuzz", limits);
        const bool shapeOk = image.width > 0 && image.height > 0 && (image.channels == 1 || image.channels == 3) &&
                             int64_t(image.width) * image.height <= limits.maxPixels &&
                             image.pixels.size() == size_t(image.width) * size_t(image.height) * size_t(image.channels);
        if (!shapeOk) std::abort();  // a decoded image must be what it says
        // Touch every byte: ASan catches a buffer shorter than promised.
        volatile uint8_t sink = 0;
        for (uint8_t b : image.pixels) sink = sink ^ b;
        (void)sink;
    } catch (const alx::InputError&) {
        // The expected outcome for damaged input.
    }
    return 0;
}

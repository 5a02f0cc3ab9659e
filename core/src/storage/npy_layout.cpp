#include "alx/storage/npy_layout.h"

#include <cctype>

#include "alx/util/errors.h"

namespace alx {
namespace {

// Larger arrays than any run holds (70,000 images x 512 floats is 36 M
// values) are refused before a byte is allocated for them.
constexpr int64_t kMaxElements = int64_t(1) << 31;

std::string headerValue(const std::string& header, const std::string& key) {
    const auto at = header.find("'" + key + "':");
    if (at == std::string::npos) return {};
    auto start = header.find_first_not_of(' ', at + key.size() + 3);
    if (start == std::string::npos) return {};
    if (header[start] == '(') {
        const auto end = header.find(')', start);
        return end == std::string::npos ? std::string() : header.substr(start, end - start + 1);
    }
    return header.substr(start, header.find_first_of(",}", start) - start);
}

// "(R, C)" -> {R, C}; anything else -> empty.
std::vector<int64_t> parseShape(const std::string& shape) {
    std::vector<int64_t> dims;
    if (shape.size() < 2 || shape.front() != '(' || shape.back() != ')') return {};
    size_t i = 1;
    while (i < shape.size() - 1) {
        while (i < shape.size() - 1 && shape[i] == ' ') ++i;
        if (i >= shape.size() - 1) break;
        if (!std::isdigit(static_cast<unsigned char>(shape[i]))) return {};
        int64_t value = 0;
        while (std::isdigit(static_cast<unsigned char>(shape[i]))) {
            if (value > kMaxElements) return std::vector<int64_t>{-1};  // absurdly large: reported as such below
            value = value * 10 + (shape[i] - '0');
            ++i;
        }
        dims.push_back(value);
        while (i < shape.size() - 1 && shape[i] == ' ') ++i;
        if (shape[i] == ',') ++i;
    }
    return dims;
}

}  // namespace

NpyLayout parseNpyLayout(const std::vector<uint8_t>& bytes, const std::string& path) {
    if (bytes.size() < 10 || std::string(bytes.begin(), bytes.begin() + 6) != "\x93NUMPY") {
        throw InputError(fileError(path, "not a NumPy .npy file"));
    }
    const int major = bytes[6];
    size_t headerLength = 0, offset = 0;
    if (major == 1) {
        headerLength = bytes[8] | (size_t(bytes[9]) << 8);
        offset = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) throw InputError(fileError(path, "truncated .npy header"));
        headerLength = bytes[8] | (size_t(bytes[9]) << 8) | (size_t(bytes[10]) << 16) | (size_t(bytes[11]) << 24);
        offset = 12;
    } else {
        throw InputError(fileError(path, ".npy format version " + std::to_string(major) + " is not supported"));
    }
    if (bytes.size() - offset < headerLength) throw InputError(fileError(path, "truncated .npy header"));
    const std::string header(bytes.begin() + std::ptrdiff_t(offset), bytes.begin() + std::ptrdiff_t(offset + headerLength));
    if (header.empty() || header.front() != '{') throw InputError(fileError(path, "damaged .npy header (not a dict)"));
    const std::string descr = headerValue(header, "descr");
    if (headerValue(header, "fortran_order") != "False") {
        throw InputError(fileError(path, "Fortran-ordered or damaged .npy header (fortran_order is not False)"));
    }
    NpyLayout layout;
    size_t elementSize = 4;
    if (descr == "'<f8'") {
        layout.type = NpyLayout::Type::Float64;
        elementSize = 8;
    } else if (descr == "'<i4'") {
        layout.type = NpyLayout::Type::Int32;
    } else if (descr != "'<f4'") {
        throw InputError(fileError(path, "element type " + (descr.empty() ? std::string("(none)") : descr) +
                                             " is not supported (float32, float64 or int32)"));
    }
    const std::string shapeText = headerValue(header, "shape");
    const std::vector<int64_t> shape = parseShape(shapeText);
    if (shape.size() != 2) {
        throw InputError(fileError(path, "expected a 2-D array, found shape " +
                                             (shapeText.empty() ? std::string("(none)") : shapeText)));
    }
    const int64_t rows = shape[0], cols = shape[1];
    if (rows < 0 || cols < 0 || (cols > 0 && rows > kMaxElements / cols)) {
        throw InputError(fileError(path, "shape " + shapeText + " is larger than any run's array"));
    }
    const size_t expected = size_t(rows) * size_t(cols) * elementSize;
    const size_t actual = bytes.size() - offset - headerLength;
    if (actual != expected) {
        throw InputError(fileError(path, "holds " + std::to_string(actual) + " data bytes, its shape " + shapeText +
                                             " needs " + std::to_string(expected)));
    }
    layout.rows = rows;
    layout.cols = cols;
    layout.dataOffset = offset + headerLength;
    return layout;
}

}  // namespace alx

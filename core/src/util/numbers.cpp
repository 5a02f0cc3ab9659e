#include "alx/util/numbers.h"

#include <charconv>

namespace alx {
namespace {

std::string toChars(double value, std::chars_format format, int precision) {
    char text[400];  // "%.Nf" of 1e308 needs 309 digits before the point
    const auto [end, error] = std::to_chars(text, text + sizeof text, value, format, precision);
    return error == std::errc() ? std::string(text, end) : std::string("nan");
}

}  // namespace

std::string fixedNumber(double value, int decimals) { return toChars(value, std::chars_format::fixed, decimals); }

std::string generalNumber(double value, int digits) { return toChars(value, std::chars_format::general, digits); }

std::string shortestNumber(double value) {
    char text[64];
    const auto [end, error] = std::to_chars(text, text + sizeof text, value);
    return error == std::errc() ? std::string(text, end) : std::string("nan");
}

std::optional<double> parseNumber(std::string_view text) {
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

std::optional<int64_t> parseInteger(std::string_view text) {
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace alx

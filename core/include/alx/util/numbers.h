#pragma once
// Numbers in files, written and read the same way in every locale. printf,
// strtod and sscanf follow LC_NUMERIC, which the app sets from the person's
// locale (QApplication does, on Linux): under de_DE they write 0,5, and a
// CSV written that way is misread by ALX and by every other program. These
// go through std::to_chars and std::from_chars, which never look at the
// locale; each formats exactly as printf does in the C locale.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace alx {

std::string fixedNumber(double value, int decimals);  // printf's "%.<decimals>f"
std::string generalNumber(double value, int digits);  // printf's "%.<digits>g"
std::string shortestNumber(double value);             // the fewest digits that read back as `value`

// The whole of `text` as a number ("0.25", "-1e-3", "nan"), or nullopt when
// it is empty, has anything before or after the number, or overflows.
std::optional<double> parseNumber(std::string_view text);
std::optional<int64_t> parseInteger(std::string_view text);

}  // namespace alx

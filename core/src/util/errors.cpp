#include "alx/util/errors.h"

namespace alx {

std::string fileError(const std::string& path, const std::string& what) { return path + ": " + what; }

}  // namespace alx

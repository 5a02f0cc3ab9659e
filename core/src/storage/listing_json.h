#pragma once
// A listing as JSON: what `alx-cli runs list --json` prints and what the
// runs index caches (private to core/src/storage; defined in run_listing.cpp).
#include <nlohmann/json.hpp>

#include "alx/storage/run_listing.h"

namespace alx::storage_detail {

nlohmann::json listingJson(const RunListing& listing);
RunListing listingFromJson(const nlohmann::json& j);

}  // namespace alx::storage_detail

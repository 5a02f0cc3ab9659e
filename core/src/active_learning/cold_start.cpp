#include "alx/active_learning/cold_start.h"

#include "alx/util/errors.h"

namespace alx {
namespace {

struct ColdStartInfo {
    ColdStart start;
    const char* name;
    const char* description;
};

const std::vector<ColdStartInfo>& coldStartTable() {
    static const std::vector<ColdStartInfo> table = {
        {ColdStart::Balanced, "balanced",
         "initial / classes images of each class, drawn at random: it looks at the labels, which a person with an "
         "unlabelled pile does not have"},
        {ColdStart::Typical, "typical",
         "the most typical image of each of k clusters of the images, without looking at any label (TypiClust, "
         "Hacohen et al. 2022)"},
        {ColdStart::Random, "random", "uniformly at random from the pool"},
    };
    return table;
}

}  // namespace

ColdStart parseColdStart(const std::string& name) {
    std::string names;
    for (const auto& c : coldStartTable()) {
        if (name == c.name) return c.start;
        names += names.empty() ? c.name : std::string(", ") + c.name;
    }
    throw InputError("unknown cold start '" + name + "' (one of " + names + ")", "cold_start");
}

std::string coldStartName(ColdStart start) {
    for (const auto& c : coldStartTable()) {
        if (c.start == start) return c.name;
    }
    return "balanced";
}

std::vector<ColdStart> allColdStarts() {
    std::vector<ColdStart> all;
    for (const auto& c : coldStartTable()) all.push_back(c.start);
    return all;
}

std::string coldStartDescription(ColdStart start) {
    for (const auto& c : coldStartTable()) {
        if (c.start == start) return c.description;
    }
    return {};
}

}  // namespace alx

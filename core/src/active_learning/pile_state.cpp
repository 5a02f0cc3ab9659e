#include "alx/active_learning/pile_state.h"

#include <algorithm>

#include "alx/util/errors.h"

namespace alx {
namespace {

struct StatusName {
    LabelStatus status;
    const char* name;
};
constexpr StatusName kStatusNames[] = {{LabelStatus::Pending, "pending"},
                                       {LabelStatus::Labelled, "labelled"},
                                       {LabelStatus::Skipped, "skipped"},
                                       {LabelStatus::Unusable, "unusable"}};

}  // namespace

std::string labelStatusName(LabelStatus status) {
    for (const StatusName& s : kStatusNames) {
        if (s.status == status) return s.name;
    }
    return "pending";
}

LabelStatus parseLabelStatus(const std::string& name) {
    for (const StatusName& s : kStatusNames) {
        if (name == s.name) return s.status;
    }
    throw InputError("unknown label status '" + name + "' (pending, labelled, skipped or unusable)", "status");
}

int64_t PileState::labelled() const {
    return std::count_if(labels.begin(), labels.end(), [](const PileLabel& l) { return l.status == LabelStatus::Labelled; });
}

int64_t PileState::classIndex(const std::string& name) const {
    const auto it = std::find(classNames.begin(), classNames.end(), name);
    return it == classNames.end() ? -1 : int64_t(it - classNames.begin());
}

}  // namespace alx

#include "alx/audit/stratified_folds.h"

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <string>
#include <utility>

#include "alx/util/errors.h"
#include "alx/util/random.h"

namespace alx {

namespace {

// Each class's images (a map, as labels need not be dense), checked >= 0.
std::map<int64_t, std::vector<int64_t>> imagesByClass(const int64_t* labels, int64_t images, int folds) {
    if (images < 1) throw InputError("stratified folds: no images", "labels");
    if (folds < 2) throw InputError("cross-validation needs at least 2 folds, got " + std::to_string(folds), "folds");
    std::map<int64_t, std::vector<int64_t>> imagesOf;
    for (int64_t i = 0; i < images; ++i) {
        if (labels[i] < 0) {
            throw InputError("label of image " + std::to_string(i) + " is " + std::to_string(labels[i]) +
                                 " (must be >= 0)",
                             "labels");
        }
        imagesOf[labels[i]].push_back(i);
    }
    return imagesOf;
}

std::vector<int> deal(std::map<int64_t, std::vector<int64_t>>& imagesOf, int64_t images, int folds, uint64_t seed) {
    std::mt19937_64 generator(seed);
    std::vector<int> fold(size_t(images), -1);
    int next = 0;
    for (auto& [label, members] : imagesOf) {
        for (size_t m = members.size(); m > 1; --m) {
            std::swap(members[m - 1], members[size_t(uniformBelow(generator, m))]);
        }
        for (const int64_t i : members) {
            fold[size_t(i)] = next;
            next = (next + 1) % folds;
        }
    }
    return fold;
}

}  // namespace

std::vector<int> stratifiedFolds(const int64_t* labels, int64_t images, int folds, uint64_t seed) {
    auto imagesOf = imagesByClass(labels, images, folds);
    for (const auto& [label, members] : imagesOf) {
        if (int64_t(members.size()) < folds) {
            throw InputError(std::to_string(folds) + " folds, but class " + std::to_string(label) + " has only " +
                                 std::to_string(members.size()) + " image" + (members.size() == 1 ? "" : "s") +
                                 ": every fold needs at least one image of each class",
                             "folds");
        }
    }
    return deal(imagesOf, images, folds, seed);
}

std::vector<int> dealtFolds(const std::vector<int64_t>& labels, int folds, uint64_t seed) {
    const int64_t images = int64_t(labels.size());
    auto imagesOf = imagesByClass(labels.data(), images, folds);
    if (folds > images) {
        throw InputError(std::to_string(folds) + " folds of " + std::to_string(images) + " images", "folds");
    }
    return deal(imagesOf, images, folds, seed);
}

std::vector<int> stratifiedFolds(const std::vector<int64_t>& labels, int folds, uint64_t seed) {
    return stratifiedFolds(labels.data(), int64_t(labels.size()), folds, seed);
}

}  // namespace alx

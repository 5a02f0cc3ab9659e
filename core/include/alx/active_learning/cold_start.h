#pragma once
// How an active-learning run chooses its first images, before any model
// exists, by name (the choosing itself is in typical.h and loop.h). No
// LibTorch here.
#include <string>
#include <vector>

namespace alx {

enum class ColdStart {
    Balanced,  // initial / classes images of each class: it peeks at the labels (the simulation's default)
    Typical,   // the most typical image of each of k clusters, no label looked at (TypiClust, Hacohen et al. 2022)
    Random,    // uniformly at random
};

ColdStart parseColdStart(const std::string& name);  // InputError (field "cold_start") listing the names
std::string coldStartName(ColdStart start);
std::vector<ColdStart> allColdStarts();
std::string coldStartDescription(ColdStart start);  // one sentence

}  // namespace alx

#pragma once
// A map exported for other programs (the app's Map page, Export): a CSV of
// `row,split,index,x,y,label,predicted`, one line per point, the test images
// first; `index` is the image's index in its split, `predicted` -1 where it
// is not known. Written atomically. No LibTorch here: the app writes it.
#include <cstdint>
#include <string>
#include <vector>

namespace alx {

struct MapPoints {
    std::vector<float> xy;           // rows x 2
    int64_t testRows = 0;            // the test images come first
    std::vector<int> labels, predicted;  // one per row
};

std::string mapCsv(const MapPoints& map);
void writeMapCsv(const std::string& path, const MapPoints& map);

}  // namespace alx

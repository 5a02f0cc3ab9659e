#pragma once
// A map exported for other programs (the app's Map page, Export): a CSV of
// `row,split,index,x,y,label,predicted`, one line per point, the test images
// first; `index` is the image's index in its split, `predicted` -1 where it
// is not known; and a selection of images. Written atomically. No LibTorch
// here: the app writes them.
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

// A selection of images (a map's Shift+drag): `index,path`, or
// `split,index,path` when `splits` is given, one line per image; the index
// in its split (or the pile), the path in the dataset's folder (empty for
// an IDX dataset). Written atomically.
void writeSelectionCsv(const std::string& path, const std::vector<int64_t>& indices,
                       const std::vector<std::string>& paths, const std::vector<std::string>& splits = {});

}  // namespace alx

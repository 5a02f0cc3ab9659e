#include "alx/storage/map_export.h"

#include "alx/util/csv.h"
#include "alx/util/files.h"
#include "alx/util/numbers.h"

namespace alx {

std::string mapCsv(const MapPoints& map) {
    std::string csv = "row,split,index,x,y,label,predicted\n";
    const int64_t rows = int64_t(map.xy.size() / 2);
    for (int64_t row = 0; row < rows; ++row) {
        const bool test = row < map.testRows;
        csv += std::to_string(row) + (test ? ",test," : ",train,") + std::to_string(test ? row : row - map.testRows) + "," +
               generalNumber(double(map.xy[size_t(2 * row)]), 9) + "," + generalNumber(double(map.xy[size_t(2 * row + 1)]), 9) +
               "," + std::to_string(map.labels[size_t(row)]) + "," + std::to_string(map.predicted[size_t(row)]) + "\n";
    }
    return csv;
}

void writeMapCsv(const std::string& path, const MapPoints& map) { writeFileAtomically(path, mapCsv(map)); }

void writeSelectionCsv(const std::string& path, const std::vector<int64_t>& indices,
                       const std::vector<std::string>& paths, const std::vector<std::string>& splits) {
    std::string text = splits.empty() ? "index,path\n" : "split,index,path\n";
    for (size_t i = 0; i < indices.size(); ++i) {
        if (!splits.empty()) text += (i < splits.size() ? splits[i] : std::string()) + ",";
        text += std::to_string(indices[i]) + "," + (i < paths.size() ? csvField(paths[i]) : std::string()) + "\n";
    }
    writeFileAtomically(path, text);
}

}  // namespace alx

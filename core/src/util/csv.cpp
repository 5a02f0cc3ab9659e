#include "alx/util/csv.h"

#include "alx/util/errors.h"
#include "alx/util/files.h"

namespace alx {

void failAtLine(const std::string& path, int line, const std::string& what) {
    throw InputError(fileError(path, "line " + std::to_string(line) + ": " + what));
}

std::vector<CsvRow> parseCsv(const std::string& text, const std::string& path) {
    std::vector<CsvRow> rows;
    CsvRow row{1, {}};
    std::string field;
    bool quoted = false, wasQuoted = false;  // inside quotes; the field began with one
    int line = 1;
    const auto endRow = [&] {
        const bool blank = row.fields.empty() && field.empty() && !wasQuoted;
        row.fields.push_back(std::move(field));
        if (!blank) rows.push_back(std::move(row));
        row = CsvRow{line, {}};
        field.clear();
        wasQuoted = false;
    };
    for (size_t i = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool crlf = c == '\r' && i + 1 < text.size() && text[i + 1] == '\n';
        if (quoted && c == '"') {
            if (i + 1 < text.size() && text[i + 1] == '"') field += text[i++];  // "" stands for a quote
            else quoted = false;
        } else if (quoted) {
            line += c == '\n';
            field += c;
        } else if (c == ',') {
            row.fields.push_back(std::move(field));
            field.clear();
            wasQuoted = false;
        } else if (c == '\n') {
            ++line;
            endRow();
        } else if (!crlf && wasQuoted) {
            failAtLine(path, line, "text after a closing quote");
        } else if (!crlf) {
            if (c == '"' && field.empty()) quoted = wasQuoted = true;
            else field += c;
        }
    }
    if (quoted) failAtLine(path, row.line, "a quoted field is never closed");
    if (!row.fields.empty() || !field.empty() || wasQuoted) endRow();
    return rows;
}

std::vector<CsvRow> readCsvFile(const std::string& path) {
    const std::vector<uint8_t> bytes = readWholeFile(path);
    return parseCsv(std::string(bytes.begin(), bytes.end()), path);
}

std::string csvField(const std::string& text) {
    const bool plain = text.find_first_of(",\"\r\n") == std::string::npos &&
                       (text.empty() || (text.front() != ' ' && text.back() != ' ' && text.front() != '\t' && text.back() != '\t'));
    if (plain) return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace alx

#pragma once
// Comma-separated values as spreadsheets write them (RFC 4180), read and
// written in one place: image folders' labels.csv, a run's labels.csv, an
// oracle's answers and exported selections.
#include <string>
#include <vector>

namespace alx {

struct CsvRow {
    int line = 0;  // where the row starts, from 1
    std::vector<std::string> fields;
};

// Comma-separated fields, each optionally in double quotes, where a comma
// or a line break is plain text and "" is a quote; LF or CRLF line ends; a
// UTF-8 byte-order mark is skipped, and so are blank lines. Throws
// InputError naming `path` and the line for a quote left open or text after
// a closing quote.
std::vector<CsvRow> parseCsv(const std::string& text, const std::string& path);

// parseCsv of a whole file (readWholeFile's refusals for one that cannot be read).
std::vector<CsvRow> readCsvFile(const std::string& path);

// Refuses a file's content at a line: an InputError naming `path` and `line`.
[[noreturn]] void failAtLine(const std::string& path, int line, const std::string& what);

// One field as parseCsv reads it back: quoted when it holds a comma, a
// quote, a line break or leading or trailing spaces.
std::string csvField(const std::string& text);

}  // namespace alx

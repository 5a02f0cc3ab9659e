#pragma once
// alx-cli's reference, generated from its parser, so that the options are
// described once (their --help strings): the man page (alx-cli.1, built with
// the package) and the option tables of docs/cli.md (checked by test_cli).
//   alx-cli --reference man | markdown
#include <CLI/CLI.hpp>

#include <string>

namespace alx::cli {

std::string manPage(const CLI::App& app);
std::string markdownReference(const CLI::App& app);

}  // namespace alx::cli

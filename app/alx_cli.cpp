// alx-cli: the engine's jobs without a GUI, for scripts and GPU servers.
#include <CLI/CLI.hpp>

#include <c10/util/Exception.h>

#include <csignal>
#include <cstring>
#include <iostream>

#include "alx/util/errors.h"
#include "alx/version.h"
#include "cli_commands.h"
#include "cli_reference.h"

using namespace alx::cli;

namespace {

extern "C" void onInterrupt(int) {
    // A second Ctrl-C falls back to the default action: kill at once.
    interruptRequested.store(true);
    std::signal(SIGINT, SIG_DFL);
}

// Runs the parsed command, mapping what it throws to an exit code and one line.
int runMapped(Commands& commands) {
    try {
        return commands.run();
    } catch (const alx::InputError& e) {
        // The engine names the request field; point at the flag that sets it.
        const std::string flag = flagForField(e.field());
        std::cerr << "alx-cli: " << e.what() << (flag.empty() ? "" : " (" + flag + ")") << std::endl;
        return kBadInput;
    } catch (const alx::Cancelled&) {
        std::cerr << "alx-cli: interrupted" << std::endl;
        return kInterrupted;
    } catch (const alx::RunError& e) {
        std::cerr << "alx-cli: " << e.what() << std::endl;
        return kRunFailed;
    } catch (const c10::Error& e) {
        std::string why = e.what_without_backtrace();
        if (const auto cut = why.find('\n'); cut != std::string::npos) why.resize(cut);
        std::cerr << "alx-cli: LibTorch error: " << why << std::endl;
        return kRunFailed;
    } catch (const std::exception& e) {
        std::cerr << "alx-cli: " << e.what() << std::endl;
        return kRunFailed;
    }
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"train, evaluate and score CNNs, audit their labels and run active learning, headless"};
    app.set_version_flag("--version", std::string("alx-cli ") + alx::kVersion);
    app.require_subcommand(1);
    Commands commands(app);

    // The man page and docs/cli.md's tables, from the options above (packaging, test_cli).
    if (argc == 3 && std::strcmp(argv[1], "--reference") == 0) {
        const std::string format = argv[2];
        if (format != "man" && format != "markdown") {
            std::cerr << "alx-cli: --reference takes man or markdown" << std::endl;
            return kBadInput;
        }
        std::cout << (format == "man" ? manPage(app) : markdownReference(app));
        return kOk;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "alx-cli: " << e.what() << " (see alx-cli --help)" << std::endl;
        return kBadInput;
    }
    std::signal(SIGINT, onInterrupt);
    return runMapped(commands);
}

#pragma once
// alx-cli's exit codes, the same for every subcommand (and in its man page).

namespace alx::cli {

enum ExitCode : int { kOk = 0, kRunFailed = 1, kBadInput = 2, kInterrupted = 130 };

}  // namespace alx::cli

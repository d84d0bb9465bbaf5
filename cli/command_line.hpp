// The command line of ipcsim: every verb's flags, declared with CLI11 and
// parsed here, then handed to the verb's function as a plain struct.
//
// CLI11 is header-only and costs some 12 s of compile time in each unit that
// includes it, so it lives in this one unit only; the verbs' files and headers
// never see it.
#pragma once

namespace ipcsim::cli {

// Parses argv and runs the verb it names; returns the process's exit code
// (0, 1, 2 or 3: kExitCodesHelp in command_support.hpp says what each means).
int run_command_line(int argc, char** argv);

}  // namespace ipcsim::cli

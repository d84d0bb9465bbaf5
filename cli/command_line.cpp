#include "cli/command_line.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <charconv>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/check_command.hpp"
#include "cli/command_support.hpp"
#include "cli/compare_scan_command.hpp"
#include "cli/demo_command.hpp"
#include "cli/fuzz_command.hpp"
#include "cli/list_command.hpp"
#include "cli/merge_command.hpp"
#include "cli/replay_command.hpp"
#include "cli/run_command.hpp"
#include "cli/scenario/diagnostics.hpp"
#include "cli/validate_command.hpp"
#include "cli/viz_command.hpp"

namespace ipcsim::cli {
namespace {
void add_diagram_flags(CLI::App& cmd, DiagramFlags& f) {
  cmd.add_option("--from", f.from, "Diagram window: first simulated instant shown (e.g. 10us)");
  cmd.add_option("--to", f.to, "Diagram window: last simulated instant shown");
  cmd.add_option("--around-violation", f.around_violation, "Diagram window: N rows before and after the violation");
  cmd.add_option("--actors", f.actors, "Diagram: only these actors (names, or prefix*); the rest fold together")
      ->delimiter(',');
  cmd.add_option("--detail", f.detail, "Diagram detail: messages, sync or all")
      ->check(CLI::IsMember({"messages", "sync", "all"}))
      ->capture_default_str();
}

void add_run_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Run one execution of a scenario and show what happened");
  cmd->add_option("FILE", a->file, "Scenario file (TOML)")->required();
  cmd->add_option("--seed", a->seed, "Seed (replaces the file's [run] seed)");
  cmd->add_option("--trace", a->trace, "Write the JSON Lines trace to this file");
  cmd->add_option("--diagram", a->diagram, "Draw the run: .svg, .mmd (Mermaid), .dot or .html (with a Perfetto timeline)");
  add_diagram_flags(*cmd, a->diagram_flags);
  cmd->add_flag("--json", a->json, "Print the result as JSON");
  cmd->callback([a, exit_code] { *exit_code = run_command(*a); });
}

void add_check_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<CheckArgs>();
  CLI::App* cmd = app.add_subcommand("check", "Explore every distinguishable schedule of a small scenario (DPOR)");
  cmd->add_option("FILE", a->file, "Scenario file (TOML)")->required();
  cmd->add_option("--max-depth", a->max_depth,
                  "Choice points per run the search branches on; a run that reaches it makes the search "
                  "inconclusive (default: the file's [check] max_depth, else 10000)")
      ->check(CLI::Range(1u, 10'000'000u));
  cmd->add_option("--preemptions", a->preemptions,
                  "Bound on preemptions per run, an assumption the result names (default: the file's [check] "
                  "preemptions, else unbounded)");
  cmd->add_flag("--no-dpor", a->no_dpor, "Plain exhaustive search, without partial-order reduction (--dpor plain)");
  cmd->add_option_function<std::string>(
         "--dpor",
         [a](const std::string& text) {
           a->dpor = explore::parse_dpor_mode(text);
           if (!a->dpor) {
             throw CLI::ValidationError("--dpor", "expected source, optimal or plain, got \"" + text + "\"");
           }
         },
         std::string("Partial-order reduction: source (Source-DPOR with sleep sets), optimal (wakeup trees: "
                     "each trace once) or plain (none); default: ") +
             explore::to_string(explore::ExploreOptions{}.dpor))
      ->type_name("MODE");
  cmd->add_flag("--shortest", a->shortest, "Search everything and keep the shortest counterexample");
  cmd->add_option("--max-executions", a->max_executions,
                  "Budget of runs; hitting it makes the search inconclusive (default: the file's [check] "
                  "max_executions, else 1000000)")
      ->check(CLI::Range(1ULL, 1'000'000'000ULL));
  cmd->add_option_function<std::string>(
         "--time-limit",
         [a](const std::string& text) {
           a->time_limit = parse_wall_time(text);
           if (!a->time_limit) {
             throw CLI::ValidationError("--time-limit",
                                        "expected a wall-clock duration such as 90, 90s, 500ms, 5min or 2h, got \"" +
                                            text + "\"");
           }
         },
         "Wall-clock budget of the search (90, 90s, 5min, 2h); hitting it makes the search inconclusive")
      ->type_name("DURATION");
  cmd->add_option("--seed", a->seed, "The World's seed (default: the file's [run] seed)");
  cmd->add_option("--max-faults", a->max_faults, "Fault budget per run (default: the file's)");
  cmd->add_option("--out-dir", a->out_dir, "Where the counterexample file goes")->capture_default_str();
  cmd->add_option("--tree", a->tree, "Write the explored execution tree as JSON (small scenarios)");
  cmd->add_flag("--json", a->json, "Print the result as JSON (\"outcome\": pass, violation or inconclusive)");
  cmd->add_option("--shard", a->shard,
                  "Explore only shard I of K (I/K): the tree is split at --split-depth into subtrees dealt out in "
                  "DFS order; `ipcsim merge` of the K --out files gives the unsharded result (default: from "
                  "JOB_COMPLETION_INDEX/JOB_COMPLETIONS or SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, else 1/1)");
  cmd->add_option("--split-depth", a->split_depth,
                  "The first choice points of every run, where every candidate is explored (sleep sets still "
                  "prune) so that the subtrees below are independent (default: 0 unsharded, " +
                      std::to_string(kDefaultSplitDepth) + " with K > 1 or --jobs > 1)")
      ->check(CLI::Range(0u, 64u));
  cmd->add_option("--out", a->out, "Write this shard's results as JSON, for `ipcsim merge`");
  cmd->add_flag("--progress", a->progress,
                "Show the progress line on stderr even when it is not a terminal (executions, rate, estimated total)");
  cmd->add_option("--jobs", a->jobs,
                  "Worker processes, each a shard of the search split at --split-depth (default 6 with --jobs > 1); "
                  "the report is that of --jobs 1 with the same split depth (no progress line)")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  cmd->callback([a, exit_code] { *exit_code = check_command(*a); });
}

void add_fuzz_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<FuzzArgs>();
  CLI::App* cmd = app.add_subcommand("fuzz", "Run many executions with consecutive seeds; report and shrink violations");
  cmd->add_option("FILE", a->file, "Scenario file (TOML)")->required();
  cmd->add_option("--runs", a->runs, "Number of runs")->required()->check(CLI::Range(1ULL, 100'000'000ULL));
  cmd->add_option("--seed", a->seed, "Seed of run 0 (default: the file's [run] seed)");
  cmd->add_option("--jobs", a->jobs, "Worker processes (results are identical to --jobs 1)")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  cmd->add_option("--shard", a->shard,
                  "Run only shard I of K (I/K): shards together cover the whole campaign (default: from "
                  "JOB_COMPLETION_INDEX/JOB_COMPLETIONS or SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, else 1/1)");
  cmd->add_option("--out", a->out, "Write this shard's results as JSON, for `ipcsim merge`");
  cmd->add_flag("--progress", a->progress, "Show the progress line on stderr even when it is not a terminal");
  cmd->add_flag("--json", a->json, "Print the result as JSON");
  cmd->add_flag("--keep-going", a->keep_going, "Do not stop at the first violation; collect them all");
  cmd->add_flag("--no-shrink", a->no_shrink, "Report counterexamples as found, without shrinking");
  cmd->add_option("--shrink-budget", a->shrink_budget, "Most runs spent shrinking one counterexample")
      ->check(CLI::Range(1ULL, 1'000'000ULL))
      ->capture_default_str();
  cmd->add_option("--out-dir", a->out_dir, "Where counterexample files go")->capture_default_str();
  cmd->add_option("--policy", a->policy, "Scheduling policy: uniform random, or PCT (probabilistic concurrency testing)")
      ->check(CLI::IsMember({"random", "pct"}))
      ->capture_default_str();
  cmd->add_option("--depth", a->depth, "PCT bug depth d (d - 1 priority change points per run)")
      ->check(CLI::Range(1u, 64u))
      ->capture_default_str();
  cmd->callback([a, exit_code] { *exit_code = fuzz_command(*a); });
}

void add_merge_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<MergeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "merge", "Combine the --out files of a sharded fuzz or check into the unsharded command's report");
  cmd->add_option("FILES", a->files, "Shard result files (fuzz or check --out), one per shard")->required();
  cmd->add_flag("--json", a->json, "Print the combined report as JSON");
  cmd->add_option("--out-dir", a->out_dir, "Where the combined report's counterexample files go")->capture_default_str();
  cmd->footer(
      "Exit codes: those of the unsharded fuzz or check: 0 as expected; 1 a property was violated, or the outcome was "
      "not the expected one; 2 bad input: a file that is no shard file, shards of different campaigns, a shard "
      "missing or given twice (nothing is written); 3 inconclusive: some shard's search was cut short by a budget.");
  cmd->callback([a, exit_code] { *exit_code = merge_command(*a); });
}

void add_replay_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<ReplayArgs>();
  CLI::App* cmd = app.add_subcommand("replay", "Re-run a counterexample exactly");
  cmd->add_option("CEX", a->file, "Counterexample file (.cex.json); it carries its scenario")->required();
  cmd->add_option("--scenario", a->scenario,
                  "Replay against this scenario file instead of the one the counterexample carries "
                  "(warns when it differs; needed for version 1 files)");
  cmd->add_option("--trace", a->trace, "Write the JSON Lines trace to this file");
  cmd->add_option("--diagram", a->diagram, "Draw the run: .svg, .mmd (Mermaid), .dot or .html (with a Perfetto timeline)");
  add_diagram_flags(*cmd, a->diagram_flags);
  cmd->add_flag("--json", a->json, "Print the result as JSON");
  cmd->add_flag("--original", a->original, "Replay the choice list as found, before shrinking");
  cmd->footer(
      "Exit codes: 0 the run reproduces the recorded violation and the scenario expects it (a broken variant), or "
      "the run passes and the scenario expects a pass (the recorded bug no longer happens); 1 any other outcome (the "
      "recorded violation in a scenario expected to pass, another violation, a missing one); 2 a refused file or flag, "
      "or a run that departs from the recorded choices; 3 is never returned: a replay follows one recorded "
      "execution to its end, it does not search.");
  cmd->callback([a, exit_code] { *exit_code = replay_command(*a); });
}

void add_viz_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<VizArgs>();
  CLI::App* cmd = app.add_subcommand("viz", "Draw a trace (sequence diagram, timeline, lock graph, machine) or a tree");
  cmd->add_option("TRACE", a->trace, "A JSON Lines trace (from run, replay or fuzz --trace)");
  cmd->add_option("--tree", a->tree, "An exploration tree (from check --tree) to draw with --diagram");
  cmd->add_option("--diagram", a->diagram, "Sequence diagram: .svg, .mmd, .dot or .html (report + Perfetto timeline)");
  cmd->add_option("--perfetto", a->perfetto, "Chrome/Perfetto trace-event JSON (open in ui.perfetto.dev)");
  cmd->add_option("--locks", a->locks, "Lock-order graph, cycles highlighted: .svg or .dot");
  cmd->add_option("--topology", a->topology, "The machine: CPUs, memories, shared regions, buses: .svg or .dot");
  add_diagram_flags(*cmd, a->flags);
  cmd->callback([a, exit_code] { *exit_code = viz_command(*a); });
}

void add_demo_command(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<DemoOptions>();
  CLI::App* demo = app.add_subcommand("demo", "Run the built-in kernel demo (ping-pong over a bus) and show what happened");
  demo->add_option("--seed", options->seed, "Seed of the run")->capture_default_str();
  demo->add_option("--round-trips", options->round_trips, "Messages ping sends")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  demo->add_option("--drop", options->drop, "Probability that the bus drops a message")->check(CLI::Range(0.0, 1.0));
  demo->add_option("--duplicate", options->duplicate, "Probability that the bus duplicates a message")
      ->check(CLI::Range(0.0, 1.0));
  demo->add_option("--reorder", options->reorder, "Probability that a message is overtaken")
      ->check(CLI::Range(0.0, 1.0));
  demo->add_option("--trace", options->trace_path, "Write the JSON Lines trace to this file");
  demo->callback([options, exit_code] { *exit_code = demo_command(*options); });
}

void add_validate_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand("validate", "Check scenario files without running them");
  cmd->add_option("FILE", a->files, "Scenario files (TOML)")->required();
  cmd->callback([a, exit_code] { *exit_code = validate_command(*a); });
}

void add_compare_scan_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<CompareScanArgs>();
  CLI::App* cmd = app.add_subcommand(
      "compare-scan", "Compare message-list scan strategies (seed 003) on the same workloads and seeds");
  cmd->add_option("--processors", a->processors, "Processor counts, one workload each (e.g. 4,16,64)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--list-length", a->list_lengths,
                  "Slots in the message section (half filled by a backlog at the start, half posted during the run)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--rate", a->rate, "Postings per simulated microsecond, whole system")
      ->check(CLI::Range(0.001, 1000.0))
      ->capture_default_str();
  cmd->add_option("--removal", a->removal, "When the last recipient removes a message")
      ->check(CLI::IsMember({"after_processing", "at_retrieval"}))
      ->capture_default_str();
  cmd->add_option("--strategies", a->strategies,
                  "Strategies: baseline, cached, cached_fixed[:N], cached_adaptive[:MIN-MAX] (default: all four)")
      ->delimiter(',');
  cmd->add_option("--seeds", a->seeds, "Seeds per workload (1..N)")->check(CLI::Range(1u, 1000u))->capture_default_str();
  cmd->add_option("--recipients", a->recipients, "Recipients per message (at most the processors)")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  cmd->add_option("--csv", a->csv, "Also write the table as CSV to this file");
  cmd->add_option("--plot", a->plot, "Also draw inspections per message and p99 latency against processors (.svg)");
  cmd->add_flag("--json", a->json, "Print the table as JSON");
  cmd->footer(
      "Exit codes: 0 every run of every strategy kept every property; 1 some run missed, lost or disordered a "
      "message beyond what its strategy allows (the table's missed column, and the first violation below it); 2 bad "
      "input (nothing ran); 3 is never returned.");
  cmd->callback([a, exit_code] { *exit_code = compare_scan_command(*a); });
}

void add_list_command(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<ListArgs>();
  CLI::App* cmd = app.add_subcommand("list", "List mechanisms, their workload keys and their properties");
  cmd->add_flag("--json", a->json, "Print as JSON");
  cmd->callback([a, exit_code] { *exit_code = list_command(*a); });
}

// CLI11 2.1 reads "-1" into an unsigned 64-bit option as 2^64 - 1 and a number
// beyond 64 bits as 2^64 - 1 too. Gives every unsigned option of `app` and its
// verbs a check that refuses both, naming the limit, before any conversion.
void refuse_wrapping_integers(CLI::App& app) {
  const CLI::Validator whole_number(
      [](std::string& text) -> std::string {
        std::uint64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (!text.empty() && ec == std::errc{} && ptr == end) return "";
        return "expected a whole number from 0 to " + std::to_string(UINT64_MAX) + ", got \"" + text + "\"";
      },
      "");
  for (CLI::Option* o : app.get_options()) {
    if (o->get_type_name().rfind("UINT", 0) == 0) o->check(whole_number);
  }
  for (CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) refuse_wrapping_integers(*sub);
}

// CLI11 would only say "A subcommand is required" for a misspelt verb. Returns
// false (after saying so, with a guess) when argv[1] is a word but no verb.
bool known_verb(const CLI::App& app, int argc, char** argv) {
  if (argc <= 1 || argv[1][0] == '-') return true;
  std::vector<std::string> verbs;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) verbs.push_back(sub->get_name());
  const std::string word = argv[1];
  if (std::find(verbs.begin(), verbs.end(), word) != verbs.end()) return true;
  const std::string guess = scenario::closest_match(word, verbs);
  std::cerr << "ipcsim: unknown verb \"" << word << "\"";
  if (!guess.empty()) std::cerr << " (did you mean \"" << guess << "\"?)";
  std::cerr << "; verbs:";
  for (const auto& v : verbs) std::cerr << " " << v;
  std::cerr << "\n";
  return false;
}

}  // namespace

int run_command_line(int argc, char** argv) {
  CLI::App app{"ipcsim: a deterministic simulator and model-checking testbed for message-based IPC"};
  app.require_subcommand(1);
  app.footer(kExitCodesHelp);  // subcommands inherit it: every --help ends with it
  int exit_code = 0;
  add_run_command(app, &exit_code);
  add_validate_command(app, &exit_code);
  add_fuzz_command(app, &exit_code);
  add_check_command(app, &exit_code);
  add_replay_command(app, &exit_code);
  add_merge_command(app, &exit_code);
  add_viz_command(app, &exit_code);
  add_list_command(app, &exit_code);
  add_compare_scan_command(app, &exit_code);
  add_demo_command(app, &exit_code);
  refuse_wrapping_integers(app);
  if (!known_verb(app, argc, argv)) return kExitBadInput;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and a hint
    return kExitBadInput;
  }
  return exit_code;
}

}  // namespace ipcsim::cli

// main() of `quarry`, the command-line tool of Quarry: parses the subcommand and its flags
// (boost::program_options) and runs it.
//
//   quarry generate N [--seed S] [--games G] [--out FILE]
//   quarry load FILE... [--url URL] [--index NAME] [--format F] [--batch-size N]
//                       [--concurrency C] [--id-field FIELD] [--strict] [--resume]
//                       [--checkpoint FILE] [--refresh] [--no-progress] ...
//
// Exit status: 0 on success, 1 when the command ran but something failed, 2 on usage errors,
// 130 when a load was interrupted (Ctrl-C, SIGTERM) and can be resumed.
#include <pthread.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <boost/program_options.hpp>

#include "server/cli/generate_command.h"
#include "server/cli/load_command.h"

namespace po = boost::program_options;

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
constexpr int kExitInterrupted = 130;  // 128 + SIGINT, as shells report it

// Ctrl-C and SIGTERM during a load: the first asks the load to stop cleanly (requests in flight
// finish, the checkpoint keeps the position); a second one ends the process at once. The
// signals are blocked in every thread and taken by one watcher thread with sigwait, so the
// reaction is ordinary code rather than a signal handler. Call before any other thread starts.
void watch_interrupts(std::atomic<bool>& interrupted) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread([set, &interrupted] {
    for (;;) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0) continue;
      if (interrupted.exchange(true)) std::_Exit(kExitInterrupted);
      std::fputs("\nquarry load: interrupted; finishing the requests in flight and keeping the "
                 "checkpoint (interrupt again to quit at once)\n",
                 stderr);
    }
  }).detach();
}

void print_usage(std::ostream& out) {
  out << "usage: quarry <command> [options]\n\n"
         "commands:\n"
         "  generate N   write N synthetic Steam reviews as NDJSON\n"
         "  load FILE... send NDJSON, Elasticsearch bulk, CSV or Steam review pages to quarryd\n\n"
         "Run `quarry <command> --help` for the options of a command.\n";
}

// Parses argv[2..] against `visible` + positional `name`; false and a message on errors.
bool parse(int argc, char** argv, const po::options_description& visible,
           const po::options_description& hidden, const po::positional_options_description& pos,
           po::variables_map& vm) {
  po::options_description all;
  all.add(visible).add(hidden);
  try {
    po::store(po::command_line_parser(argc - 1, argv + 1).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "quarry " << argv[1] << ": " << e.what() << "\n" << visible;
    return false;
  }
  return true;
}

int run_generate_command(int argc, char** argv) {
  quarry::cli::GenerateOptions options;
  po::options_description visible(
      "usage: quarry generate N [options]\n"
      "Writes N synthetic Steam reviews as NDJSON (one object per line), deterministic for a "
      "seed.\n\noptions");
  visible.add_options()("help,h", "show this help")(
      "seed", po::value<uint64_t>(&options.seed)->default_value(42), "random seed")(
      "games", po::value<int>(&options.games)->default_value(150),
      "number of games reviewed (1-5000)")(
      "out,o", po::value<std::string>(&options.out_path), "output file (default: stdout)");
  po::options_description hidden;
  hidden.add_options()("count", po::value<uint64_t>(&options.count));
  po::positional_options_description pos;
  pos.add("count", 1);
  po::variables_map vm;
  if (!parse(argc, argv, visible, hidden, pos, vm)) return kExitUsage;
  if (vm.count("help")) {
    std::cout << visible;
    return 0;
  }
  if (!vm.count("count")) {
    std::cerr << "quarry generate: missing N (how many reviews)\n" << visible;
    return kExitUsage;
  }
  const quarry::Status st = quarry::cli::run_generate(options);
  if (!st.ok()) {
    std::cerr << "quarry generate: " << st.message() << "\n";
    return kExitFailure;
  }
  return 0;
}

int run_load_command(int argc, char** argv) {
  quarry::cli::LoadOptions options;
  size_t max_mb = 10;
  int max_tries = 8;
  int timeout_s = 120;
  std::string format = "auto";
  int64_t app_id = -1;
  po::options_description visible(
      "usage: quarry load FILE... [options]\n"
      "Streams documents into quarryd through POST /_bulk, in constant memory. FILE may be -\n"
      "(stdin); gzip input (.gz) is decompressed. Formats (--format, detected by default):\n"
      "  ndjson      one JSON document per line\n"
      "  bulk        an Elasticsearch bulk file (action and source lines)\n"
      "  csv         CSV with a header row (.csv, .csv.gz), such as the Kaggle steam_reviews.csv:\n"
      "              columns by name, unnamed columns skipped, author.steamid -> {\"author\":\n"
      "              {\"steamid\":..}}, values typed from the index mapping (else inferred),\n"
      "              empty cells left out, quoted multi-line fields\n"
      "  appreviews  Steam store review pages saved from\n"
      "              store.steampowered.com/appreviews/<appid>?json=1 (one or more per file)\n"
      "A malformed record is reported with its file and line and skipped (--strict stops).\n"
      "A load keeps a checkpoint (FILE.quarry-checkpoint, removed when everything is loaded);\n"
      "after an interruption (Ctrl-C, a crash, a lost server) the same command with --resume\n"
      "skips what the server acknowledged. Use --id-field so that documents sent twice (a batch\n"
      "in flight when the load stopped) are overwritten rather than duplicated.\n\n"
      "options");
  visible.add_options()("help,h", "show this help")(
      "url", po::value<std::string>(&options.url)->default_value(options.url),
      "quarryd base URL")("index,i", po::value<std::string>(&options.index),
                          "target index (required for documents; default index of bulk files)")(
      "format", po::value<std::string>(&format)->default_value(format),
      "auto, ndjson, bulk, csv or appreviews")(
      "id-field", po::value<std::string>(&options.id_field),
      "documents: take _id from this field (dotted paths allowed); makes re-sent documents "
      "idempotent")(
      "app-id", po::value<int64_t>(&app_id),
      "appreviews: the game's app_id (default: the digits in the file name, e.g. "
      "reviews_570.json)")(
      "app-name", po::value<std::string>(&options.app_name), "appreviews: the game's app_name")(
      "batch-size", po::value<size_t>(&options.batch_size)->default_value(1000),
      "documents per bulk request")(
      "max-batch-mb", po::value<size_t>(&max_mb)->default_value(10),
      "maximum size of one bulk request in MB")(
      "concurrency,c", po::value<int>(&options.concurrency)->default_value(2),
      "parallel HTTP connections")("refresh", po::bool_switch(&options.refresh),
                                   "refresh the index when done")(
      "strict", po::bool_switch(&options.strict),
      "stop at the first malformed record (exit status 1)")(
      "resume", po::bool_switch(&options.resume),
      "continue an interrupted load of the same inputs from its checkpoint")(
      "checkpoint", po::value<std::string>(&options.checkpoint_path),
      "checkpoint file (default: FILE.quarry-checkpoint beside the first input; needed for "
      "stdin)")("no-checkpoint", "keep no checkpoint (the load cannot be resumed)")(
      "max-tries", po::value<int>(&max_tries)->default_value(8),
      "attempts per request on 429 or connection failure")(
      "timeout", po::value<int>(&timeout_s)->default_value(120), "seconds per HTTP request")(
      "no-progress", "do not print progress");
  po::options_description hidden;
  hidden.add_options()("files", po::value<std::vector<std::string>>(&options.files));
  po::positional_options_description pos;
  pos.add("files", -1);
  po::variables_map vm;
  if (!parse(argc, argv, visible, hidden, pos, vm)) return kExitUsage;
  if (vm.count("help")) {
    std::cout << visible;
    return 0;
  }
  if (max_mb < 1 || max_tries < 1 || timeout_s < 1) {
    std::cerr << "quarry load: --max-batch-mb, --max-tries and --timeout must be positive\n";
    return kExitUsage;
  }
  const auto parsed_format = quarry::cli::parse_load_format(format);
  if (!parsed_format) {
    std::cerr << "quarry load: unknown --format " << format
              << " (auto, ndjson, bulk, csv or appreviews)\n";
    return kExitUsage;
  }
  if (vm.count("no-checkpoint") && options.resume) {
    std::cerr << "quarry load: --resume needs the checkpoint that --no-checkpoint turns off\n";
    return kExitUsage;
  }
  options.format = *parsed_format;
  if (vm.count("app-id")) options.app_id = app_id;
  options.write_checkpoint = vm.count("no-checkpoint") == 0;
  options.max_batch_bytes = max_mb << 20;
  options.retry.max_tries = max_tries;
  options.timeout = std::chrono::seconds(timeout_s);
  if (vm.count("no-progress")) options.progress = quarry::cli::LoadOptions::Progress::kNone;

  std::signal(SIGPIPE, SIG_IGN);  // a closed connection is an error to report, not a crash
  static std::atomic<bool> interrupted{false};
  watch_interrupts(interrupted);
  options.interrupted = &interrupted;
  quarry::Result<quarry::cli::LoadSummary> summary = quarry::cli::run_load(options);
  if (!summary.ok()) {
    std::cerr << "quarry load: " << summary.status().message() << "\n";
    return kExitUsage;
  }
  std::cout << quarry::cli::format_load_summary(*summary) << std::endl;
  if (summary->interrupted) return kExitInterrupted;
  return summary->ok() ? 0 : kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(std::cerr);
    return kExitUsage;
  }
  const std::string command = argv[1];
  try {
    if (command == "generate") return run_generate_command(argc, argv);
    if (command == "load") return run_load_command(argc, argv);
    if (command == "help" || command == "--help" || command == "-h") {
      print_usage(std::cout);
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << "quarry " << command << ": " << e.what() << "\n";
    return kExitFailure;
  }
  std::cerr << "quarry: unknown command '" << command << "'\n";
  print_usage(std::cerr);
  return kExitUsage;
}

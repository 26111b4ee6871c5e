// main() of `quarry`, the command-line tool of Quarry: parses the subcommand and its flags
// (boost::program_options) and runs it.
//
//   quarry generate N [--seed S] [--games G] [--out FILE]
//   quarry load FILE... [--url URL] [--index NAME] [--batch-size N] [--concurrency C]
//                       [--id-field FIELD] [--refresh] [--no-progress]
//
// Exit status: 0 on success, 1 when the command ran but something failed, 2 on usage errors.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "server/cli/generate_command.h"
#include "server/cli/load_command.h"

namespace po = boost::program_options;

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

void print_usage(std::ostream& out) {
  out << "usage: quarry <command> [options]\n\n"
         "commands:\n"
         "  generate N   write N synthetic Steam reviews as NDJSON\n"
         "  load FILE... send NDJSON documents or Elasticsearch bulk files to quarryd\n\n"
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
  po::options_description visible(
      "usage: quarry load FILE... [options]\n"
      "Streams NDJSON documents (one object per line) or Elasticsearch bulk files into quarryd\n"
      "through POST /_bulk. FILE may be - (stdin); gzip input (.gz) is decompressed.\n\n"
      "options");
  visible.add_options()("help,h", "show this help")(
      "url", po::value<std::string>(&options.url)->default_value(options.url),
      "quarryd base URL")("index,i", po::value<std::string>(&options.index),
                          "target index (required for NDJSON documents; default index of bulk "
                          "files)")(
      "id-field", po::value<std::string>(&options.id_field),
      "NDJSON documents: take _id from this field (dotted paths allowed)")(
      "batch-size", po::value<size_t>(&options.batch_size)->default_value(1000),
      "documents per bulk request")(
      "max-batch-mb", po::value<size_t>(&max_mb)->default_value(10),
      "maximum size of one bulk request in MB")(
      "concurrency,c", po::value<int>(&options.concurrency)->default_value(2),
      "parallel HTTP connections")("refresh", po::bool_switch(&options.refresh),
                                   "refresh the index when done")(
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
  options.max_batch_bytes = max_mb << 20;
  options.retry.max_tries = max_tries;
  options.timeout = std::chrono::seconds(timeout_s);
  if (vm.count("no-progress")) options.progress = quarry::cli::LoadOptions::Progress::kNone;

  std::signal(SIGPIPE, SIG_IGN);  // a closed connection is an error to report, not a crash
  quarry::Result<quarry::cli::LoadSummary> summary = quarry::cli::run_load(options);
  if (!summary.ok()) {
    std::cerr << "quarry load: " << summary.status().message() << "\n";
    return kExitUsage;
  }
  std::cout << quarry::cli::format_load_summary(*summary) << std::endl;
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

// quarryd: composes Config -> (private Redis) -> Node -> Router -> HttpServer, and shuts them
// down in reverse on SIGTERM/SIGINT: stop accepting, finish in-flight requests, apply and commit
// everything buffered in Redis, stop the Redis it started, exit 0.
#include <signal.h>

#include <unistd.h>

#include <atomic>
#include <boost/program_options.hpp>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "cluster/data_dir_lock.h"
#include "cluster/node.h"
#include "ingest/redis_launcher.h"
#include "server/handlers.h"
#include "server/http_server.h"

namespace po = boost::program_options;
using namespace quarry;

int main(int argc, char** argv) {
  std::string host, data_dir, redis_url, node_name, cluster_name, redis_fsync;
  int port = 9200, io_threads = 1, workers = 0, search_threads = 0;
  int64_t max_backlog = 100000;
  size_t max_body_mb = 100;
  po::options_description desc("quarryd: an Elasticsearch-compatible search server on Xapian\nOptions");
  desc.add_options()
      ("help,h", "show this help")
      ("host", po::value(&host)->default_value("127.0.0.1"), "address to listen on")
      ("port", po::value(&port)->default_value(9200), "HTTP port (0 = any free port; the chosen one is printed)")
      ("data-dir", po::value(&data_dir)->default_value("data"), "where indices (and the private Redis) live")
      ("redis", po::value(&redis_url), "Redis URL: redis://host:port or unix:///path (default: start a private redis-server)")
      ("redis-fsync", po::value(&redis_fsync)->default_value("always"),
       "appendfsync of the private Redis: always (acknowledged writes survive a Redis crash) or everysec")
      ("node-name", po::value(&node_name), "node name (default: quarry-<hostname>)")
      ("cluster-name", po::value(&cluster_name)->default_value("quarry"), "cluster name")
      ("max-body-mb", po::value(&max_body_mb)->default_value(100), "http.max_content_length in MB (413 beyond)")
      ("io-threads", po::value(&io_threads)->default_value(1), "HTTP I/O threads")
      ("workers", po::value(&workers)->default_value(0), "request worker threads (0 = 2 x cores)")
      ("search-threads", po::value(&search_threads)->default_value(0), "shard search threads (0 = cores)")
      ("max-backlog", po::value(&max_backlog)->default_value(100000),
       "unapplied operations per shard before writes answer 429");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "quarryd: " << e.what() << "\n" << desc << "\n";
    return 2;
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  if (workers <= 0) workers = static_cast<int>(2 * cores);
  if (search_threads <= 0) search_threads = static_cast<int>(cores);

  // Block the shutdown signals in every thread; a dedicated thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  // Before anything touches the data dir (its private Redis above all).
  cluster::DataDirLock data_dir_lock;
  if (Status st = data_dir_lock.acquire(data_dir); !st.ok()) {
    std::cerr << "quarryd: " << st.message() << "\n";
    return 1;
  }

  std::unique_ptr<ingest::RedisLauncher> launcher;
  if (redis_url.empty()) {
    if (redis_fsync != "always" && redis_fsync != "everysec") {
      std::cerr << "quarryd: --redis-fsync must be always or everysec\n";
      return 2;
    }
    launcher = std::make_unique<ingest::RedisLauncher>(data_dir, redis_fsync);
    Status st = launcher->start();
    if (!st.ok()) {
      std::cerr << "quarryd: " << st.message() << "\n";
      return 1;
    }
    redis_url = launcher->url();
  }
  auto address = ingest::parse_redis_url(redis_url);
  if (!address.ok()) {
    std::cerr << "quarryd: " << address.status().message() << "\n";
    return 2;
  }

  cluster::NodeOptions options;
  options.data_dir = data_dir;
  options.redis = *address;
  options.limits.max_backlog_ops = max_backlog;
  options.search_threads = search_threads;
  options.node_name = node_name;
  options.cluster_name = cluster_name;
  cluster::Node node(options);
  if (Status st = node.start(); !st.ok()) {
    std::cerr << "quarryd: cannot start: " << st.message() << "\n";
    return 1;
  }

  server::Router router;
  server::register_all_handlers(router, node, server::ServerInfo{});
  server::HttpServerOptions http;
  http.host = host;
  http.port = static_cast<unsigned short>(port);
  http.max_body_bytes = max_body_mb * 1024 * 1024;
  http.io_threads = io_threads;
  http.worker_threads = workers;
  server::HttpServer server(http, router);
  auto bound = server.start();
  if (!bound.ok()) {
    std::cerr << "quarryd: cannot listen on " << host << ":" << port << ": " << bound.status().message() << "\n";
    node.stop();
    return 1;
  }
  std::cout << "quarryd listening on http://" << host << ":" << *bound << " (redis " << redis_url
            << ", data " << data_dir << ")" << std::endl;

  std::atomic<bool> got_signal{false};
  std::thread signal_waiter([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    got_signal = true;
    std::cout << "quarryd: signal " << sig << ", shutting down" << std::endl;
    server.stop();
  });
  server.run();
  // run() also returns if the server stops by itself; make sure the waiter can finish.
  if (!got_signal) kill(getpid(), SIGTERM);  // the signal is blocked, so sigwait collects it
  signal_waiter.join();
  node.stop();
  if (launcher) launcher->stop();
  std::cout << "quarryd: stopped" << std::endl;
  return 0;
}

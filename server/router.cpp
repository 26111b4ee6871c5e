#include "server/router.h"

#include <algorithm>
#include <exception>
#include <set>
#include <string_view>

#include "server/es_error.h"

namespace quarry::server {

namespace {

const char* const kGlobalParams[] = {"pretty", "human", "error_trace", "filter_path"};

bool is_capture(const std::string& seg) {
  return seg.size() >= 2 && seg.front() == '{' && seg.back() == '}';
}

std::vector<std::string> split_pattern(const std::string& pattern) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= pattern.size()) {
    std::size_t slash = pattern.find('/', start);
    if (slash == std::string::npos) slash = pattern.size();
    if (slash > start) out.push_back(pattern.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

bool path_matches(const std::vector<std::string>& pattern, const std::vector<std::string>& segs) {
  if (pattern.size() != segs.size()) return false;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    if (!is_capture(pattern[i]) && pattern[i] != segs[i]) return false;
  }
  return true;
}

// True when `a` is more specific than `b`: at the first position where one has a literal and the
// other a capture, the literal wins.
bool more_specific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    bool la = !is_capture(a[i]), lb = !is_capture(b[i]);
    if (la != lb) return la;
  }
  return false;
}

// Lucene's LevenshteinDistance as a similarity: 1 - distance / max(length).
float similarity(std::string_view a, std::string_view b) {
  if (a.empty() && b.empty()) return 1.0f;
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
    }
    std::swap(prev, cur);
  }
  return 1.0f - static_cast<float>(prev[b.size()]) /
                    static_cast<float>(std::max(a.size(), b.size()));
}

// Elasticsearch's BaseRestHandler#unrecognized message, including its "did you mean" hints.
std::string unrecognized_message(const std::string& path, const std::vector<std::string>& invalid,
                                 const std::vector<std::string>& candidates) {
  std::string msg = "request [" + path + "] contains unrecognized parameter";
  if (invalid.size() > 1) msg += "s";
  msg += ": ";
  bool first = true;
  for (const std::string& p : invalid) {
    if (!first) msg += ", ";
    first = false;
    msg += "[" + p + "]";
    std::vector<std::pair<float, std::string>> scored;
    for (const std::string& c : candidates) {
      float s = similarity(p, c);
      if (s > 0.5f) scored.emplace_back(s, c);
    }
    std::sort(scored.begin(), scored.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    if (scored.empty()) continue;
    msg += " -> did you mean ";
    if (scored.size() == 1) {
      msg += "[" + scored[0].second + "]";
    } else {
      msg += "any of [";
      for (std::size_t i = 0; i < scored.size(); ++i) {
        if (i) msg += ", ";
        msg += scored[i].second;
      }
      msg += "]";
    }
    msg += "?";
  }
  return msg;
}

std::string join_methods(const std::vector<std::string>& methods, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < methods.size(); ++i) {
    if (i) out += sep;
    out += methods[i];
  }
  return out;
}

}  // namespace

void Router::add(const std::string& method, const std::string& pattern, Handler handler,
                 std::vector<std::string> params) {
  routes_.push_back(Route{method, split_pattern(pattern), std::move(handler), std::move(params)});
}

const Router::Route* Router::match(const HttpRequest& req, const std::string& method,
                                   bool* path_known) const {
  const Route* best = nullptr;
  for (const Route& r : routes_) {
    if (!path_matches(r.segments, req.segments)) continue;
    if (path_known) *path_known = true;
    if (r.method != method) continue;
    if (!best || more_specific(r.segments, best->segments)) best = &r;
  }
  return best;
}

std::vector<std::string> Router::allowed_methods(const HttpRequest& req) const {
  std::vector<std::string> out;
  for (const Route& r : routes_) {
    if (path_matches(r.segments, req.segments) &&
        std::find(out.begin(), out.end(), r.method) == out.end()) {
      out.push_back(r.method);
    }
  }
  return out;
}

void Router::bind_captures(const Route& route, HttpRequest& req) {
  req.path_params.clear();
  for (std::size_t i = 0; i < route.segments.size(); ++i) {
    const std::string& seg = route.segments[i];
    if (is_capture(seg)) req.path_params[seg.substr(1, seg.size() - 2)] = req.segments[i];
  }
}

HttpResponse Router::dispatch(HttpRequest& req) const {
  const std::string& uri = req.uri.empty() ? req.path : req.uri;
  bool path_known = false;
  bool head_from_get = false;
  const Route* route = match(req, req.method, &path_known);
  if (!route && req.method == "HEAD") {
    route = match(req, "GET", nullptr);
    head_from_get = route != nullptr;
  }
  if (!route) {
    if (!path_known) {
      return simple_error_response(
          400, "no handler found for uri [" + uri + "] and method [" + req.method + "]", false);
    }
    std::vector<std::string> allowed = allowed_methods(req);
    HttpResponse res;
    if (req.method == "OPTIONS") {
      res.status = 200;
      res.content_type = "text/plain; charset=UTF-8";
    } else {
      res = simple_error_response(405, "Incorrect HTTP method for uri [" + uri +
                                           "] and method [" + req.method + "], allowed: [" +
                                           join_methods(allowed, ", ") + "]");
    }
    res.headers.emplace_back("Allow", join_methods(allowed, ","));
    return res;
  }

  std::vector<std::string> invalid;  // req.params is a std::map: already sorted, as in ES
  for (const auto& [name, value] : req.params) {
    bool known = std::find(std::begin(kGlobalParams), std::end(kGlobalParams), name) !=
                     std::end(kGlobalParams) ||
                 std::find(route->params.begin(), route->params.end(), name) !=
                     route->params.end();
    if (!known) invalid.push_back(name);
  }
  if (!invalid.empty()) {
    std::vector<std::string> candidates(route->params);
    candidates.insert(candidates.end(), std::begin(kGlobalParams), std::end(kGlobalParams));
    return error_response(
        Status::InvalidArgument(unrecognized_message(req.path, invalid, candidates)));
  }

  bind_captures(*route, req);
  HttpResponse res;
  try {
    res = route->handler(req);
  } catch (const std::exception& e) {
    res = error_response(Status::Internal(e.what()));
  } catch (...) {
    res = error_response(Status::Internal("unknown exception in request handler"));
  }
  if (head_from_get || req.method == "HEAD") res.body.clear();
  return res;
}

}  // namespace quarry::server

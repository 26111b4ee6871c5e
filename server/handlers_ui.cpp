// GET /_ui/ and /_ui/{file}: the review explorer, a static page (server/ui/) embedded in the binary
// that talks to this server's own REST API from the browser.
//
//   /_ui            302 to /_ui/ (the page's relative links need the trailing slash)
//   /_ui/           index.html
//   /_ui/{file}     that file, or 404 resource_not_found_exception
// Every file carries a strong ETag and "Cache-Control: no-cache": browsers revalidate on each load
// (If-None-Match -> 304 with no body), so a new quarryd binary's page is picked up at once while an
// unchanged one costs no transfer. HEAD is answered by the router from these GET routes.
// The page keeps its state in the URL's fragment, which browsers never send: these routes take
// no query parameters (the router's usual 400 for unknown ones applies).
#include <string>
#include <string_view>

#include "server/es_error.h"
#include "server/handlers.h"
#include "server/ui_assets.h"

namespace quarry::server {

namespace {

std::string_view content_type_of(std::string_view name) {
  auto ends_with = [&](std::string_view ext) { return name.ends_with(ext); };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

// If-None-Match holds a list of ETags (or "*"); weak ones (W/"...") match too, as RFC 9110's weak
// comparison for GET says.
bool etag_matches(const HttpRequest& req, std::string_view etag) {
  auto it = req.headers.find("if-none-match");
  if (it == req.headers.end()) return false;
  std::string_view list = it->second;
  if (list.find('*') != std::string_view::npos) return true;
  return list.find(etag) != std::string_view::npos;
}

HttpResponse serve(const HttpRequest& req, std::string_view name) {
  for (const UiAsset& asset : ui_assets()) {
    if (asset.name != name) continue;
    HttpResponse res;
    res.headers.emplace_back("ETag", std::string(asset.etag));
    res.headers.emplace_back("Cache-Control", "no-cache");
    res.headers.emplace_back("X-Content-Type-Options", "nosniff");
    // Defence in depth for a page that shows user-written reviews: only this origin's own
    // scripts, styles and API, no inline script, no framing.
    res.headers.emplace_back("Content-Security-Policy",
                             "default-src 'none'; script-src 'self'; style-src 'self'; "
                             "img-src 'self' data:; connect-src 'self'; base-uri 'none'; "
                             "form-action 'self'; frame-ancestors 'none'");
    res.headers.emplace_back("Referrer-Policy", "no-referrer");
    if (etag_matches(req, asset.etag)) {
      res.status = 304;
      res.content_type.clear();
      return res;
    }
    res.content_type = std::string(content_type_of(name));
    res.body.assign(asset.data.data(), asset.data.size());
    return res;
  }
  return error_response(
      Status::NotFound("no file [" + std::string(name) + "] in the review explorer (/_ui/)"));
}

}  // namespace

void register_ui_handlers(Router& router) {
  router.add("GET", "/_ui", [](HttpRequest& req) {
    // "/_ui" and "/_ui/" have the same segments for the router; only the path tells them apart.
    if (req.path.ends_with('/')) return serve(req, "index.html");
    HttpResponse res;
    res.status = 302;
    res.content_type.clear();
    res.headers.emplace_back("Location", "/_ui/");
    return res;
  });
  router.add("GET", "/_ui/{file}",
             [](HttpRequest& req) { return serve(req, req.path_param("file")); });
}

}  // namespace quarry::server

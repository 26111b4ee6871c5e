// GET / : the node banner Elasticsearch clients check on connect.
#include "server/handler_util.h"
#include "server/handlers.h"

namespace quarry::server {

void register_root_handlers(Router& router, cluster::Node& node, const ServerInfo& info) {
  router.add("GET", "/", [&node, info](HttpRequest&) {
    return json_response(200, [&](json::Writer& w) {
      w.StartObject();
      w.Key("name"); w.String(node.node_name().c_str());
      w.Key("cluster_name"); w.String(node.options().cluster_name.c_str());
      w.Key("cluster_uuid"); w.String(node.cluster_uuid().c_str());
      w.Key("version");
      w.StartObject();
      w.Key("number"); w.String(info.version.c_str());
      w.Key("build_flavor"); w.String("default");
      w.Key("build_type"); w.String("quarry");
      w.Key("build_hash"); w.String("quarry");
      w.Key("build_date"); w.String("2026-11-21T00:00:00.000Z");
      w.Key("build_snapshot"); w.Bool(false);
      w.Key("lucene_version"); w.String(info.lucene_version.c_str());
      w.Key("minimum_wire_compatibility_version"); w.String("7.17.0");
      w.Key("minimum_index_compatibility_version"); w.String("7.0.0");
      w.EndObject();
      w.Key("tagline"); w.String("You Know, for Search");
      w.EndObject();
    });
  });
}

}  // namespace quarry::server

#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "gateway/own_routes.h"
#include "services/common/config.h"

namespace kaoping::gateway {

// The web pages (gateway/web: HTML, JS, CSS) and the scripts they use from
// npm (ECharts), served under /web/ from memory: read once at start-up,
// with a strong ETag (a page revisits with If-None-Match and gets 304), a
// gzip copy for clients that accept it, and headers that keep every asset
// local (Content-Security-Policy: 'self' only: no CDN, no inline script).
// "/" redirects to /web/.
class WebFiles final : public OwnRoutes {
 public:
  struct Options {
    // The directory served at /web/ (every file below it).
    std::string root;
    // Files served at /web/vendor/<path> from <vendor_root>/<path> (npm's
    // node_modules): only those listed.
    std::string vendor_root;
    std::vector<std::string> vendor_files;
  };
  // web_root (unset: no pages), web_vendor_root, web_vendor_files
  // (default echarts/dist/echarts.min.js).
  static absl::StatusOr<Options> OptionsFromConfig(const Config& config);
  // FAILED_PRECONDITION naming a file that cannot be read, or when the
  // files exceed 64 MiB.
  static absl::StatusOr<std::unique_ptr<WebFiles>> Load(const Options& options);

  absl::string_view Claims(absl::string_view path) const override;
  void Handle(http::Request request, http::Responder respond) override;

  size_t file_count() const { return files_.size(); }

 private:
  struct File {
    std::string content_type;
    std::string body;
    std::string gzip;  // empty when compressing does not pay
    std::string etag;
  };
  absl::Status Add(const std::string& url_path, const std::string& file_path);

  absl::flat_hash_map<std::string, File> files_;  // by URL path
  size_t total_bytes_ = 0;
};

}  // namespace kaoping::gateway

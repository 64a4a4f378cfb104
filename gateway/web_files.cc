#include "gateway/web_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/gzip.h"
#include "services/common/crypto.h"
#include "services/common/http/utf8.h"
#include "services/common/status_macros.h"

namespace kaoping::gateway {
namespace {

constexpr size_t kMaxTotalBytes = 64 << 20;
constexpr absl::string_view kDefaultVendorFiles = "echarts/dist/echarts.min.js";
// Every asset from this origin; ECharts and the pages set style attributes.
constexpr absl::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; worker-src 'self'; style-src 'self' "
    "'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

std::string ContentType(absl::string_view path) {
  static const std::pair<absl::string_view, absl::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  for (const auto& [suffix, type] : kTypes) {
    if (absl::EndsWith(path, suffix)) {
      return std::string(type);
    }
  }
  return "application/octet-stream";
}

http::Response Plain(int status, absl::string_view text) {
  return http::Response{status, "text/plain; charset=utf-8", std::string(text), {}};
}

}  // namespace

absl::StatusOr<WebFiles::Options> WebFiles::OptionsFromConfig(const Config& config) {
  Options options;
  options.root = config.Get("web_root", "");
  options.vendor_root = config.Get("web_vendor_root", "");
  for (absl::string_view file : absl::StrSplit(config.Get("web_vendor_files", kDefaultVendorFiles),
                                               ',', absl::SkipWhitespace())) {
    if (absl::StrContains(file, "..") || absl::StartsWith(file, "/")) {
      return absl::InvalidArgumentError(absl::StrCat("configuration: `web_vendor_files`: \"", file,
                                                     "\" must be a path below web_vendor_root"));
    }
    options.vendor_files.emplace_back(file);
  }
  if (!options.root.empty() && options.vendor_root.empty() && !options.vendor_files.empty()) {
    return absl::InvalidArgumentError(
        "configuration: `web_vendor_root` (npm's node_modules) is required with `web_root`: the "
        "pages load ECharts from it");
  }
  return options;
}

absl::StatusOr<std::unique_ptr<WebFiles>> WebFiles::Load(const Options& options) {
  auto files = std::make_unique<WebFiles>();
  if (options.root.empty()) {
    return files;
  }
  namespace fs = std::filesystem;
  std::error_code error;
  fs::recursive_directory_iterator it(options.root, error);
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat("configuration: `web_root`: cannot read ",
                                                      options.root, ": ", error.message()));
  }
  for (const fs::directory_entry& entry : it) {
    if (!entry.is_regular_file()) {
      continue;
    }
    const std::string relative = fs::relative(entry.path(), options.root).generic_string();
    RETURN_IF_ERROR(files->Add(absl::StrCat("/web/", relative), entry.path().string()));
  }
  for (const std::string& vendor : options.vendor_files) {
    RETURN_IF_ERROR(files->Add(absl::StrCat("/web/vendor/", fs::path(vendor).filename().string()),
                               (fs::path(options.vendor_root) / vendor).string()));
  }
  return files;
}

absl::Status WebFiles::Add(const std::string& url_path, const std::string& file_path) {
  std::ifstream in(file_path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) {
    return absl::FailedPreconditionError(
        absl::StrCat("web files: cannot read ", file_path,
                     " (for the vendored scripts: scripts/install-deps runs npm ci)"));
  }
  File file;
  file.body = text.str();
  total_bytes_ += file.body.size();
  if (total_bytes_ > kMaxTotalBytes) {
    return absl::FailedPreconditionError(
        absl::StrCat("web files: more than ", kMaxTotalBytes >> 20, " MiB under the web root"));
  }
  file.content_type = ContentType(url_path);
  file.etag = absl::StrCat("\"", Sha256Hex(file.body).substr(0, 32), "\"");
  if (file.body.size() > 1024 && !absl::StartsWith(file.content_type, "image/png")) {
    file.gzip = Gzip(file.body);
    if (file.gzip.size() * 10 > file.body.size() * 9) {
      file.gzip.clear();  // saves under 10%
    }
  }
  files_[url_path] = std::move(file);
  return absl::OkStatus();
}

absl::string_view WebFiles::Claims(absl::string_view path) const {
  return path == "/" || absl::StartsWith(path, "/web/") || path == "/web" ? "web" : "";
}

void WebFiles::Handle(http::Request request, http::Responder respond) {
  absl::string_view path = request.target;
  path = path.substr(0, path.find('?'));
  if (request.method != "GET" && request.method != "HEAD") {
    http::Response refused = Plain(405, "method not allowed; allowed: GET, HEAD");
    refused.headers.push_back({"allow", "GET, HEAD"});
    return respond(std::move(refused));
  }
  if (path == "/" || path == "/web") {
    http::Response moved = Plain(302, "see /web/");
    moved.headers.push_back({"location", "/web/"});
    return respond(std::move(moved));
  }
  std::string key(path);
  if (absl::EndsWith(key, "/")) {
    key += "index.html";
  }
  auto it = files_.find(key);
  if (it == files_.end()) {
    return respond(Plain(404, absl::StrCat("no page ", http::QuotableUtf8(path, 200))));
  }
  const File& file = it->second;
  http::Response response;
  response.content_type = file.content_type;
  response.headers = {{"etag", file.etag},
                      {"cache-control", "no-cache"},
                      {"vary", "accept-encoding"},
                      {"x-content-type-options", "nosniff"},
                      {"referrer-policy", "no-referrer"},
                      {"content-security-policy", std::string(kContentSecurityPolicy)}};
  const std::string* match = request.Find("if-none-match");
  if (match != nullptr && *match == file.etag) {
    response.status = 304;
    return respond(std::move(response));
  }
  if (!file.gzip.empty() && AcceptsGzip(request)) {
    response.body = file.gzip;
    response.headers.push_back({"content-encoding", "gzip"});
  } else {
    response.body = file.body;
  }
  respond(std::move(response));
}

}  // namespace kaoping::gateway

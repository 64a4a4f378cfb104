#include "gateway/gzip.h"

#include <zlib.h>

#include "absl/strings/match.h"

namespace kaoping::gateway {

std::string Gzip(absl::string_view data, int level) {
  z_stream stream{};
  // 15 + 16: the largest window, with a gzip header and trailer.
  if (deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return "";
  }
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int result = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return result == Z_STREAM_END ? out : "";
}

bool AcceptsGzip(const http::Request& request) {
  const std::string* accept = request.Find("accept-encoding");
  return accept != nullptr && absl::StrContains(*accept, "gzip");
}

}  // namespace kaoping::gateway

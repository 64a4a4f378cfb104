#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kaoping {

// A service's configuration: `key = value` lines from the file named by
// --config, overridden by environment variables KAOPING_<KEY> (upper case),
// overridden by --key=value flags. A required key that is missing is an
// error naming the key, the file and the variable, so a process fails fast
// at start-up instead of half-working.
class Config {
 public:
  // Parses argv (--config=FILE or --config FILE, --key=value) and the environment.
  static absl::StatusOr<Config> Load(int argc, const char* const* argv);
  // From explicit sources (tests): file text, then environment-like overrides.
  static absl::StatusOr<Config> FromText(absl::string_view text,
                                         const std::map<std::string, std::string>& overrides = {});

  absl::StatusOr<std::string> Require(absl::string_view key) const;
  std::string Get(absl::string_view key, absl::string_view fallback) const;
  absl::StatusOr<int64_t> GetInt(absl::string_view key, int64_t fallback) const;
  absl::StatusOr<absl::Duration> GetDuration(absl::string_view key, absl::Duration fallback) const;
  absl::StatusOr<bool> GetBool(absl::string_view key, bool fallback) const;
  bool Has(absl::string_view key) const;

  // Reads a secret given inline (`key`) or in a file (`key_file`), e.g.
  // jwt_key / jwt_key_file; exactly one must be set.
  absl::StatusOr<std::string> RequireSecret(absl::string_view key) const;

  const std::string& source() const { return source_; }

 private:
  std::string WhereToSet(absl::string_view key) const;

  std::map<std::string, std::string, std::less<>> values_;
  std::string source_ = "(no file)";
};

}  // namespace kaoping

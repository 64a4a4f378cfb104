#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace kaoping {

// A service's configuration: `key = value` lines from the file named by
// --config, overridden by environment variables KAOPING_<KEY> (upper case),
// overridden by --key=value flags. A required key that is missing is an
// error naming the key, the file and the variable, so a process fails fast
// at start-up instead of half-working.
//
// A process declares the keys it knows (CheckKnownKeys). A key it does not
// know, in the file or as a flag, is an error naming it and the nearest
// known key: a misspelt key must not silently leave a check at its default.
// The environment is shared with scripts and the CLI, whose KAOPING_*
// variables (KAOPING_DATA, KAOPING_TOKEN, …) are not configuration: there,
// only variables that name a known key are read, and the others are listed
// by ignored_environment() for one warning line.
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
  // Durations as Abseil writes them (250ms, 10s, 1h30m) or whole days (7d).
  absl::StatusOr<absl::Duration> GetDuration(absl::string_view key, absl::Duration fallback) const;
  absl::StatusOr<bool> GetBool(absl::string_view key, bool fallback) const;
  bool Has(absl::string_view key) const;

  // Reads a secret given inline (`key`) or in a file (`key_file`), e.g.
  // jwt_key / jwt_key_file; exactly one must be set.
  absl::StatusOr<std::string> RequireSecret(absl::string_view key) const;

  // Gives key a value unless one is set (profile defaults).
  void SetDefault(absl::string_view key, absl::string_view value);

  // Fails naming the first key from the file or a flag that is not in
  // `known` (with the nearest known key); drops environment variables that
  // name no known key and remembers them for ignored_environment().
  absl::Status CheckKnownKeys(std::span<const absl::string_view> known);
  const std::vector<std::string>& ignored_environment() const { return ignored_environment_; }

  // Where a key's value came from ("config.conf:3", "KAOPING_LOG_LEVEL",
  // "--log-level"), for messages.
  std::string Origin(absl::string_view key) const;

  const std::string& source() const { return source_; }

 private:
  std::string WhereToSet(absl::string_view key) const;
  void Set(std::string key, std::string value, std::string origin);

  std::map<std::string, std::string, std::less<>> values_;
  std::map<std::string, std::string, std::less<>> origins_;
  std::vector<std::string> ignored_environment_;
  std::string source_ = "(no file)";
};

// The known key nearest to `key` by edit distance, or "" when none is near
// enough to be a likely misspelling.
std::string NearestKey(absl::string_view key, std::span<const absl::string_view> known);

}  // namespace kaoping

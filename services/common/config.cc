#include "services/common/config.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

extern char** environ;

namespace kaoping {
namespace {

constexpr absl::string_view kEnvPrefix = "KAOPING_";
constexpr absl::string_view kEnvOrigin = "environment ";

using Setter = std::function<void(std::string key, std::string value, std::string origin)>;

absl::Status ParseText(absl::string_view text, absl::string_view source, const Setter& set) {
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') {
      continue;
    }
    size_t eq = line.find('=');
    if (eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, ":", line_no, ": expected `key = value`"));
    }
    std::string key = absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(0, eq)));
    absl::string_view value = absl::StripAsciiWhitespace(line.substr(eq + 1));
    if (key.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(source, ":", line_no, ": empty key"));
    }
    set(std::move(key), std::string(value), absl::StrCat(source, ":", line_no));
  }
  return absl::OkStatus();
}

size_t EditDistance(absl::string_view a, absl::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string NearestKey(absl::string_view key, std::span<const absl::string_view> known) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, key.size() / 3) + 1;
  for (absl::string_view candidate : known) {
    const size_t distance = EditDistance(key, candidate);
    if (distance < best_distance) {
      best = std::string(candidate);
      best_distance = distance;
    }
  }
  return best;
}

void Config::Set(std::string key, std::string value, std::string origin) {
  origins_[key] = std::move(origin);
  values_[std::move(key)] = std::move(value);
}

void Config::SetDefault(absl::string_view key, absl::string_view value) {
  if (!Has(key)) {
    Set(std::string(key), std::string(value), "profile default");
  }
}

std::string Config::Origin(absl::string_view key) const {
  auto it = origins_.find(key);
  return it == origins_.end() ? "" : it->second;
}

absl::Status Config::CheckKnownKeys(std::span<const absl::string_view> known) {
  const auto is_known = [&](absl::string_view key) {
    return std::find(known.begin(), known.end(), key) != known.end();
  };
  for (auto it = values_.begin(); it != values_.end();) {
    const std::string& key = it->first;
    if (is_known(key)) {
      ++it;
      continue;
    }
    const std::string origin = Origin(key);
    if (!absl::StartsWith(origin, kEnvOrigin)) {
      const std::string nearest = NearestKey(key, known);
      return absl::InvalidArgumentError(
          absl::StrCat("configuration: unknown key `", key, "` (", origin, ")",
                       nearest.empty() ? "" : absl::StrCat("; did you mean `", nearest, "`?"),
                       " A key this process does not know would be ignored, so it is refused."));
    }
    ignored_environment_.push_back(origin.substr(kEnvOrigin.size()));
    origins_.erase(key);
    it = values_.erase(it);
  }
  return absl::OkStatus();
}

absl::StatusOr<Config> Config::FromText(absl::string_view text,
                                        const std::map<std::string, std::string>& overrides) {
  Config config;
  auto set = [&config](std::string k, std::string v, std::string o) {
    config.Set(std::move(k), std::move(v), std::move(o));
  };
  if (auto st = ParseText(text, "config", set); !st.ok()) {
    return st;
  }
  for (const auto& [k, v] : overrides) {
    config.Set(absl::AsciiStrToLower(k), v, absl::StrCat("--", k));
  }
  return config;
}

absl::StatusOr<Config> Config::Load(int argc, const char* const* argv) {
  Config config;
  auto set = [&config](std::string k, std::string v, std::string o) {
    config.Set(std::move(k), std::move(v), std::move(o));
  };
  std::map<std::string, std::string> flags;
  std::string file;
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (!absl::ConsumePrefix(&arg, "--")) {
      return absl::InvalidArgumentError(
          absl::StrCat("unexpected argument `", arg, "`: use --config=FILE or --key=value"));
    }
    size_t eq = arg.find('=');
    std::string key(arg.substr(0, eq));
    std::string value;
    if (eq != absl::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      return absl::InvalidArgumentError(absl::StrCat("--", key, " needs a value"));
    }
    if (key == "config") {
      file = value;
    } else {
      flags[key] = value;
    }
  }
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) {
      return absl::NotFoundError(absl::StrCat("config file ", file, " cannot be read"));
    }
    std::stringstream ss;
    ss << in.rdbuf();
    if (auto st = ParseText(ss.str(), file, set); !st.ok()) {
      return st;
    }
    config.source_ = file;
  }
  for (char** env = environ; env != nullptr && *env != nullptr; ++env) {
    absl::string_view entry = *env;
    if (!absl::ConsumePrefix(&entry, kEnvPrefix)) {
      continue;
    }
    size_t eq = entry.find('=');
    if (eq == absl::string_view::npos) {
      continue;
    }
    config.Set(absl::AsciiStrToLower(entry.substr(0, eq)), std::string(entry.substr(eq + 1)),
               absl::StrCat(kEnvOrigin, kEnvPrefix, entry.substr(0, eq)));
  }
  for (const auto& [flag, v] : flags) {
    std::string key = absl::AsciiStrToLower(flag);
    absl::StrReplaceAll({{"-", "_"}}, &key);
    config.Set(std::move(key), v, absl::StrCat("--", flag));
  }
  return config;
}

std::string Config::WhereToSet(absl::string_view key) const {
  return absl::StrCat("set `", key, " = …` in ", source_, ", or ", kEnvPrefix,
                      absl::AsciiStrToUpper(key), ", or --", key);
}

bool Config::Has(absl::string_view key) const {
  auto it = values_.find(key);
  return it != values_.end() && !it->second.empty();
}

absl::StatusOr<std::string> Config::Require(absl::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end() || it->second.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("configuration: `", key, "` is required: ", WhereToSet(key)));
  }
  return it->second;
}

std::string Config::Get(absl::string_view key, absl::string_view fallback) const {
  auto it = values_.find(key);
  return it == values_.end() || it->second.empty() ? std::string(fallback) : it->second;
}

absl::StatusOr<int64_t> Config::GetInt(absl::string_view key, int64_t fallback) const {
  if (!Has(key)) {
    return fallback;
  }
  int64_t v = 0;
  if (!absl::SimpleAtoi(values_.find(key)->second, &v)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "configuration: `", key, "` must be an integer, got \"", values_.find(key)->second, "\""));
  }
  return v;
}

absl::StatusOr<absl::Duration> Config::GetDuration(absl::string_view key,
                                                   absl::Duration fallback) const {
  if (!Has(key)) {
    return fallback;
  }
  absl::Duration d;
  absl::string_view text = values_.find(key)->second;
  int64_t days = 0;
  const bool parsed = absl::ConsumeSuffix(&text, "d") ? absl::SimpleAtoi(text, &days) && days >= 0
                                                      : absl::ParseDuration(text, &d);
  if (days > 0) {
    d = absl::Hours(24 * days);
  }
  if (!parsed || d < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration: `", key, "` must be a duration such as 10s or 250ms, got \"",
                     values_.find(key)->second, "\""));
  }
  return d;
}

absl::StatusOr<bool> Config::GetBool(absl::string_view key, bool fallback) const {
  if (!Has(key)) {
    return fallback;
  }
  bool v = false;
  if (!absl::SimpleAtob(values_.find(key)->second, &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration: `", key, "` must be true or false"));
  }
  return v;
}

absl::StatusOr<std::string> Config::RequireSecret(absl::string_view key) const {
  const std::string file_key = absl::StrCat(key, "_file");
  if (Has(key) && Has(file_key)) {
    return absl::InvalidArgumentError(
        absl::StrCat("configuration: set only one of `", key, "` and `", file_key, "`"));
  }
  if (Has(key)) {
    return values_.find(key)->second;
  }
  if (!Has(file_key)) {
    return absl::FailedPreconditionError(absl::StrCat("configuration: `", key, "` or `", file_key,
                                                      "` is required: ", WhereToSet(file_key)));
  }
  const std::string& path = values_.find(file_key)->second;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("configuration: `", file_key, "` names ", path, ", which cannot be read"));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace kaoping

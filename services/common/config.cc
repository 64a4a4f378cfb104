#include "services/common/config.h"

#include <cstdlib>
#include <fstream>
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

absl::Status ParseText(absl::string_view text, absl::string_view source,
                       std::map<std::string, std::string, std::less<>>* values) {
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
    (*values)[key] = std::string(value);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Config> Config::FromText(absl::string_view text,
                                        const std::map<std::string, std::string>& overrides) {
  Config config;
  if (auto st = ParseText(text, "config", &config.values_); !st.ok()) {
    return st;
  }
  for (const auto& [k, v] : overrides) {
    config.values_[absl::AsciiStrToLower(k)] = v;
  }
  return config;
}

absl::StatusOr<Config> Config::Load(int argc, const char* const* argv) {
  Config config;
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
    absl::StrReplaceAll({{"-", "_"}}, &key);
    if (key == "config") {
      file = value;
    } else {
      flags[absl::AsciiStrToLower(key)] = value;
    }
  }
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) {
      return absl::NotFoundError(absl::StrCat("config file ", file, " cannot be read"));
    }
    std::stringstream ss;
    ss << in.rdbuf();
    if (auto st = ParseText(ss.str(), file, &config.values_); !st.ok()) {
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
    config.values_[absl::AsciiStrToLower(entry.substr(0, eq))] = std::string(entry.substr(eq + 1));
  }
  for (const auto& [k, v] : flags) {
    config.values_[k] = v;
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
  if (!absl::ParseDuration(values_.find(key)->second, &d) || d < absl::ZeroDuration()) {
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

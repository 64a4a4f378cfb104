#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace kaoping::gateway {

// A JSON value built in code and written with its object keys in insertion
// order, so that a generated document (OpenAPI) reads in the order it was
// built and is the same on every run.
class Json {
 public:
  Json() = default;
  Json(const char* s) : kind_(Kind::kString), text_(s) {}
  Json(absl::string_view s) : kind_(Kind::kString), text_(s) {}
  Json(const std::string& s) : kind_(Kind::kString), text_(s) {}
  Json(bool b) : kind_(Kind::kBool), bool_(b) {}
  Json(int n) : kind_(Kind::kNumber), text_(std::to_string(n)) {}
  static Json Object() { return Json(Kind::kObject); }
  static Json Array() { return Json(Kind::kArray); }

  // Objects: sets (or replaces) a member; returns *this for chaining.
  Json& Set(absl::string_view key, Json value);
  // The member, or null.
  Json* Find(absl::string_view key);
  bool empty() const { return members_.empty() && items_.empty(); }
  // Arrays: appends.
  Json& Add(Json value);

  std::string Dump() const;

 private:
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  explicit Json(Kind kind) : kind_(kind) {}
  void DumpTo(std::string* out) const;

  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  std::string text_;
  std::vector<std::pair<std::string, Json>> members_;
  std::vector<Json> items_;
};

}  // namespace kaoping::gateway

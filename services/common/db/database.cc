#include "services/common/db/database.h"

#include <chrono>
#include <thread>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/db/postgres_database.h"
#include "services/common/db/sqlite_database.h"
#include "services/common/numeric.h"

namespace kaoping::db {
namespace {

constexpr absl::string_view kRetryablePayload = "type.kaoping.dev/db.retryable";
constexpr absl::string_view kDatabasePayload = "type.kaoping.dev/db.detail";
constexpr int kMaxAttempts = 5;

const std::string& EmptyString() {
  static const std::string* empty = new std::string();
  return *empty;
}

}  // namespace

int64_t Value::AsInt() const {
  if (const auto* i = std::get_if<int64_t>(&v_)) {
    return *i;
  }
  if (const auto* d = std::get_if<double>(&v_)) {
    return SaturatingInt64(*d);
  }
  return 0;
}

double Value::AsDouble() const {
  if (const auto* d = std::get_if<double>(&v_)) {
    return *d;
  }
  if (const auto* i = std::get_if<int64_t>(&v_)) {
    return static_cast<double>(*i);
  }
  return 0.0;
}

const std::string& Value::AsText() const {
  if (const auto* s = std::get_if<std::string>(&v_)) {
    return *s;
  }
  if (const auto* b = std::get_if<Blob>(&v_)) {
    return b->bytes;
  }
  return EmptyString();
}

const std::string& Value::AsBlob() const { return AsText(); }

absl::StatusOr<Row> Transaction::QueryOne(absl::string_view sql, const Params& params) {
  auto rows = Query(sql, params);
  if (!rows.ok()) {
    return rows.status();
  }
  if (rows->empty()) {
    return absl::NotFoundError("no row");
  }
  return std::move(rows->front());
}

absl::Status RetryableError(absl::StatusCode code, absl::string_view message) {
  absl::Status status(code, message);
  status.SetPayload(kRetryablePayload, absl::Cord("1"));
  return status;
}

bool IsRetryable(const absl::Status& status) {
  return status.GetPayload(kRetryablePayload).has_value();
}

absl::Status DatabaseError(absl::StatusCode code, absl::string_view message, bool retryable) {
  absl::Status status = retryable ? RetryableError(code, message) : absl::Status(code, message);
  status.SetPayload(kDatabasePayload, absl::Cord("1"));
  return status;
}

bool IsDatabaseError(const absl::Status& status) {
  return status.GetPayload(kDatabasePayload).has_value();
}

std::vector<absl::AnyInvocable<void()>> Transaction::TakeAfterCommitHooks() {
  std::vector<absl::AnyInvocable<void()>> hooks = std::move(after_commit_);
  after_commit_.clear();
  return hooks;
}

namespace internal {

absl::Status RunInTransaction(Database& db, Access access,
                              absl::FunctionRef<absl::Status(Transaction&)> body) {
  absl::Status last;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    if (attempt > 0) {
      // Back off a little so that the transaction we collided with finishes.
      std::this_thread::sleep_for(std::chrono::milliseconds(5 << attempt));
    }
    auto tx = db.Begin(access);
    if (!tx.ok()) {
      last = tx.status();
      if (IsRetryable(last)) {
        continue;
      }
      return last;
    }
    last = body(**tx);
    if (last.ok()) {
      last = (*tx)->Commit();
    }
    if (last.ok()) {
      // Hooks run once the connection (and SQLite's write lock) is released.
      auto hooks = (*tx)->TakeAfterCommitHooks();
      tx->reset();
      for (auto& hook : hooks) {
        hook();
      }
      return last;
    }
    if (!IsRetryable(last)) {
      return last;
    }
  }
  return last;
}

}  // namespace internal

absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(absl::string_view url,
                                                       const DatabaseOptions& options) {
  absl::StatusOr<std::unique_ptr<Database>> db;
  if (absl::StartsWith(url, "postgresql://") || absl::StartsWith(url, "postgres://")) {
    db = OpenPostgresDatabase(url, options);
  } else if (absl::StartsWith(url, "sqlite:")) {
    absl::string_view path = url.substr(7);
    if (absl::StartsWith(path, "//")) {
      path.remove_prefix(2);
    }
    db = OpenSqliteDatabase(path, options);
  } else if (absl::EndsWith(url, ".db") || absl::EndsWith(url, ".sqlite")) {
    db = OpenSqliteDatabase(url, options);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("database url: \"", url, "\" is neither sqlite:PATH nor postgresql://…"));
  }
  if (!db.ok()) {
    return db.status();
  }
  // Fail fast: one transaction now proves the store reachable (and creates a
  // SQLite file in WAL mode), rather than the first request finding out.
  auto probe = (*db)->Begin(Access::kReadOnly);
  if (!probe.ok()) {
    return probe.status();
  }
  return db;
}

}  // namespace kaoping::db

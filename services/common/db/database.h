#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

// The one SQL interface of kaoping. SQL is written once, with PostgreSQL-style
// positional parameters ($1, $2, …), in the subset SQLite and PostgreSQL
// share (INSERT … ON CONFLICT, RETURNING, BIGINT, TEXT, DOUBLE PRECISION,
// BLOB — a domain over bytea on PostgreSQL). Every value reaches the server
// as a bound parameter, never spliced into the text.
namespace kaoping::db {

enum class Dialect { kSqlite, kPostgres };

// Binary data, distinct from text so that drivers bind it as bytes.
struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};

// A parameter or column value.
class Value {
 public:
  Value() = default;  // NULL
  Value(std::nullopt_t) {}
  Value(int v) : v_(static_cast<int64_t>(v)) {}
  Value(int64_t v) : v_(v) {}
  Value(bool v) : v_(static_cast<int64_t>(v ? 1 : 0)) {}
  Value(double v) : v_(v) {}
  Value(const char* v) : v_(std::string(v)) {}
  Value(absl::string_view v) : v_(std::string(v)) {}
  Value(std::string v) : v_(std::move(v)) {}
  Value(Blob v) : v_(std::move(v)) {}

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  bool is_int() const { return std::holds_alternative<int64_t>(v_); }
  bool is_double() const { return std::holds_alternative<double>(v_); }
  bool is_text() const { return std::holds_alternative<std::string>(v_); }
  bool is_blob() const { return std::holds_alternative<Blob>(v_); }

  // Accessors convert where the meaning is unambiguous (an integer read as a
  // double); a NULL reads as 0 or "". A double read as an integer is
  // truncated and clamped to int64_t, NaN as 0 (SaturatingInt64).
  int64_t AsInt() const;
  double AsDouble() const;
  const std::string& AsText() const;
  const std::string& AsBlob() const;

  bool operator==(const Value&) const = default;

 private:
  std::variant<std::monostate, int64_t, double, std::string, Blob> v_;
};

using Row = std::vector<Value>;
using Rows = std::vector<Row>;
using Params = std::vector<Value>;

enum class Access {
  // One consistent snapshot for every statement of the transaction.
  kReadOnly,
  // SQLite takes the write lock at BEGIN, so two writers never deadlock on upgrade.
  kReadWrite,
};

// A transaction on one connection. Destroying it without Commit() rolls back.
class Transaction {
 public:
  virtual ~Transaction() = default;

  // Runs a statement; returns the number of rows it changed.
  virtual absl::StatusOr<int64_t> Execute(absl::string_view sql, const Params& params = {}) = 0;
  // Runs a query (or a statement with RETURNING); returns every row.
  virtual absl::StatusOr<Rows> Query(absl::string_view sql, const Params& params = {}) = 0;
  // Runs several statements without parameters (migrations), without the
  // statement timeout: a migration may rightly take long.
  virtual absl::Status ExecuteScript(absl::string_view sql) = 0;
  virtual absl::Status Commit() = 0;
  virtual Dialect dialect() const = 0;

  // The first row, or NOT_FOUND; a convenience for lookups by key.
  absl::StatusOr<Row> QueryOne(absl::string_view sql, const Params& params = {});

  // Runs `hook` once this transaction has committed through
  // RunInTransaction; dropped if it rolls back (a retried attempt registers
  // its own). For work that must follow the commit, never precede it, such
  // as waking the outbox relay.
  void AfterCommit(absl::AnyInvocable<void()> hook) { after_commit_.push_back(std::move(hook)); }
  // The hooks, for RunInTransaction to run after Commit().
  std::vector<absl::AnyInvocable<void()>> TakeAfterCommitHooks();

 private:
  std::vector<absl::AnyInvocable<void()>> after_commit_;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual absl::StatusOr<std::unique_ptr<Transaction>> Begin(Access access) = 0;
  virtual Dialect dialect() const = 0;
  // Where the data lives, without credentials, for logs.
  virtual std::string Describe() const = 0;
};

struct DatabaseOptions {
  // Connections kept per process.
  int max_connections = 8;
  // SQLite: create the file if it does not exist (tools that only read say no).
  bool create_if_missing = true;
  // SQLite: how long a connection waits for a lock held by another process.
  int busy_timeout_ms = 10000;
  // PostgreSQL: how long opening a connection may take.
  absl::Duration connect_timeout = absl::Seconds(5);
  // How long one statement may run before the database stops it (PostgreSQL's
  // statement_timeout; SQLite interrupts it); zero: no limit. PostgreSQL
  // connections also give up waiting for an answer a little after this, so
  // that a server that hangs (stopped, cut off) cannot hold a call forever.
  absl::Duration statement_timeout = absl::Seconds(30);
};

// Opens "sqlite:/path/to/file.db" (also "sqlite:///abs/path", a bare path
// ending in .db, or "sqlite::memory:") or "postgresql://…" / "postgres://…".
absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(absl::string_view url,
                                                       const DatabaseOptions& options = {});

// Runs `body` in a transaction and commits it when body returns OK. A
// conflict the database reports (serialization failure, deadlock, busy, a
// lost connection) is retried a few times with a fresh transaction; errors
// from body itself are returned as they are, after rolling back. After the
// commit, the transaction's AfterCommit hooks run.
//
// `body` returns absl::Status, or absl::StatusOr<T> to hand a result out:
//   ASSIGN_OR_RETURN(v1::IndicatorSet set, db::RunInTransaction(db, db::Access::kReadOnly,
//       [&](db::Transaction& tx) { return store.Get(tx, region, id); }));
// The result is the one of the attempt that committed: a body never keeps
// outputs in captured variables that a retry would have to clear.
template <typename Body>
auto RunInTransaction(Database& db, Access access, Body&& body)
    -> std::invoke_result_t<Body&, Transaction&>;

namespace internal {
// What every RunInTransaction runs: the retry loop, for a body returning Status.
absl::Status RunInTransaction(Database& db, Access access,
                              absl::FunctionRef<absl::Status(Transaction&)> body);
}  // namespace internal

// Marks a status as a transient conflict that RunInTransaction retries.
absl::Status RetryableError(absl::StatusCode code, absl::string_view message);
bool IsRetryable(const absl::Status& status);

// An error raised by a driver. Its message quotes SQL and the server's text
// (which may include key values), so it is marked: the RPC layer logs it and
// answers the client with the code and a reference only.
absl::Status DatabaseError(absl::StatusCode code, absl::string_view message,
                           bool retryable = false);
bool IsDatabaseError(const absl::Status& status);

template <typename Body>
auto RunInTransaction(Database& db, Access access, Body&& body)
    -> std::invoke_result_t<Body&, Transaction&> {
  using Result = std::invoke_result_t<Body&, Transaction&>;
  if constexpr (std::is_same_v<Result, absl::Status>) {
    return internal::RunInTransaction(db, access, body);
  } else {
    using T = typename Result::value_type;
    std::optional<T> result;
    absl::Status status =
        internal::RunInTransaction(db, access, [&](Transaction& tx) -> absl::Status {
          Result attempt = body(tx);
          if (!attempt.ok()) {
            return attempt.status();
          }
          result.emplace(*std::move(attempt));
          return absl::OkStatus();
        });
    if (!status.ok()) {
      return status;
    }
    return *std::move(result);
  }
}

}  // namespace kaoping::db

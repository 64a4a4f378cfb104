#include "services/common/db/sqlite_database.h"

#include <sqlite3.h>

#include <cstdlib>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/db/connection_pool.h"

namespace kaoping::db {
namespace {

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view what) {
  int extended = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  std::string message =
      absl::StrCat(what, ": ", db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  switch (extended) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
      return DatabaseError(absl::StatusCode::kAlreadyExists, message);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return DatabaseError(absl::StatusCode::kFailedPrecondition, message);
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_INTERRUPT:
      // The statement ran past statement_timeout: running it again would take as long.
      return DatabaseError(absl::StatusCode::kDeadlineExceeded, message);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return DatabaseError(absl::StatusCode::kAborted, message, /*retryable=*/true);
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return DatabaseError(absl::StatusCode::kUnavailable, message);
    default:
      return DatabaseError(absl::StatusCode::kInternal, message);
  }
}

// One sqlite3 handle with its prepared statements, used by one transaction at a time.
class Connection {
 public:
  explicit Connection(sqlite3* db) : db_(db) {
    if (db_ == nullptr) {
      return;  // sqlite3_open_v2 ran out of memory; Connect reports it
    }
    // Checked every few thousand virtual machine steps: a statement running
    // past its deadline is interrupted (SQLITE_INTERRUPT).
    sqlite3_progress_handler(
        db_, 10000,
        [](void* self) -> int {
          return absl::Now() > static_cast<Connection*>(self)->deadline_ ? 1 : 0;
        },
        this);
  }
  ~Connection() {
    for (auto& [sql, stmt] : statements_) {
      sqlite3_finalize(stmt);
    }
    sqlite3_close_v2(db_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* handle() const { return db_; }
  void set_deadline(absl::Time deadline) { deadline_ = deadline; }

  absl::StatusOr<sqlite3_stmt*> Prepare(absl::string_view sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) {
      return it->second;
    }
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      return SqliteError(db_, rc, absl::StrCat("prepare `", sql, "`"));
    }
    statements_.emplace(std::string(sql), stmt);
    return stmt;
  }

  // BEGIN, read-only enforced as PostgreSQL's BEGIN READ ONLY is. The
  // pragma is set only when it changes: setting it expires every prepared
  // statement of the connection, which would then be parsed again each time.
  absl::Status Begin(bool writer) {
    if (query_only_ != !writer) {
      if (auto st = Exec(writer ? "PRAGMA query_only=0" : "PRAGMA query_only=1"); !st.ok()) {
        return st;
      }
      query_only_ = !writer;
    }
    return Control(writer ? "BEGIN IMMEDIATE" : "BEGIN");
  }

  // A statement without parameters or rows (BEGIN, COMMIT, ROLLBACK),
  // prepared once rather than parsed for every transaction.
  absl::Status Control(absl::string_view sql) {
    auto stmt = Prepare(sql);
    if (!stmt.ok()) {
      return stmt.status();
    }
    const int rc = sqlite3_step(*stmt);
    absl::Status st = rc == SQLITE_DONE ? absl::OkStatus() : SqliteError(db_, rc, sql);
    sqlite3_reset(*stmt);
    return st;
  }

  absl::Status Exec(const char* sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      std::string message = err != nullptr ? err : sqlite3_errstr(rc);
      sqlite3_free(err);
      return SqliteError(db_, rc, message);
    }
    return absl::OkStatus();
  }

 private:
  sqlite3* db_;
  absl::flat_hash_map<std::string, sqlite3_stmt*> statements_;
  absl::Time deadline_ = absl::InfiniteFuture();
  std::optional<bool> query_only_;
};

absl::Status Bind(sqlite3* db, sqlite3_stmt* stmt, const Params& params) {
  const int count = sqlite3_bind_parameter_count(stmt);
  for (int i = 1; i <= count; ++i) {
    const char* name = sqlite3_bind_parameter_name(stmt, i);
    size_t index = 0;
    if (name == nullptr || name[0] != '$' || !absl::SimpleAtoi(name + 1, &index) || index == 0 ||
        index > params.size()) {
      return DatabaseError(absl::StatusCode::kInternal,
                           absl::StrCat("sql parameter ", name != nullptr ? name : "?",
                                        " has no value (", params.size(), " given)"));
    }
    const Value& v = params[index - 1];
    int rc = SQLITE_OK;
    if (v.is_null()) {
      rc = sqlite3_bind_null(stmt, i);
    } else if (v.is_int()) {
      rc = sqlite3_bind_int64(stmt, i, v.AsInt());
    } else if (v.is_double()) {
      rc = sqlite3_bind_double(stmt, i, v.AsDouble());
    } else if (v.is_text()) {
      rc = sqlite3_bind_text64(stmt, i, v.AsText().data(), v.AsText().size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
    } else {
      rc = sqlite3_bind_blob64(stmt, i, v.AsBlob().data(), v.AsBlob().size(), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) {
      return SqliteError(db, rc, "bind");
    }
  }
  return absl::OkStatus();
}

Value ColumnValue(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return Value(static_cast<int64_t>(sqlite3_column_int64(stmt, i)));
    case SQLITE_FLOAT:
      return Value(sqlite3_column_double(stmt, i));
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      return Value(std::string(text, sqlite3_column_bytes(stmt, i)));
    }
    case SQLITE_BLOB: {
      const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      return Value(Blob{std::string(data, sqlite3_column_bytes(stmt, i))});
    }
    default:
      return Value();
  }
}

class SqliteDatabase;

class SqliteTransaction final : public Transaction {
 public:
  SqliteTransaction(SqliteDatabase* owner, std::unique_ptr<Connection> conn, bool writer,
                    absl::Duration statement_timeout)
      : owner_(owner),
        conn_(std::move(conn)),
        writer_(writer),
        statement_timeout_(statement_timeout) {}
  ~SqliteTransaction() override;

  absl::StatusOr<int64_t> Execute(absl::string_view sql, const Params& params) override {
    int64_t changes = 0;
    auto st = Run(sql, params, nullptr);
    if (!st.ok()) {
      return st;
    }
    changes = sqlite3_changes64(conn_->handle());
    return changes;
  }

  absl::StatusOr<Rows> Query(absl::string_view sql, const Params& params) override {
    Rows rows;
    auto st = Run(sql, params, &rows);
    if (!st.ok()) {
      return st;
    }
    return rows;
  }

  absl::Status ExecuteScript(absl::string_view sql) override {
    return conn_->Exec(std::string(sql).c_str());
  }

  absl::Status Commit() override {
    if (finished_) {
      return DatabaseError(absl::StatusCode::kInternal, "transaction already finished");
    }
    finished_ = true;
    auto st = conn_->Control("COMMIT");
    if (!st.ok()) {
      (void)conn_->Control("ROLLBACK");
    }
    return st;
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

 private:
  absl::Status Run(absl::string_view sql, const Params& params, Rows* rows) {
    if (finished_) {
      return DatabaseError(absl::StatusCode::kInternal, "transaction already finished");
    }
    auto stmt = conn_->Prepare(sql);
    if (!stmt.ok()) {
      return stmt.status();
    }
    sqlite3_stmt* s = *stmt;
    conn_->set_deadline(statement_timeout_ > absl::ZeroDuration() ? absl::Now() + statement_timeout_
                                                                  : absl::InfiniteFuture());
    auto st = Bind(conn_->handle(), s, params);
    while (st.ok()) {
      int rc = sqlite3_step(s);
      if (rc == SQLITE_DONE) {
        break;
      }
      if (rc != SQLITE_ROW) {
        st = SqliteError(conn_->handle(), rc, absl::StrCat("`", sql, "`"));
        break;
      }
      if (rows != nullptr) {
        const int n = sqlite3_column_count(s);
        Row row;
        row.reserve(n);
        for (int i = 0; i < n; ++i) {
          row.push_back(ColumnValue(s, i));
        }
        rows->push_back(std::move(row));
      }
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    conn_->set_deadline(absl::InfiniteFuture());
    return st;
  }

  SqliteDatabase* owner_;
  std::unique_ptr<Connection> conn_;
  bool writer_;
  absl::Duration statement_timeout_;
  bool finished_ = false;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, const DatabaseOptions& options)
      : path_(std::move(path)),
        options_(options),
        // Every connection to :memory: is a database of its own: keep one.
        pool_(path_ == ":memory:" ? 1 : options.max_connections, absl::InfiniteDuration(),
              [this] { return Connect(); }) {}

  absl::StatusOr<std::unique_ptr<Connection>> Connect() {
    sqlite3* handle = nullptr;
    const int create = options_.create_if_missing ? SQLITE_OPEN_CREATE : 0;
    int rc = sqlite3_open_v2(path_.c_str(), &handle,
                             SQLITE_OPEN_READWRITE | create | SQLITE_OPEN_NOMUTEX, nullptr);
    auto conn = std::make_unique<Connection>(handle);
    if (rc != SQLITE_OK) {
      return SqliteError(handle, rc, absl::StrCat("open ", path_));
    }
    sqlite3_busy_timeout(handle, options_.busy_timeout_ms);
    sqlite3_extended_result_codes(handle, 1);
    for (const char* pragma :
         {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
      if (auto st = conn->Exec(pragma); !st.ok()) {
        return st;
      }
    }
    return conn;
  }

  absl::StatusOr<std::unique_ptr<Transaction>> Begin(Access access) override {
    const bool writer = access == Access::kReadWrite;
    if (writer) {
      LockWriter();
    }
    auto conn = pool_.Acquire();
    absl::Status st = conn.ok() ? (*conn)->Begin(writer) : conn.status();
    if (!st.ok()) {
      if (conn.ok()) {
        pool_.Release(std::move(*conn), /*reusable=*/true);
      }
      if (writer) {
        UnlockWriter();
      }
      return st;
    }
    return std::unique_ptr<Transaction>(
        new SqliteTransaction(this, std::move(*conn), writer, options_.statement_timeout));
  }

  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string Describe() const override { return absl::StrCat("sqlite:", path_); }

  void Finish(std::unique_ptr<Connection> conn, bool writer) {
    pool_.Release(std::move(conn), /*reusable=*/true);
    if (writer) {
      UnlockWriter();
    }
  }

 private:
  // Writers queue here: a write transaction holds the lock from Begin to
  // Finish, across calls, which clang's lock analysis cannot follow (it
  // guards no field; it only orders writers).
  void LockWriter() ABSL_NO_THREAD_SAFETY_ANALYSIS { write_mutex_.Lock(); }
  void UnlockWriter() ABSL_NO_THREAD_SAFETY_ANALYSIS { write_mutex_.Unlock(); }

  std::string path_;
  DatabaseOptions options_;
  absl::Mutex write_mutex_;
  ConnectionPool<Connection> pool_;
};

SqliteTransaction::~SqliteTransaction() {
  if (!finished_) {
    (void)conn_->Control("ROLLBACK");
  }
  owner_->Finish(std::move(conn_), writer_);
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenSqliteDatabase(absl::string_view path,
                                                             const DatabaseOptions& options) {
  if (path.empty()) {
    return absl::InvalidArgumentError("database url: sqlite path is empty");
  }
  auto db = std::make_unique<SqliteDatabase>(std::string(path), options);
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace kaoping::db

#include "services/common/db/postgres_database.h"

#include <libpq-fe.h>
#include <poll.h>

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "absl/strings/charconv.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/common/db/connection_pool.h"

namespace kaoping::db {
namespace {

// Type OIDs from pg_type.h (stable across versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

constexpr absl::Duration kPoolWait = absl::Seconds(30);
// How much longer than statement_timeout a connection waits for an answer
// before it takes the server for hung: the server's own timeout, and the
// error it sends, normally come first.
constexpr absl::Duration kAnswerMargin = absl::Seconds(5);

// libpq URLs may carry a password, in the authority or as ?password=: never log it.
std::string RedactUrl(absl::string_view url) {
  std::string out(url);
  size_t scheme = out.find("://");
  size_t at = out.find('@');
  size_t query = out.find('?');
  if (scheme != std::string::npos && at != std::string::npos &&
      (query == std::string::npos || at < query)) {
    size_t colon = out.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) {
      out = absl::StrCat(out.substr(0, colon), ":***", out.substr(at));
    }
  }
  size_t password = out.find("password=");
  while (password != std::string::npos) {
    size_t end = out.find('&', password);
    out = absl::StrCat(out.substr(0, password), "password=***",
                       end == std::string::npos ? "" : out.substr(end));
    password = out.find("password=", password + 12);
  }
  return out;
}

absl::Status ResultError(PGconn* conn, PGresult* res, absl::string_view sql) {
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state != nullptr ? state : "";
  std::string message = absl::StrCat("`", sql.substr(0, 200), "`: ", PQerrorMessage(conn));
  if (PQstatus(conn) != CONNECTION_OK) {
    return DatabaseError(absl::StatusCode::kUnavailable,
                         absl::StrCat("database connection lost: ", message), /*retryable=*/true);
  }
  if (sqlstate == "23505") {
    return DatabaseError(absl::StatusCode::kAlreadyExists, message);
  }
  if (sqlstate == "23503") {
    return DatabaseError(absl::StatusCode::kFailedPrecondition, message);
  }
  if (sqlstate == "57014") {
    // statement_timeout: running it again would take as long.
    return DatabaseError(absl::StatusCode::kDeadlineExceeded, message);
  }
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return DatabaseError(absl::StatusCode::kAborted, message, /*retryable=*/true);
  }
  // Connection trouble (08), insufficient resources (53), operator
  // intervention (57: shutdown, statement timeout) and a read-only server
  // after a failover (25006) pass: retry.
  if (absl::StartsWith(sqlstate, "08") || absl::StartsWith(sqlstate, "53") ||
      absl::StartsWith(sqlstate, "57") || sqlstate == "25006") {
    return DatabaseError(absl::StatusCode::kUnavailable, message, /*retryable=*/true);
  }
  return DatabaseError(absl::StatusCode::kInternal, message);
}

bool IsErrorResult(const PGresult* res) {
  const ExecStatusType status = PQresultStatus(res);
  return status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK;
}

// Waits for the answer to what was sent on conn until `deadline`. Returns the
// result to report (the first error, else the last result), or null when the
// server did not answer in time (*timed_out) — the connection is then in an
// unknown state and must be closed, not reused.
PGresult* AwaitResult(PGconn* conn, absl::Time deadline, bool* timed_out) {
  *timed_out = false;
  PGresult* kept = nullptr;
  while (true) {
    while (PQisBusy(conn)) {
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) {
        *timed_out = true;
        PQclear(kept);
        return nullptr;
      }
      pollfd fd{PQsocket(conn), POLLIN, 0};
      // Rounded up, so that a wait never ends just short of the deadline; -1: no deadline.
      const int wait_ms =
          left == absl::InfiniteDuration()
              ? -1
              : static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left), INT_MAX - 1) +
                                 1);
      const int ready = poll(&fd, 1, wait_ms);
      if (ready < 0 && errno == EINTR) {
        continue;
      }
      if (ready < 0 || (ready > 0 && PQconsumeInput(conn) == 0)) {
        break;  // connection trouble: PQgetResult reports it
      }
    }
    PGresult* res = PQgetResult(conn);
    if (res == nullptr) {
      return kept;
    }
    if (kept != nullptr && IsErrorResult(kept)) {
      PQclear(res);
      continue;
    }
    PQclear(kept);
    kept = res;
  }
}

Value DecodeColumn(PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) {
    return Value();
  }
  const char* text = PQgetvalue(res, row, col);
  const int length = PQgetlength(res, row, col);
  switch (PQftype(res, col)) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid: {
      int64_t v = 0;
      (void)absl::SimpleAtoi(absl::string_view(text, length), &v);
      return Value(v);
    }
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid: {
      double v = 0;
      absl::string_view s(text, length);
      if (s == "NaN") {
        v = std::nan("");
      } else if (s == "Infinity") {
        v = HUGE_VAL;
      } else if (s == "-Infinity") {
        v = -HUGE_VAL;
      } else {
        absl::from_chars(text, text + length, v);
      }
      return Value(v);
    }
    case kBoolOid:
      return Value(static_cast<int64_t>(text[0] == 't' ? 1 : 0));
    case kByteaOid: {
      size_t n = 0;
      unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &n);
      Blob blob{std::string(reinterpret_cast<const char*>(bytes), n)};
      PQfreemem(bytes);
      return Value(std::move(blob));
    }
    default:
      return Value(std::string(text, length));
  }
}

// Owns one libpq connection.
struct PgConnection {
  PgConnection(PGconn* c, absl::Duration answer_limit) : conn(c), answer_limit(answer_limit) {}
  ~PgConnection() { PQfinish(conn); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  bool reusable() const {
    return PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE;
  }

  // An idle connection has nothing to read: something to read (the notice
  // of a server shutting down, or the end of the stream) means it is dead.
  bool Alive() {
    if (PQstatus(conn) != CONNECTION_OK) {
      return false;
    }
    pollfd fd{PQsocket(conn), POLLIN, 0};
    return poll(&fd, 1, 0) == 0;
  }

  // Sends with `send` (a PQsend* call) and waits for the answer, at most
  // answer_limit. The result is the caller's to PQclear.
  absl::StatusOr<PGresult*> Exchange(absl::string_view sql, const std::function<int()>& send,
                                     absl::Duration limit) {
    if (send() == 0) {
      return ResultError(conn, nullptr, sql);
    }
    bool timed_out = false;
    PGresult* res = AwaitResult(conn, absl::Now() + limit, &timed_out);
    if (timed_out) {
      return DatabaseError(
          absl::StatusCode::kUnavailable,
          absl::StrCat("database did not answer within ", absl::FormatDuration(limit), ": `",
                       sql.substr(0, 200), "`"));
    }
    if (res == nullptr) {
      return ResultError(conn, nullptr, sql);
    }
    return res;
  }

  absl::StatusOr<PGresult*> Exchange(absl::string_view sql, const std::function<int()>& send) {
    return Exchange(sql, send, answer_limit);
  }

  absl::StatusOr<PGresult*> Exchange(const char* sql) {
    return Exchange(sql, [&] { return PQsendQuery(conn, sql); });
  }

  PGconn* conn;
  absl::Duration answer_limit;
};

class PostgresDatabase;

class PgTransaction final : public Transaction {
 public:
  PgTransaction(PostgresDatabase* owner, std::unique_ptr<PgConnection> connection)
      : owner_(owner), connection_(std::move(connection)), conn_(connection_->conn) {}
  ~PgTransaction() override;

  absl::StatusOr<int64_t> Execute(absl::string_view sql, const Params& params) override {
    int64_t affected = 0;
    auto st = Run(sql, params, nullptr, &affected);
    if (!st.ok()) {
      return st;
    }
    return affected;
  }

  absl::StatusOr<Rows> Query(absl::string_view sql, const Params& params) override {
    Rows rows;
    auto st = Run(sql, params, &rows, nullptr);
    if (!st.ok()) {
      return st;
    }
    return rows;
  }

  absl::Status ExecuteScript(absl::string_view sql) override {
    if (finished_) {
      return DatabaseError(absl::StatusCode::kInternal, "transaction already finished");
    }
    // Scripts are migrations: an index built on a large table may take
    // longer than any statement of a call should.
    const std::string script = absl::StrCat("SET LOCAL statement_timeout = 0; ", sql);
    auto res = connection_->Exchange(
        script, [&] { return PQsendQuery(conn_, script.c_str()); }, absl::InfiniteDuration());
    if (!res.ok()) {
      return res.status();
    }
    absl::Status st = absl::OkStatus();
    if (IsErrorResult(*res)) {
      st = ResultError(conn_, *res, sql);
    }
    PQclear(*res);
    return st;
  }

  absl::Status Commit() override {
    if (finished_) {
      return DatabaseError(absl::StatusCode::kInternal, "transaction already finished");
    }
    finished_ = true;
    auto answer = connection_->Exchange("COMMIT");
    if (!answer.ok()) {
      // Sent, and no answer: the server may have committed.
      return DatabaseError(absl::StatusCode::kUnknown,
                           absl::StrCat("no answer to COMMIT: ", answer.status().message()));
    }
    PGresult* res = *answer;
    absl::Status st = absl::OkStatus();
    if (PQstatus(conn_) != CONNECTION_OK) {
      // The server may have committed before the connection broke: running
      // the transaction again could apply it twice. Not retryable.
      st = DatabaseError(absl::StatusCode::kUnknown,
                         absl::StrCat("connection lost during COMMIT: ", PQerrorMessage(conn_)));
    } else if (PQresultStatus(res) != PGRES_COMMAND_OK) {
      st = ResultError(conn_, res, "COMMIT");
    } else if (absl::string_view(PQcmdStatus(res)) == "ROLLBACK") {
      // COMMIT of a transaction that had failed rolls back instead.
      st = DatabaseError(absl::StatusCode::kAborted, "transaction was rolled back by the database");
    }
    PQclear(res);
    return st;
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

 private:
  absl::Status Run(absl::string_view sql, const Params& params, Rows* rows, int64_t* affected) {
    if (finished_) {
      return DatabaseError(absl::StatusCode::kInternal, "transaction already finished");
    }
    const int n = static_cast<int>(params.size());
    std::vector<Oid> types(n);
    std::vector<std::string> storage(n);
    std::vector<const char*> values(n);
    std::vector<int> lengths(n);
    std::vector<int> formats(n);
    for (int i = 0; i < n; ++i) {
      const Value& v = params[i];
      if (v.is_null()) {
        types[i] = 0;
        values[i] = nullptr;
        continue;
      }
      if (v.is_int()) {
        types[i] = kInt8Oid;
        storage[i] = absl::StrCat(v.AsInt());
      } else if (v.is_double()) {
        types[i] = kFloat8Oid;
        double d = v.AsDouble();
        storage[i] = std::isnan(d)   ? "NaN"
                     : std::isinf(d) ? (d > 0 ? "Infinity" : "-Infinity")
                                     : absl::StrFormat("%.17g", d);
      } else if (v.is_text()) {
        types[i] = kTextOid;
        storage[i] = v.AsText();
      } else {
        types[i] = kByteaOid;
        formats[i] = 1;
        lengths[i] = static_cast<int>(v.AsBlob().size());
        values[i] = v.AsBlob().data();
        continue;
      }
      values[i] = storage[i].c_str();
      lengths[i] = static_cast<int>(storage[i].size());
    }
    const std::string text(sql);
    auto answer = connection_->Exchange(sql, [&] {
      return PQsendQueryParams(conn_, text.c_str(), n, types.data(), values.data(), lengths.data(),
                               formats.data(), /*resultFormat=*/0);
    });
    if (!answer.ok()) {
      return answer.status();
    }
    PGresult* res = *answer;
    absl::Status st = absl::OkStatus();
    ExecStatusType status = PQresultStatus(res);
    if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
      if (rows != nullptr) {
        const int nrows = PQntuples(res);
        const int ncols = PQnfields(res);
        rows->reserve(nrows);
        for (int r = 0; r < nrows; ++r) {
          Row row;
          row.reserve(ncols);
          for (int c = 0; c < ncols; ++c) {
            row.push_back(DecodeColumn(res, r, c));
          }
          rows->push_back(std::move(row));
        }
      }
      if (affected != nullptr) {
        int64_t count = 0;
        (void)absl::SimpleAtoi(PQcmdTuples(res), &count);
        *affected = count;
      }
    } else {
      st = ResultError(conn_, res, sql);
    }
    PQclear(res);
    return st;
  }

  PostgresDatabase* owner_;
  std::unique_ptr<PgConnection> connection_;
  PGconn* conn_;
  bool finished_ = false;
};

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(std::string url, const DatabaseOptions& options)
      : url_(std::move(url)),
        options_(options),
        pool_(
            options.max_connections, kPoolWait, [this] { return Connect(); },
            [](PgConnection& c) { return c.Alive(); }) {}

  absl::StatusOr<std::unique_ptr<PgConnection>> Connect() {
    // The URL first, then the timeouts, which override any it carries: the
    // configuration keys are where they are set.
    const std::string connect_timeout = absl::StrCat(std::max<int64_t>(
        2, absl::ToInt64Seconds(absl::Ceil(options_.connect_timeout, absl::Seconds(1)))));
    const std::string server_options = absl::StrCat(
        "-c statement_timeout=", absl::ToInt64Milliseconds(options_.statement_timeout));
    const char* keywords[] = {"dbname", "connect_timeout", "options", nullptr};
    const char* values[] = {url_.c_str(), connect_timeout.c_str(), server_options.c_str(), nullptr};
    PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
    if (PQstatus(conn) != CONNECTION_OK) {
      std::string message = PQerrorMessage(conn);
      PQfinish(conn);
      return DatabaseError(absl::StatusCode::kUnavailable,
                           absl::StrCat("database ", Describe(), " unavailable: ", message),
                           /*retryable=*/true);
    }
    // NOTICEs ("relation already exists, skipping") are not for the service's log.
    PQsetNoticeProcessor(
        conn, [](void*, const char*) {}, nullptr);
    // No statement_timeout (0) means no limit here either.
    const absl::Duration answer_limit = options_.statement_timeout > absl::ZeroDuration()
                                            ? options_.statement_timeout + kAnswerMargin
                                            : absl::InfiniteDuration();
    return std::make_unique<PgConnection>(conn, answer_limit);
  }

  absl::StatusOr<std::unique_ptr<Transaction>> Begin(Access access) override {
    auto connection = pool_.Acquire();
    if (!connection.ok()) {
      return connection.status();
    }
    // A reader sees one snapshot across its statements, as on SQLite.
    const char* begin =
        access == Access::kReadOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN";
    auto res = (*connection)->Exchange(begin);
    absl::Status st = res.ok() ? absl::OkStatus() : res.status();
    if (res.ok() && PQresultStatus(*res) != PGRES_COMMAND_OK) {
      st = ResultError((*connection)->conn, *res, begin);
    }
    if (res.ok()) {
      PQclear(*res);
    }
    if (!st.ok()) {
      Release(std::move(*connection));
      return st;
    }
    return std::unique_ptr<Transaction>(new PgTransaction(this, std::move(*connection)));
  }

  Dialect dialect() const override { return Dialect::kPostgres; }
  std::string Describe() const override { return RedactUrl(url_); }

  void Release(std::unique_ptr<PgConnection> connection) {
    const bool reusable = connection->reusable();
    // Lost, or left waiting for an answer that did not come in time.
    const bool server_gone = PQstatus(connection->conn) != CONNECTION_OK ||
                             PQtransactionStatus(connection->conn) == PQTRANS_ACTIVE;
    pool_.Release(std::move(connection), reusable);
    if (server_gone) {
      pool_.DropIdle();  // they lead to the same server
    }
  }

 private:
  std::string url_;
  DatabaseOptions options_;
  ConnectionPool<PgConnection> pool_;
};

PgTransaction::~PgTransaction() {
  // Only on a connection that answers: one left waiting for an answer is
  // closed by Release, which rolls back on the server.
  if (!finished_ && PQstatus(conn_) == CONNECTION_OK &&
      PQtransactionStatus(conn_) != PQTRANS_ACTIVE) {
    if (auto res = connection_->Exchange("ROLLBACK"); res.ok()) {
      PQclear(*res);
    }
  }
  owner_->Release(std::move(connection_));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenPostgresDatabase(absl::string_view url,
                                                               const DatabaseOptions& options) {
  auto db = std::make_unique<PostgresDatabase>(std::string(url), options);
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace kaoping::db

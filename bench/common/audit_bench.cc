// The audit chain's cost, on SQLite and on PostgreSQL (the test support's
// cluster): appending one keyed entry (link, head seal checked and renewed)
// beside its baseline, a transaction inserting one row of the same width
// into a plain table; and verifying a chain, entries per second.
//
//   bench/run --benchmark_filter=Audit
#include <memory>

#include <benchmark/benchmark.h>

#include "absl/strings/str_cat.h"
#include "services/common/audit/audit_log.h"
#include "services/common/common_migrations.h"
#include "services/common/db/migrations.h"
#include "services/common/log.h"
#include "tests/support/shared_servers.h"

namespace {

using kaoping::testing::StoreKind;

constexpr char kKey[] = "bench-audit-key-bench-audit-key-0123456789";
constexpr char kPlainTable[] =
    "CREATE TABLE plain_log (region_code TEXT NOT NULL, seq BIGINT NOT NULL,"
    " time_micros BIGINT NOT NULL, principal TEXT NOT NULL, method TEXT NOT NULL,"
    " resource TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL,"
    " prev_hash TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (region_code, seq));";

std::unique_ptr<kaoping::db::Database> Open(StoreKind kind) {
  kaoping::InitLogging("bench", kaoping::LogLevel::kWarning);
  auto url = kaoping::testing::FreshDatabaseUrl(kind);
  auto db = url.ok() ? kaoping::db::OpenDatabase(*url) : url.status();
  if (!db.ok() || !kaoping::db::ApplyMigrations(**db, "common", kaoping::CommonMigrations()).ok()) {
    std::fprintf(stderr, "cannot open a %s store\n", kaoping::testing::StoreKindName(kind).c_str());
    std::exit(1);
  }
  const kaoping::EmbeddedFile plain[] = {{"0001_plain.sql", kPlainTable}};
  (void)kaoping::db::ApplyMigrations(**db, "bench", plain);
  return std::move(*db);
}

const kaoping::AuditRecord kRecord{"510114",
                                   "admin",
                                   "kaoping.v1.IndicatorService/PublishIndicatorSet",
                                   "regions/510114/indicatorSets/2026-v1",
                                   "OK",
                                   ""};

void BM_AuditAppend(benchmark::State& state) {
  auto db = Open(static_cast<StoreKind>(state.range(0)));
  kaoping::AuditLog log(&kaoping::SystemClock::Get(), kKey);
  for (auto _ : state) {
    if (!log.AppendStandalone(*db, kRecord).ok()) {
      state.SkipWithError("append failed");
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(kaoping::testing::StoreKindName(static_cast<StoreKind>(state.range(0))));
}

// Baseline: one transaction inserting a row as wide as an audit entry.
void BM_AuditBaselinePlainInsert(benchmark::State& state) {
  auto db = Open(static_cast<StoreKind>(state.range(0)));
  int64_t seq = 0;
  for (auto _ : state) {
    auto st = kaoping::db::RunInTransaction(
        *db, kaoping::db::Access::kReadWrite, [&](kaoping::db::Transaction& tx) {
          return tx
              .Execute(
                  "INSERT INTO plain_log VALUES ($1, $2, $3,"
                  " $4, $5, $6, $7, $8, $9, $10)",
                  {kRecord.region_code, ++seq, seq, kRecord.principal, kRecord.method,
                   kRecord.resource, kRecord.outcome, kRecord.detail, std::string(64, '0'),
                   std::string(64, '1')})
              .status();
        });
    if (!st.ok()) {
      state.SkipWithError("insert failed");
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(kaoping::testing::StoreKindName(static_cast<StoreKind>(state.range(0))));
}

// Verifying a chain of 20,000 entries, page by page.
void BM_AuditVerify(benchmark::State& state) {
  auto db = Open(static_cast<StoreKind>(state.range(0)));
  kaoping::AuditLog log(&kaoping::SystemClock::Get(), kKey);
  constexpr int kEntries = 20000;
  (void)kaoping::db::RunInTransaction(*db, kaoping::db::Access::kReadWrite,
                                      [&](kaoping::db::Transaction& tx) {
                                        for (int i = 0; i < kEntries; ++i) {
                                          auto st = log.Append(tx, kRecord);
                                          if (!st.ok()) {
                                            return st;
                                          }
                                        }
                                        return absl::OkStatus();
                                      });
  for (auto _ : state) {
    auto verified = kaoping::VerifyAuditLog(*db, kKey);
    if (!verified.ok() || !verified->ok() || verified->entries != kEntries) {
      state.SkipWithError("verification failed");
    }
  }
  state.SetItemsProcessed(state.iterations() * kEntries);
  state.SetLabel(kaoping::testing::StoreKindName(static_cast<StoreKind>(state.range(0))));
}

constexpr int kSqlite = static_cast<int>(StoreKind::kSqlite);
constexpr int kPostgres = static_cast<int>(StoreKind::kPostgres);

BENCHMARK(BM_AuditBaselinePlainInsert)
    ->Arg(kSqlite)
    ->Arg(kPostgres)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_AuditAppend)
    ->Arg(kSqlite)
    ->Arg(kPostgres)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();
BENCHMARK(BM_AuditVerify)
    ->Arg(kSqlite)
    ->Arg(kPostgres)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

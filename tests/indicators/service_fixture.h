#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/empty.pb.h"
#include "google/type/date.pb.h"
#include "kaoping/v1/events.pb.h"
#include "kaoping/v1/indicators.grpc.pb.h"
#include "services/common/clock.h"
#include "services/common/db/database.h"
#include "tests/indicators/test_catalogs.h"
#include "tests/support/service_harness.h"
#include "tests/support/status_assertions.h"

// The indicators service served in-process over real gRPC with its real
// runtime, on the store of the test's parameter (SQLite or PostgreSQL), a
// FakeClock at 2026-11-26 10:00 China Standard Time, and helpers that call
// each RPC as a given principal and read the store directly.
namespace kaoping::indicators::testing {

using Who = ::kaoping::testing::ServiceHarness::Who;

// An instant given in China Standard Time.
absl::Time Cst(int year, int month, int day, int hour, int minute);
google::type::Date Day(int year, int month, int day);
std::string DayText(const google::type::Date& date);
// regions/{region}/indicatorSets/{id}
std::string SetName(absl::string_view region, absl::string_view id);

// A principal with one role in one region.
Who Caller(std::string subject, std::string role, std::string region);
// "admin-<region>", REGION_ADMIN of the region.
Who AdminOf(const std::string& region);
// Everyone below works in county 510114 of city 510100 of province 510000.
const Who& CountyAdmin();    // admin-510114
const Who& CityAdmin();      // admin-510100
const Who& ProvinceAdmin();  // admin-510000
const Who& Rater();          // rater-1, RATER of 510114
const Who& Auditor();        // auditor-1, AUDITOR of 510114

// HasCode, IsOk, CodeName: tests/support/status_assertions.h.
using ::kaoping::testing::CodeName;
using ::kaoping::testing::HasCode;
using ::kaoping::testing::IsOk;
bool SameMessage(const google::protobuf::Message& a, const google::protobuf::Message& b);
std::vector<std::string> Names(const v1::ListIndicatorSetsResponse& response);

struct AuditRow {
  std::string principal;
  std::string method;
  std::string resource;
  std::string outcome;
};

struct OutboxRow {
  std::string region_code;
  std::string event_type;
  v1::Event event;
};

// What the store holds, for "nothing changed" and "nothing written".
struct Footprint {
  std::string indicator_sets;  // every row, every column
  int64_t audit_rows = 0;
  int64_t outbox_rows = 0;
  int64_t idempotency_rows = 0;
};

// "kaoping.v1.IndicatorService/"
inline constexpr char kServicePrefix[] = "kaoping.v1.IndicatorService/";

class IndicatorServiceTest : public ::testing::TestWithParam<::kaoping::testing::StoreKind> {
 protected:
  IndicatorServiceTest();

  // "none" keeps events in the outbox; a subclass may relay them to Redis.
  virtual std::string RedisUrl() { return "none"; }
  // Configuration keys beside the harness's (e.g. {"handler_threads", "1"}).
  virtual std::map<std::string, std::string> ExtraConfig() { return {}; }

  void SetUp() override;
  // Whatever a test did, the audit chains still verify.
  void TearDown() override;

  db::Database& Db() { return harness_->runtime().db(); }

  // One helper per RPC: the status, and the response in *out.
  grpc::Status Create(const Who& who, const v1::CreateIndicatorSetRequest& request,
                      v1::IndicatorSet* out = nullptr);
  grpc::Status Get(const Who& who, const std::string& name, v1::IndicatorSet* out = nullptr);
  grpc::Status List(const Who& who, const v1::ListIndicatorSetsRequest& request,
                    v1::ListIndicatorSetsResponse* out = nullptr);
  grpc::Status Update(const Who& who, const v1::UpdateIndicatorSetRequest& request,
                      v1::IndicatorSet* out = nullptr);
  grpc::Status Delete(const Who& who, const std::string& name, const std::string& etag = "");
  grpc::Status Publish(const Who& who, const v1::PublishIndicatorSetRequest& request,
                       v1::IndicatorSet* out = nullptr);
  grpc::Status Retire(const Who& who, const v1::RetireIndicatorSetRequest& request,
                      v1::IndicatorSet* out = nullptr);
  grpc::Status Resolve(const Who& who, const v1::ResolveCatalogRequest& request,
                       v1::ResolvedCatalog* out = nullptr);
  grpc::Status GetDefault(const Who& who, v1::IndicatorSet* out = nullptr);

  // Requests.
  static v1::CreateIndicatorSetRequest CreateRequest(const std::string& region,
                                                     const std::string& id,
                                                     const v1::IndicatorSet& content = SmallSet());
  static v1::PublishIndicatorSetRequest PublishRequest(const std::string& name,
                                                       const google::type::Date& from = {});
  static v1::RetireIndicatorSetRequest RetireRequest(const std::string& name,
                                                     const google::type::Date& until = {});
  static v1::ResolveCatalogRequest ResolveRequest(const std::string& region,
                                                  v1::PostTier tier = v1::PRINCIPAL,
                                                  v1::Sector sector = v1::SECTOR_UNSPECIFIED,
                                                  const google::type::Date& date = {});
  static v1::ListIndicatorSetsRequest ListRequest(
      const std::string& region,
      v1::IndicatorSet::State state = v1::IndicatorSet::STATE_UNSPECIFIED, int page_size = 0,
      const std::string& page_token = "");
  static v1::UpdateIndicatorSetRequest UpdateRequest(const v1::IndicatorSet& patch,
                                                     std::vector<std::string> paths = {});

  // Set-up steps that must succeed, by the region's own admin.
  v1::IndicatorSet MustCreate(const std::string& region, const std::string& id,
                              const v1::IndicatorSet& content = SmallSet());
  v1::IndicatorSet MustPublish(const std::string& name, const google::type::Date& from = {});
  v1::IndicatorSet MustPublished(const std::string& region, const std::string& id,
                                 const google::type::Date& from = {},
                                 const v1::IndicatorSet& content = SmallSet());
  v1::IndicatorSet MustRetire(const std::string& name, const google::type::Date& until = {});
  // The set a RATER's resolution (PRINCIPAL, no sector) picks, or "<CODE>".
  std::string ResolvedSet(const std::string& region, const google::type::Date& date = {});

  // The store, read directly.
  int64_t CountRows(const std::string& table);
  Footprint Snapshot();
  absl::StatusOr<v1::IndicatorSet> Stored(const std::string& region, const std::string& id);
  std::vector<AuditRow> AuditRows(const std::string& region);
  std::vector<OutboxRow> OutboxRows();

  // Every RPC once, with a sensible request about the given sets.
  struct Rpc {
    std::string name;
    std::function<grpc::Status(grpc::ClientContext*)> call;
  };
  std::vector<Rpc> EveryRpc(const std::string& region, const std::string& draft,
                            const std::string& published, bool include_default);

  FakeClock clock_;
  std::unique_ptr<::kaoping::testing::ServiceHarness> harness_;
  std::unique_ptr<v1::IndicatorService::Stub> stub_;
};

using ::kaoping::testing::StoreName;

}  // namespace kaoping::indicators::testing

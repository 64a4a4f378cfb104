#include "tests/indicators/service_fixture.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "services/common/audit/audit_log.h"
#include "services/common/status_macros.h"
#include "services/indicators/indicator_service.h"
#include "services/indicators/migrations.h"
#include "tests/support/shared_servers.h"

namespace kaoping::indicators::testing {

using ::kaoping::testing::ServiceHarness;
using ::kaoping::testing::StoreKind;

absl::Time Cst(int year, int month, int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute), ChinaStandardTime());
}

google::type::Date Day(int year, int month, int day) {
  google::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

std::string DayText(const google::type::Date& date) {
  return absl::StrCat(date.year(), "-", date.month(), "-", date.day());
}

std::string SetName(absl::string_view region, absl::string_view id) {
  return absl::StrCat("regions/", region, "/indicatorSets/", id);
}

Who Caller(std::string subject, std::string role, std::string region) {
  Who who;
  who.subject = std::move(subject);
  who.roles = {std::move(role)};
  who.regions = {std::move(region)};
  return who;
}

Who AdminOf(const std::string& region) { return Caller("admin-" + region, "REGION_ADMIN", region); }

const Who& CountyAdmin() {
  static const Who* who = new Who(AdminOf("510114"));
  return *who;
}
const Who& CityAdmin() {
  static const Who* who = new Who(AdminOf("510100"));
  return *who;
}
const Who& ProvinceAdmin() {
  static const Who* who = new Who(AdminOf("510000"));
  return *who;
}
const Who& Rater() {
  static const Who* who = new Who(Caller("rater-1", "RATER", "510114"));
  return *who;
}
const Who& Auditor() {
  static const Who* who = new Who(Caller("auditor-1", "AUDITOR", "510114"));
  return *who;
}

bool SameMessage(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return DeterministicBytes(a) == DeterministicBytes(b);
}

std::vector<std::string> Names(const v1::ListIndicatorSetsResponse& response) {
  std::vector<std::string> names;
  for (const v1::IndicatorSet& set : response.indicator_sets()) {
    names.push_back(set.name());
  }
  return names;
}

// ───────────────────────────── the fixture ─────────────────────────────

IndicatorServiceTest::IndicatorServiceTest() : clock_(Cst(2026, 11, 26, 10, 0)) {}

void IndicatorServiceTest::SetUp() {
  ServiceHarness::Options options;
  options.store = GetParam();
  options.clock = &clock_;
  options.redis_url = RedisUrl();
  options.config = ExtraConfig();
  // As services/indicators/main.cc builds it.
  auto harness = ServiceHarness::Start(
      "indicators", Migrations(),
      [](ServiceRuntime& runtime) -> absl::StatusOr<std::vector<OwnedService>> {
        return IndicatorServices(runtime);
      },
      options);
  ASSERT_TRUE(harness.ok()) << harness.status();
  harness_ = std::move(*harness);
  stub_ = v1::IndicatorService::NewStub(harness_->channel());
}

void IndicatorServiceTest::TearDown() {
  if (harness_ == nullptr) {
    return;
  }
  absl::StatusOr<AuditVerification> verification = VerifyAuditLog(Db(), ServiceHarness::kAuditKey);
  ASSERT_TRUE(verification.ok()) << verification.status();
  EXPECT_TRUE(verification->ok()) << absl::StrJoin(verification->problems, "\n");
}

// --- RPCs ---

grpc::Status IndicatorServiceTest::Create(const Who& who,
                                          const v1::CreateIndicatorSetRequest& request,
                                          v1::IndicatorSet* out) {
  v1::IndicatorSet scratch;
  return stub_->CreateIndicatorSet(harness_->Context(who).get(), request,
                                   out != nullptr ? out : &scratch);
}

grpc::Status IndicatorServiceTest::Get(const Who& who, const std::string& name,
                                       v1::IndicatorSet* out) {
  v1::GetIndicatorSetRequest request;
  request.set_name(name);
  v1::IndicatorSet scratch;
  return stub_->GetIndicatorSet(harness_->Context(who).get(), request,
                                out != nullptr ? out : &scratch);
}

grpc::Status IndicatorServiceTest::List(const Who& who, const v1::ListIndicatorSetsRequest& request,
                                        v1::ListIndicatorSetsResponse* out) {
  v1::ListIndicatorSetsResponse scratch;
  return stub_->ListIndicatorSets(harness_->Context(who).get(), request,
                                  out != nullptr ? out : &scratch);
}

grpc::Status IndicatorServiceTest::Update(const Who& who,
                                          const v1::UpdateIndicatorSetRequest& request,
                                          v1::IndicatorSet* out) {
  v1::IndicatorSet scratch;
  return stub_->UpdateIndicatorSet(harness_->Context(who).get(), request,
                                   out != nullptr ? out : &scratch);
}

grpc::Status IndicatorServiceTest::Delete(const Who& who, const std::string& name,
                                          const std::string& etag) {
  v1::DeleteIndicatorSetRequest request;
  request.set_name(name);
  request.set_etag(etag);
  google::protobuf::Empty empty;
  return stub_->DeleteIndicatorSet(harness_->Context(who).get(), request, &empty);
}

grpc::Status IndicatorServiceTest::Publish(const Who& who,
                                           const v1::PublishIndicatorSetRequest& request,
                                           v1::IndicatorSet* out) {
  v1::IndicatorSet scratch;
  return stub_->PublishIndicatorSet(harness_->Context(who).get(), request,
                                    out != nullptr ? out : &scratch);
}

grpc::Status IndicatorServiceTest::Retire(const Who& who,
                                          const v1::RetireIndicatorSetRequest& request,
                                          v1::IndicatorSet* out) {
  v1::IndicatorSet scratch;
  return stub_->RetireIndicatorSet(harness_->Context(who).get(), request,
                                   out != nullptr ? out : &scratch);
}

grpc::Status IndicatorServiceTest::Resolve(const Who& who, const v1::ResolveCatalogRequest& request,
                                           v1::ResolvedCatalog* out) {
  v1::ResolvedCatalog scratch;
  return stub_->ResolveCatalog(harness_->Context(who).get(), request,
                               out != nullptr ? out : &scratch);
}

grpc::Status IndicatorServiceTest::GetDefault(const Who& who, v1::IndicatorSet* out) {
  v1::IndicatorSet scratch;
  return stub_->GetDefaultCatalog(harness_->Context(who).get(), v1::GetDefaultCatalogRequest(),
                                  out != nullptr ? out : &scratch);
}

// --- requests ---

v1::CreateIndicatorSetRequest IndicatorServiceTest::CreateRequest(const std::string& region,
                                                                  const std::string& id,
                                                                  const v1::IndicatorSet& content) {
  v1::CreateIndicatorSetRequest request;
  request.set_parent(absl::StrCat("regions/", region));
  request.set_indicator_set_id(id);
  *request.mutable_indicator_set() = content;
  return request;
}

v1::PublishIndicatorSetRequest IndicatorServiceTest::PublishRequest(
    const std::string& name, const google::type::Date& from) {
  v1::PublishIndicatorSetRequest request;
  request.set_name(name);
  *request.mutable_effective_from() = from;
  return request;
}

v1::RetireIndicatorSetRequest IndicatorServiceTest::RetireRequest(const std::string& name,
                                                                  const google::type::Date& until) {
  v1::RetireIndicatorSetRequest request;
  request.set_name(name);
  *request.mutable_effective_until() = until;
  return request;
}

v1::ResolveCatalogRequest IndicatorServiceTest::ResolveRequest(const std::string& region,
                                                               v1::PostTier tier, v1::Sector sector,
                                                               const google::type::Date& date) {
  v1::ResolveCatalogRequest request;
  request.set_region(absl::StrCat("regions/", region));
  request.set_post_tier(tier);
  request.set_sector(sector);
  *request.mutable_date() = date;
  return request;
}

v1::ListIndicatorSetsRequest IndicatorServiceTest::ListRequest(const std::string& region,
                                                               v1::IndicatorSet::State state,
                                                               int page_size,
                                                               const std::string& page_token) {
  v1::ListIndicatorSetsRequest request;
  request.set_parent(absl::StrCat("regions/", region));
  request.set_state(state);
  request.set_page_size(page_size);
  request.set_page_token(page_token);
  return request;
}

v1::UpdateIndicatorSetRequest IndicatorServiceTest::UpdateRequest(const v1::IndicatorSet& patch,
                                                                  std::vector<std::string> paths) {
  v1::UpdateIndicatorSetRequest request;
  *request.mutable_indicator_set() = patch;
  for (std::string& path : paths) {
    request.mutable_update_mask()->add_paths(std::move(path));
  }
  return request;
}

// --- set-up steps ---

namespace {

std::string RegionOf(const std::string& name) {
  return name.substr(std::string("regions/").size(), 6);
}

}  // namespace

v1::IndicatorSet IndicatorServiceTest::MustCreate(const std::string& region, const std::string& id,
                                                  const v1::IndicatorSet& content) {
  v1::IndicatorSet created;
  EXPECT_TRUE(IsOk(Create(AdminOf(region), CreateRequest(region, id, content), &created)))
      << "creating " << SetName(region, id);
  return created;
}

v1::IndicatorSet IndicatorServiceTest::MustPublish(const std::string& name,
                                                   const google::type::Date& from) {
  v1::IndicatorSet published;
  EXPECT_TRUE(IsOk(Publish(AdminOf(RegionOf(name)), PublishRequest(name, from), &published)))
      << "publishing " << name;
  return published;
}

v1::IndicatorSet IndicatorServiceTest::MustPublished(const std::string& region,
                                                     const std::string& id,
                                                     const google::type::Date& from,
                                                     const v1::IndicatorSet& content) {
  MustCreate(region, id, content);
  return MustPublish(SetName(region, id), from);
}

v1::IndicatorSet IndicatorServiceTest::MustRetire(const std::string& name,
                                                  const google::type::Date& until) {
  v1::IndicatorSet retired;
  EXPECT_TRUE(IsOk(Retire(AdminOf(RegionOf(name)), RetireRequest(name, until), &retired)))
      << "retiring " << name;
  return retired;
}

std::string IndicatorServiceTest::ResolvedSet(const std::string& region,
                                              const google::type::Date& date) {
  v1::ResolvedCatalog resolved;
  const grpc::Status status = Resolve(
      Rater(), ResolveRequest(region, v1::PRINCIPAL, v1::SECTOR_UNSPECIFIED, date), &resolved);
  if (!status.ok()) {
    return absl::StrCat("<", CodeName(status.error_code()), ">");
  }
  return resolved.indicator_set();
}

// --- the store ---

int64_t IndicatorServiceTest::CountRows(const std::string& table) {
  absl::StatusOr<int64_t> count = db::RunInTransaction(
      Db(), db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::StatusOr<int64_t> {
        ASSIGN_OR_RETURN(db::Row row, tx.QueryOne(absl::StrCat("SELECT COUNT(*) FROM ", table)));
        return row[0].AsInt();
      });
  EXPECT_TRUE(count.ok()) << count.status();
  return count.value_or(-1);
}

Footprint IndicatorServiceTest::Snapshot() {
  Footprint footprint;
  absl::StatusOr<std::string> sets = db::RunInTransaction(
      Db(), db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::StatusOr<std::string> {
        ASSIGN_OR_RETURN(db::Rows rows,
                         tx.Query("SELECT region_code, set_id, state, revision, effective_from,"
                                  " effective_until, publish_micros, content FROM indicator_sets"
                                  " ORDER BY region_code, set_id"));
        std::string out;
        for (const db::Row& row : rows) {
          absl::StrAppend(&out, row[0].AsText(), "|", row[1].AsText(), "|", row[2].AsText(), "|",
                          row[3].AsInt(), "|", row[4].AsText(), "|", row[5].AsText(), "|",
                          row[6].AsInt(), "|", row[7].AsBlob().size(), ":", row[7].AsBlob(), "\n");
        }
        return out;
      });
  EXPECT_TRUE(sets.ok()) << sets.status();
  footprint.indicator_sets = sets.value_or("");
  footprint.audit_rows = CountRows("audit_log");
  footprint.outbox_rows = CountRows("outbox");
  footprint.idempotency_rows = CountRows("idempotency_keys");
  return footprint;
}

absl::StatusOr<v1::IndicatorSet> IndicatorServiceTest::Stored(const std::string& region,
                                                              const std::string& id) {
  return db::RunInTransaction(
      Db(), db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::StatusOr<v1::IndicatorSet> {
        ASSIGN_OR_RETURN(db::Row row, tx.QueryOne("SELECT content FROM indicator_sets"
                                                  " WHERE region_code = $1 AND set_id = $2",
                                                  {region, id}));
        v1::IndicatorSet set;
        if (!set.ParseFromString(row[0].AsBlob())) {
          return absl::DataLossError("content does not parse");
        }
        return set;
      });
}

std::vector<AuditRow> IndicatorServiceTest::AuditRows(const std::string& region) {
  absl::StatusOr<std::vector<AuditRow>> rows = db::RunInTransaction(
      Db(), db::Access::kReadOnly,
      [&](db::Transaction& tx) -> absl::StatusOr<std::vector<AuditRow>> {
        ASSIGN_OR_RETURN(db::Rows rows,
                         tx.Query("SELECT principal, method, resource, outcome FROM audit_log"
                                  " WHERE region_code = $1 ORDER BY seq",
                                  {region}));
        std::vector<AuditRow> out;
        for (const db::Row& row : rows) {
          out.push_back({row[0].AsText(), row[1].AsText(), row[2].AsText(), row[3].AsText()});
        }
        return out;
      });
  EXPECT_TRUE(rows.ok()) << rows.status();
  return rows.value_or(std::vector<AuditRow>());
}

std::vector<OutboxRow> IndicatorServiceTest::OutboxRows() {
  absl::StatusOr<std::vector<OutboxRow>> rows = db::RunInTransaction(
      Db(), db::Access::kReadOnly,
      [&](db::Transaction& tx) -> absl::StatusOr<std::vector<OutboxRow>> {
        ASSIGN_OR_RETURN(db::Rows rows, tx.Query("SELECT region_code, event_type, event FROM outbox"
                                                 " ORDER BY created_micros, region_code, seq"));
        std::vector<OutboxRow> out;
        for (const db::Row& row : rows) {
          OutboxRow r{row[0].AsText(), row[1].AsText(), v1::Event()};
          if (!r.event.ParseFromString(row[2].AsBlob())) {
            return absl::DataLossError("an outbox event does not parse");
          }
          out.push_back(std::move(r));
        }
        return out;
      });
  EXPECT_TRUE(rows.ok()) << rows.status();
  return rows.value_or(std::vector<OutboxRow>());
}

std::vector<IndicatorServiceTest::Rpc> IndicatorServiceTest::EveryRpc(const std::string& region,
                                                                      const std::string& draft,
                                                                      const std::string& published,
                                                                      bool include_default) {
  std::vector<Rpc> rpcs = {
      {"CreateIndicatorSet",
       [=, this](grpc::ClientContext* c) {
         v1::IndicatorSet r;
         return stub_->CreateIndicatorSet(c, CreateRequest(region, "brand-new"), &r);
       }},
      {"GetIndicatorSet(published)",
       [=, this](grpc::ClientContext* c) {
         v1::GetIndicatorSetRequest request;
         request.set_name(published);
         v1::IndicatorSet r;
         return stub_->GetIndicatorSet(c, request, &r);
       }},
      {"GetIndicatorSet(draft)",
       [=, this](grpc::ClientContext* c) {
         v1::GetIndicatorSetRequest request;
         request.set_name(draft);
         v1::IndicatorSet r;
         return stub_->GetIndicatorSet(c, request, &r);
       }},
      {"ListIndicatorSets",
       [=, this](grpc::ClientContext* c) {
         v1::ListIndicatorSetsResponse r;
         return stub_->ListIndicatorSets(c, ListRequest(region), &r);
       }},
      {"UpdateIndicatorSet",
       [=, this](grpc::ClientContext* c) {
         v1::IndicatorSet patch;
         patch.set_name(draft);
         patch.set_display_name("renamed");
         v1::IndicatorSet r;
         return stub_->UpdateIndicatorSet(c, UpdateRequest(patch, {"display_name"}), &r);
       }},
      {"DeleteIndicatorSet",
       [=, this](grpc::ClientContext* c) {
         v1::DeleteIndicatorSetRequest request;
         request.set_name(draft);
         google::protobuf::Empty r;
         return stub_->DeleteIndicatorSet(c, request, &r);
       }},
      {"PublishIndicatorSet",
       [=, this](grpc::ClientContext* c) {
         v1::IndicatorSet r;
         return stub_->PublishIndicatorSet(c, PublishRequest(draft), &r);
       }},
      {"RetireIndicatorSet",
       [=, this](grpc::ClientContext* c) {
         v1::IndicatorSet r;
         return stub_->RetireIndicatorSet(c, RetireRequest(published), &r);
       }},
      {"ResolveCatalog",
       [=, this](grpc::ClientContext* c) {
         v1::ResolvedCatalog r;
         return stub_->ResolveCatalog(c, ResolveRequest(region), &r);
       }},
  };
  if (include_default) {
    rpcs.push_back({"GetDefaultCatalog", [this](grpc::ClientContext* c) {
                      v1::IndicatorSet r;
                      return stub_->GetDefaultCatalog(c, v1::GetDefaultCatalogRequest(), &r);
                    }});
  }
  return rpcs;
}

}  // namespace kaoping::indicators::testing

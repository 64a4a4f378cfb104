// The AppraisalConcluded consumer over a real Redis stream, on SQLite and
// PostgreSQL. The appraisals service is not on main yet: the test writes
// the event to the stream as the outbox relay does, and the AppraisalService
// gMock stub answers the consumer's GetAppraisal (integration with the real
// service remains). An event replayed applies once; an event a consumer
// received and died before acknowledging is applied when it comes back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/any.pb.h"
#include "kaoping/v1/events.pb.h"
#include "services/common/events/outbox.h"
#include "services/common/events/redis_client.h"
#include "services/common/privacy/event_streams.h"
#include "tests/results/results_fixture.h"
#include "tests/support/relay_publish.h"
#include "tests/support/shared_servers.h"

namespace kaoping::results::testing {
namespace {

using ::testing::_;
using ::testing::Invoke;

class ResultsEventsTest : public ResultsServiceTest {
 protected:
  std::string RedisUrl() override { return (*::kaoping::testing::SharedRedis())->url(); }

  void BeforeStart() override {
    redis_ = std::make_unique<RedisClient>(*ParseRedisUrl(RedisUrl()));
    // Each test starts from empty streams and no group.
    ASSERT_TRUE(redis_
                    ->Command({"DEL", stream_, stream_ + ":dead:results", leads_stream_,
                               leads_stream_ + ":dead:results",
                               privacy::EventRegionRegistryKey("appraisals"),
                               privacy::EventRegionRegistryKey("evaluations")})
                    .ok());
    // The appraisals stub records the token it was called with.
    ON_CALL(*appraisals_, GetAppraisal(_, _, _))
        .WillByDefault(Invoke([this](grpc::ClientContext*, const v1::GetAppraisalRequest& request,
                                     v1::Appraisal* out) {
          calls_.fetch_add(1);
          auto it = served_.find(request.name());
          if (it == served_.end()) {
            return grpc::Status(grpc::StatusCode::NOT_FOUND, request.name() + " not found");
          }
          *out = it->second;
          return grpc::Status::OK;
        }));
  }

  v1::Event Concluded(const std::string& event_id, const v1::Appraisal& appraisal) {
    v1::AppraisalConcluded payload;
    payload.set_appraisal(appraisal.name());
    payload.set_cadre(appraisal.content().cadre());
    payload.set_content_sha256(appraisal.content_sha256());
    v1::Event event;
    event.set_id(event_id);
    event.set_type(v1::AppraisalConcluded::descriptor()->full_name());
    event.set_region_code(kCounty);
    event.set_resource(appraisal.name());
    event.mutable_payload()->PackFrom(payload);
    return event;
  }
  void Publish(const v1::Event& event, const std::string& service = "appraisals") {
    ASSERT_TRUE(::kaoping::testing::RelayPublish(RedisUrl(), service, event).ok());
  }
  bool Eventually(const std::function<bool()>& done) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      if (done()) {
        return true;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    return done();
  }
  int64_t PendingAcks() {
    auto pending = redis_->Command({"XPENDING", stream_, "results"});
    return pending.ok() && !pending->elements.empty() ? pending->elements[0].integer : -1;
  }

  const std::string stream_ = privacy::EventStreamKey("appraisals", kCounty);
  const std::string leads_stream_ = privacy::EventStreamKey("evaluations", kCounty);
  std::unique_ptr<RedisClient> redis_;
  std::atomic<int> calls_{0};
};
RESULTS_ON_BOTH_STORES(ResultsEventsTest);

TEST_P(ResultsEventsTest, AnEventReplayedAppliesOnce) {
  SeedRoster(kCounty, 2);
  const v1::Appraisal appraisal =
      SignedAppraisal(kCounty, "a-1", CadreName(kCounty, "c-1"), v1::POOR, Cst(2026, 11, 20));
  Serve(appraisal);
  const v1::Event event = Concluded("e-1", appraisal);
  Publish(event);
  ASSERT_TRUE(Eventually([&] { return CountRows("archive_entries") == 1; }));
  // The relay publishes it again, and appraisals emits a second event for
  // the same appraisal (another id): neither writes anything more.
  Publish(event);
  Publish(Concluded("e-2", appraisal));
  ASSERT_TRUE(Eventually([&] { return CountRows("consumed_events") == 2 && PendingAcks() == 0; }));
  EXPECT_EQ(CountRows("archive_entries"), 1);
  EXPECT_EQ(CountRows("handlings"), 1);
  EXPECT_EQ(CountRows("applied_appraisals"), 1);
  v1::ListArchiveEntriesRequest list;
  list.set_parent(CadreName(kCounty, "c-1") + "/archive");
  v1::ListArchiveEntriesResponse entries;
  ASSERT_TRUE(IsOk(stub_->ListArchiveEntries(As(AdminOf(kCounty)).get(), list, &entries)));
  ASSERT_EQ(entries.entries_size(), 1);
  EXPECT_EQ(entries.entries(0).source_event(), "e-1");
  EXPECT_EQ(entries.entries(0).grade(), v1::POOR);
}

TEST_P(ResultsEventsTest, AnEventThatCanNeverApplyIsDeadLetteredAndTheRestGoOn) {
  SeedRoster(kCounty, 2);
  const v1::Appraisal appraisal =
      SignedAppraisal(kCounty, "a-1", CadreName(kCounty, "c-1"), v1::GOOD, Cst(2026, 11, 20));
  Serve(appraisal);
  v1::Event wrong = Concluded("e-0", appraisal);
  v1::AppraisalConcluded payload;
  payload.set_appraisal(appraisal.name());
  payload.set_content_sha256("another content");
  wrong.mutable_payload()->PackFrom(payload);
  Publish(wrong);
  Publish(Concluded("e-1", appraisal));
  ASSERT_TRUE(Eventually([&] { return CountRows("archive_entries") == 1; }));
  ASSERT_TRUE(Eventually([&] {
    auto length = redis_->Command({"XLEN", stream_ + ":dead:results"});
    return length.ok() && length->integer == 1;
  }));
}

TEST_P(ResultsEventsTest, AVerifiedVetoLeadIsArchivedAndVetoesAtOnce) {
  SeedRoster(kCounty, 2);
  v1::Lead lead;
  lead.set_name(absl::StrCat("regions/", kCounty, "/leads/l-1"));
  lead.set_cadre(CadreName(kCounty, "c-1"));
  lead.set_state(v1::Lead::CONFIRMED);
  lead.mutable_verification()->add_verifiers("verifier-9");
  lead.mutable_verification()->mutable_negative_item()->set_id("veto-item");
  lead.mutable_verification()->mutable_negative_item()->set_severity(v1::VETO);
  lead.mutable_verify_time()->set_seconds(absl::ToUnixSeconds(Cst(2026, 11, 20)));
  ON_CALL(*evaluations_, GetLead(_, _, _))
      .WillByDefault(
          Invoke([lead](grpc::ClientContext*, const v1::GetLeadRequest& request, v1::Lead* out) {
            if (request.name() != lead.name()) {
              return grpc::Status(grpc::StatusCode::NOT_FOUND, request.name() + " not found");
            }
            *out = lead;
            return grpc::Status::OK;
          }));
  v1::LeadVerified payload;
  payload.set_lead(lead.name());
  payload.set_cadre(lead.cadre());
  payload.set_outcome(v1::Verification::CONFIRMED);
  payload.set_severity(v1::VETO);
  v1::Event event;
  event.set_id("lead-e-1");
  event.set_type(v1::LeadVerified::descriptor()->full_name());
  event.set_region_code(kCounty);
  event.set_resource(lead.name());
  event.mutable_payload()->PackFrom(payload);
  Publish(event, "evaluations");
  Publish(event, "evaluations");  // replayed
  ASSERT_TRUE(Eventually([&] { return CountRows("vetoes") == 1; }));
  ASSERT_TRUE(Eventually([&] {
    auto pending = redis_->Command({"XPENDING", leads_stream_, "results"});
    return pending.ok() && !pending->elements.empty() && pending->elements[0].integer == 0;
  }));
  EXPECT_EQ(CountRows("archive_entries"), 1);
  EXPECT_EQ(CountRows("vetoes"), 1);
  v1::Eligibility eligibility;
  ASSERT_TRUE(IsOk(Eligibility(Machine(kCounty, {"eligibility:read"}), lead.cadre(),
                               Day(2026, 11, 26), &eligibility)));
  EXPECT_FALSE(eligibility.eligible());
  ASSERT_EQ(eligibility.vetoes_in_force_size(), 1);
  EXPECT_EQ(eligibility.vetoes_in_force(0).lead(), lead.name());
  // The cadre reads the entry, with no verifier's identity in it.
  v1::ListArchiveEntriesRequest list;
  list.set_parent(lead.cadre() + "/archive");
  list.set_view(v1::FULL);
  v1::ListArchiveEntriesResponse entries;
  ASSERT_TRUE(IsOk(stub_->ListArchiveEntries(As(CadreWho("c-1")).get(), list, &entries)));
  ASSERT_EQ(entries.entries_size(), 1);
  EXPECT_EQ(entries.entries(0).kind(), v1::ArchiveEntry::VERIFIED_LEAD);
  EXPECT_EQ(entries.entries(0).SerializeAsString().find("verifier-9"), std::string::npos);
}

class KilledBeforeAckTest : public ResultsEventsTest {
 protected:
  void BeforeStart() override {
    ResultsEventsTest::BeforeStart();
    // A previous life of this instance created the group, received the
    // event, and died before applying and acknowledging it.
    ASSERT_TRUE(redis_->Command({"XGROUP", "CREATE", stream_, "results", "0", "MKSTREAM"}).ok());
    appraisal_ =
        SignedAppraisal(kCounty, "a-1", CadreName(kCounty, "c-1"), v1::GOOD, Cst(2026, 11, 20));
    Serve(appraisal_);
    Publish(Concluded("e-1", appraisal_));
    auto received = redis_->Command(
        {"XREADGROUP", "GROUP", "results", "results-test", "COUNT", "10", "STREAMS", stream_, ">"});
    ASSERT_TRUE(received.ok()) << received.status();
    ASSERT_EQ(PendingAcks(), 1);
  }
  v1::Appraisal appraisal_;
};
RESULTS_ON_BOTH_STORES(KilledBeforeAckTest);

TEST_P(KilledBeforeAckTest, TheEventIsAppliedWhenTheConsumerComesBack) {
  // The cadre is not on the roster yet when the consumer comes back: the
  // event stays pending and is retried, then applies once.
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_EQ(CountRows("archive_entries"), 0);
  EXPECT_EQ(PendingAcks(), 1);
  SeedRoster(kCounty, 2);
  ASSERT_TRUE(Eventually([&] { return CountRows("archive_entries") == 1 && PendingAcks() == 0; }))
      << "pending " << PendingAcks();
  EXPECT_EQ(CountRows("consumed_events"), 1);
  EXPECT_GE(calls_.load(), 1);
}

}  // namespace
}  // namespace kaoping::results::testing

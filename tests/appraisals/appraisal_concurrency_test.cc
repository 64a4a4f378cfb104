// Concurrent callers on SQLite and PostgreSQL: the locks and revision
// guards hold. Of several creators of one subject's appraisal one wins and
// the others learn its name; of several concluders one concludes and the
// event goes out once; section writers racing on one appraisal never both
// win over the same revision; a key revoked while its holder signs either
// refuses the signature or leaves it valid (made before the revocation).
#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/barrier.h"
#include "tests/appraisals/service_fixture.h"

namespace kaoping::appraisals::testing {
namespace {

using Stub = v1::AppraisalService::Stub;

constexpr int kRacers = 6;

class AppraisalConcurrencyTest : public AppraisalServiceTest {
 protected:
  // Runs `call(i)` on kRacers threads released together; their statuses.
  std::vector<grpc::Status> Race(const std::function<grpc::Status(int)>& call) {
    std::vector<grpc::Status> statuses(kRacers);
    absl::Barrier* start = new absl::Barrier(kRacers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kRacers; ++i) {
      threads.emplace_back([&, i] {
        if (start->Block()) {
          delete start;
        }
        statuses[i] = call(i);
      });
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
    return statuses;
  }
  static int Count(const std::vector<grpc::Status>& statuses, grpc::StatusCode code) {
    int n = 0;
    for (const grpc::Status& status : statuses) {
      n += status.error_code() == code ? 1 : 0;
    }
    return n;
  }
};
KAOPING_APPRAISAL_STORES(AppraisalConcurrencyTest);

TEST_P(AppraisalConcurrencyTest, OneCreatorPerSubjectWins) {
  const std::vector<grpc::Status> statuses = Race([&](int i) {
    return Call(Team(), &Stub::CreateAppraisal, CreateRequest(kSubject1, absl::StrCat("r-", i)));
  });
  EXPECT_EQ(Count(statuses, grpc::StatusCode::OK), 1);
  EXPECT_EQ(Count(statuses, grpc::StatusCode::ALREADY_EXISTS), kRacers - 1);
  EXPECT_EQ(CountRows("appraisals"), 1);
}

TEST_P(AppraisalConcurrencyTest, OneConcluderConcludesAndTheEventGoesOutOnce) {
  const v1::Appraisal created = MustSigned();
  const std::vector<grpc::Status> statuses = Race([&](int) {
    v1::ConcludeAppraisalRequest request;
    request.set_name(created.name());
    return Call(Team(), &Stub::ConcludeAppraisal, request);
  });
  EXPECT_EQ(Count(statuses, grpc::StatusCode::OK), 1);
  for (const grpc::Status& status : statuses) {
    EXPECT_TRUE(status.ok() || status.error_code() == grpc::StatusCode::FAILED_PRECONDITION ||
                status.error_code() == grpc::StatusCode::ABORTED)
        << status.error_message();
  }
  int concluded_events = 0;
  for (const OutboxRow& row : OutboxRows()) {
    concluded_events += row.event_type == "kaoping.v1.AppraisalConcluded" ? 1 : 0;
  }
  EXPECT_EQ(concluded_events, 1);
}

TEST_P(AppraisalConcurrencyTest, RacingWritersOfOneRevisionNeverBothWin) {
  const v1::Appraisal created = MustCreate();
  const std::vector<grpc::Status> statuses = Race([&](int i) {
    v1::WriteSelfCheckRequest request;
    request.set_name(created.name());
    request.set_etag(created.etag());
    request.set_text(absl::StrCat("自查 ", i));
    return Call(Cadre(), &Stub::WriteSelfCheck, request);
  });
  EXPECT_EQ(Count(statuses, grpc::StatusCode::OK), 1);
  EXPECT_EQ(Count(statuses, grpc::StatusCode::ABORTED), kRacers - 1);
  EXPECT_EQ(MustGet(created.name()).content().content_revision(), 2);
}

TEST_P(AppraisalConcurrencyTest, ARevocationRacingASignatureNeverLeavesALateOne) {
  const v1::Appraisal created = MustCreate();
  MustComplete(created.name());
  const Signer party =
      MustRegister(PartySecretary(), v1::AppraisalSignature::PARTY_SECRETARY, kUnit1);
  std::atomic<bool> signed_ok{false};
  std::thread signer([&] { signed_ok = SignAs(party, created.name()).ok(); });
  v1::RevokeSignerKeyRequest revoke;
  revoke.set_name(party.key.name());
  revoke.set_reason("设备丢失");
  ASSERT_TRUE(IsOk(Call(Admin(), &Stub::RevokeSignerKey, revoke)));
  signer.join();
  const v1::VerifyAppraisalSignaturesResponse checks = MustVerify(created.name());
  if (signed_ok) {
    ASSERT_EQ(checks.checks_size(), 1);
    EXPECT_TRUE(checks.checks(0).valid()) << "accepted before the revocation";
    EXPECT_FALSE(checks.checks(0).key_active());
  } else {
    EXPECT_EQ(checks.checks_size(), 0);
  }
}

}  // namespace
}  // namespace kaoping::appraisals::testing

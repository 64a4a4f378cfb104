// The evaluations stores on SQLite and PostgreSQL: the migrations apply,
// keys hold, and the rater's identity is sealed by construction (the forms
// table never holds it, whatever the caller leaves on the message).
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/db/database.h"
#include "services/common/db/migrations.h"
#include "services/evaluations/campaign_store.h"
#include "services/evaluations/form_store.h"
#include "services/evaluations/invitation_store.h"
#include "services/evaluations/migrations.h"
#include "services/evaluations/names.h"
#include "services/evaluations/stored.h"
#include "tests/common/common_store.h"
#include "tests/evaluations/table_dump.h"

namespace kaoping::evaluations {
namespace {

using ::kaoping::testing::StoreKind;

constexpr char kRaterPrincipal[] = "rater-zhang-san-7f3a";
constexpr char kRaterName[] = "张三丰-实名";
constexpr char kRaterCadre[] = "regions/510114/cadres/c-rater-9";

class EvaluationStoreTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    auto db = ::kaoping::testing::FreshCommonStore(GetParam());
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
    ASSERT_TRUE(db::ApplyMigrations(*db_, "evaluations", Migrations()).ok());
  }

  template <typename Body>
  absl::Status Write(Body&& body) {
    return db::RunInTransaction(*db_, db::Access::kReadWrite, std::forward<Body>(body));
  }

  std::string Dump(const std::string& table) { return testing::DumpTable(*db_, table); }

  static v1::Campaign DraftCampaign(const CampaignKey& key) {
    v1::Campaign campaign;
    campaign.set_name(key.Name());
    campaign.set_display_name("2026年度考察");
    campaign.set_state(v1::Campaign::DRAFT);
    campaign.mutable_create_time()->set_seconds(1'790'000'000);
    return campaign;
  }

  static StoredInvitation Invitation(const CampaignKey& key, const std::string& id,
                                     const std::string& principal) {
    StoredInvitation stored;
    v1::Invitation& inv = stored.invitation;
    inv.set_name(CampaignChildName(key, "invitations", id));
    inv.mutable_rater()->set_display_name(kRaterName);
    inv.mutable_rater()->set_principal(principal);
    inv.set_channel(v1::ONLINE);
    inv.mutable_create_time()->set_seconds(1'790'000'100);
    return stored;
  }

  const CampaignKey key_{"510114", "c2026"};
  CampaignStore campaigns_;
  InvitationStore invitations_;
  FormStore forms_;
  std::unique_ptr<db::Database> db_;
};

TEST_P(EvaluationStoreTest, CampaignIdIsTakenOnce) {
  ASSERT_TRUE(Write([&](db::Transaction& tx) {
                return campaigns_.Insert(tx, key_, DraftCampaign(key_));
              }).ok());
  absl::Status again =
      Write([&](db::Transaction& tx) { return campaigns_.Insert(tx, key_, DraftCampaign(key_)); });
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists) << again;
  EXPECT_TRUE(absl::StrContains(again.message(), key_.Name())) << again;

  absl::StatusOr<StoredCampaign> stored;
  ASSERT_TRUE(Write([&](db::Transaction& tx) -> absl::Status {
                stored = campaigns_.Get(tx, key_);
                return stored.status();
              }).ok());
  EXPECT_EQ(stored->campaign.display_name(), "2026年度考察");
  EXPECT_EQ(stored->campaign.state(), v1::Campaign::DRAFT);
}

TEST_P(EvaluationStoreTest, MissingCampaignIsNotFoundNamingIt) {
  absl::Status status =
      Write([&](db::Transaction& tx) { return campaigns_.Get(tx, key_).status(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), key_.Name())) << status;
}

TEST_P(EvaluationStoreTest, RaterIsInvitedOncePerCampaign) {
  ASSERT_TRUE(Write([&](db::Transaction& tx) -> absl::Status {
                RETURN_IF_ERROR(campaigns_.Insert(tx, key_, DraftCampaign(key_)));
                return invitations_.Insert(tx, key_, Invitation(key_, "i1", kRaterPrincipal));
              }).ok());
  const std::string before = Dump("invitations");
  absl::Status again = Write([&](db::Transaction& tx) {
    return invitations_.Insert(tx, key_, Invitation(key_, "i2", kRaterPrincipal));
  });
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists) << again;
  EXPECT_EQ(Dump("invitations"), before);

  absl::StatusOr<std::optional<std::string>> found;
  ASSERT_TRUE(Write([&](db::Transaction& tx) -> absl::Status {
                found = invitations_.FindByPrincipal(tx, key_, kRaterPrincipal);
                return found.status();
              }).ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, "i1");
}

TEST_P(EvaluationStoreTest, FormsHoldTheAnswersButNeverTheRater) {
  StoredForm stored;
  v1::Form& form = stored.form;
  form.set_name(CampaignChildName(key_, "forms", "f1"));
  form.set_subject(SubjectName(key_, "s1"));
  form.set_rater_group(v1::PEER);
  form.set_channel(v1::ONLINE);
  form.set_overall_grade(v1::GOOD);
  form.set_comment("工作扎实");
  form.mutable_submit_time()->set_seconds(1'790'000'200);
  // What a careless caller might leave on the message: the store drops it.
  form.set_invitation(CampaignChildName(key_, "invitations", "i1"));
  form.mutable_rater()->set_display_name(kRaterName);
  form.mutable_rater()->set_principal(kRaterPrincipal);
  form.mutable_rater()->set_cadre(kRaterCadre);
  stored.grades = std::string("\x04\x03\x00\x02", 4);

  ASSERT_TRUE(Write([&](db::Transaction& tx) -> absl::Status {
                RETURN_IF_ERROR(campaigns_.Insert(tx, key_, DraftCampaign(key_)));
                RETURN_IF_ERROR(
                    invitations_.Insert(tx, key_, Invitation(key_, "i1", kRaterPrincipal)));
                return forms_.Insert(tx, key_, stored, FormSeal{"i1", "", ""});
              }).ok());

  const std::string answers = Dump("forms");
  EXPECT_TRUE(absl::StrContains(answers, "工作扎实")) << answers;
  for (const char* identity : {kRaterPrincipal, kRaterName, kRaterCadre, "i1"}) {
    EXPECT_FALSE(absl::StrContains(answers, identity)) << identity << " in forms: " << answers;
  }
  // The seal links the form to the invitation only; the identity stays there.
  const std::string seals = Dump("form_seals");
  EXPECT_TRUE(absl::StrContains(seals, "i1")) << seals;
  EXPECT_FALSE(absl::StrContains(seals, kRaterPrincipal)) << seals;
  EXPECT_TRUE(absl::StrContains(Dump("invitations"), kRaterPrincipal));

  absl::StatusOr<std::optional<StoredForm>> read;
  absl::StatusOr<FormSeal> seal;
  ASSERT_TRUE(Write([&](db::Transaction& tx) -> absl::Status {
                read = forms_.Find(tx, key_, "f1");
                seal = forms_.Seal(tx, key_, "f1");
                return read.status();
              }).ok());
  ASSERT_TRUE(read->has_value());
  EXPECT_FALSE((*read)->form.has_rater());
  EXPECT_TRUE((*read)->form.invitation().empty());
  EXPECT_EQ((*read)->grades, stored.grades);
  ASSERT_TRUE(seal.ok()) << seal.status();
  EXPECT_EQ(seal->invitation_id, "i1");
}

TEST_P(EvaluationStoreTest, VoidedFormStopsCountingAndKeepsNoRater) {
  StoredForm stored;
  stored.form.set_name(CampaignChildName(key_, "forms", "f1"));
  stored.form.set_subject(SubjectName(key_, "s1"));
  stored.form.set_rater_group(v1::SUBORDINATE);
  stored.form.set_channel(v1::ON_SITE);
  stored.form.mutable_submit_time()->set_seconds(1'790'000'200);
  stored.grades = std::string("\x04", 1);
  ASSERT_TRUE(Write([&](db::Transaction& tx) -> absl::Status {
                RETURN_IF_ERROR(campaigns_.Insert(tx, key_, DraftCampaign(key_)));
                return forms_.Insert(tx, key_, stored, FormSeal{"i1", "team-1", "P-0001"});
              }).ok());

  StoredForm voided = stored;
  voided.form.set_state(v1::Form::VOIDED);
  voided.form.mutable_rater()->set_principal(kRaterPrincipal);
  ASSERT_TRUE(Write([&](db::Transaction& tx) { return forms_.Void(tx, key_, voided); }).ok());
  // A second void of the same revision is a concurrent change.
  absl::Status twice = Write([&](db::Transaction& tx) { return forms_.Void(tx, key_, voided); });
  EXPECT_EQ(twice.code(), absl::StatusCode::kAborted) << twice;

  absl::StatusOr<std::pair<int64_t, int64_t>> counts;
  absl::StatusOr<std::vector<CountedForm>> counted;
  ASSERT_TRUE(Write([&](db::Transaction& tx) -> absl::Status {
                counts = forms_.CountByState(tx, key_);
                counted = forms_.Counted(tx, key_);
                return counts.status();
              }).ok());
  EXPECT_EQ(counts->first, 0);
  EXPECT_EQ(counts->second, 1);
  ASSERT_TRUE(counted.ok()) << counted.status();
  EXPECT_TRUE(counted->empty());
  EXPECT_FALSE(absl::StrContains(Dump("forms"), kRaterPrincipal));
}

TEST_P(EvaluationStoreTest, PaperSlipCountsOnce) {
  StoredForm stored;
  stored.form.set_subject(SubjectName(key_, "s1"));
  stored.form.set_rater_group(v1::PEER);
  stored.form.set_channel(v1::ON_SITE);
  stored.grades = std::string("\x03", 1);
  ASSERT_TRUE(Write([&](db::Transaction& tx) -> absl::Status {
                RETURN_IF_ERROR(campaigns_.Insert(tx, key_, DraftCampaign(key_)));
                stored.form.set_name(CampaignChildName(key_, "forms", "f1"));
                return forms_.Insert(tx, key_, stored, FormSeal{"i1", "team-1", "P-0001"});
              }).ok());
  absl::StatusOr<absl::flat_hash_set<std::string>> taken;
  ASSERT_TRUE(Write([&](db::Transaction& tx) -> absl::Status {
                taken = forms_.TakenPaperReferences(tx, key_, {"P-0001", "P-0002"});
                return taken.status();
              }).ok());
  EXPECT_TRUE(taken->contains("P-0001"));
  EXPECT_FALSE(taken->contains("P-0002"));

  const std::string before = Dump("forms");
  stored.form.set_name(CampaignChildName(key_, "forms", "f2"));
  absl::Status again = Write([&](db::Transaction& tx) {
    return forms_.Insert(tx, key_, stored, FormSeal{"i2", "team-1", "P-0001"});
  });
  EXPECT_FALSE(again.ok());
  EXPECT_EQ(Dump("forms"), before);  // the whole write rolled back
}

INSTANTIATE_TEST_SUITE_P(Stores, EvaluationStoreTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const ::testing::TestParamInfo<StoreKind>& info) {
                           return ::kaoping::testing::StoreKindName(info.param);
                         });

}  // namespace
}  // namespace kaoping::evaluations

// The shared privacy rules of services/common/privacy, each on the case
// that would reveal what it must not.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "kaoping/v1/appraisals.pb.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/common/privacy/event_streams.h"
#include "services/common/privacy/field_access.h"
#include "services/common/privacy/form_lead_disclosure.h"
#include "services/common/privacy/personal_id.h"
#include "services/common/privacy/region_grant.h"
#include "services/common/privacy/unit_scope.h"

namespace kaoping::privacy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ---- filters never reveal a hidden field ----

// What ListAppraisals filters on, as appraisals will declare it.
const std::vector<FilterBinding>& AppraisalFilters() {
  static const auto* filters = new std::vector<FilterBinding>{
      {"campaign", "content.campaign"}, {"cadre", "content.cadre"},
      {"unit", "content.unit"},         {"state", "state"},
      {"grade", "content.grade"},
  };
  return *filters;
}

TEST(FieldAccessTest, ACadreFilteringTheirDraftAppraisalByGradeIsRefused) {
  // Before CONCLUDED a cadre reads the identifying fields and the self-check, not the grade.
  const ReadableFields cadre_before_conclusion(
      {"name", "state", "content.cadre", "content.campaign", "content.self_check"});
  v1::ListAppraisalsRequest request;
  request.set_parent("regions/510114");
  request.set_grade(v1::POOR);
  const absl::Status st =
      CheckFiltersReadable(request, AppraisalFilters(), cadre_before_conclusion);
  EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(st.message()), HasSubstr("grade: filtering on content.grade"));

  // The same cadre filtering by what they can read is fine, and so is any
  // caller who reads everything.
  request.clear_grade();
  request.set_state(v1::Appraisal::DRAFT);
  EXPECT_TRUE(CheckFiltersReadable(request, AppraisalFilters(), cadre_before_conclusion).ok());
  request.set_grade(v1::POOR);
  EXPECT_TRUE(CheckFiltersReadable(request, AppraisalFilters(), ReadableFields::All()).ok());
}

TEST(FieldAccessTest, AMachineClientFilteringInvitationsBySubjectIsRefused) {
  // A reminder system (SYSTEM invitations:read) reads rater name and phone,
  // channel, state and the unanswered count: never assignments.
  const ReadableFields reminder_view(
      {"name", "rater.display_name", "rater.phone", "channel", "state", "unanswered_count"});
  const std::vector<FilterBinding> filters = {
      {"pending_only", "state"}, {"channel", "channel"}, {"subject", "assignments.subject"}};
  v1::ListInvitationsRequest request;
  request.set_parent("regions/510114/campaigns/-");
  request.set_pending_only(true);
  EXPECT_TRUE(CheckFiltersReadable(request, filters, reminder_view).ok());
  request.set_subject("regions/510114/campaigns/2026-annual/subjects/c-17");
  const absl::Status st = CheckFiltersReadable(request, filters, reminder_view);
  EXPECT_EQ(st.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(st.message()), HasSubstr("subject"));
}

TEST(FieldAccessTest, AFilterTableNamingNoRequestFieldIsAnInternalError) {
  v1::ListInvitationsRequest request;
  EXPECT_EQ(
      CheckFiltersReadable(request, {{"no_such_field", "state"}}, ReadableFields::All()).code(),
      absl::StatusCode::kInternal);
}

TEST(FieldAccessTest, TrimmingKeepsOnlyWhatIsReadable) {
  v1::Invitation invitation;
  invitation.set_name("regions/510114/campaigns/a/invitations/i-1");
  invitation.mutable_rater()->set_display_name("张三");
  invitation.mutable_rater()->set_phone("13800000000");
  invitation.mutable_rater()->set_cadre("regions/510114/cadres/c-1");
  invitation.add_assignments()->set_subject("regions/510114/campaigns/a/subjects/c-17");
  TrimToReadable(ReadableFields({"name", "rater.display_name", "rater.phone"}), invitation);
  EXPECT_EQ(invitation.rater().phone(), "13800000000");
  EXPECT_EQ(invitation.rater().cadre(), "");
  EXPECT_EQ(invitation.assignments_size(), 0);
}

// ---- an empty unit never means every unit ----

TEST(UnitScopeTest, AnEmptyClaimCoversNoUnit) {
  const UnitScope empty = UnitScope::Of("");
  EXPECT_TRUE(empty.CoversNothing());
  EXPECT_FALSE(empty.Covers("regions/510114/units/u-1"));
  EXPECT_FALSE(empty.Covers(""));

  EXPECT_TRUE(UnitScope::Of("*").Covers("regions/510114/units/u-1"));
  const UnitScope one = UnitScope::Of("regions/510114/units/u-1");
  EXPECT_TRUE(one.Covers("regions/510114/units/u-1"));
  EXPECT_FALSE(one.Covers("regions/510114/units/u-2"));
}

TEST(UnitScopeTest, ASignerKeyMustNameItsUnitOrStar) {
  EXPECT_EQ(ValidateUnitGrant("signer_key.unit", "", "510114").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ValidateUnitGrant("signer_key.unit", "", "510114").message()),
              HasSubstr("signer_key.unit: required"));
  EXPECT_TRUE(ValidateUnitGrant("signer_key.unit", "*", "510114").ok());
  EXPECT_TRUE(ValidateUnitGrant("signer_key.unit", "regions/510114/units/u-1", "510114").ok());
  EXPECT_EQ(ValidateUnitGrant("signer_key.unit", "regions/510115/units/u-1", "510114").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateUnitGrant("signer_key.unit", "u-1", "510114").code(),
            absl::StatusCode::kInvalidArgument);
}

// ---- what a city or province grant reads ----

Principal WithPrefixes(std::vector<std::string> prefixes) {
  Principal p;
  p.subject = "someone";
  p.region_prefixes = std::move(prefixes);
  return p;
}

TEST(RegionGrantTest, ACityReadsAggregatesOfItsCountiesButNoIndividualRecord) {
  const Principal city = WithPrefixes({"5101"});
  EXPECT_EQ(GrantFor(city, "510114"), RegionGrant::kEnclosing);
  EXPECT_EQ(GrantFor(city, "510100"), RegionGrant::kOwn);
  EXPECT_EQ(GrantFor(city, "510200"), RegionGrant::kNone);
  for (RecordKind kind : {RecordKind::kStatistics, RecordKind::kPublishedCatalog,
                          RecordKind::kRoster, RecordKind::kPolicy, RecordKind::kPublicNotice}) {
    EXPECT_TRUE(RequireReadable(city, "510114", kind, "x").ok());
  }
  const absl::Status archive = RequireReadable(city, "510114", RecordKind::kIndividualRecord,
                                               "regions/510114/cadres/c-1/archive");
  EXPECT_EQ(archive.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(archive.message(), "regions/510114/cadres/c-1/archive not found");

  const Principal county = WithPrefixes({"510114"});
  EXPECT_TRUE(RequireReadable(county, "510114", RecordKind::kIndividualRecord, "x").ok());
  EXPECT_EQ(RequireReadable(county, "510115", RecordKind::kStatistics, "x").code(),
            absl::StatusCode::kNotFound);
  const Principal province = WithPrefixes({"51"});
  EXPECT_EQ(GrantFor(province, "510114"), RegionGrant::kEnclosing);
  EXPECT_FALSE(MayRead(GrantFor(province, "510114"), RecordKind::kIndividualRecord));
}

// ---- resident ID numbers never become ids ----

TEST(PersonalIdTest, ResidentIdNumbersAreRecognizedAnywhereInAnId) {
  // 11010519491231002X: the GB 11643 example number (check character X).
  EXPECT_TRUE(ContainsResidentIdNumber("11010519491231002X"));
  EXPECT_TRUE(ContainsResidentIdNumber("11010519491231002x"));
  EXPECT_TRUE(ContainsResidentIdNumber("c-11010519491231002x"));
  EXPECT_TRUE(ContainsResidentIdNumber("110105491231002"));  // the old 15-digit form
  // A wrong check character, an impossible date, other lengths: ordinary ids.
  EXPECT_FALSE(ContainsResidentIdNumber("110105194912310021"));
  EXPECT_FALSE(ContainsResidentIdNumber("110105194913310027"));
  EXPECT_FALSE(ContainsResidentIdNumber("1101051949123100"));
  EXPECT_FALSE(ContainsResidentIdNumber("c-2026-0001"));
  EXPECT_FALSE(ContainsResidentIdNumber("110105491331002"));

  const absl::Status st = RefuseResidentIdNumber("cadres[7].name", "11010519491231002X");
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(st.message()), HasSubstr("cadres[7].name: looks like a resident ID"));
  EXPECT_THAT(std::string(st.message()), ::testing::Not(HasSubstr("11010519491231002X")));
}

// ---- a FORM lead's ticks cannot be tied to a rater ----

v1::Lead FormLead(int ticks) {
  v1::Lead lead;
  lead.set_source(v1::FORM);
  lead.set_tick_count(ticks);
  for (int i = 0; i < ticks; ++i) {
    lead.add_remarks("remark");
    lead.add_forms("regions/510114/campaigns/a/forms/f-" + std::to_string(i));
  }
  // 2026-03-05 10:17:23 China Standard Time.
  lead.mutable_create_time()->set_seconds(1772677043);
  lead.mutable_update_time()->set_seconds(1772677043 + 3600);
  return lead;
}

TEST(FormLeadDisclosureTest, BelowThreeTicksCountAndRemarksAreHidden) {
  v1::Lead two = FormLead(2);
  DiscloseFormLeadToOutsider(two);
  EXPECT_EQ(two.tick_count(), 0);
  EXPECT_EQ(two.remarks_size(), 0);
  EXPECT_TRUE(two.ticks_suppressed());
  EXPECT_EQ(two.forms_size(), 0);

  v1::Lead three = FormLead(3);
  DiscloseFormLeadToOutsider(three);
  EXPECT_EQ(three.tick_count(), 3);
  EXPECT_EQ(three.remarks_size(), 3);
  EXPECT_FALSE(three.ticks_suppressed());
  EXPECT_EQ(three.forms_size(), 0);
}

TEST(FormLeadDisclosureTest, TimesAreCoarsenedToTheDayInChinaTime) {
  v1::Lead lead = FormLead(5);
  DiscloseFormLeadToOutsider(lead);
  // 2026-03-05 00:00 CST = 2026-03-04 16:00 UTC.
  EXPECT_EQ(lead.create_time().seconds(), 1772640000);
  EXPECT_EQ(lead.update_time().seconds(), 1772640000);
  EXPECT_FALSE(lead.has_verify_time());  // unset stays unset
  EXPECT_FALSE(lead.has_verification());
}

TEST(FormLeadDisclosureTest, OtherLeadsAreLeftAlone) {
  v1::Lead lead = FormLead(1);
  lead.set_source(v1::PUBLIC_REPORT);
  const v1::Lead before = lead;
  DiscloseFormLeadToOutsider(lead);
  EXPECT_EQ(lead.SerializeAsString(), before.SerializeAsString());
}

// ---- a consumer reads only its regions ----

TEST(EventStreamsTest, AConsumerReadsOnlyTheStreamsOfItsRegions) {
  EXPECT_EQ(EventStreamKey("evaluations", "510114"), "kaoping:events:evaluations:510114");
  const std::vector<std::string> city = {"5101"};
  EXPECT_TRUE(ConsumerMayRead(city, "evaluations", "kaoping:events:evaluations:510114"));
  EXPECT_FALSE(ConsumerMayRead(city, "evaluations", "kaoping:events:evaluations:510214"));
  EXPECT_FALSE(ConsumerMayRead(city, "evaluations", "kaoping:events:results:510114"));
  EXPECT_FALSE(ConsumerMayRead(city, "evaluations", "kaoping:events:evaluations"));
  EXPECT_FALSE(ConsumerMayRead({""}, "evaluations", "kaoping:events:evaluations:510114"));
  EXPECT_TRUE(ConsumerMayRead({std::string(kEveryRegion)}, "evaluations",
                              "kaoping:events:evaluations:510114"));
  EXPECT_FALSE(ConsumerMayRead({std::string(kEveryRegion)}, "evaluations",
                               EventRegionRegistryKey("evaluations")));
  EXPECT_THAT(
      ConsumerAclKeyPatterns("evaluations", {"510114", ""}),
      ElementsAre("~kaoping:events:evaluations:510114", "~kaoping:events:evaluations:510114:*"));
  EXPECT_THAT(
      ConsumerAclKeyPatterns("evaluations", {"510114", "5102"}),
      ElementsAre("~kaoping:events:evaluations:510114", "~kaoping:events:evaluations:510114:*",
                  "~kaoping:events:evaluations:5102*", "%R~kaoping:events:evaluations:regions"));
  EXPECT_THAT(
      ConsumerAclKeyPatterns("evaluations", {std::string(kEveryRegion)}),
      ElementsAre("~kaoping:events:evaluations:*", "%R~kaoping:events:evaluations:regions"));
}

}  // namespace
}  // namespace kaoping::privacy

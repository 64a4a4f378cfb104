#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "kaoping/v1/evaluations.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/evaluations/access.h"
#include "services/evaluations/context.h"
#include "services/evaluations/form_leads.h"
#include "services/evaluations/prepared_form.h"

namespace kaoping::evaluations {

// Forms (测评表): one per rater and subject, checked against the subject's
// frozen catalog, their answers stored apart from who gave them (forms vs
// form_seals). A rater submits their own; the assessment team keys in paper
// slips naming the invitation; the team voids. Only the county's team and
// auditors read who rated (and the rater their own forms).
class Forms {
 public:
  explicit Forms(Context& context) : ctx_(context), access_(context) {}

  absl::StatusOr<v1::Form> SubmitForm(const Principal& caller, AuditScope& audit,
                                      const v1::SubmitFormRequest& request);
  absl::StatusOr<v1::BatchSubmitFormsResponse> BatchSubmitForms(
      const Principal& caller, AuditScope& audit, const v1::BatchSubmitFormsRequest& request);
  absl::StatusOr<v1::Form> GetForm(const Principal& caller, AuditScope& audit,
                                   const v1::GetFormRequest& request);
  absl::StatusOr<v1::ListFormsResponse> ListForms(const Principal& caller, AuditScope& audit,
                                                  const v1::ListFormsRequest& request);
  absl::StatusOr<v1::Form> VoidForm(const Principal& caller, AuditScope& audit,
                                    const v1::VoidFormRequest& request);

 private:
  struct Submission {
    bool transcribing = false;  // a team member keying in a paper slip
    bool validate_only = false;
  };
  // A form checked in the write's transaction (campaign OPEN inside its
  // window, the assignment pending, the answers against the catalog) with
  // its form-per-rater-and-subject lock held (unless validate_only, which
  // reads only).
  absl::StatusOr<PreparedForm> Prepare(db::Transaction& tx, const Principal& caller,
                                       const CampaignKey& key, const std::string& field,
                                       const v1::Form& given, const Submission& how) const;
  // The answers of a prepared form, as validate_only shows them.
  v1::Form Answers(const PreparedForm& prepared) const;
  // Writes a prepared form, its seal, its ticks and the event; returns the
  // form as its submitter reads it.
  absl::StatusOr<v1::Form> Write(db::Transaction& tx, FormLeads& leads,
                                 const PreparedForm& prepared) const;
  // A stored form as `caller` may read it (NOT_FOUND when not at all).
  absl::StatusOr<v1::Form> Readable(db::Transaction& tx, const Principal& caller,
                                    const CampaignKey& key, StoredForm stored, const FormSeal& seal,
                                    bool with_marks) const;

  Context& ctx_;
  Access access_;
};

// The catalog a subject's forms and leads use (cached: frozen catalogs
// never change); FAILED_PRECONDITION while the subject has none (DRAFT).
absl::StatusOr<std::shared_ptr<const FrozenCatalog>> CatalogOfSubject(
    const Context& ctx, db::Transaction& tx, const CampaignKey& key, const std::string& subject_id);

// The lock that keeps one form per (invitation, subject): SubmitForm,
// BatchSubmitForms and VoidForm take it before reading the assignment.
absl::Status LockAssignment(db::Transaction& tx, const CampaignKey& key,
                            const std::string& invitation_id, const std::string& subject_id);

}  // namespace kaoping::evaluations

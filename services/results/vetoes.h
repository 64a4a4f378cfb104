#pragma once

#include "absl/status/statusor.h"
#include "kaoping/v1/results.pb.h"
#include "services/common/audit/audit_scope.h"
#include "services/common/auth/principal.h"
#include "services/results/results_context.h"
#include "services/results/veto_store.h"

namespace kaoping::results {

// Vetoes (一票否决) read: imposed by confirmed VETO leads (archive_writer.h),
// their state computed for today. A CADRE sees their own only.
class Vetoes {
 public:
  explicit Vetoes(ResultsContext& context) : context_(context) {}

  absl::StatusOr<v1::ListVetoesResponse> ListVetoes(const Principal& caller, AuditScope& audit,
                                                    const v1::ListVetoesRequest& request);
  absl::StatusOr<v1::Veto> GetVeto(const Principal& caller, AuditScope& audit,
                                   const v1::GetVetoRequest& request);

 private:
  ResultsContext& context_;
  VetoStore store_;
};

// The cadre a List of the region is limited to: the filter given, or for a
// CADRE their own; `none` is set when the CADRE asked about someone else
// (or holds no claim of this region), whose answer is an empty list.
struct CadreScope {
  std::string cadre_id;
  bool none = false;
};
absl::StatusOr<CadreScope> ListCadreScope(const Rule& rule, const Principal& caller,
                                          const std::string& region_code,
                                          const std::string& filter);

}  // namespace kaoping::results

#include "services/results/vetoes.h"

#include "absl/strings/str_cat.h"
#include "services/common/api/date.h"
#include "services/common/api/pagination.h"
#include "services/common/api/resource_name.h"
#include "services/common/status_macros.h"
#include "services/results/eligibility_rule.h"
#include "services/results/field_checks.h"
#include "services/results/results_names.h"
#include "services/results/results_policy.h"
#include "services/results/store_values.h"

namespace kaoping::results {

absl::StatusOr<CadreScope> ListCadreScope(const Rule& rule, const Principal& caller,
                                          const std::string& region_code,
                                          const std::string& filter) {
  CadreScope scope;
  if (!filter.empty()) {
    ASSIGN_OR_RETURN(const CadreKey key, ParseCadreName("cadre", filter, InRegion(region_code)));
    scope.cadre_id = key.cadre_id;
  }
  if (!OnlyAsCadre(rule, caller)) {
    return scope;
  }
  absl::StatusOr<CadreKey> own = ParseCadreName("cadre", caller.cadre, InRegion(region_code));
  if (!own.ok() || (!scope.cadre_id.empty() && scope.cadre_id != own->cadre_id)) {
    scope.none = true;
    return scope;
  }
  scope.cadre_id = own->cadre_id;
  return scope;
}

absl::StatusOr<v1::ListVetoesResponse> Vetoes::ListVetoes(const Principal& caller, AuditScope&,
                                                          const v1::ListVetoesRequest& request) {
  ASSIGN_OR_RETURN(const std::string region_code, ParseRegionName("parent", request.parent()));
  RETURN_IF_ERROR(CheckEnum("state", request.state(), false));
  ASSIGN_OR_RETURN(const CadreScope scope,
                   ListCadreScope(kVetoReaders, caller, region_code, request.cadre()));
  if (scope.none) {
    return v1::ListVetoesResponse();
  }
  const absl::CivilDay today = Today(*context_.deps.clock);
  const VetoFilter filter{scope.cadre_id, request.state(), today};
  // Today is part of the query: a state filter means something else tomorrow.
  const std::string fingerprint = absl::StrCat(request.parent(), "|", scope.cadre_id, "|",
                                               request.state(), "|", FormatDay(today));
  ASSIGN_OR_RETURN(const PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), fingerprint));
  ASSIGN_OR_RETURN(const std::vector<std::string> after, SplitKey(page.after_key, 2));
  ASSIGN_OR_RETURN(
      std::vector<v1::Veto> vetoes,
      db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
        return store_.List(tx, region_code, filter, after, page.limit + 1);
      }));
  for (v1::Veto& veto : vetoes) {
    veto = WithState(std::move(veto), today);
  }
  Page<v1::Veto> cut = CutPage(std::move(vetoes), page, fingerprint, [](const v1::Veto& veto) {
    return JoinKey({DayText(veto.start_date()), std::string(LastSegment(veto.name()))});
  });
  v1::ListVetoesResponse response;
  response.set_next_page_token(cut.next_page_token);
  for (v1::Veto& veto : cut.items) {
    *response.add_vetoes() = std::move(veto);
  }
  return response;
}

absl::StatusOr<v1::Veto> Vetoes::GetVeto(const Principal& caller, AuditScope&,
                                         const v1::GetVetoRequest& request) {
  ASSIGN_OR_RETURN(const ChildKey key, ParseChildName("name", request.name(), kVetoPattern));
  ASSIGN_OR_RETURN(
      std::optional<v1::Veto> veto,
      db::RunInTransaction(*context_.deps.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
        return store_.Find(tx, key.region_code, key.id);
      }));
  if (!veto.has_value() || !CadreMayRead(kVetoReaders, caller, veto->cadre())) {
    return absl::NotFoundError(absl::StrCat(request.name(), " not found"));
  }
  return WithState(*std::move(veto), Today(*context_.deps.clock));
}

}  // namespace kaoping::results

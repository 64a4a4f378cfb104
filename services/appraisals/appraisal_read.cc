// Appraisals::Get, List and Delete, and loading an appraisal for any call.
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/appraisals/appraisal_access.h"
#include "services/appraisals/appraisals.h"
#include "services/common/api/body_names.h"
#include "services/common/api/pagination.h"
#include "services/common/api/resource_meta.h"
#include "services/common/api/resource_name.h"
#include "services/common/api/view.h"
#include "services/common/status_macros.h"

namespace kaoping::appraisals {
namespace {

// The keyset key of a listed appraisal: "<create micros>/<id>" (both are
// in every view of it).
std::string ListKey(const v1::Appraisal& appraisal) {
  const auto& created = appraisal.create_time();
  return absl::StrCat(created.seconds() * 1000000 + created.nanos() / 1000, "/",
                      appraisal.name().substr(appraisal.name().rfind('/') + 1));
}

absl::StatusOr<std::optional<std::pair<int64_t, std::string>>> ParseListKey(
    const std::string& key) {
  if (key.empty()) {
    return std::optional<std::pair<int64_t, std::string>>();
  }
  std::pair<std::string, std::string> parts = absl::StrSplit(key, absl::MaxSplits('/', 1));
  int64_t micros = 0;
  if (!absl::SimpleAtoi(parts.first, &micros) || parts.second.empty()) {
    return absl::InvalidArgumentError("page_token: not a token of this list");
  }
  return std::optional<std::pair<int64_t, std::string>>({micros, parts.second});
}

// The filters of a List request, checked: names in the path's region,
// known enum values.
absl::StatusOr<AppraisalQuery> QueryOf(const std::string& region_code,
                                       const v1::ListAppraisalsRequest& request) {
  const PathScope scope{region_code, "", ""};
  RETURN_IF_ERROR(CheckOptionalBodyName("campaign", request.campaign(),
                                        "regions/{region}/campaigns/{campaign}", scope));
  RETURN_IF_ERROR(
      CheckOptionalBodyName("cadre", request.cadre(), "regions/{region}/cadres/{cadre}", scope));
  RETURN_IF_ERROR(
      CheckOptionalBodyName("unit", request.unit(), "regions/{region}/units/{unit}", scope));
  if (!v1::Appraisal::State_IsValid(request.state())) {
    return absl::InvalidArgumentError("state: unknown state; one of DRAFT, CONCLUDED");
  }
  if (!v1::Grade_IsValid(request.grade())) {
    return absl::InvalidArgumentError(
        "grade: unknown grade; one of GOOD, FAIRLY_GOOD, AVERAGE, POOR");
  }
  AppraisalQuery query;
  query.campaign = request.campaign();
  query.cadre = request.cadre();
  query.unit = request.unit();
  if (request.state() != v1::Appraisal::STATE_UNSPECIFIED) {
    query.state = v1::Appraisal::State_Name(request.state());
  }
  if (request.grade() != v1::GRADE_UNSPECIFIED) {
    query.grade = v1::Grade_Name(request.grade());
  }
  return query;
}

}  // namespace

absl::StatusOr<StoredAppraisal> Appraisals::LoadRow(db::Transaction& tx, const Principal& caller,
                                                    const Rule& rule, const Ref& ref,
                                                    Reach* reach) const {
  ASSIGN_OR_RETURN(RegionChild id, ParseRegionChild(ref.name_field, ref.name, "appraisals"));
  ASSIGN_OR_RETURN(StoredAppraisal row, store_.Get(tx, id.region_code, id.id));
  const Reach found = ReachOf(rule, caller, FactsOf(row));
  if (found == Reach::kNone && IsOwnAppraisal(caller, FactsOf(row))) {
    return absl::PermissionDeniedError(
        absl::StrCat(ref.name, " is your own appraisal: you act on it only as its cadre"));
  }
  if (found == Reach::kNone) {
    // As if it did not exist: a secretary of another unit, another cadre.
    return absl::NotFoundError(absl::StrCat(ref.name, " not found"));
  }
  RETURN_IF_ERROR(CheckEtag("etag", ref.etag, EtagOf(row), ref.name));
  if (reach != nullptr) {
    *reach = found;
  }
  return row;
}

absl::StatusOr<Working> Appraisals::Load(db::Transaction& tx, const Principal& caller,
                                         const Rule& rule, const Ref& ref, Reach* reach) const {
  ASSIGN_OR_RETURN(StoredAppraisal row, LoadRow(tx, caller, rule, ref, reach));
  return Open(std::move(row));
}

absl::StatusOr<v1::Appraisal> Appraisals::Get(const Principal& caller, AuditScope&,
                                              const v1::GetAppraisalRequest& request) {
  const std::string no_etag;
  return db::RunInTransaction(
      *deps_.db, db::Access::kReadOnly, [&](db::Transaction& tx) -> absl::StatusOr<v1::Appraisal> {
        Reach reach = Reach::kNone;
        ASSIGN_OR_RETURN(Working appraisal,
                         Load(tx, caller, kReaders, {"name", request.name(), no_etag}, &reach));
        v1::Appraisal shown = Assemble(appraisal);
        ShowAs(reach, shown);
        return shown;
      });
}

absl::StatusOr<v1::ListAppraisalsResponse> Appraisals::List(
    const Principal& caller, AuditScope&, const v1::ListAppraisalsRequest& request) {
  ASSIGN_OR_RETURN(const std::string region_code, ParseRegionName("parent", request.parent()));
  ASSIGN_OR_RETURN(AppraisalQuery query, QueryOf(region_code, request));
  RETURN_IF_ERROR(
      privacy::CheckFiltersReadable(request, ListFilters(), ListReadable(caller, request.state())));
  ASSIGN_OR_RETURN(const ViewKind view, ListView("view", request.view()));
  if (request.awaiting_me()) {
    query.awaiting_roles = AwaitingRolesOf(caller);
    if (query.awaiting_roles.empty()) {
      return v1::ListAppraisalsResponse();  // nothing is ever waiting for this caller
    }
  }
  const std::string fingerprint =
      absl::StrCat(request.parent(), "|", request.campaign(), "|", request.cadre(), "|",
                   request.unit(), "|", request.state(), "|", request.grade(), "|",
                   request.awaiting_me(), "|", view == ViewKind::kFull);
  ASSIGN_OR_RETURN(PageRequest page,
                   ParsePageRequest(request.page_size(), request.page_token(), fingerprint));
  ASSIGN_OR_RETURN(query.before, ParseListKey(page.after_key));
  query.limit = page.limit + 1;
  const ListAccess access = ListAccessOf(caller);
  ASSIGN_OR_RETURN(std::vector<StoredAppraisal> rows,
                   db::RunInTransaction(*deps_.db, db::Access::kReadOnly, [&](db::Transaction& tx) {
                     return store_.List(tx, region_code, query, access);
                   }));
  std::vector<v1::Appraisal> items;
  items.reserve(rows.size());
  for (StoredAppraisal& row : rows) {
    const Reach reach = ReachOf(kReaders, caller, FactsOf(row));
    if (reach == Reach::kNone) {
      continue;  // the caller's own, met through another role (回避)
    }
    ASSIGN_OR_RETURN(Working appraisal, Open(std::move(row)));
    v1::Appraisal item = Assemble(appraisal);
    ShowAs(reach, item);
    ApplyView(view, OmittedInBasicView(), item);  // before cutting: the page weighs what it sends
    items.push_back(std::move(item));
  }
  Page<v1::Appraisal> cut = CutPage(std::move(items), page, fingerprint, ListKey);
  v1::ListAppraisalsResponse response;
  response.set_next_page_token(cut.next_page_token);
  for (v1::Appraisal& item : cut.items) {
    *response.add_appraisals() = std::move(item);
  }
  return response;
}

absl::Status Appraisals::Delete(const Principal& caller, AuditScope& audit,
                                const v1::DeleteAppraisalRequest& request) {
  return db::RunInTransaction(*deps_.db, db::Access::kReadWrite, [&](db::Transaction& tx) {
    ASSIGN_OR_RETURN(StoredAppraisal row,
                     LoadRow(tx, caller, kCreators, {"name", request.name(), request.etag()}));
    if (row.record.state() != v1::Appraisal::DRAFT) {
      return absl::FailedPreconditionError(
          absl::StrCat(request.name(), " is CONCLUDED; concluded appraisals are kept forever"));
    }
    RETURN_IF_ERROR(store_.DeleteDraft(tx, row.region_code, row.appraisal_id, row.revision));
    return audit.Record(
        tx, absl::StrCat("subject=", row.subject, " signatures=", row.record.signatures_size()));
  });
}

}  // namespace kaoping::appraisals

#include "services/common/server/audit_service.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "kaoping/v1/audit.grpc.pb.h"
#include "services/common/api/pagination.h"
#include "services/common/api/resource_meta.h"
#include "services/common/audit/audit_verify.h"
#include "services/common/status_macros.h"

namespace kaoping {
namespace {

constexpr absl::string_view kLogPattern = "regions/{region}/auditLogs/{audit_log}";

// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range of a Timestamp.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

absl::StatusOr<int64_t> MicrosOf(absl::string_view field, const google::protobuf::Timestamp& t) {
  if (t.seconds() < kMinSeconds || t.seconds() > kMaxSeconds || t.nanos() < 0 ||
      t.nanos() > 999'999'999) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": not a valid timestamp (years 1 to 9999, nanos 0 to 999999999)"));
  }
  return t.seconds() * 1'000'000 + t.nanos() / 1'000;
}

absl::StatusOr<AuditFilter> FilterOf(const v1::ListAuditRecordsRequest& request) {
  AuditFilter filter;
  filter.principal = request.principal();
  filter.method = request.method();
  filter.resource = request.resource();
  if (request.has_start_time()) {
    ASSIGN_OR_RETURN(filter.from_micros, MicrosOf("start_time", request.start_time()));
  }
  if (request.has_end_time()) {
    ASSIGN_OR_RETURN(filter.until_micros, MicrosOf("end_time", request.end_time()));
  }
  if (filter.until_micros <= filter.from_micros) {
    return absl::InvalidArgumentError("end_time: must be after start_time");
  }
  return filter;
}

// What a page token is bound to: the log and every filter.
std::string Fingerprint(const v1::ListAuditRecordsRequest& request, const AuditFilter& filter) {
  std::string out;
  for (absl::string_view part :
       {absl::string_view(request.parent()), absl::string_view(filter.principal),
        absl::string_view(filter.method), absl::string_view(filter.resource)}) {
    absl::StrAppend(&out, part.size(), ":", part, ";");
  }
  absl::StrAppend(&out, filter.from_micros, ";", filter.until_micros);
  return out;
}

v1::AuditRecord RecordOf(absl::string_view parent, const AuditEntry& entry) {
  v1::AuditRecord record;
  record.set_name(absl::StrCat(parent, "/records/", entry.seq));
  record.set_sequence(entry.seq);
  *record.mutable_record_time() = ToProtoTimestamp(absl::FromUnixMicros(entry.time_micros));
  record.set_principal(entry.record.principal);
  record.set_method(entry.record.method);
  record.set_resource(entry.record.resource);
  record.set_outcome(entry.record.outcome);
  record.set_detail(entry.record.detail);
  record.set_previous_hash(entry.prev_hash);
  record.set_hash(entry.hash);
  return record;
}

}  // namespace

absl::Status AuditRecords::CheckOwnLog(absl::string_view name) const {
  // The runtime matched kLogPattern: the fourth segment is the log's.
  const std::vector<absl::string_view> segments = absl::StrSplit(name, '/');
  if (segments.size() != 4 || segments[3] != service_) {
    return absl::NotFoundError(absl::StrCat(name, " not found: this is the ", service_,
                                            " service, which serves only its own log (auditLogs/",
                                            service_, ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ListAuditRecordsResponse> AuditRecords::List(
    const Principal&, AuditScope& audit, const v1::ListAuditRecordsRequest& request) {
  RETURN_IF_ERROR(CheckOwnLog(request.parent()));
  ASSIGN_OR_RETURN(const AuditFilter filter, FilterOf(request));
  const std::string fingerprint = Fingerprint(request, filter);
  ASSIGN_OR_RETURN(
      const PageRequest page,
      ParsePageRequest(request.page_size() == 0 ? kDefaultAuditPageSize : request.page_size(),
                       request.page_token(), fingerprint));
  int64_t before = std::numeric_limits<int64_t>::max();
  if (!page.after_key.empty() && !absl::SimpleAtoi(page.after_key, &before)) {
    return absl::InvalidArgumentError("page_token: not a token returned by this query");
  }
  ASSIGN_OR_RETURN(std::vector<AuditEntry> entries,
                   ReadAuditLog(*db_, audit.region_code(), before, page.limit + 1, filter));
  std::vector<v1::AuditRecord> records;
  records.reserve(entries.size());
  for (const AuditEntry& entry : entries) {
    records.push_back(RecordOf(request.parent(), entry));
  }
  Page<v1::AuditRecord> cut =
      CutPage(std::move(records), page, fingerprint,
              [](const v1::AuditRecord& r) { return absl::StrCat(r.sequence()); });
  v1::ListAuditRecordsResponse response;
  for (v1::AuditRecord& record : cut.items) {
    *response.add_audit_records() = std::move(record);
  }
  response.set_next_page_token(std::move(cut.next_page_token));
  return response;
}

absl::StatusOr<v1::AuditLogVerification> AuditRecords::Verify(
    const Principal&, AuditScope& audit, const v1::VerifyAuditLogRequest& request) {
  RETURN_IF_ERROR(CheckOwnLog(request.name()));
  AuditHead head;
  ASSIGN_OR_RETURN(const AuditVerification found,
                   VerifyAuditRegion(*db_, log_->key(), audit.region_code(), &head));
  v1::AuditLogVerification out;
  out.set_audit_log(request.name());
  out.set_record_count(found.entries);
  out.set_head_sequence(head.seq);
  out.set_keyed(log_->keyed());
  out.set_intact(found.ok());
  const size_t listed = std::min<size_t>(found.problems.size(), kMaxProblems);
  for (size_t i = 0; i < listed; ++i) {
    out.add_problems(found.problems[i]);
  }
  const int64_t total = static_cast<int64_t>(found.problems.size()) + found.more_problems;
  out.set_problem_count(
      static_cast<int32_t>(std::min<int64_t>(total, std::numeric_limits<int32_t>::max())));
  *out.mutable_verify_time() = ToProtoTimestamp(clock_->Now());
  return out;
}

const RpcTable<AuditRecords>& AuditRpcs() {
  using A = AuditRecords;
  static const auto* table = new RpcTable<A>(
      v1::AuditService::service_full_name(),
      {
          Rpc(&A::List, CallKind::kAuditedRead,
              Named("parent", &v1::ListAuditRecordsRequest::parent, kLogPattern), kCountyAuditors),
          Rpc(&A::Verify, CallKind::kAuditedRead,
              Named("name", &v1::VerifyAuditLogRequest::name, kLogPattern), kCountyAuditors),
      });
  return *table;
}

absl::StatusOr<OwnedService> ServeAuditLog(ServiceRuntime& runtime) {
  return Serve(runtime, AuditRpcs(),
               std::make_shared<AuditRecords>(runtime.service(), &runtime.db(), &runtime.audit(),
                                              &runtime.clock()));
}

}  // namespace kaoping

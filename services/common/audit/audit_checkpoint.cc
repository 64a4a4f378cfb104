#include "services/common/audit/audit_checkpoint.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/crypto.h"
#include "services/common/log.h"
#include "services/common/numeric.h"
#include "services/common/status_macros.h"

namespace kaoping {
namespace {

constexpr char kFormat[] = "kaoping-audit-checkpoint/1";
constexpr char kTimeFormat[] = "%Y-%m-%dT%H:%M:%E6SZ";
constexpr int kHeadPage = 512;

// The checkpoint without its MAC, as JSON: what the MAC is computed over.
std::string Body(const AuditCheckpoint& checkpoint) {
  std::string out = absl::StrCat(
      "{\"format\":\"", kFormat, "\",\"time\":\"",
      absl::FormatTime(kTimeFormat, checkpoint.time, absl::UTCTimeZone()), "\",\"heads\":[");
  for (size_t i = 0; i < checkpoint.heads.size(); ++i) {
    const AuditHead& head = checkpoint.heads[i];
    absl::StrAppend(&out, i == 0 ? "" : ",", "{\"region\":", JsonQuote(head.region_code),
                    ",\"seq\":", head.seq, ",\"hash\":", JsonQuote(head.hash), "}");
  }
  out += "]";
  return out;
}

std::string Mac(const AuditCheckpoint& checkpoint, absl::string_view key) {
  return AuditDigest(key, Body(checkpoint));
}

const google::protobuf::Value* Field(const google::protobuf::Struct& object,
                                     const std::string& name) {
  auto it = object.fields().find(name);
  return it == object.fields().end() ? nullptr : &it->second;
}

absl::StatusOr<AuditCheckpoint> FromStruct(const google::protobuf::Struct& object) {
  const auto* format = Field(object, "format");
  const auto* time = Field(object, "time");
  const auto* heads = Field(object, "heads");
  const auto* mac = Field(object, "mac");
  if (format == nullptr || format->string_value() != kFormat) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint: \"format\" must be \"", kFormat, "\""));
  }
  AuditCheckpoint checkpoint;
  std::string error;
  if (time == nullptr ||
      !absl::ParseTime(kTimeFormat, time->string_value(), &checkpoint.time, &error)) {
    return absl::InvalidArgumentError("checkpoint: \"time\" is missing or malformed");
  }
  if (heads == nullptr || !heads->has_list_value() || mac == nullptr) {
    return absl::InvalidArgumentError("checkpoint: \"heads\" and \"mac\" are required");
  }
  checkpoint.mac = mac->string_value();
  for (const auto& value : heads->list_value().values()) {
    const auto* region = Field(value.struct_value(), "region");
    const auto* seq = Field(value.struct_value(), "seq");
    const auto* hash = Field(value.struct_value(), "hash");
    const std::optional<int64_t> count =
        seq == nullptr ? std::nullopt : ExactInt64(seq->number_value());
    if (region == nullptr || !count.has_value() || hash == nullptr || *count < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("checkpoint: heads[", checkpoint.heads.size(),
                       "] needs \"region\", \"seq\" (a count) and \"hash\""));
    }
    checkpoint.heads.push_back({region->string_value(), *count, hash->string_value(), ""});
  }
  return checkpoint;
}

// The checkpoint a JSON line carries: itself, or a log line's "checkpoint" field.
const google::protobuf::Struct* CheckpointIn(const google::protobuf::Struct& line) {
  if (Field(line, "format") != nullptr) {
    return &line;
  }
  const auto* nested = Field(line, "checkpoint");
  return nested != nullptr && nested->has_struct_value() ? &nested->struct_value() : nullptr;
}

}  // namespace

absl::StatusOr<AuditCheckpoint> TakeAuditCheckpoint(db::Database& db, absl::string_view key,
                                                    absl::Time now,
                                                    std::vector<std::string>* left_out) {
  AuditCheckpoint checkpoint;
  checkpoint.time = absl::FromUnixMicros(absl::ToUnixMicros(now));
  std::string after;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<AuditHead> page, ReadAuditHeadPage(db, after, kHeadPage));
    for (AuditHead& head : page) {
      after = head.region_code;
      if (!head.SealMatches(key)) {
        left_out->push_back(head.region_code);
        continue;
      }
      head.seal.clear();
      checkpoint.heads.push_back(std::move(head));
    }
    if (page.size() < kHeadPage) {
      break;
    }
  }
  checkpoint.mac = Mac(checkpoint, key);
  return checkpoint;
}

std::string AuditCheckpointJson(const AuditCheckpoint& checkpoint) {
  return absl::StrCat(Body(checkpoint), ",\"mac\":", JsonQuote(checkpoint.mac), "}");
}

absl::StatusOr<AuditCheckpoint> ParseAuditCheckpoint(absl::string_view text,
                                                     absl::string_view key) {
  std::optional<google::protobuf::Struct> found;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipWhitespace())) {
    line = absl::StripAsciiWhitespace(line);
    google::protobuf::Struct parsed;
    if (!google::protobuf::util::JsonStringToMessage(
             google::protobuf::StringPiece(line.data(), line.size()), &parsed)
             .ok()) {
      continue;  // not a JSON line (a log may hold others)
    }
    if (const auto* checkpoint = CheckpointIn(parsed); checkpoint != nullptr) {
      found = *checkpoint;
    }
  }
  if (!found.has_value()) {
    return absl::InvalidArgumentError(
        "checkpoint: no line holds a checkpoint (from `kaoping audit-checkpoint` or a service's "
        "\"audit checkpoint\" log line)");
  }
  ASSIGN_OR_RETURN(AuditCheckpoint checkpoint, FromStruct(*found));
  if (!ConstantTimeEquals(checkpoint.mac, Mac(checkpoint, key))) {
    return absl::InvalidArgumentError(
        "checkpoint: its MAC does not match under this audit key (another key, or an edited "
        "checkpoint)");
  }
  return checkpoint;
}

AuditCheckpointLogger::AuditCheckpointLogger(db::Database* db, std::string key, const Clock* clock,
                                             absl::Duration interval)
    : db_(db),
      key_(std::move(key)),
      clock_(clock),
      interval_(interval),
      loop_({.name = "audit checkpoint"}, [this]() -> absl::StatusOr<absl::Duration> {
        RETURN_IF_ERROR(LogOnce());
        return interval_;
      }) {}

absl::Status AuditCheckpointLogger::LogOnce() {
  std::vector<std::string> left_out;
  ASSIGN_OR_RETURN(AuditCheckpoint checkpoint,
                   TakeAuditCheckpoint(*db_, key_, clock_->Now(), &left_out));
  if (!left_out.empty()) {
    LogError("audit chain heads left out of the checkpoint: they do not match their seals",
             {{"regions", absl::StrJoin(left_out, ",")}, {"action", "run kaoping audit-verify"}});
  }
  LogInfo("audit checkpoint", {{"regions", static_cast<int64_t>(checkpoint.heads.size())},
                               {"checkpoint", LogValue::Json(AuditCheckpointJson(checkpoint))}});
  return absl::OkStatus();
}

}  // namespace kaoping

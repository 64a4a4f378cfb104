#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/audit/audit_chain.h"
#include "services/common/background_loop.h"
#include "services/common/clock.h"
#include "services/common/db/database.h"

namespace kaoping {

// Where every region's chain ended at one moment, kept outside the database
// (a file from `kaoping audit-checkpoint`, or the line each service logs
// periodically): verifying against it finds what the database alone cannot
// show, a chain cut back before the checkpoint or deleted whole, even with
// its seals. The checkpoint is itself MAC'd under the audit key.
struct AuditCheckpoint {
  absl::Time time;
  // Region, seq and hash of each head (their seals are not part of it).
  std::vector<AuditHead> heads;
  std::string mac;
};

// Reads every head, page by page. A head whose seal does not match is left
// out (a checkpoint never vouches for tampering) and named in *left_out.
absl::StatusOr<AuditCheckpoint> TakeAuditCheckpoint(db::Database& db, absl::string_view key,
                                                    absl::Time now,
                                                    std::vector<std::string>* left_out);

// {"format":"kaoping-audit-checkpoint/1","time":"…","heads":[{"region":"510114",
// "seq":17,"hash":"…"}],"mac":"…"} on one line.
std::string AuditCheckpointJson(const AuditCheckpoint& checkpoint);

// Accepts a checkpoint as AuditCheckpointJson writes it, or log lines of a
// service (the last line carrying a "checkpoint" is used). The MAC is
// checked under `key`; a checkpoint that does not match is refused.
absl::StatusOr<AuditCheckpoint> ParseAuditCheckpoint(absl::string_view text, absl::string_view key);

// Logs a checkpoint every `interval`, one JSON line:
// {"msg":"audit checkpoint","checkpoint":{…}}, so that the heads leave the
// machine with the logs.
class AuditCheckpointLogger {
 public:
  AuditCheckpointLogger(db::Database* db, std::string key, const Clock* clock,
                        absl::Duration interval);
  ~AuditCheckpointLogger() { Stop(); }

  void Start() { loop_.Start(); }
  void Stop() { loop_.Stop(); }
  bool running() const { return loop_.running(); }
  // One checkpoint, logged now.
  absl::Status LogOnce();

 private:
  db::Database* db_;
  std::string key_;
  const Clock* clock_;
  absl::Duration interval_;
  // Last: stopped before anything it uses is destroyed.
  BackgroundLoop loop_;
};

}  // namespace kaoping

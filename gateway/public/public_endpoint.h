#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/own_routes.h"
#include "gateway/public/proof_of_work.h"
#include "gateway/public/rater_tokens.h"
#include "gateway/rate_limiter.h"
#include "services/common/auth/service_identity.h"
#include "services/common/clock.h"
#include "services/common/config.h"
#include "services/common/server/worker_pool.h"

namespace kaoping::gateway {

class Upstream;

struct PublicEndpointOptions {
  // A header a reverse proxy in front sets to the client's address
  // (e.g. x-real-ip); empty: the TCP peer is the client.
  std::string client_header;
  // Per client address: requests a second and at once.
  double read_rate = 5, read_burst = 30;
  double report_rate = 1.0 / 60, report_burst = 3;
  double redeem_rate = 0.2, redeem_burst = 10;
  int challenge_bits = 18;
  absl::Duration challenge_lifetime = absl::Minutes(30);
  std::string challenge_key;
  absl::Duration deadline = absl::Seconds(10);
  int threads = 4;
};
// public_client_header, public_read_rate/_burst, public_report_rate/_burst,
// public_redeem_rate/_burst, public_challenge_bits (8..28),
// public_challenge_key_file, public_timeout.
absl::StatusOr<PublicEndpointOptions> PublicEndpointOptionsFromConfig(const Config& config);

// Access without an account, through the gateway's own SYSTEM credential
// (ServiceIdentity: scopes notices:read, notices:report, invitations:redeem):
//
//   GET  /public/v1/regions/{r}/publicNotices               the published notices (考察预告)
//   GET  /public/v1/regions/{r}/publicNotices/{n}           one notice
//   GET  /public/v1/challenge                               a proof-of-work challenge
//   POST /public/v1/regions/{r}/publicNotices/{n}:submitReport
//        an opinion or report (SubmitPublicReportRequest's JSON without name
//        and requestId, plus "challenge" and "nonce"): answered with the
//        receipt number only; the reporter's contact details go sealed to
//        the service and nowhere else (not logged)
//   POST /public/v1/regions/{r}:redeemInvitationCode
//        {"accessCode", "requestId"?}: the rater's code redeemed
//        (RedeemInvitationCode), answered with a RATER token for the
//        invitation: {"token", "invitation", "expireTime"}
//
// Each kind is rate-limited per client address (429 with Retry-After).
class PublicEndpoint final : public OwnRoutes {
 public:
  PublicEndpoint(PublicEndpointOptions options, Upstream* evaluations,
                 const ServiceIdentity* identity, std::unique_ptr<RaterTokenSigner> rater_tokens,
                 const Clock* clock);
  ~PublicEndpoint() override;

  absl::string_view Claims(absl::string_view path) const override;
  void Handle(http::Request request, http::Responder respond) override;

  const ProofOfWork& proof_of_work() const { return proof_of_work_; }

  // A request as routed: what it asks for, of which region and notice.
  struct Call;

 private:
  http::Response Serve(const Call& call);
  http::Response Challenge() const;
  http::Response ListNotices(const Call& call);
  http::Response GetNotice(const Call& call);
  http::Response SubmitReport(const Call& call);
  http::Response Redeem(const Call& call);
  absl::StatusOr<std::string> ServiceToken() const;

  PublicEndpointOptions options_;
  Upstream* evaluations_;
  const ServiceIdentity* identity_;
  std::unique_ptr<RaterTokenSigner> rater_tokens_;
  const Clock* clock_;
  ProofOfWork proof_of_work_;
  RateLimiter reads_;
  RateLimiter reports_;
  RateLimiter redemptions_;
  WorkerPool pool_;
};

}  // namespace kaoping::gateway

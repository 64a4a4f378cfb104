#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/common/clock.h"

namespace kaoping::gateway {

// A challenge against automated floods of anonymous reports: the page asks
// for a challenge, finds a nonce such that SHA-256(challenge ":" nonce)
// begins with `bits` zero bits (about 2^bits hashes: a fraction of a second
// for one person, a cost for a flood), and sends both with its report. A
// challenge is a MAC'd token (expiry, randomness, bits), so the gateway
// keeps no state; one challenge makes at most one report, because the
// report's request_id is derived from it (the service answers a replay with
// the first receipt).
class ProofOfWork {
 public:
  // `key`: the MAC key (gateways behind one address share it); empty: a
  // random one for this process.
  ProofOfWork(std::string key, int bits, absl::Duration lifetime, const Clock* clock);

  struct Challenge {
    std::string token;
    int bits = 0;
    absl::Time expire_time;
  };
  Challenge Issue() const;

  // OK when the token is one of ours, not expired, and the nonce (1..64
  // characters) solves it; INVALID_ARGUMENT naming `challenge` or `nonce`
  // otherwise.
  absl::Status Verify(absl::string_view token, absl::string_view nonce) const;

  // A stable identifier of a token (what request ids are made of).
  static std::string IdOf(absl::string_view token);
  // Leading zero bits of SHA-256(token ":" nonce).
  static int LeadingZeroBits(absl::string_view token, absl::string_view nonce);

 private:
  std::string key_;
  int bits_;
  absl::Duration lifetime_;
  const Clock* clock_;
};

}  // namespace kaoping::gateway

#include "services/common/auth/jwt.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cmath>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/auth/claims_json.h"
#include "services/common/crypto.h"
#include "services/common/log.h"
#include "services/common/region.h"
#include "services/common/status_macros.h"

namespace kaoping {
namespace {

constexpr size_t kMinHmacKeyBytes = 32;

absl::Status Unauthenticated(absl::string_view reason) {
  return absl::UnauthenticatedError(absl::StrCat("invalid token: ", reason));
}

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

PkeyPtr ReadPem(absl::string_view pem, bool is_private) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) {
    return nullptr;
  }
  EVP_PKEY* key = is_private ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr)
                             : PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return PkeyPtr(key);
}

absl::Status CheckKeyType(JwtAlgorithm algorithm, EVP_PKEY* key) {
  if (algorithm == JwtAlgorithm::kEdDsa && EVP_PKEY_id(key) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError("jwt key: EdDSA needs an Ed25519 key");
  }
  if (algorithm == JwtAlgorithm::kRs256) {
    if (EVP_PKEY_id(key) != EVP_PKEY_RSA) {
      return absl::InvalidArgumentError("jwt key: RS256 needs an RSA key");
    }
    if (EVP_PKEY_bits(key) < 2048) {
      return absl::InvalidArgumentError("jwt key: RSA keys shorter than 2048 bits are refused");
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> SignWithKey(JwtAlgorithm algorithm, EVP_PKEY* key,
                                        absl::string_view data) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const EVP_MD* md = algorithm == JwtAlgorithm::kRs256 ? EVP_sha256() : nullptr;
  size_t len = 0;
  std::string sig;
  bool ok = EVP_DigestSignInit(ctx, nullptr, md, nullptr, key) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                           data.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                        reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) {
    return absl::InternalError("signing failed");
  }
  return sig;
}

bool VerifyWithKey(JwtAlgorithm algorithm, EVP_PKEY* key, absl::string_view data,
                   absl::string_view sig) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const EVP_MD* md = algorithm == JwtAlgorithm::kRs256 ? EVP_sha256() : nullptr;
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

// The three parts of a compact JWS, decoded.
struct TokenParts {
  absl::string_view signing_input;  // header.payload, as signed
  std::string header_json;
  std::string payload_json;
  std::string signature;
};

absl::StatusOr<ClaimMap> ParseJson(absl::string_view json, absl::string_view what) {
  auto members = ParseClaimsJson(json);
  if (!members.ok()) {
    return Unauthenticated(
        absl::StrCat(what, " is not a JSON object (", members.status().message(), ")"));
  }
  return members;
}

// A claim that is a string or absent.
absl::StatusOr<std::string> StringClaim(const ClaimMap& claims, const std::string& name) {
  auto it = claims.find(name);
  if (it == claims.end()) {
    return std::string();
  }
  if (it->second.kind != ClaimValue::Kind::kString) {
    return Unauthenticated(absl::StrCat("claim `", name, "` must be a string"));
  }
  return it->second.string;
}

// A claim that is an array of strings or absent.
absl::StatusOr<std::vector<std::string>> StringListClaim(const ClaimMap& claims,
                                                         const std::string& name) {
  auto it = claims.find(name);
  if (it == claims.end()) {
    return std::vector<std::string>();
  }
  if (it->second.kind != ClaimValue::Kind::kStringArray) {
    return Unauthenticated(absl::StrCat("claim `", name, "` must be an array of strings"));
  }
  return it->second.strings;
}

// A NumericDate claim (seconds since the epoch) or absent.
absl::StatusOr<std::optional<absl::Time>> TimeClaim(const ClaimMap& claims,
                                                    const std::string& name) {
  auto it = claims.find(name);
  if (it == claims.end()) {
    return std::optional<absl::Time>();
  }
  // Seconds since 1970 up to the year 5000: beyond, the conversion to
  // microseconds would overflow.
  constexpr double kMaxSeconds = 95617584000.0;
  if (it->second.kind != ClaimValue::Kind::kNumber || !std::isfinite(it->second.number) ||
      std::fabs(it->second.number) > kMaxSeconds) {
    return Unauthenticated(
        absl::StrCat("claim `", name, "` must be a number of seconds since 1970 before year 5000"));
  }
  return std::optional<absl::Time>(
      absl::FromUnixMicros(static_cast<int64_t>(it->second.number * 1e6)));
}

bool IsRegionPrefix(absl::string_view p) {
  if (p.size() != 2 && p.size() != 4 && p.size() != 6) {
    return false;
  }
  for (char c : p) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return p.substr(0, 2) != "00";
}

}  // namespace

struct JwtVerifier::Key {
  PkeyPtr pkey;  // EdDSA, RS256
};

absl::StatusOr<JwtAlgorithm> ParseJwtAlgorithm(absl::string_view name) {
  if (name == "HS256") {
    return JwtAlgorithm::kHs256;
  }
  if (name == "EdDSA") {
    return JwtAlgorithm::kEdDsa;
  }
  if (name == "RS256") {
    return JwtAlgorithm::kRs256;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("jwt algorithm: \"", name, "\" is not one of HS256, EdDSA, RS256"));
}

absl::string_view JwtAlgorithmName(JwtAlgorithm algorithm) {
  switch (algorithm) {
    case JwtAlgorithm::kHs256:
      return "HS256";
    case JwtAlgorithm::kEdDsa:
      return "EdDSA";
    case JwtAlgorithm::kRs256:
      return "RS256";
  }
  return "HS256";
}

JwtVerifier::JwtVerifier(JwtVerifierOptions options, const Clock* clock)
    : options_(std::move(options)), clock_(clock), key_(std::make_unique<Key>()) {}

JwtVerifier::~JwtVerifier() = default;

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(JwtVerifierOptions options,
                                                                 const Clock* clock) {
  if (options.issuer.empty()) {
    return absl::InvalidArgumentError("jwt issuer: required");
  }
  std::unique_ptr<JwtVerifier> verifier(new JwtVerifier(std::move(options), clock));
  if (verifier->options_.algorithm == JwtAlgorithm::kHs256) {
    if (verifier->options_.key.size() < kMinHmacKeyBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("jwt key: an HS256 secret needs at least ", kMinHmacKeyBytes, " bytes"));
    }
    return verifier;
  }
  verifier->key_->pkey = ReadPem(verifier->options_.key, /*is_private=*/false);
  if (verifier->key_->pkey == nullptr) {
    return absl::InvalidArgumentError("jwt key: not a PEM public key");
  }
  if (auto st = CheckKeyType(verifier->options_.algorithm, verifier->key_->pkey.get()); !st.ok()) {
    return st;
  }
  return verifier;
}

namespace {

// Phase 1: three base64url parts.
absl::StatusOr<TokenParts> SplitToken(absl::string_view token) {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) {
    return Unauthenticated("not a compact JWS (three dot-separated parts)");
  }
  TokenParts out;
  out.signing_input = token.substr(0, parts[0].size() + 1 + parts[1].size());
  if (!Base64UrlDecode(parts[0], &out.header_json) ||
      !Base64UrlDecode(parts[1], &out.payload_json) || !Base64UrlDecode(parts[2], &out.signature)) {
    return Unauthenticated("not base64url");
  }
  return out;
}

// Phase 2: the header names the pinned algorithm and nothing we would ignore.
absl::Status CheckHeader(absl::string_view header_json, JwtAlgorithm algorithm) {
  ASSIGN_OR_RETURN(ClaimMap header, ParseJson(header_json, "header"));
  ASSIGN_OR_RETURN(std::string alg, StringClaim(header, "alg"));
  const absl::string_view expected = JwtAlgorithmName(algorithm);
  if (alg != expected) {
    return Unauthenticated(
        absl::StrCat("algorithm \"", alg, "\" is not accepted; expected ", expected));
  }
  if (header.contains("crit")) {
    return Unauthenticated("critical header extensions are not supported");
  }
  return absl::OkStatus();
}

// Phase 5: `exp` required and not past, `nbf` not ahead (both with leeway).
absl::StatusOr<absl::Time> CheckTimes(const ClaimMap& claims, absl::Time now,
                                      absl::Duration leeway) {
  ASSIGN_OR_RETURN(std::optional<absl::Time> exp, TimeClaim(claims, "exp"));
  if (!exp.has_value()) {
    return Unauthenticated("claim `exp` is required");
  }
  if (now > *exp + leeway) {
    return Unauthenticated("token expired");
  }
  ASSIGN_OR_RETURN(std::optional<absl::Time> nbf, TimeClaim(claims, "nbf"));
  if (nbf.has_value() && now + leeway < *nbf) {
    return Unauthenticated("token not valid yet (`nbf`)");
  }
  return *exp;
}

// Phase 6: our issuer, and our audience when one is configured.
absl::Status CheckIssuerAndAudience(const ClaimMap& claims, const JwtVerifierOptions& options) {
  ASSIGN_OR_RETURN(std::string iss, StringClaim(claims, "iss"));
  if (iss != options.issuer) {
    return Unauthenticated(absl::StrCat("issuer \"", iss, "\" is not trusted"));
  }
  if (options.audience.empty()) {
    return absl::OkStatus();
  }
  auto it = claims.find("aud");
  bool match = false;
  if (it != claims.end()) {
    match = it->second.string == options.audience;
    for (const std::string& aud : it->second.strings) {
      match = match || aud == options.audience;
    }
  }
  if (!match) {
    return Unauthenticated(absl::StrCat("audience does not include \"", options.audience, "\""));
  }
  return absl::OkStatus();
}

// Phase 7: who the token speaks for. At least one known role: a token
// without roles is no reader by default, it is refused.
absl::StatusOr<Principal> PrincipalFromClaims(const ClaimMap& claims) {
  Principal principal;
  ASSIGN_OR_RETURN(principal.subject, StringClaim(claims, "sub"));
  if (principal.subject.empty()) {
    return Unauthenticated("claim `sub` is required");
  }
  ASSIGN_OR_RETURN(std::vector<std::string> role_list, StringListClaim(claims, "roles"));
  for (const auto& name : role_list) {
    std::optional<Role> role = ParseRole(name);
    if (!role.has_value()) {
      return Unauthenticated(absl::StrCat("unknown role \"", name, "\""));
    }
    principal.roles.insert(*role);
  }
  ASSIGN_OR_RETURN(std::vector<std::string> region_list, StringListClaim(claims, "regions"));
  for (const auto& region : region_list) {
    if (!IsRegionPrefix(region)) {
      return Unauthenticated(
          absl::StrCat("claim `regions`: \"", region, "\" is not a GB/T 2260 code or prefix"));
    }
    principal.region_prefixes.push_back(region.size() == 6 ? RegionPrefix(region) : region);
  }
  ASSIGN_OR_RETURN(std::vector<std::string> scope_list, StringListClaim(claims, "scopes"));
  principal.scopes.insert(scope_list.begin(), scope_list.end());
  ASSIGN_OR_RETURN(principal.unit, StringClaim(claims, "unit"));
  ASSIGN_OR_RETURN(principal.cadre, StringClaim(claims, "cadre"));
  ASSIGN_OR_RETURN(principal.issuer, StringClaim(claims, "iss"));
  if (principal.roles.empty()) {
    return Unauthenticated("claim `roles` must name at least one role");
  }
  return principal;
}

}  // namespace

// Phase 3: the signature, with the pinned key, before the payload is read.
absl::Status JwtVerifier::CheckSignature(absl::string_view signing_input,
                                         absl::string_view signature) const {
  const bool ok =
      options_.algorithm == JwtAlgorithm::kHs256
          ? ConstantTimeEquals(HmacSha256(options_.key, signing_input), signature)
          : VerifyWithKey(options_.algorithm, key_->pkey.get(), signing_input, signature);
  return ok ? absl::OkStatus() : Unauthenticated("signature does not verify");
}

absl::StatusOr<Principal> JwtVerifier::Verify(absl::string_view token) const {
  ASSIGN_OR_RETURN(TokenParts parts, SplitToken(token));
  RETURN_IF_ERROR(CheckHeader(parts.header_json, options_.algorithm));
  RETURN_IF_ERROR(CheckSignature(parts.signing_input, parts.signature));
  ASSIGN_OR_RETURN(ClaimMap claims, ParseJson(parts.payload_json, "payload"));
  ASSIGN_OR_RETURN(absl::Time expiry, CheckTimes(claims, clock_->Now(), options_.leeway));
  RETURN_IF_ERROR(CheckIssuerAndAudience(claims, options_));
  ASSIGN_OR_RETURN(Principal principal, PrincipalFromClaims(claims));
  principal.expiry = expiry;
  return principal;
}

absl::Status JwtVerifier::CheckUnexpired(const Principal& principal) const {
  if (clock_->Now() > principal.expiry + options_.leeway) {
    return Unauthenticated("token expired");
  }
  return absl::OkStatus();
}

std::string KeyFromFile(JwtAlgorithm algorithm, std::string contents) {
  if (algorithm == JwtAlgorithm::kHs256) {
    while (!contents.empty() && (contents.back() == '\n' || contents.back() == '\r')) {
      contents.pop_back();
    }
  }
  return contents;
}

absl::StatusOr<std::string> SignJwtWithHeader(JwtAlgorithm algorithm, absl::string_view key,
                                              absl::string_view header_json,
                                              absl::string_view payload_json) {
  const std::string signing_input =
      absl::StrCat(Base64UrlEncode(header_json), ".", Base64UrlEncode(payload_json));
  std::string signature;
  if (algorithm == JwtAlgorithm::kHs256) {
    if (key.size() < kMinHmacKeyBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("jwt key: an HS256 secret needs at least ", kMinHmacKeyBytes, " bytes"));
    }
    signature = HmacSha256(key, signing_input);
  } else {
    PkeyPtr pkey = ReadPem(key, /*is_private=*/true);
    if (pkey == nullptr) {
      return absl::InvalidArgumentError("jwt key: not a PEM private key");
    }
    if (auto st = CheckKeyType(algorithm, pkey.get()); !st.ok()) {
      return st;
    }
    auto sig = SignWithKey(algorithm, pkey.get(), signing_input);
    if (!sig.ok()) {
      return sig.status();
    }
    signature = *sig;
  }
  return absl::StrCat(signing_input, ".", Base64UrlEncode(signature));
}

absl::StatusOr<std::string> SignJwt(JwtAlgorithm algorithm, absl::string_view key,
                                    const JwtClaims& claims) {
  auto quoted_list = [](const std::vector<std::string>& items) {
    return absl::StrCat(
        "[",
        absl::StrJoin(items, ",",
                      [](std::string* out, const std::string& s) { out->append(JsonQuote(s)); }),
        "]");
  };
  std::string payload = absl::StrCat(
      "{\"sub\":", JsonQuote(claims.subject), ",\"iss\":", JsonQuote(claims.issuer),
      ",\"iat\":", absl::ToUnixSeconds(claims.issued_at),
      ",\"exp\":", absl::ToUnixSeconds(claims.expiry), ",\"roles\":", quoted_list(claims.roles),
      ",\"regions\":", quoted_list(claims.regions));
  if (!claims.scopes.empty()) {
    absl::StrAppend(&payload, ",\"scopes\":", quoted_list(claims.scopes));
  }
  if (!claims.unit.empty()) {
    absl::StrAppend(&payload, ",\"unit\":", JsonQuote(claims.unit));
  }
  if (!claims.cadre.empty()) {
    absl::StrAppend(&payload, ",\"cadre\":", JsonQuote(claims.cadre));
  }
  if (!claims.audience.empty()) {
    absl::StrAppend(&payload, ",\"aud\":", JsonQuote(claims.audience));
  }
  payload += "}";
  const std::string header =
      absl::StrCat("{\"alg\":\"", JwtAlgorithmName(algorithm), "\",\"typ\":\"JWT\"}");
  return SignJwtWithHeader(algorithm, key, header, payload);
}

}  // namespace kaoping

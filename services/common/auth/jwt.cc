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
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/crypto.h"
#include "services/common/log.h"
#include "services/common/region.h"

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

absl::StatusOr<google::protobuf::Struct> ParseJsonObject(absl::string_view json,
                                                         absl::string_view what) {
  google::protobuf::Struct object;
  auto st = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &object);
  if (!st.ok()) {
    return Unauthenticated(absl::StrCat(what, " is not a JSON object"));
  }
  return object;
}

// A claim that is a string or absent.
absl::StatusOr<std::string> StringClaim(const google::protobuf::Struct& claims,
                                        const std::string& name) {
  auto it = claims.fields().find(name);
  if (it == claims.fields().end()) {
    return std::string();
  }
  if (it->second.kind_case() != google::protobuf::Value::kStringValue) {
    return Unauthenticated(absl::StrCat("claim `", name, "` must be a string"));
  }
  return it->second.string_value();
}

// A claim that is an array of strings or absent.
absl::StatusOr<std::vector<std::string>> StringListClaim(const google::protobuf::Struct& claims,
                                                         const std::string& name) {
  std::vector<std::string> out;
  auto it = claims.fields().find(name);
  if (it == claims.fields().end()) {
    return out;
  }
  if (it->second.kind_case() != google::protobuf::Value::kListValue) {
    return Unauthenticated(absl::StrCat("claim `", name, "` must be an array of strings"));
  }
  for (const auto& v : it->second.list_value().values()) {
    if (v.kind_case() != google::protobuf::Value::kStringValue) {
      return Unauthenticated(absl::StrCat("claim `", name, "` must be an array of strings"));
    }
    out.push_back(v.string_value());
  }
  return out;
}

// A NumericDate claim (seconds since the epoch) or absent.
absl::StatusOr<std::optional<absl::Time>> TimeClaim(const google::protobuf::Struct& claims,
                                                    const std::string& name) {
  auto it = claims.fields().find(name);
  if (it == claims.fields().end()) {
    return std::optional<absl::Time>();
  }
  // Seconds since 1970 up to the year 5000: beyond, the conversion to
  // microseconds would overflow.
  constexpr double kMaxSeconds = 95617584000.0;
  if (it->second.kind_case() != google::protobuf::Value::kNumberValue ||
      !std::isfinite(it->second.number_value()) ||
      std::fabs(it->second.number_value()) > kMaxSeconds) {
    return Unauthenticated(
        absl::StrCat("claim `", name, "` must be a number of seconds since 1970 before year 5000"));
  }
  return std::optional<absl::Time>(
      absl::FromUnixMicros(static_cast<int64_t>(it->second.number_value() * 1e6)));
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

absl::StatusOr<Principal> JwtVerifier::Verify(absl::string_view token) const {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) {
    return Unauthenticated("not a compact JWS (three dot-separated parts)");
  }
  std::string header_json, payload_json, signature;
  if (!Base64UrlDecode(parts[0], &header_json) || !Base64UrlDecode(parts[1], &payload_json) ||
      !Base64UrlDecode(parts[2], &signature)) {
    return Unauthenticated("not base64url");
  }
  auto header = ParseJsonObject(header_json, "header");
  if (!header.ok()) {
    return header.status();
  }
  auto alg = StringClaim(*header, "alg");
  if (!alg.ok()) {
    return alg.status();
  }
  const absl::string_view expected = JwtAlgorithmName(options_.algorithm);
  if (*alg != expected) {
    return Unauthenticated(
        absl::StrCat("algorithm \"", *alg, "\" is not accepted; expected ", expected));
  }
  if (header->fields().contains("crit")) {
    return Unauthenticated("critical header extensions are not supported");
  }
  const std::string signing_input = absl::StrCat(parts[0], ".", parts[1]);
  bool signature_ok = false;
  if (options_.algorithm == JwtAlgorithm::kHs256) {
    signature_ok = ConstantTimeEquals(HmacSha256(options_.key, signing_input), signature);
  } else {
    signature_ok = VerifyWithKey(options_.algorithm, key_->pkey.get(), signing_input, signature);
  }
  if (!signature_ok) {
    return Unauthenticated("signature does not verify");
  }

  auto claims = ParseJsonObject(payload_json, "payload");
  if (!claims.ok()) {
    return claims.status();
  }
  const absl::Time now = clock_->Now();
  auto exp = TimeClaim(*claims, "exp");
  if (!exp.ok()) {
    return exp.status();
  }
  if (!exp->has_value()) {
    return Unauthenticated("claim `exp` is required");
  }
  if (now > **exp + options_.leeway) {
    return Unauthenticated("token expired");
  }
  auto nbf = TimeClaim(*claims, "nbf");
  if (!nbf.ok()) {
    return nbf.status();
  }
  if (nbf->has_value() && now + options_.leeway < **nbf) {
    return Unauthenticated("token not valid yet (`nbf`)");
  }
  auto iss = StringClaim(*claims, "iss");
  if (!iss.ok()) {
    return iss.status();
  }
  if (*iss != options_.issuer) {
    return Unauthenticated(absl::StrCat("issuer \"", *iss, "\" is not trusted"));
  }
  if (!options_.audience.empty()) {
    auto aud_list = StringListClaim(*claims, "aud");
    auto aud_one = StringClaim(*claims, "aud");
    bool match = (aud_one.ok() && *aud_one == options_.audience);
    if (aud_list.ok()) {
      for (const auto& a : *aud_list) {
        match = match || a == options_.audience;
      }
    }
    if (!match) {
      return Unauthenticated(absl::StrCat("audience does not include \"", options_.audience, "\""));
    }
  }

  Principal principal;
  principal.issuer = *iss;
  principal.expiry = **exp;
  auto sub = StringClaim(*claims, "sub");
  if (!sub.ok()) {
    return sub.status();
  }
  if (sub->empty()) {
    return Unauthenticated("claim `sub` is required");
  }
  principal.subject = *sub;
  auto role_list = StringListClaim(*claims, "roles");
  if (!role_list.ok()) {
    return role_list.status();
  }
  for (const auto& role : *role_list) {
    if (!IsKnownRole(role)) {
      return Unauthenticated(absl::StrCat("unknown role \"", role, "\""));
    }
    principal.roles.insert(role);
  }
  auto region_list = StringListClaim(*claims, "regions");
  if (!region_list.ok()) {
    return region_list.status();
  }
  for (const auto& region : *region_list) {
    if (!IsRegionPrefix(region)) {
      return Unauthenticated(
          absl::StrCat("claim `regions`: \"", region, "\" is not a GB/T 2260 code or prefix"));
    }
    principal.region_prefixes.push_back(region.size() == 6 ? RegionPrefix(region) : region);
  }
  auto scope_list = StringListClaim(*claims, "scopes");
  if (!scope_list.ok()) {
    return scope_list.status();
  }
  principal.scopes.insert(scope_list->begin(), scope_list->end());
  auto unit = StringClaim(*claims, "unit");
  auto cadre = StringClaim(*claims, "cadre");
  if (!unit.ok()) {
    return unit.status();
  }
  if (!cadre.ok()) {
    return cadre.status();
  }
  principal.unit = *unit;
  principal.cadre = *cadre;
  return principal;
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

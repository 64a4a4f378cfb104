#include "services/results/roster_rows.h"

#include "google/protobuf/util/message_differencer.h"
#include "services/common/api/update_mask.h"
#include "services/common/privacy/personal_id.h"
#include "services/common/status_macros.h"
#include "services/results/field_checks.h"

namespace kaoping::results {
namespace {

constexpr size_t kMaxUnitName = 200;
constexpr size_t kMaxCadreName = 100;
constexpr size_t kMaxPostTitle = 100;
constexpr size_t kMaxExternalId = 100;

// `source`'s fields at `paths` onto `target`, cleared where `source` leaves them unset.
void CopyPaths(const std::vector<std::string>& paths, const google::protobuf::Message& source,
               google::protobuf::Message& target) {
  ApplyUpdateMask(absl::flat_hash_set<std::string>(paths.begin(), paths.end()), source, target);
}

bool SamePaths(const std::vector<std::string>& paths, const google::protobuf::Message& a,
               const google::protobuf::Message& b) {
  google::protobuf::util::MessageDifferencer differ;
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  for (const std::string& path : paths) {
    fields.push_back(a.GetDescriptor()->FindFieldByName(path));
  }
  return differ.CompareWithFields(a, b, fields, fields);
}

absl::Status CheckExternalId(const std::string& field, const std::string& external_id) {
  RETURN_IF_ERROR(CheckText(field, external_id, kMaxExternalId));
  return privacy::RefuseResidentIdNumber(field, external_id);
}

}  // namespace

const std::vector<std::string>& UnitInputPaths() {
  static const auto* paths =
      new std::vector<std::string>{"display_name", "sector", "parent_unit", "external_id", "state"};
  return *paths;
}

const std::vector<std::string>& CadreInputPaths() {
  static const auto* paths = new std::vector<std::string>{
      "display_name", "unit", "post_title", "post_tier", "rank", "sector", "status", "external_id"};
  return *paths;
}

absl::StatusOr<UnitKey> CheckUnitRow(const std::string& field, const v1::Unit& unit,
                                     const std::string& region_code) {
  // The id first, and without echoing it: it may be a personal ID number.
  RETURN_IF_ERROR(privacy::RefuseResidentIdNumber(field + ".name", unit.name()));
  ASSIGN_OR_RETURN(UnitKey key, ParseUnitName(field + ".name", unit.name(), InRegion(region_code)));
  RETURN_IF_ERROR(CheckText(field + ".display_name", unit.display_name(), kMaxUnitName, true));
  RETURN_IF_ERROR(CheckEnum(field + ".sector", unit.sector(), false));
  if (!unit.parent_unit().empty()) {
    ASSIGN_OR_RETURN(UnitKey parent, ParseUnitName(field + ".parent_unit", unit.parent_unit(),
                                                   InRegion(region_code)));
    if (parent.unit_id == key.unit_id) {
      return Invalid(field + ".parent_unit", "a unit cannot enclose itself");
    }
  }
  RETURN_IF_ERROR(CheckExternalId(field + ".external_id", unit.external_id()));
  RETURN_IF_ERROR(CheckEnum(field + ".state", unit.state(), false));
  return key;
}

absl::StatusOr<CadreKey> CheckCadreRow(const std::string& field, const v1::Cadre& cadre,
                                       const std::string& region_code) {
  RETURN_IF_ERROR(privacy::RefuseResidentIdNumber(field + ".name", cadre.name()));
  ASSIGN_OR_RETURN(CadreKey key,
                   ParseCadreName(field + ".name", cadre.name(), InRegion(region_code)));
  RETURN_IF_ERROR(CheckText(field + ".display_name", cadre.display_name(), kMaxCadreName, true));
  if (cadre.unit().empty()) {
    return Invalid(field + ".unit", "required");
  }
  RETURN_IF_ERROR(ParseUnitName(field + ".unit", cadre.unit(), InRegion(region_code)).status());
  RETURN_IF_ERROR(CheckText(field + ".post_title", cadre.post_title(), kMaxPostTitle));
  RETURN_IF_ERROR(CheckEnum(field + ".post_tier", cadre.post_tier(), true));
  RETURN_IF_ERROR(CheckEnum(field + ".rank", cadre.rank(), false));
  RETURN_IF_ERROR(CheckEnum(field + ".sector", cadre.sector(), false));
  RETURN_IF_ERROR(CheckEnum(field + ".status", cadre.status(), false));
  RETURN_IF_ERROR(CheckExternalId(field + ".external_id", cadre.external_id()));
  return key;
}

void CopyUnitInput(const v1::Unit& row, v1::Unit& target) {
  CopyPaths(UnitInputPaths(), row, target);
  if (target.state() == v1::Unit::STATE_UNSPECIFIED) {
    target.set_state(v1::Unit::ACTIVE);
  }
}

void CopyCadreInput(const v1::Cadre& row, v1::Sector unit_sector, v1::Cadre& target) {
  CopyPaths(CadreInputPaths(), row, target);
  CadreDefaults(unit_sector, target);
}

void CadreDefaults(v1::Sector unit_sector, v1::Cadre& cadre) {
  if (cadre.status() == v1::Cadre::STATUS_UNSPECIFIED) {
    cadre.set_status(v1::Cadre::ACTIVE);
  }
  if (cadre.sector() == v1::SECTOR_UNSPECIFIED) {
    cadre.set_sector(unit_sector);
  }
}

absl::Status CheckNoLoop(const std::string& field, const std::string& unit_id,
                         const std::string& parent_id,
                         const std::function<std::string(const std::string&)>& parent_of) {
  // A chain longer than any real hierarchy is a loop too.
  constexpr int kMaxDepth = 64;
  std::string current = parent_id;
  for (int depth = 0; !current.empty(); ++depth) {
    if (current == unit_id || depth == kMaxDepth) {
      return Invalid(field, "would make the unit enclose itself");
    }
    current = parent_of(current);
  }
  return absl::OkStatus();
}

bool SameUnitInput(const v1::Unit& a, const v1::Unit& b) {
  return SamePaths(UnitInputPaths(), a, b);
}

bool SameCadreInput(const v1::Cadre& a, const v1::Cadre& b) {
  return SamePaths(CadreInputPaths(), a, b);
}

}  // namespace kaoping::results

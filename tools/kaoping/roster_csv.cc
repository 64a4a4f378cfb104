#include "tools/kaoping/roster_csv.h"

#include <map>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "services/common/http/utf8.h"

namespace kaoping::cli {
namespace {

// A Chinese label and the API's name of each enum value a column holds.
struct Label {
  const char* label;
  int value;
};

constexpr Label kSectors[] = {{"乡镇（街道）", v1::TOWNSHIP},
                              {"政法、执法", v1::LAW_ENFORCEMENT},
                              {"教育", v1::EDUCATION},
                              {"卫生健康", v1::HEALTH},
                              {"国有企业", v1::STATE_ENTERPRISE},
                              {"党政机关", v1::PARTY_GOVERNMENT}};
constexpr Label kTiers[] = {{"一把手", v1::PRINCIPAL},
                            {"副职", v1::DEPUTY},
                            {"基层一线", v1::FRONTLINE},
                            {"一般干部", v1::STAFF}};
constexpr Label kRanks[] = {{"县处级正职", v1::COUNTY_DIVISION_CHIEF},
                            {"县处级副职", v1::COUNTY_DIVISION_DEPUTY},
                            {"乡科级正职", v1::TOWNSHIP_SECTION_CHIEF},
                            {"乡科级副职", v1::TOWNSHIP_SECTION_DEPUTY},
                            {"职级", v1::NON_LEADING_RANK},
                            {"其他", v1::OTHER_RANK}};
constexpr Label kCadreStatuses[] = {{"在职", v1::Cadre::ACTIVE},
                                    {"调出", v1::Cadre::TRANSFERRED_OUT},
                                    {"退休", v1::Cadre::RETIRED},
                                    {"停用", v1::Cadre::INACTIVE}};
constexpr Label kUnitStates[] = {{"存续", v1::Unit::ACTIVE}, {"撤销", v1::Unit::DISSOLVED}};

const std::vector<std::string> kUnitHeader = {"单位编号",     "单位名称", "领域",
                                              "上级单位编号", "外部编号", "状态"};
const std::vector<std::string> kCadreHeader = {
    "干部编号", "姓名", "单位编号", "职务", "职务类别", "职级", "领域", "状态", "外部编号"};

// The value of a label or of the API's name; empty is 0 (unspecified).
template <size_t N>
absl::StatusOr<int> ValueOf(const Label (&labels)[N], const google::protobuf::EnumDescriptor* e,
                            const std::string& column, absl::string_view text) {
  if (text.empty()) {
    return 0;
  }
  for (const Label& label : labels) {
    if (text == label.label) {
      return label.value;
    }
  }
  if (const auto* value = e->FindValueByName(std::string(text)); value != nullptr) {
    return value->number();
  }
  std::vector<std::string> allowed;
  for (const Label& label : labels) {
    allowed.push_back(label.label);
  }
  return absl::InvalidArgumentError(absl::StrCat(column, ": \"", http::QuotableUtf8(text, 40),
                                                 "\" is not one of ",
                                                 absl::StrJoin(allowed, "、")));
}

template <size_t N>
std::string LabelOf(const Label (&labels)[N], int value) {
  for (const Label& label : labels) {
    if (label.value == value) {
      return label.label;
    }
  }
  return "";
}

std::string Quoted(absl::string_view field) {
  if (!absl::StrContains(field, ',') && !absl::StrContains(field, '"') &&
      !absl::StrContains(field, '\n') && !absl::StrContains(field, '\r')) {
    return std::string(field);
  }
  std::string out = "\"";
  for (char c : field) {
    out += c;
    if (c == '"') {
      out += '"';
    }
  }
  return out + "\"";
}

// Excel ends lines with CRLF.
std::string Record(const std::vector<std::string>& fields) {
  std::vector<std::string> quoted;
  for (const std::string& field : fields) {
    quoted.push_back(Quoted(field));
  }
  return absl::StrCat(absl::StrJoin(quoted, ","), "\r\n");
}

std::string LastSegment(const std::string& name) { return name.substr(name.rfind('/') + 1); }

// The records of a file after its BOM, checked to be UTF-8 with the header.
absl::StatusOr<std::vector<std::vector<std::string>>> Records(
    absl::string_view bytes, const std::vector<std::string>& header) {
  absl::ConsumePrefix(&bytes, kUtf8Bom);
  if (!http::IsValidUtf8(bytes)) {
    size_t line = 1;
    for (size_t end = 0; end < bytes.size(); ++line) {
      size_t next = bytes.find('\n', end);
      next = next == absl::string_view::npos ? bytes.size() : next + 1;
      if (!http::IsValidUtf8(bytes.substr(end, next - end))) {
        break;
      }
      end = next;
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "line ", line,
        ": not UTF-8 (saved as GBK?); save the file from Excel as \"CSV UTF-8 (逗号分隔)\""));
  }
  std::vector<std::vector<std::string>> records = SplitCsv(bytes);
  if (records.empty() || records[0] != header) {
    return absl::InvalidArgumentError(
        absl::StrCat("line 1: the header must be ", absl::StrJoin(header, ",")));
  }
  return records;
}

}  // namespace

std::vector<std::vector<std::string>> SplitCsv(absl::string_view text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    any = true;
    if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
        ++i;
      }
      record.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(record));
      record.clear();
      any = false;
    } else {
      field += c;
    }
  }
  if (any || !field.empty() || !record.empty()) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  return records;
}

absl::StatusOr<ParsedCsv<v1::Unit>> ParseUnitsCsv(absl::string_view bytes,
                                                  const std::string& region_code) {
  auto records = Records(bytes, kUnitHeader);
  if (!records.ok()) {
    return records.status();
  }
  ParsedCsv<v1::Unit> parsed;
  const std::string prefix = absl::StrCat("regions/", region_code, "/units/");
  for (size_t i = 1; i < records->size(); ++i) {
    const std::vector<std::string>& r = (*records)[i];
    const int line = static_cast<int>(i) + 1;
    if (r.size() == 1 && r[0].empty()) {
      continue;  // a blank line
    }
    if (r.size() != kUnitHeader.size()) {
      parsed.errors.push_back({line, r.empty() ? "" : r[0],
                               absl::StrCat(r.size(), " columns, want ", kUnitHeader.size())});
      continue;
    }
    v1::Unit unit;
    unit.set_name(prefix + r[0]);
    unit.set_display_name(r[1]);
    if (!r[3].empty()) {
      unit.set_parent_unit(prefix + r[3]);
    }
    unit.set_external_id(r[4]);
    auto sector = ValueOf(kSectors, v1::Sector_descriptor(), "领域", r[2]);
    auto state = ValueOf(kUnitStates, v1::Unit::State_descriptor(), "状态", r[5]);
    if (!sector.ok() || !state.ok()) {
      parsed.errors.push_back(
          {line, r[0], std::string((sector.ok() ? state : sector).status().message())});
      continue;
    }
    unit.set_sector(static_cast<v1::Sector>(*sector));
    unit.set_state(static_cast<v1::Unit::State>(*state));
    parsed.rows.push_back(std::move(unit));
    parsed.lines.push_back(line);
  }
  return parsed;
}

absl::StatusOr<ParsedCsv<v1::Cadre>> ParseCadresCsv(absl::string_view bytes,
                                                    const std::string& region_code) {
  auto records = Records(bytes, kCadreHeader);
  if (!records.ok()) {
    return records.status();
  }
  ParsedCsv<v1::Cadre> parsed;
  for (size_t i = 1; i < records->size(); ++i) {
    const std::vector<std::string>& r = (*records)[i];
    const int line = static_cast<int>(i) + 1;
    if (r.size() == 1 && r[0].empty()) {
      continue;
    }
    if (r.size() != kCadreHeader.size()) {
      parsed.errors.push_back({line, r.empty() ? "" : r[0],
                               absl::StrCat(r.size(), " columns, want ", kCadreHeader.size())});
      continue;
    }
    v1::Cadre cadre;
    cadre.set_name(absl::StrCat("regions/", region_code, "/cadres/", r[0]));
    cadre.set_display_name(r[1]);
    if (!r[2].empty()) {
      cadre.set_unit(absl::StrCat("regions/", region_code, "/units/", r[2]));
    }
    cadre.set_post_title(r[3]);
    cadre.set_external_id(r[8]);
    auto tier = ValueOf(kTiers, v1::PostTier_descriptor(), "职务类别", r[4]);
    auto rank = ValueOf(kRanks, v1::CadreRank_descriptor(), "职级", r[5]);
    auto sector = ValueOf(kSectors, v1::Sector_descriptor(), "领域", r[6]);
    auto status = ValueOf(kCadreStatuses, v1::Cadre::Status_descriptor(), "状态", r[7]);
    for (const absl::StatusOr<int>* value : {&tier, &rank, &sector, &status}) {
      if (!value->ok()) {
        parsed.errors.push_back({line, r[0], std::string(value->status().message())});
        break;
      }
    }
    if (!tier.ok() || !rank.ok() || !sector.ok() || !status.ok()) {
      continue;
    }
    cadre.set_post_tier(static_cast<v1::PostTier>(*tier));
    cadre.set_rank(static_cast<v1::CadreRank>(*rank));
    cadre.set_sector(static_cast<v1::Sector>(*sector));
    cadre.set_status(static_cast<v1::Cadre::Status>(*status));
    parsed.rows.push_back(std::move(cadre));
    parsed.lines.push_back(line);
  }
  return parsed;
}

std::string UnitsCsv(const std::vector<v1::Unit>& units) {
  std::string out = absl::StrCat(kUtf8Bom, Record(kUnitHeader));
  for (const v1::Unit& unit : units) {
    absl::StrAppend(&out, Record({LastSegment(unit.name()), unit.display_name(),
                                  LabelOf(kSectors, unit.sector()),
                                  unit.parent_unit().empty() ? "" : LastSegment(unit.parent_unit()),
                                  unit.external_id(), LabelOf(kUnitStates, unit.state())}));
  }
  return out;
}

std::string CadresCsv(const std::vector<v1::Cadre>& cadres) {
  std::string out = absl::StrCat(kUtf8Bom, Record(kCadreHeader));
  for (const v1::Cadre& cadre : cadres) {
    absl::StrAppend(
        &out, Record({LastSegment(cadre.name()), cadre.display_name(), LastSegment(cadre.unit()),
                      cadre.post_title(), LabelOf(kTiers, cadre.post_tier()),
                      LabelOf(kRanks, cadre.rank()), LabelOf(kSectors, cadre.sector()),
                      LabelOf(kCadreStatuses, cadre.status()), cadre.external_id()}));
  }
  return out;
}

std::string ErrorReportCsv(const std::vector<CsvRowError>& errors) {
  std::string out = absl::StrCat(kUtf8Bom, Record({"行号", "编号", "错误"}));
  for (const CsvRowError& error : errors) {
    absl::StrAppend(&out, Record({absl::StrCat(error.line), error.id, error.message}));
  }
  return out;
}

}  // namespace kaoping::cli

// The roster CSV of the `kaoping roster` command: what Excel saves (BOM,
// CRLF, quoted fields, Chinese headers and labels) parses row by row, a
// file that is not UTF-8 or has another header is refused naming the line,
// and an export reads back as it was.
#include "tools/kaoping/roster_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"

namespace kaoping::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kCadreHeader[] = "干部编号,姓名,单位编号,职务,职务类别,职级,领域,状态,外部编号\r\n";

TEST(RosterCsvTest, ExcelsCsvUtf8ParsesRowByRow) {
  const std::string file =
      absl::StrCat(kUtf8Bom, kCadreHeader,
                   "c-1,张三,u-1,\"党委书记,镇长\",一把手,乡科级正职,乡镇（街道）,在职,HR-1\r\n",
                   "c-2,李四,u-1,副局长,DEPUTY,,教育,退休,\r\n",  // the API's name is accepted too
                   "c-3,王五,u-2,科员,一般干部,,,离职,\r\n",      // an unknown status
                   "c-4,赵六,u-2,科员\r\n",                       // too few columns
                   "\r\n");
  auto parsed = ParseCadresCsv(file, "510114");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->rows.size(), 2u);
  EXPECT_EQ(parsed->rows[0].name(), "regions/510114/cadres/c-1");
  EXPECT_EQ(parsed->rows[0].unit(), "regions/510114/units/u-1");
  EXPECT_EQ(parsed->rows[0].post_title(), "党委书记,镇长");
  EXPECT_EQ(parsed->rows[0].post_tier(), v1::PRINCIPAL);
  EXPECT_EQ(parsed->rows[0].rank(), v1::TOWNSHIP_SECTION_CHIEF);
  EXPECT_EQ(parsed->rows[0].sector(), v1::TOWNSHIP);
  EXPECT_EQ(parsed->rows[0].external_id(), "HR-1");
  EXPECT_EQ(parsed->rows[1].post_tier(), v1::DEPUTY);
  EXPECT_EQ(parsed->rows[1].status(), v1::Cadre::RETIRED);
  EXPECT_THAT(parsed->lines, ElementsAre(2, 3));
  ASSERT_EQ(parsed->errors.size(), 2u);
  EXPECT_EQ(parsed->errors[0].line, 4);
  EXPECT_EQ(parsed->errors[0].id, "c-3");
  EXPECT_THAT(parsed->errors[0].message, HasSubstr("状态"));
  EXPECT_EQ(parsed->errors[1].line, 5);
  EXPECT_THAT(parsed->errors[1].message, HasSubstr("4 columns, want 9"));
}

TEST(RosterCsvTest, AFileThatIsNotUtf8IsRefusedNamingTheLine) {
  // "张三" in GBK, as Excel's plain "CSV" saves it on a Chinese Windows.
  const std::string file = absl::StrCat(kCadreHeader, "c-1,\xD5\xC5\xC8\xFD,u-1,,,,,,\r\n");
  auto parsed = ParseCadresCsv(file, "510114");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr("line 2: not UTF-8"));
  EXPECT_THAT(parsed.status().message(), HasSubstr("CSV UTF-8"));
}

TEST(RosterCsvTest, AnotherHeaderIsRefused) {
  auto parsed = ParseUnitsCsv("id,name\r\nu-1,x\r\n", "510114");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("line 1: the header must be 单位编号"));
}

TEST(RosterCsvTest, AnExportReadsBackAsItWas) {
  v1::Unit unit;
  unit.set_name("regions/510114/units/u-2");
  unit.set_display_name("县教育局");
  unit.set_sector(v1::EDUCATION);
  unit.set_parent_unit("regions/510114/units/u-1");
  unit.set_state(v1::Unit::ACTIVE);
  v1::Cadre cadre;
  cadre.set_name("regions/510114/cadres/c-1");
  cadre.set_display_name("张\"三\"");
  cadre.set_unit(unit.name());
  cadre.set_post_title("局长,党组书记");
  cadre.set_post_tier(v1::PRINCIPAL);
  cadre.set_rank(v1::TOWNSHIP_SECTION_CHIEF);
  cadre.set_sector(v1::EDUCATION);
  cadre.set_status(v1::Cadre::ACTIVE);
  const std::string units = UnitsCsv({unit});
  const std::string cadres = CadresCsv({cadre});
  EXPECT_EQ(cadres.substr(0, 3), kUtf8Bom);
  auto units_back = ParseUnitsCsv(units, "510114");
  auto cadres_back = ParseCadresCsv(cadres, "510114");
  ASSERT_TRUE(units_back.ok() && cadres_back.ok());
  ASSERT_EQ(units_back->rows.size(), 1u);
  ASSERT_EQ(cadres_back->rows.size(), 1u);
  EXPECT_EQ(units_back->rows[0].SerializeAsString(), unit.SerializeAsString());
  EXPECT_EQ(cadres_back->rows[0].SerializeAsString(), cadre.SerializeAsString());
}

TEST(RosterCsvTest, TheErrorReportIsCsvExcelOpens) {
  const std::string report = ErrorReportCsv({{7, "c-5", "cadres[5].unit: u-9 is not a unit"}});
  EXPECT_EQ(report, absl::StrCat(kUtf8Bom,
                                 "行号,编号,错误\r\n7,c-5,cadres[5].unit: u-9 is not a unit\r\n"));
  EXPECT_THAT(SplitCsv("a,\"b,\"\"c\"\"\"\r\n"), ElementsAre(ElementsAre("a", "b,\"c\"")));
}

}  // namespace
}  // namespace kaoping::cli

// kaoping-appraisals: comprehensive appraisals and their two signatures. See README.md.
#include "services/appraisals/appraisal_service.h"
#include "services/appraisals/migrations.h"
#include "services/common/server/service_runtime.h"

int main(int argc, char** argv) {
  return kaoping::ServiceMain(argc, argv, "appraisals", kaoping::appraisals::Migrations(),
                              kaoping::appraisals::AppraisalServices,
                              kaoping::appraisals::AppraisalConfigKeys());
}

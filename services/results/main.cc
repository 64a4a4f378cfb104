// kaoping-results: roster, archives, eligibility, vetoes, decisions and handlings. See README.md.
#include "services/common/server/service_runtime.h"
#include "services/results/migrations.h"
#include "services/results/results_service.h"
#include "services/results/upstreams.h"

int main(int argc, char** argv) {
  return kaoping::ServiceMain(argc, argv, "results", kaoping::results::Migrations(),
                              kaoping::results::ResultsServices,
                              kaoping::results::ResultsConfigKeys());
}

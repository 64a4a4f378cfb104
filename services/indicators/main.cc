// kaoping-indicators: the indicator catalog service. See README.md.
#include "services/common/server/service_runtime.h"
#include "services/indicators/indicator_service.h"
#include "services/indicators/migrations.h"

int main(int argc, char** argv) {
  return kaoping::ServiceMain(argc, argv, "indicators", kaoping::indicators::Migrations(),
                              kaoping::indicators::IndicatorServices);
}

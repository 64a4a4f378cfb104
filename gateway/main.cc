// kaoping-gateway: HTTP/JSON for every RPC of the API. See README.md.
#include "gateway/gateway.h"

int main(int argc, char** argv) { return kaoping::gateway::GatewayMain(argc, argv); }

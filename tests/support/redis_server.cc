#include "tests/support/redis_server.h"

#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include <hiredis/hiredis.h>

#include "absl/strings/str_cat.h"
#include "tests/support/subprocess.h"

namespace kaoping::testing {
namespace {

bool Pings(int port) {
  timeval timeout{0, 200000};
  redisContext* c = redisConnectWithTimeout("127.0.0.1", port, timeout);
  if (c == nullptr) {
    return false;
  }
  bool ok = false;
  if (c->err == 0) {
    auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
    ok = reply != nullptr && reply->type == REDIS_REPLY_STATUS;
    if (reply != nullptr) {
      freeReplyObject(reply);
    }
  }
  redisFree(c);
  return ok;
}

// A test binary that crashed or was killed leaves its redis-server running.
void ReapAbandonedServers() {
  for (const std::string& dir : AbandonedTempDirs("kaoping-redis")) {
    pid_t redis = 0;
    if (std::ifstream(dir + "/redis.pid") >> redis; redis > 0) {
      kill(redis, SIGKILL);
    }
    RemoveTree(dir);
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start() {
  ReapAbandonedServers();
  std::unique_ptr<RedisServer> server(new RedisServer());
  auto dir = MakeOwnedTempDir("kaoping-redis");
  if (!dir.ok()) {
    return dir.status();
  }
  server->dir_ = *dir;
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto port = PickFreePort();
    if (!port.ok()) {
      return port.status();
    }
    server->port_ = *port;
    auto st = server->Launch();
    if (st.ok()) {
      return server;
    }
    if (attempt == 4) {
      return st;
    }
  }
  return absl::InternalError("unreachable");
}

absl::Status RedisServer::Launch() {
  const std::string log = dir_ + "/redis.log";
  auto pid = Spawn({"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1", "--dir",
                    dir_, "--appendonly", "yes", "--appendfsync", "always", "--save", "",
                    "--protected-mode", "no", "--daemonize", "no"},
                   log);
  if (!pid.ok()) {
    return pid.status();
  }
  pid_ = *pid;
  std::ofstream(dir_ + "/redis.pid", std::ios::trunc) << pid_;
  for (int i = 0; i < 250; ++i) {
    if (Pings(port_)) {
      return absl::OkStatus();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Terminate(pid_, SIGKILL);
  pid_ = -1;
  return absl::UnavailableError(
      absl::StrCat("redis-server did not answer on port ", port_, "; log:\n", TailOfFile(log)));
}

std::string RedisServer::url() const { return absl::StrCat("redis://127.0.0.1:", port_); }

void RedisServer::Stop() {
  Terminate(pid_, SIGTERM);
  pid_ = -1;
}

absl::Status RedisServer::Restart() {
  Stop();
  return Launch();
}

RedisServer::~RedisServer() {
  Stop();
  RemoveTree(dir_);
}

}  // namespace kaoping::testing

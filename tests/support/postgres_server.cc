#include "tests/support/postgres_server.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>
#include <vector>

#include <libpq-fe.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "tests/support/subprocess.h"

namespace kaoping::testing {
namespace {

// The newest installed server, e.g. /usr/lib/postgresql/15/bin.
absl::StatusOr<std::string> FindBinDir() {
  if (const char* env = std::getenv("KAOPING_PG_BINDIR"); env != nullptr && *env != '\0') {
    return std::string(env);
  }
  std::string best;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    std::string candidate = (entry.path() / "bin").string();
    if (std::filesystem::exists(candidate + "/initdb") && candidate > best) {
      best = candidate;
    }
  }
  if (best.empty()) {
    return absl::FailedPreconditionError(
        "no PostgreSQL server found under /usr/lib/postgresql: apt-get install postgresql");
  }
  return best;
}

std::vector<std::string> NobodyPrefix() {
  if (geteuid() == 0) {
    return {"runuser", "-u", "nobody", "--"};
  }
  return {};
}

// A test binary that crashed or was killed leaves its cluster running.
void ReapAbandonedClusters(const std::string& bin_dir) {
  for (const std::string& dir : AbandonedTempDirs("kaoping-pg")) {
    std::vector<std::string> argv = NobodyPrefix();
    argv.insert(argv.end(),
                {bin_dir + "/pg_ctl", "-D", dir + "/data", "-m", "immediate", "-w", "stop"});
    (void)RunToCompletion(argv, "/dev/null");
    RemoveTree(dir);
  }
}

absl::Status Exec(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string err = PQerrorMessage(conn);
    PQfinish(conn);
    return absl::UnavailableError(absl::StrCat("connect ", url, ": ", err));
  }
  PGresult* res = PQexec(conn, sql.c_str());
  absl::Status status = absl::OkStatus();
  if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
    status = absl::InternalError(absl::StrCat(sql, ": ", PQerrorMessage(conn)));
  }
  PQclear(res);
  PQfinish(conn);
  return status;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start() {
  std::unique_ptr<PostgresServer> server(new PostgresServer());
  if (const char* url = std::getenv("KAOPING_TEST_POSTGRES_URL"); url != nullptr && *url != '\0') {
    server->admin_url_ = url;
    if (auto st = Exec(server->admin_url_, "SELECT 1"); !st.ok()) {
      return st;
    }
    return server;
  }
  auto bin_dir = FindBinDir();
  if (!bin_dir.ok()) {
    return bin_dir.status();
  }
  server->bin_dir_ = *bin_dir;
  ReapAbandonedClusters(server->bin_dir_);
  auto dir = MakeOwnedTempDir("kaoping-pg");
  if (!dir.ok()) {
    return dir.status();
  }
  server->dir_ = *dir;
  std::vector<std::string> prefix;
  if (geteuid() == 0) {
    // initdb refuses to run as root.
    passwd* nobody = getpwnam("nobody");
    if (nobody == nullptr || chown(server->dir_.c_str(), nobody->pw_uid, nobody->pw_gid) != 0) {
      return absl::FailedPreconditionError(
          "running as root and cannot hand a directory to `nobody`");
    }
    prefix = NobodyPrefix();
  }
  auto with_prefix = [&](std::vector<std::string> argv) {
    std::vector<std::string> all = prefix;
    all.insert(all.end(), argv.begin(), argv.end());
    return all;
  };
  const std::string log = server->dir_ + "/setup.log";
  const std::string data = server->dir_ + "/data";
  if (auto st =
          RunToCompletion(with_prefix({server->bin_dir_ + "/initdb", "-D", data, "-U", "postgres",
                                       "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"}),
                          log);
      !st.ok()) {
    return st;
  }
  // A port picked free can be taken before the server binds it: retry.
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto port = PickFreePort();
    if (!port.ok()) {
      return port.status();
    }
    server->port_ = *port;
    auto st = server->Launch();
    if (st.ok()) {
      server->admin_url_ = absl::StrCat("postgresql://postgres@127.0.0.1:", *port, "/postgres");
      return server;
    }
    if (attempt == 4) {
      return st;
    }
  }
  return absl::InternalError("unreachable");
}

absl::Status PostgresServer::Launch() {
  std::vector<std::string> argv = NobodyPrefix();
  const std::string options = absl::StrCat("-p ", port_, " -k ", dir_,
                                           " -c listen_addresses=127.0.0.1 -c fsync=off"
                                           " -c synchronous_commit=off -c full_page_writes=off"
                                           " -c max_connections=200");
  argv.insert(argv.end(), {bin_dir_ + "/pg_ctl", "-D", dir_ + "/data", "-o", options, "-l",
                           dir_ + "/server.log", "-w", "-t", "60", "start"});
  auto st = RunToCompletion(argv, dir_ + "/setup.log");
  if (!st.ok()) {
    return absl::InternalError(
        absl::StrCat(st.message(), "\nserver log:\n", TailOfFile(dir_ + "/server.log")));
  }
  return absl::OkStatus();
}

absl::Status PostgresServer::Restart() {
  if (dir_.empty()) {
    return absl::FailedPreconditionError("an external PostgreSQL server is not restarted by tests");
  }
  std::vector<std::string> argv = NobodyPrefix();
  argv.insert(argv.end(), {bin_dir_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "fast", "-w", "stop"});
  if (auto st = RunToCompletion(argv, dir_ + "/setup.log"); !st.ok()) {
    return st;
  }
  return Launch();
}

absl::Status PostgresServer::SignalAll(int signal) {
  if (dir_.empty()) {
    return absl::FailedPreconditionError("an external PostgreSQL server is not signalled by tests");
  }
  pid_t postmaster = 0;
  if (!(std::ifstream(dir_ + "/data/postmaster.pid") >> postmaster) || postmaster <= 0) {
    return absl::FailedPreconditionError("postmaster.pid cannot be read");
  }
  // The postmaster first, so that it starts no backend the scan would miss.
  if (kill(postmaster, signal) != 0) {
    return absl::InternalError(absl::StrCat("kill ", postmaster, ": ", strerror(errno)));
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    pid_t pid = 0;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &pid)) {
      continue;
    }
    // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces, so
    // the fields are counted from the last ')'.
    std::ifstream stat_file(entry.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(stat_file)), {});
    const size_t paren = stat.rfind(')');
    std::istringstream rest(paren == std::string::npos ? "" : stat.substr(paren + 1));
    std::string state;
    pid_t parent = 0;
    if (rest >> state >> parent && parent == postmaster) {
      kill(pid, signal);
    }
  }
  return absl::OkStatus();
}

absl::Status PostgresServer::Freeze() { return SignalAll(SIGSTOP); }

absl::Status PostgresServer::Thaw() { return SignalAll(SIGCONT); }

PostgresServer::~PostgresServer() {
  if (dir_.empty()) {
    return;
  }
  (void)Thaw();  // a frozen server would not stop
  std::vector<std::string> argv = NobodyPrefix();
  argv.insert(argv.end(),
              {bin_dir_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"});
  (void)RunToCompletion(argv, dir_ + "/setup.log");
  RemoveTree(dir_);
}

absl::StatusOr<std::string> PostgresServer::CreateDatabase(const std::string& prefix) {
  static std::atomic<int> counter{0};
  std::string name = absl::StrCat(prefix, "_", getpid(), "_", counter++);
  if (auto st = Exec(admin_url_, absl::StrCat("CREATE DATABASE ", name)); !st.ok()) {
    return st;
  }
  std::string url = admin_url_.substr(0, admin_url_.rfind('/') + 1) + name;
  return url;
}

}  // namespace kaoping::testing

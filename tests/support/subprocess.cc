#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

extern char** environ;

namespace kaoping::testing {

absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& argv, const std::string& log_path) {
  if (argv.empty()) {
    return absl::InvalidArgumentError("Spawn: empty argv");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return absl::InternalError(absl::StrCat("cannot start ", argv[0], ": ", strerror(rc)));
  }
  return pid;
}

absl::Status RunToCompletion(const std::vector<std::string>& argv, const std::string& log_path) {
  auto pid = Spawn(argv, log_path);
  if (!pid.ok()) {
    return pid.status();
  }
  int status = 0;
  while (waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    return absl::OkStatus();
  }
  return absl::InternalError(absl::StrCat("`", absl::StrJoin(argv, " "), "` failed (status ",
                                          status, "); log:\n", TailOfFile(log_path)));
}

void Terminate(pid_t pid, int signal, int timeout_ms) {
  if (pid <= 0) {
    return;
  }
  kill(pid, signal);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill(pid, SIGKILL);
  waitpid(pid, &status, 0);
}

absl::StatusOr<int> PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    return absl::InternalError("socket() failed");
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    close(fd);
    return absl::InternalError("cannot bind a free port");
  }
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

std::string TailOfFile(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  return s.size() > max_bytes ? s.substr(s.size() - max_bytes) : s;
}

namespace {

std::string TempRoot() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

constexpr char kOwnerFile[] = "/owner.pid";

}  // namespace

absl::StatusOr<std::string> MakeOwnedTempDir(const std::string& prefix) {
  auto dir = MakeTempDir(prefix);
  if (dir.ok()) {
    std::ofstream(*dir + kOwnerFile) << getpid();
  }
  return dir;
}

std::vector<std::string> AbandonedTempDirs(const std::string& prefix) {
  std::vector<std::string> abandoned;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(TempRoot(), ec)) {
    if (entry.path().filename().string().rfind(prefix + "-", 0) != 0) {
      continue;
    }
    const std::string dir = entry.path().string();
    std::ifstream owner_file(dir + kOwnerFile);
    pid_t owner = 0;
    if (!(owner_file >> owner) || owner <= 0 || kill(owner, 0) == 0 || errno != ESRCH) {
      continue;  // still owned, or not ours to judge
    }
    abandoned.push_back(dir);
  }
  return abandoned;
}

absl::StatusOr<std::string> MakeTempDir(const std::string& prefix) {
  std::string templ = absl::StrCat(TempRoot(), "/", prefix, "-XXXXXX");
  if (mkdtemp(templ.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("mkdtemp ", templ, ": ", strerror(errno)));
  }
  return templ;
}

void RemoveTree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

}  // namespace kaoping::testing

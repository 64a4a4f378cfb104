// ThreadSanitizer builds only (KAOPING_TSAN). Debian's Abseil is a shared
// library built without TSan, so its Mutex, CondVar and Notification are
// invisible to it: every field a mutex guards would be reported as a race.
// This file defines the synchronization entry points in the test binary
// (which exports them, -rdynamic, so calls from libgrpc and from libabsl
// itself land here too); each calls the library's own through dlsym and
// tells TSan the happens-before it implies: an unlock releases the mutex's
// address, a lock acquires it, a wait does both.
#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"

#define KAOPING_STR2(x) #x
#define KAOPING_STR(x) KAOPING_STR2(x)

namespace {

// The library's definition of the member whose mangled name, after
// "_ZN4absl<ns>" (or "_ZNK4absl<ns>" when `is_const`), is `rest`.
void* Real(const char* rest, bool is_const = false) {
  const char* ns = KAOPING_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  const std::string name = std::string(is_const ? "_ZNK4absl" : "_ZN4absl") +
                           std::to_string(std::strlen(ns)) + ns + rest;
  void* f = dlsym(RTLD_NEXT, name.c_str());
  if (f == nullptr) {
    std::fprintf(stderr, "tsan annotations: %s not found\n", name.c_str());
    std::abort();
  }
  return f;
}

template <typename F>
F RealAs(const char* rest, bool is_const = false) {
  return reinterpret_cast<F>(Real(rest, is_const));
}

void Acquire(const void* p) { __tsan_acquire(const_cast<void*>(p)); }
void Release(const void* p) { __tsan_release(const_cast<void*>(p)); }

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

using Cond = const Condition&;

void Mutex::Lock() {
  static auto real = RealAs<void (*)(Mutex*)>("5Mutex4LockEv");
  real(this);
  Acquire(this);
}

void Mutex::ReaderLock() {
  static auto real = RealAs<void (*)(Mutex*)>("5Mutex10ReaderLockEv");
  real(this);
  Acquire(this);
}

bool Mutex::TryLock() {
  static auto real = RealAs<bool (*)(Mutex*)>("5Mutex7TryLockEv");
  const bool locked = real(this);
  if (locked) {
    Acquire(this);
  }
  return locked;
}

bool Mutex::ReaderTryLock() {
  static auto real = RealAs<bool (*)(Mutex*)>("5Mutex13ReaderTryLockEv");
  const bool locked = real(this);
  if (locked) {
    Acquire(this);
  }
  return locked;
}

void Mutex::Unlock() {
  static auto real = RealAs<void (*)(Mutex*)>("5Mutex6UnlockEv");
  Release(this);
  real(this);
}

void Mutex::ReaderUnlock() {
  static auto real = RealAs<void (*)(Mutex*)>("5Mutex12ReaderUnlockEv");
  Release(this);
  real(this);
}

void Mutex::LockWhen(Cond cond) {
  static auto real = RealAs<void (*)(Mutex*, Cond)>("5Mutex8LockWhenERKNS0_9ConditionE");
  real(this, cond);
  Acquire(this);
}

void Mutex::ReaderLockWhen(Cond cond) {
  static auto real = RealAs<void (*)(Mutex*, Cond)>("5Mutex14ReaderLockWhenERKNS0_9ConditionE");
  real(this, cond);
  Acquire(this);
}

bool Mutex::LockWhenWithTimeout(Cond cond, Duration timeout) {
  static auto real = RealAs<bool (*)(Mutex*, Cond, Duration)>(
      "5Mutex19LockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const bool met = real(this, cond, timeout);
  Acquire(this);  // held either way
  return met;
}

bool Mutex::LockWhenWithDeadline(Cond cond, Time deadline) {
  static auto real = RealAs<bool (*)(Mutex*, Cond, Time)>(
      "5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const bool met = real(this, cond, deadline);
  Acquire(this);
  return met;
}

bool Mutex::ReaderLockWhenWithTimeout(Cond cond, Duration timeout) {
  static auto real = RealAs<bool (*)(Mutex*, Cond, Duration)>(
      "5Mutex25ReaderLockWhenWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  const bool met = real(this, cond, timeout);
  Acquire(this);
  return met;
}

bool Mutex::ReaderLockWhenWithDeadline(Cond cond, Time deadline) {
  static auto real = RealAs<bool (*)(Mutex*, Cond, Time)>(
      "5Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  const bool met = real(this, cond, deadline);
  Acquire(this);
  return met;
}

void Mutex::Await(Cond cond) {
  static auto real = RealAs<void (*)(Mutex*, Cond)>("5Mutex5AwaitERKNS0_9ConditionE");
  Release(this);
  real(this, cond);
  Acquire(this);
}

bool Mutex::AwaitWithTimeout(Cond cond, Duration timeout) {
  static auto real = RealAs<bool (*)(Mutex*, Cond, Duration)>(
      "5Mutex16AwaitWithTimeoutERKNS0_9ConditionENS0_8DurationE");
  Release(this);
  const bool met = real(this, cond, timeout);
  Acquire(this);
  return met;
}

bool Mutex::AwaitWithDeadline(Cond cond, Time deadline) {
  static auto real =
      RealAs<bool (*)(Mutex*, Cond, Time)>("5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE");
  Release(this);
  const bool met = real(this, cond, deadline);
  Acquire(this);
  return met;
}

void CondVar::Wait(Mutex* mu) {
  static auto real = RealAs<void (*)(CondVar*, Mutex*)>("7CondVar4WaitEPNS0_5MutexE");
  Release(mu);
  real(this, mu);
  Acquire(mu);
}

bool CondVar::WaitWithTimeout(Mutex* mu, Duration timeout) {
  static auto real = RealAs<bool (*)(CondVar*, Mutex*, Duration)>(
      "7CondVar15WaitWithTimeoutEPNS0_5MutexENS0_8DurationE");
  Release(mu);
  const bool timed_out = real(this, mu, timeout);
  Acquire(mu);
  return timed_out;
}

bool CondVar::WaitWithDeadline(Mutex* mu, Time deadline) {
  static auto real =
      RealAs<bool (*)(CondVar*, Mutex*, Time)>("7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE");
  Release(mu);
  const bool timed_out = real(this, mu, deadline);
  Acquire(mu);
  return timed_out;
}

void Notification::Notify() {
  static auto real = RealAs<void (*)(Notification*)>("12Notification6NotifyEv");
  Release(this);
  real(this);
}

void Notification::WaitForNotification() const {
  static auto real =
      RealAs<void (*)(const Notification*)>("12Notification19WaitForNotificationEv", true);
  real(this);
  Acquire(this);
}

bool Notification::WaitForNotificationWithTimeout(Duration timeout) const {
  static auto real = RealAs<bool (*)(const Notification*, Duration)>(
      "12Notification30WaitForNotificationWithTimeoutENS0_8DurationE", true);
  const bool notified = real(this, timeout);
  Acquire(this);
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(Time deadline) const {
  static auto real = RealAs<bool (*)(const Notification*, Time)>(
      "12Notification31WaitForNotificationWithDeadlineENS0_4TimeE", true);
  const bool notified = real(this, deadline);
  Acquire(this);
  return notified;
}

ABSL_NAMESPACE_END
}  // namespace absl

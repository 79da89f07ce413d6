// Helpers for the local engine's tests: building commit requests, bounded waiting, and
// forcing commits into one group by holding the leader's fsync in a FaultInjectionFs.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "kv/engine/fault_injection_fs.h"
#include "kv/engine/local_engine.h"

namespace tenantdb::kv::testing {

// Polls `done` every millisecond for at most `limit`.
template <typename Pred>
bool WaitUntil(Pred done, std::chrono::milliseconds limit = std::chrono::milliseconds(20'000)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

inline KeyRange Point(const std::string& key) { return {key, key + std::string(1, '\0')}; }

inline Mutation SetMutation(const std::string& key, const std::string& value) {
  return Mutation{MutationType::kSet, key, value};
}

// A current read version (BeginRead first advances the version of an idle store).
inline Version ReadVersion(Engine& engine) {
  auto view = engine.BeginRead();
  EXPECT_TRUE(view.ok()) << view.status().ToString();
  return view.ok() ? (*view)->version() : 0;
}

// `key`'s value at the newest version, "<missing>" if absent.
inline std::string ValueOf(Engine& engine, const std::string& key) {
  auto view = engine.BeginRead();
  EXPECT_TRUE(view.ok()) << view.status().ToString();
  if (!view.ok()) return "<error>";
  auto v = (*view)->Get(key);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  if (!v.ok()) return "<error>";
  return v->value_or("<missing>");
}

struct GroupOutcome {
  Result<CommitResult> leader = Error(ErrorCode::kInternalError, "not run");
  std::vector<Result<CommitResult>> results;  // in request order
  uint64_t wal_syncs_before = 0;              // WAL syncs before the hold was released
};

// Forces `requests` into one commit group: holds the log append of a first commit (the
// blocker, writing key "blocker") so it keeps the write stage while the requests queue behind
// it, one at a time in the order given (the order the group resolves them in), calls `while_held`
// (e.g. to inject a fault for the group's append), then lets the appends through while holding the
// log's fsyncs until the group is written (the write stage does not wait for the fsync), and then
// releases them. REQUIRES: the store's durability is sync.
inline GroupOutcome CommitAsOneGroup(LocalEngine& engine, FaultInjectionFs& fs,
                                     std::vector<CommitRequest> requests,
                                     const std::function<void()>& while_held = {}) {
  GroupOutcome out;
  out.results.assign(requests.size(), Error(ErrorCode::kInternalError, "not run"));
  CommitRequest blocker;
  blocker.read_version = ReadVersion(engine);
  blocker.mutations.push_back(SetMutation("blocker", "x"));
  blocker.write_conflicts.push_back(Point("blocker"));
  fs.HoldWalAppends(true);
  fs.HoldWalSyncs(true);
  std::thread leader([&] { out.leader = engine.Commit(std::move(blocker)); });
  EXPECT_TRUE(WaitUntil([&] { return fs.WaitingWalAppends() == 1; }))
      << "the first commit never reached its append";
  std::vector<std::thread> threads;
  for (size_t i = 0; i < requests.size(); ++i) {
    threads.emplace_back([&, i] { out.results[i] = engine.Commit(std::move(requests[i])); });
    // Queued in the order given, so the group resolves them in that order.
    EXPECT_TRUE(WaitUntil([&] { return engine.QueuedCommits() == i + 2; }))
        << "queued: " << engine.QueuedCommits() << ", want " << i + 2;
  }
  if (while_held) while_held();
  fs.HoldWalAppends(false);
  EXPECT_TRUE(WaitUntil([&] { return engine.QueuedCommits() == 0; }))
      << "the group was never written; queued: " << engine.QueuedCommits();
  out.wal_syncs_before = fs.WalSyncs();
  fs.HoldWalSyncs(false);
  leader.join();
  for (auto& t : threads) t.join();
  return out;
}

}  // namespace tenantdb::kv::testing

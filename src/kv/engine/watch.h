// Watches: the shared state behind tenantdb::Watch, and the registry an engine keeps of the
// watches waiting for a key to change.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "kv/engine/engine.h"

namespace tenantdb::kv {

// Completed once, with OK (the value changed) or an error. Thread-safe.
struct WatchState {
  // Completes the watch with `result` unless it is already complete.
  void Finish(Status result);
  bool done() const;

  mutable std::mutex mu;
  std::condition_variable cv;
  bool finished = false;
  Status result;
};

// Watches waiting on keys. Thread-safe.
class WatchRegistry {
 public:
  static constexpr size_t kMaxWatches = 10'000;

  ~WatchRegistry();  // cancels every pending watch

  // Adds a watch; `lookup(key)` (a Result<std::optional<std::string>>) reads the key's newest
  // value under the registry's lock, so no commit can slip between that read and the watch
  // being registered. Fires at once if the value differs from what the watcher saw.
  // Errors: too_many_watches, or the lookup's error.
  template <typename Lookup>
  Status Add(WatchRequest request, Lookup&& lookup);

  // Calls `lookup(key)` for each watched key in [begin, end) and fires the watches whose seen
  // value differs from the result.
  template <typename Lookup>
  void Check(std::string_view begin, std::string_view end, Lookup&& lookup);

  size_t size() const;

 private:
  Status MakeRoomLocked(const WatchRequest& request);

  mutable std::mutex mu_;
  std::multimap<std::string, WatchRequest, std::less<>> watches_;  // GUARDED_BY(mu_)
};

template <typename Lookup>
Status WatchRegistry::Add(WatchRequest request, Lookup&& lookup) {
  std::lock_guard<std::mutex> l(mu_);
  auto current = lookup(std::string_view(request.key));
  if (!current.ok()) {
    request.state->Finish(current.status());
    return current.status();
  }
  if (*current != request.seen) {
    request.state->Finish(Status::OK());
    return Status::OK();
  }
  TDB_RETURN_IF_ERROR(MakeRoomLocked(request));
  std::string key = request.key;
  watches_.emplace(std::move(key), std::move(request));
  return Status::OK();
}

template <typename Lookup>
void WatchRegistry::Check(std::string_view begin, std::string_view end, Lookup&& lookup) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = watches_.lower_bound(begin);
  while (it != watches_.end() && it->first < end) {
    if (it->second.state->done()) {
      it = watches_.erase(it);
      continue;
    }
    if (lookup(std::string_view(it->first)) != it->second.seen) {
      it->second.state->Finish(Status::OK());
      it = watches_.erase(it);
      continue;
    }
    ++it;
  }
}

}  // namespace tenantdb::kv

#include "kv/engine/watch.h"

#include "tenantdb/transaction.h"

namespace tenantdb {

bool Watch::IsReady() const { return state_ == nullptr || state_->done(); }

Status Watch::Wait(std::chrono::milliseconds timeout) const {
  if (state_ == nullptr) return Error(ErrorCode::kWatchCancelled, "watch was never set");
  std::unique_lock<std::mutex> l(state_->mu);
  if (!state_->cv.wait_for(l, timeout, [&] { return state_->finished; })) {
    return Error(ErrorCode::kTimedOut, "watch did not fire before the timeout");
  }
  return state_->result;
}

void Watch::Cancel() {
  if (state_ != nullptr) state_->Finish(Error(ErrorCode::kWatchCancelled, "watch cancelled"));
}

namespace kv {

void WatchState::Finish(Status r) {
  {
    std::lock_guard<std::mutex> l(mu);
    if (finished) return;
    finished = true;
    result = std::move(r);
  }
  cv.notify_all();
}

bool WatchState::done() const {
  std::lock_guard<std::mutex> l(mu);
  return finished;
}

WatchRegistry::~WatchRegistry() {
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [key, w] : watches_) {
    w.state->Finish(Error(ErrorCode::kWatchCancelled, "database closed"));
  }
}

Status WatchRegistry::MakeRoomLocked(const WatchRequest& request) {
  if (watches_.size() < kMaxWatches) return Status::OK();
  std::erase_if(watches_, [](const auto& w) { return w.second.state->done(); });
  if (watches_.size() < kMaxWatches) return Status::OK();
  Status s = Error(ErrorCode::kTooManyWatches,
                   "the database already has " + std::to_string(kMaxWatches) + " watches");
  request.state->Finish(s);
  return s;
}

size_t WatchRegistry::size() const {
  std::lock_guard<std::mutex> l(mu_);
  return watches_.size();
}

}  // namespace kv
}  // namespace tenantdb

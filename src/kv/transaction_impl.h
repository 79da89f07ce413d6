// The client-side transaction, written once above the Engine interface: read-your-writes,
// conflict-range tracking, limits, versionstamp placeholders and watches. The public
// tenantdb::Transaction forwards to it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kv/engine/engine.h"
#include "kv/write_map.h"
#include "tenantdb/transaction.h"

namespace tenantdb::kv {

class TransactionImpl {
 public:
  // REQUIRES: `engine` outlives the transaction (a Database outlives its transactions).
  TransactionImpl(Engine* engine, const TransactionOptions& options);
  ~TransactionImpl();

  Result<std::optional<std::string>> Get(std::string_view key, Snapshot snapshot);
  Result<std::string> GetKey(const KeySelector& selector, Snapshot snapshot);
  Result<RangeResult> GetRange(const KeySelector& begin, const KeySelector& end,
                               const RangeOptions& options);
  // `strip`: for layers that confine a transaction to a prefix of that many bytes, which every
  // key in [begin, end) shares with `begin`: results come without it.
  Result<RangeResult> GetRange(std::string_view begin, std::string_view end,
                               const RangeOptions& options, size_t strip = 0);

  // Selector resolution and selector ranges confined to [lower, upper): a selector that would
  // walk past either end stops there (resolving to `upper` or `lower`), and no read or
  // conflict range leaves the bounds. For layers that confine a transaction (tenants).
  Result<std::string> ResolveWithin(const KeySelector& selector, Snapshot snapshot,
                                    std::string_view lower, std::string_view upper);
  // With `strip` as for GetRange (`lower` starts with the prefix).
  Result<RangeResult> GetRangeWithin(const KeySelector& begin, const KeySelector& end,
                                     const RangeOptions& options, std::string_view lower,
                                     std::string_view upper, size_t strip = 0);

  Status Set(std::string_view key, std::string_view value);
  Status Clear(std::string_view key);
  Status ClearRange(std::string_view begin, std::string_view end);
  Status Atomic(MutationType op, std::string_view key, std::string_view param);
  // For the layers' own counters (a tenant's usage): an atomic add (kAdd) whose result may
  // become readable later than its commit (Mutation::deferred; Engine::PublishDeferred makes
  // it readable). Blind in every way: no write conflict (no reader of the key conflicts with
  // it) and not seen by this transaction's own reads.
  Status AddDeferred(std::string_view key, std::string param);
  Status SetVersionstamped(MutationType type, std::string_view key, std::string_view value);
  Result<Watch> WatchKey(std::string_view key);

  Status AddReadConflictRange(std::string_view begin, std::string_view end);
  // For layers that cache what they read (the tenant layer's directory entry): the commit
  // fails with not_committed if [begin, end) was written after `since`. Unchecked keys;
  // `range` must outlive the transaction (it is not copied).
  void AddReadConflictSince(const KeyRange* range, Version since);
  // The read version if the transaction has one yet.
  std::optional<Version> ReadVersionIfSet() const {
    if (view_ == nullptr) return std::nullopt;
    return view_->version();
  }
  Status AddWriteConflictRange(std::string_view begin, std::string_view end);

  Result<Version> GetReadVersion();
  Status SetReadVersion(Version version);
  Status Commit();
  Result<Version> GetCommittedVersion() const;
  Result<std::string> GetVersionstamp() const;
  int64_t ApproximateSize() const { return size_; }
  void Reset();

 private:
  // The read view, opened at the first read. Fails with transaction_too_old once the view is
  // more than kMaxReadVersionLag versions behind the engine's clock.
  Result<const ReadView*> View();
  Status CheckUsable() const;
  Status CheckKey(std::string_view key, std::string_view what) const;
  Status CheckRangeBound(std::string_view key, std::string_view what) const;
  Status CheckValue(std::string_view value) const;
  // Accounts `bytes` more of the transaction; past the size limit the transaction fails
  // (this call and its commit) with transaction_too_large.
  Status Grow(int64_t bytes);
  Status AddWriteMutation(Mutation m);
  void AddReadConflict(std::string begin, std::string end, Snapshot snapshot);
  Result<RangeResult> ReadRange(std::string_view begin, std::string_view end,
                                const RangeOptions& options, size_t strip = 0);
  std::string_view LegalEnd() const;
  void CancelWatches(const Status& why);

  // Copies of keys that must outlive the caller's buffers until the commit (the read
  // points): an inline block, then heap blocks, none ever moved, so copying a point read's
  // key allocates nothing for the first few hundred bytes whatever the key's length.
  class KeyArena {
   public:
    KeyArena() = default;
    KeyArena(const KeyArena&) = delete;
    KeyArena& operator=(const KeyArena&) = delete;
    std::string_view Copy(std::string_view key);
    void Clear();

   private:
    static constexpr size_t kInline = 256;
    static constexpr size_t kBlock = 4096;
    char inline_[kInline];
    char* block_ = inline_;  // the block being filled
    size_t capacity_ = kInline;
    size_t used_ = 0;
    std::vector<std::unique_ptr<char[]>> heap_;  // blocks past the inline one
  };

  Engine* engine_;  // not owned: no shared reference count touched per transaction
  TransactionOptions options_;
  std::shared_ptr<const ReadView> view_;
  // The transaction's writes as its reads see them: built from mutations_ by the first read
  // after a write (Writes), so a transaction that only writes (a blind write, a counter, a
  // bulk load) never builds it.
  const WriteMap& Writes();
  WriteMap writes_;
  size_t replayed_ = 0;  // mutations_[0, replayed_) are in writes_
  std::vector<Mutation> mutations_;
  std::vector<KeyRange> read_conflicts_;
  CommitRequest::ReadPoints read_points_;  // CommitRequest::read_points, in keys_
  KeyArena keys_;
  CommitRequest::ReadsSince read_conflicts_since_;
  std::vector<KeyRange> write_conflicts_;
  std::vector<WatchRequest> watches_;
  int64_t size_ = 0;
  Status poisoned_;  // transaction_too_large: the commit must fail too
  bool committed_ = false;
  std::optional<CommitResult> commit_result_;
};

}  // namespace tenantdb::kv

// The seam between the client-side transaction (written once, in kv/) and a storage engine.
//
// An engine: opens read views (a read version and reads at it), resolves and applies commit
// requests against their read version, and fires watches. Read-your-writes, conflict-range
// tracking, limits and versionstamp placeholders live above this interface. This is how a
// FoundationDB client relates to its cluster; the local RocksDB engine, a remote server and a
// distributed engine all implement it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// GCC 12 at -O3 warns that moving an InlinedVector of trivially copyable elements copies its
// unused inline storage uninitialized (it does, harmlessly: absl copies the whole union).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <absl/container/inlined_vector.h>
#pragma GCC diagnostic pop

#include "tenantdb/mutation.h"
#include "tenantdb/options.h"
#include "tenantdb/status.h"

namespace tenantdb::kv {

struct WatchState;

// [begin, end) in key order.
struct KeyRange {
  std::string begin;
  std::string end;
  friend bool operator==(const KeyRange&, const KeyRange&) = default;
};

// The width of a versionstamp: an 8-byte commit version and a 2-byte order within the commit.
inline constexpr size_t kStampSize = 10;

// One buffered write. For kClearRange, `param` is the end key; for versionstamped kinds the
// placeholder offset has already been validated and stripped into `stamp_offset`.
struct Mutation {
  MutationType type;
  std::string key;
  std::string param;
  uint32_t stamp_offset = 0;
  // An atomic add (kAdd only; other types ignore it) whose result may become readable after
  // its commit's version (at the latest by the next PublishDeferred, or after a restart),
  // though it is durable and atomic with its commit like any write: for a counter nearly every
  // commit adds to, such as a tenant's usage, which an engine can then keep out of its ordered
  // store between publications. An engine may publish it at once. Such a key must get only
  // blind writes besides: deferred adds take no write conflict, so a read-modify-write of the
  // key would not see (and would overwrite) adds committed after its read version.
  bool deferred = false;
};

// A watch to start when the commit is applied: fire when `key`'s value differs from `seen`.
struct WatchRequest {
  std::string key;
  std::optional<std::string> seen;
  std::shared_ptr<WatchState> state;
};

// A range read at `since`, an earlier version than the transaction's read version (e.g. a
// cached directory entry): the commit fails if the range was written after `since`.
// The range is not copied: the same one (a tenant's entry) goes with many commits, and its
// owner keeps it for longer than any commit naming it (plain data, so moving a request with
// one costs no reference counting).
struct ReadSince {
  Version since = 0;
  const KeyRange* range = nullptr;
};

struct CommitRequest {
  Version read_version = 0;
  std::vector<KeyRange> read_conflicts;
  // Keys read, each the range [key, key + "\0"): apart from the ranges, so a point read costs
  // one copy of its key instead of two strings. The bytes belong to the caller and stay valid
  // until Commit returns (the transaction keeps them in its own arena: no allocation per
  // key). The first inline: a transaction reading one key (a point get, a read-modify-write)
  // allocates no vector for it.
  using ReadPoints = absl::InlinedVector<std::string_view, 1>;
  ReadPoints read_points;
  // Checked from their own versions; one older than the MVCC window always conflicts. Inline:
  // a tenant's write transaction has one (its entry), and a heap vector per commit costs.
  using ReadsSince = absl::InlinedVector<ReadSince, 1>;
  ReadsSince read_conflicts_since;
  // The explicit ones only: every mutation implies its own, which the engine records
  // (Resolver::RecordImplied) without the transaction spelling it out.
  std::vector<KeyRange> write_conflicts;
  std::vector<Mutation> mutations;  // in the order the transaction made them
  // Makes the result of every deferred operation committed before this one readable at this
  // commit's version (see Engine::PublishDeferred).
  bool publish_deferred = false;
};

struct CommitResult {
  Version version = 0;
  uint16_t batch_order = 0;  // position within the commit version; versionstamp bytes 8-9
};

// Iterates a read view in key order within the bounds it was created with.
// Not thread-safe; one user at a time.
class EngineIterator {
 public:
  virtual ~EngineIterator() = default;
  virtual void Seek(std::string_view key) = 0;         // first key >= key
  virtual void SeekForPrev(std::string_view key) = 0;  // last key <= key
  virtual void Next() = 0;
  virtual void Prev() = 0;
  virtual bool Valid() const = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // An error met while iterating (Valid() is then false).
  virtual Status status() const = 0;
};

// A consistent snapshot of the store at version(). Thread-safe; shared by the transactions
// that start at the same version.
class ReadView {
 public:
  virtual ~ReadView() = default;
  virtual Version version() const = 0;
  virtual Result<std::optional<std::string>> Get(std::string_view key) const = 0;
  // An iterator over keys in [lower, upper).
  virtual std::unique_ptr<EngineIterator> NewIterator(std::string_view lower,
                                                      std::string_view upper) const = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;

  // A view at the newest committed version. Errors: store_closed, io_error.
  virtual Result<std::shared_ptr<const ReadView>> BeginRead() = 0;

  // A view at an older committed version, if the engine still has it; else
  // transaction_too_old (or future_version-like invalid_argument when not yet committed).
  virtual Result<std::shared_ptr<const ReadView>> ReadAt(Version version) = 0;

  // Resolves `request` against every commit after request.read_version and, if there is no
  // conflict, applies it durably (per the engine's durability) with a new version.
  // Errors: not_committed (conflict), transaction_too_old (read version more than
  // kMaxReadVersionLag behind the commit version), io_error, no_space, store_closed.
  // Thread-safe; concurrent callers may be grouped into one durable write.
  virtual Result<CommitResult> Commit(CommitRequest request) = 0;

  // Starts `request` (from a committed or read-only transaction): fires it when the key's
  // newest value differs from request.seen. Errors: too_many_watches.
  virtual Status AddWatch(WatchRequest request) = 0;

  // The version a commit made now would get at least: for transaction_too_old checks on reads.
  virtual Version NowVersion() = 0;

  // The newest committed version.
  virtual Version CommittedVersion() const = 0;

  // An estimate of the bytes stored for keys in [begin, end), cheap enough to call often
  // (it does not scan). Errors: io_error.
  virtual Result<int64_t> EstimateSize(std::string_view begin, std::string_view end) = 0;

  // Makes the results of every deferred operation (Mutation::deferred) acknowledged before
  // this call readable to transactions that start after it returns. Errors: as Commit's.
  // By default a commit that asks for it; an engine may know that nothing waits.
  virtual Status PublishDeferred() {
    CommitRequest request;
    request.read_version = NowVersion();
    request.publish_deferred = true;
    return Commit(std::move(request)).status();
  }
};

}  // namespace tenantdb::kv

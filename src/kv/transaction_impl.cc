#include "kv/transaction_impl.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "common/printable.h"
#include "kv/engine/watch.h"
#include "kv/merged_cursor.h"

namespace tenantdb::kv {

namespace {

std::string KeyAfter(std::string_view key) {
  std::string k(key);
  k.push_back('\0');
  return k;
}

uint32_t LittleEndian32(std::string_view b) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(b[i]);
  return v;
}

Status Inverted(std::string_view begin, std::string_view end) {
  return Error(ErrorCode::kInvertedRange,
               fmt::format("range begin {} is after its end {}", Printable(begin), Printable(end)));
}

}  // namespace

std::string_view TransactionImpl::KeyArena::Copy(std::string_view key) {
  if (key.size() > capacity_ - used_) {
    capacity_ = std::max(kBlock, key.size());
    heap_.push_back(std::make_unique<char[]>(capacity_));
    block_ = heap_.back().get();
    used_ = 0;
  }
  char* at = block_ + used_;
  if (!key.empty()) std::memcpy(at, key.data(), key.size());
  used_ += key.size();
  return {at, key.size()};
}

void TransactionImpl::KeyArena::Clear() {
  heap_.clear();
  block_ = inline_;
  capacity_ = kInline;
  used_ = 0;
}

TransactionImpl::TransactionImpl(Engine* engine, const TransactionOptions& options)
    : engine_(engine), options_(options) {
  if (options_.size_limit > kMaxTransactionSize || options_.size_limit <= 0) {
    options_.size_limit = kMaxTransactionSize;
  }
}

TransactionImpl::~TransactionImpl() {
  CancelWatches(Error(ErrorCode::kWatchCancelled, "transaction destroyed before it committed"));
}

std::string_view TransactionImpl::LegalEnd() const {
  return options_.system_access ? std::string_view("\xff\xff", 2) : std::string_view("\xff", 1);
}

Status TransactionImpl::CheckUsable() const {
  if (committed_) {
    return Error(ErrorCode::kClientInvalidOperation,
                 "transaction already committed; Reset it before using it again");
  }
  return Status::OK();
}

Status TransactionImpl::CheckKey(std::string_view key, std::string_view what) const {
  if (static_cast<int64_t>(key.size()) > kMaxKeySize) {
    return Error(ErrorCode::kKeyTooLarge,
                 fmt::format("{} of {} bytes (limit {})", what, key.size(), kMaxKeySize));
  }
  if (key >= LegalEnd()) {
    return Error(
        ErrorCode::kKeyOutsideLegalRange,
        fmt::format("{} {} is in the system keyspace (0xff prefix){}", what, Printable(key),
                    options_.system_access ? "" : "; it needs system access"));
  }
  return Status::OK();
}

Status TransactionImpl::CheckRangeBound(std::string_view key, std::string_view what) const {
  // A range bound may be one byte longer than a key: the end of [key, key + "\x00").
  if (static_cast<int64_t>(key.size()) > kMaxKeySize + 1) {
    return Error(ErrorCode::kKeyTooLarge,
                 fmt::format("{} of {} bytes (limit {})", what, key.size(), kMaxKeySize + 1));
  }
  if (key > LegalEnd()) {
    return Error(ErrorCode::kKeyOutsideLegalRange,
                 fmt::format("{} {} is past the end of the keyspace {}", what, Printable(key),
                             Printable(LegalEnd())));
  }
  return Status::OK();
}

Status TransactionImpl::CheckValue(std::string_view value) const {
  if (static_cast<int64_t>(value.size()) > kMaxValueSize) {
    return Error(ErrorCode::kValueTooLarge,
                 fmt::format("value of {} bytes (limit {})", value.size(), kMaxValueSize));
  }
  return Status::OK();
}

Status TransactionImpl::Grow(int64_t bytes) {
  if (!poisoned_.ok()) return poisoned_;
  if (size_ + bytes > options_.size_limit) {
    poisoned_ = Error(ErrorCode::kTransactionTooLarge,
                      fmt::format("transaction of {} bytes would exceed the limit of {} bytes; "
                                  "nothing of it will be committed",
                                  size_ + bytes, options_.size_limit));
    return poisoned_;
  }
  size_ += bytes;
  return Status::OK();
}

Result<const ReadView*> TransactionImpl::View() {
  if (view_ == nullptr) {
    TDB_ASSIGN_OR_RETURN(view_, engine_->BeginRead());
  }
  Version lag = engine_->NowVersion() - view_->version();
  if (lag > kMaxReadVersionLag) {
    return Error(
        ErrorCode::kTransactionTooOld,
        fmt::format("read version {} is {} versions (over 5 s) old", view_->version(), lag));
  }
  return view_.get();
}

void TransactionImpl::AddReadConflict(std::string begin, std::string end, Snapshot snapshot) {
  if (snapshot == Snapshot::kYes || begin >= end) return;
  size_ += static_cast<int64_t>(begin.size() + end.size());
  read_conflicts_.push_back({std::move(begin), std::move(end)});
}

void TransactionImpl::AddReadConflictSince(const KeyRange* range, Version since) {
  size_ += static_cast<int64_t>(range->begin.size() + range->end.size());
  read_conflicts_since_.push_back({since, range});
}

Result<std::optional<std::string>> TransactionImpl::Get(std::string_view key, Snapshot snapshot) {
  TDB_RETURN_IF_ERROR(CheckUsable());
  TDB_RETURN_IF_ERROR(CheckKey(key, "key"));
  const WriteMap& writes = Writes();
  const WriteEntry* entry = writes.Find(key);
  if (entry != nullptr && entry->known) return entry->value;
  if (entry == nullptr && writes.IsCleared(key)) return std::optional<std::string>();
  TDB_ASSIGN_OR_RETURN(const ReadView* view, View());
  TDB_ASSIGN_OR_RETURN(std::optional<std::string> stored, view->Get(key));
  if (snapshot == Snapshot::kNo) {
    size_ += static_cast<int64_t>(2 * key.size() + 1);  // as the range [key, key + "\0")
    read_points_.push_back(keys_.Copy(key));
  }
  if (entry != nullptr) return entry->Resolve(stored);
  return stored;
}

Result<std::string> TransactionImpl::ResolveWithin(const KeySelector& sel, Snapshot snapshot,
                                                   std::string_view lower, std::string_view upper) {
  TDB_RETURN_IF_ERROR(CheckUsable());
  TDB_ASSIGN_OR_RETURN(const ReadView* view, View());
  std::string start = sel.or_equal ? KeyAfter(sel.key) : sel.key;
  if (start > upper) start = std::string(upper);
  if (start < lower) start = std::string(lower);
  if (sel.offset >= 1) {
    MergedCursor c(*view, Writes(), lower, upper, Reverse::kNo);
    c.Seek(start);
    for (int i = 1; i < sel.offset && c.Valid(); ++i) c.Advance();
    TDB_RETURN_IF_ERROR(c.status());
    std::string result = c.Valid() ? std::string(c.key()) : std::string(upper);
    AddReadConflict(start, c.Valid() ? KeyAfter(result) : std::string(upper), snapshot);
    return result;
  }
  MergedCursor c(*view, Writes(), lower, upper, Reverse::kYes);
  c.Seek(start);
  for (int64_t i = 0; i < -static_cast<int64_t>(sel.offset) && c.Valid(); ++i) c.Advance();
  TDB_RETURN_IF_ERROR(c.status());
  std::string result = c.Valid() ? std::string(c.key()) : std::string(lower);
  AddReadConflict(result, start, snapshot);
  return result;
}

Result<std::string> TransactionImpl::GetKey(const KeySelector& selector, Snapshot snapshot) {
  return ResolveWithin(selector, snapshot, "", LegalEnd());
}

Result<RangeResult> TransactionImpl::GetRange(const KeySelector& begin, const KeySelector& end,
                                              const RangeOptions& options) {
  return GetRangeWithin(begin, end, options, "", LegalEnd());
}

Result<RangeResult> TransactionImpl::GetRangeWithin(const KeySelector& begin,
                                                    const KeySelector& end,
                                                    const RangeOptions& options,
                                                    std::string_view lower, std::string_view upper,
                                                    size_t strip) {
  TDB_RETURN_IF_ERROR(CheckUsable());
  // first_greater_or_equal(k) and first_greater_than(k) bound a range at k and k+\0 without
  // reading anything; other selectors are resolved first.
  auto bound = [&](const KeySelector& s) -> Result<std::string> {
    if (s.offset == 1) {
      std::string k = s.or_equal ? KeyAfter(s.key) : s.key;
      return std::clamp(k, std::string(lower), std::string(upper));
    }
    return ResolveWithin(s, options.snapshot, lower, upper);
  };
  TDB_ASSIGN_OR_RETURN(std::string b, bound(begin));
  TDB_ASSIGN_OR_RETURN(std::string e, bound(end));
  if (b >= e) return RangeResult{};
  return ReadRange(b, e, options, strip);
}

Result<RangeResult> TransactionImpl::GetRange(std::string_view begin, std::string_view end,
                                              const RangeOptions& options, size_t strip) {
  TDB_RETURN_IF_ERROR(CheckUsable());
  TDB_RETURN_IF_ERROR(CheckRangeBound(begin, "range begin"));
  TDB_RETURN_IF_ERROR(CheckRangeBound(end, "range end"));
  if (begin > end) return Inverted(begin, end);
  if (begin == end) return RangeResult{};
  return ReadRange(begin, end, options, strip);
}

Result<RangeResult> TransactionImpl::ReadRange(std::string_view begin, std::string_view end,
                                               const RangeOptions& options, size_t strip) {
  if (options.limit < 0 || options.target_bytes < 0) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("range limit {} and target_bytes {} must not be negative",
                             options.limit, options.target_bytes));
  }
  TDB_ASSIGN_OR_RETURN(const ReadView* view, View());
  MergedCursor c(*view, Writes(), begin, end, options.reverse);
  c.Seek(options.reverse == Reverse::kYes ? end : begin);
  RangeResult out;
  int64_t bytes = 0;
  while (c.Valid()) {
    out.kvs.push_back({std::string(c.key().substr(strip)), std::string(c.value())});
    bytes += static_cast<int64_t>(c.key().size() + c.value().size());
    c.Advance();
    bool full = (options.limit > 0 && static_cast<int>(out.kvs.size()) >= options.limit) ||
                (options.target_bytes > 0 && bytes >= options.target_bytes);
    if (full) {
      out.more = c.Valid();
      break;
    }
  }
  TDB_RETURN_IF_ERROR(c.status());
  if (!out.more) {
    AddReadConflict(std::string(begin), std::string(end), options.snapshot);
  } else {
    std::string last(begin.substr(0, strip));  // the stripped prefix, which begin starts with
    last += out.kvs.back().key;
    if (options.reverse == Reverse::kYes) {
      AddReadConflict(std::move(last), std::string(end), options.snapshot);
    } else {
      AddReadConflict(std::string(begin), KeyAfter(last), options.snapshot);
    }
  }
  return out;
}

Status TransactionImpl::AddWriteMutation(Mutation m) {
  // The write conflict range the mutation implies (Resolver::RecordImplied) counts toward the
  // size like an explicit one: its begin and end keys.
  int64_t conflict = m.type == MutationType::kClearRange
                         ? static_cast<int64_t>(m.key.size() + m.param.size())
                         : static_cast<int64_t>(2 * m.key.size() + 1);
  TDB_RETURN_IF_ERROR(Grow(static_cast<int64_t>(m.key.size() + m.param.size()) + conflict));
  if (mutations_.empty()) mutations_.reserve(4);  // most transactions write a few keys
  mutations_.push_back(std::move(m));
  return Status::OK();
}

const WriteMap& TransactionImpl::Writes() {
  for (; replayed_ < mutations_.size(); ++replayed_) {
    const Mutation& m = mutations_[replayed_];
    switch (m.type) {
      case MutationType::kSet:
        writes_.Set(m.key, m.param);
        break;
      case MutationType::kClear:
        writes_.Clear(m.key);
        break;
      case MutationType::kClearRange:
        writes_.ClearRange(m.key, m.param);
        break;
      case MutationType::kSetVersionstampedKey:
      case MutationType::kSetVersionstampedValue:
        break;  // their keys or values are known only at commit: reads do not see them
      default:
        // A deferred add is not seen by the transaction's own reads (AddDeferred).
        if (!m.deferred) writes_.Atomic(m.type, m.key, m.param);
    }
  }
  return writes_;
}

Status TransactionImpl::Set(std::string_view key, std::string_view value) {
  TDB_RETURN_IF_ERROR(CheckUsable());
  TDB_RETURN_IF_ERROR(CheckKey(key, "key"));
  TDB_RETURN_IF_ERROR(CheckValue(value));
  return AddWriteMutation({MutationType::kSet, std::string(key), std::string(value)});
}

Status TransactionImpl::Clear(std::string_view key) {
  TDB_RETURN_IF_ERROR(CheckUsable());
  TDB_RETURN_IF_ERROR(CheckKey(key, "key"));
  return AddWriteMutation({MutationType::kClear, std::string(key), {}});
}

Status TransactionImpl::ClearRange(std::string_view begin, std::string_view end) {
  TDB_RETURN_IF_ERROR(CheckUsable());
  TDB_RETURN_IF_ERROR(CheckRangeBound(begin, "range begin"));
  TDB_RETURN_IF_ERROR(CheckRangeBound(end, "range end"));
  if (begin > end) return Inverted(begin, end);
  if (begin == end) return Status::OK();
  return AddWriteMutation({MutationType::kClearRange, std::string(begin), std::string(end)});
}

Status TransactionImpl::Atomic(MutationType op, std::string_view key, std::string_view param) {
  TDB_RETURN_IF_ERROR(CheckUsable());
  if (!IsAtomicOp(op)) {
    return Error(ErrorCode::kInvalidMutationType,
                 fmt::format("'{}' is not an atomic operation", MutationTypeName(op)));
  }
  TDB_RETURN_IF_ERROR(CheckKey(key, "key"));
  TDB_RETURN_IF_ERROR(CheckValue(param));
  return AddWriteMutation({op, std::string(key), std::string(param)});
}

Status TransactionImpl::SetVersionstamped(MutationType type, std::string_view key,
                                          std::string_view value) {
  TDB_RETURN_IF_ERROR(CheckUsable());
  bool in_key = type == MutationType::kSetVersionstampedKey;
  std::string_view stamped = in_key ? key : value;
  std::string_view what = in_key ? "versionstamped key" : "versionstamped value";
  if (stamped.size() < 4) {
    return Error(
        ErrorCode::kInvalidArgument,
        fmt::format("{} of {} bytes has no 4-byte placeholder offset", what, stamped.size()));
  }
  uint32_t offset = LittleEndian32(stamped.substr(stamped.size() - 4));
  std::string body(stamped.substr(0, stamped.size() - 4));
  if (static_cast<uint64_t>(offset) + kStampSize > body.size()) {
    return Error(ErrorCode::kInvalidArgument,
                 fmt::format("{}: placeholder at offset {} does not fit in its {} bytes", what,
                             offset, body.size()));
  }
  Mutation m{type, in_key ? body : std::string(key), in_key ? std::string(value) : body, offset};
  TDB_RETURN_IF_ERROR(CheckKey(m.key, "key"));
  TDB_RETURN_IF_ERROR(CheckValue(m.param));
  return AddWriteMutation(std::move(m));
}

Result<Watch> TransactionImpl::WatchKey(std::string_view key) {
  TDB_RETURN_IF_ERROR(CheckUsable());
  TDB_ASSIGN_OR_RETURN(std::optional<std::string> seen, Get(key, Snapshot::kYes));
  auto state = std::make_shared<WatchState>();
  watches_.push_back({std::string(key), std::move(seen), state});
  return Watch(state);
}

Status TransactionImpl::AddReadConflictRange(std::string_view begin, std::string_view end) {
  TDB_RETURN_IF_ERROR(CheckUsable());
  TDB_RETURN_IF_ERROR(CheckRangeBound(begin, "conflict range begin"));
  TDB_RETURN_IF_ERROR(CheckRangeBound(end, "conflict range end"));
  if (begin > end) return Inverted(begin, end);
  AddReadConflict(std::string(begin), std::string(end), Snapshot::kNo);
  return Status::OK();
}

Status TransactionImpl::AddWriteConflictRange(std::string_view begin, std::string_view end) {
  TDB_RETURN_IF_ERROR(CheckUsable());
  TDB_RETURN_IF_ERROR(CheckRangeBound(begin, "conflict range begin"));
  TDB_RETURN_IF_ERROR(CheckRangeBound(end, "conflict range end"));
  if (begin > end) return Inverted(begin, end);
  if (begin == end) return Status::OK();
  TDB_RETURN_IF_ERROR(Grow(static_cast<int64_t>(begin.size() + end.size())));
  write_conflicts_.push_back({std::string(begin), std::string(end)});
  return Status::OK();
}

Result<Version> TransactionImpl::GetReadVersion() {
  TDB_RETURN_IF_ERROR(CheckUsable());
  TDB_ASSIGN_OR_RETURN(const ReadView* view, View());
  return view->version();
}

Status TransactionImpl::AddDeferred(std::string_view key, std::string param) {
  TDB_RETURN_IF_ERROR(CheckUsable());
  TDB_RETURN_IF_ERROR(CheckKey(key, "key"));
  TDB_RETURN_IF_ERROR(CheckValue(param));
  TDB_RETURN_IF_ERROR(Grow(static_cast<int64_t>(key.size() + param.size())));
  Mutation m{MutationType::kAdd, std::string(key), std::move(param)};
  m.deferred = true;
  mutations_.push_back(std::move(m));
  return Status::OK();
}

Status TransactionImpl::SetReadVersion(Version version) {
  TDB_RETURN_IF_ERROR(CheckUsable());
  if (view_ != nullptr) {
    return Error(ErrorCode::kClientInvalidOperation,
                 "the read version is already set; Reset the transaction first");
  }
  TDB_ASSIGN_OR_RETURN(view_, engine_->ReadAt(version));
  return Status::OK();
}

Status TransactionImpl::Commit() {
  TDB_RETURN_IF_ERROR(CheckUsable());
  if (!poisoned_.ok()) return poisoned_;
  if (!mutations_.empty() || !write_conflicts_.empty()) {
    // Read conflict ranges count toward the limit only when they are sent to be resolved.
    if (size_ > options_.size_limit) {
      return Error(ErrorCode::kTransactionTooLarge,
                   fmt::format("transaction of {} bytes exceeds the limit of {} bytes", size_,
                               options_.size_limit));
    }
    CommitRequest request;
    request.read_version = view_ != nullptr ? view_->version() : engine_->NowVersion();
    request.read_conflicts = std::move(read_conflicts_);
    request.read_points = std::move(read_points_);
    request.read_conflicts_since = std::move(read_conflicts_since_);
    request.write_conflicts = std::move(write_conflicts_);
    request.mutations = std::move(mutations_);
    Result<CommitResult> result = engine_->Commit(std::move(request));
    committed_ = true;  // success or not, the transaction must be Reset before reuse
    if (!result.ok()) {
      CancelWatches(Error(ErrorCode::kWatchCancelled, "transaction did not commit"));
      return result.status();
    }
    commit_result_ = *result;
  }
  committed_ = true;
  for (WatchRequest& w : watches_) {
    // A failed watch (too_many_watches) is already finished with its error.
    engine_->AddWatch(std::move(w)).IgnoreError();
  }
  watches_.clear();
  return Status::OK();
}

Result<Version> TransactionImpl::GetCommittedVersion() const {
  if (commit_result_) return commit_result_->version;
  if (committed_) {
    return Error(ErrorCode::kNoCommitVersion,
                 "the transaction wrote nothing, so it has no version");
  }
  return Error(ErrorCode::kTransactionInvalidVersion, "the transaction has not committed");
}

Result<std::string> TransactionImpl::GetVersionstamp() const {
  TDB_ASSIGN_OR_RETURN(Version v, GetCommittedVersion());
  std::string out(10, '\0');
  auto u = static_cast<uint64_t>(v);
  for (int i = 7; i >= 0; --i, u >>= 8) out[i] = static_cast<char>(u & 0xFF);
  out[8] = static_cast<char>(commit_result_->batch_order >> 8);
  out[9] = static_cast<char>(commit_result_->batch_order & 0xFF);
  return out;
}

void TransactionImpl::CancelWatches(const Status& why) {
  for (WatchRequest& w : watches_) w.state->Finish(why);
  watches_.clear();
}

void TransactionImpl::Reset() {
  CancelWatches(Error(ErrorCode::kWatchCancelled, "transaction reset before it committed"));
  view_.reset();
  writes_.Reset();
  mutations_.clear();
  replayed_ = 0;
  read_conflicts_.clear();
  read_points_.clear();
  keys_.Clear();
  read_conflicts_since_.clear();
  write_conflicts_.clear();
  size_ = 0;
  poisoned_ = Status::OK();
  committed_ = false;
  commit_result_.reset();
}

}  // namespace tenantdb::kv

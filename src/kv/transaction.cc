#include "tenantdb/transaction.h"

#include "kv/transaction_impl.h"

namespace tenantdb {

Transaction::Transaction(std::unique_ptr<kv::TransactionImpl> impl) : impl_(std::move(impl)) {}
Transaction::~Transaction() = default;
Transaction::Transaction(Transaction&&) noexcept = default;
Transaction& Transaction::operator=(Transaction&&) noexcept = default;

Result<std::optional<std::string>> Transaction::Get(std::string_view key, Snapshot snapshot) {
  return impl_->Get(key, snapshot);
}
Result<std::string> Transaction::GetKey(const KeySelector& selector, Snapshot snapshot) {
  return impl_->GetKey(selector, snapshot);
}
Result<RangeResult> Transaction::GetRange(const KeySelector& begin, const KeySelector& end,
                                          const RangeOptions& options) {
  return impl_->GetRange(begin, end, options);
}
Result<RangeResult> Transaction::GetRange(std::string_view begin, std::string_view end,
                                          const RangeOptions& options) {
  return impl_->GetRange(begin, end, options);
}
Status Transaction::Set(std::string_view key, std::string_view value) {
  return impl_->Set(key, value);
}
Status Transaction::Clear(std::string_view key) { return impl_->Clear(key); }
Status Transaction::ClearRange(std::string_view begin, std::string_view end) {
  return impl_->ClearRange(begin, end);
}
Status Transaction::Atomic(MutationType op, std::string_view key, std::string_view param) {
  return impl_->Atomic(op, key, param);
}
Status Transaction::Add(std::string_view key, int64_t delta) {
  return impl_->Atomic(MutationType::kAdd, key, LittleEndian64(delta));
}
Status Transaction::SetVersionstampedKey(std::string_view key, std::string_view value) {
  return impl_->SetVersionstamped(MutationType::kSetVersionstampedKey, key, value);
}
Status Transaction::SetVersionstampedValue(std::string_view key, std::string_view value) {
  return impl_->SetVersionstamped(MutationType::kSetVersionstampedValue, key, value);
}
Result<Watch> Transaction::WatchKey(std::string_view key) { return impl_->WatchKey(key); }
Status Transaction::AddReadConflictRange(std::string_view begin, std::string_view end) {
  return impl_->AddReadConflictRange(begin, end);
}
Status Transaction::AddReadConflictKey(std::string_view key) {
  std::string end(key);
  end.push_back('\0');
  return impl_->AddReadConflictRange(key, end);
}
Status Transaction::AddWriteConflictRange(std::string_view begin, std::string_view end) {
  return impl_->AddWriteConflictRange(begin, end);
}
Status Transaction::AddWriteConflictKey(std::string_view key) {
  std::string end(key);
  end.push_back('\0');
  return impl_->AddWriteConflictRange(key, end);
}
Result<Version> Transaction::GetReadVersion() { return impl_->GetReadVersion(); }
Status Transaction::SetReadVersion(Version version) { return impl_->SetReadVersion(version); }
Status Transaction::Commit() { return impl_->Commit(); }
Result<Version> Transaction::GetCommittedVersion() const { return impl_->GetCommittedVersion(); }
Result<std::string> Transaction::GetVersionstamp() const { return impl_->GetVersionstamp(); }
int64_t Transaction::ApproximateSize() const { return impl_->ApproximateSize(); }
void Transaction::Reset() { impl_->Reset(); }

}  // namespace tenantdb

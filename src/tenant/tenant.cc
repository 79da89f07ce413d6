// The public Tenant and TenantTransaction, forwarding to the tenant layer's implementation.
#include "tenantdb/tenant.h"
#include "tenant/tenant_transaction.h"

namespace tenantdb {

int64_t Tenant::id() const { return runtime_->id; }

TenantTransaction Tenant::CreateTransaction() {
  return TenantTransaction(std::make_unique<tenant::TenantTransactionImpl>(*db_, runtime_.get()));
}

TenantTransaction::TenantTransaction(std::unique_ptr<tenant::TenantTransactionImpl> impl)
    : impl_(std::move(impl)) {}
TenantTransaction::~TenantTransaction() = default;
TenantTransaction::TenantTransaction(TenantTransaction&&) noexcept = default;
TenantTransaction& TenantTransaction::operator=(TenantTransaction&&) noexcept = default;

Result<std::optional<std::string>> TenantTransaction::Get(std::string_view key, Snapshot snapshot) {
  return impl_->Get(key, snapshot);
}
Result<std::string> TenantTransaction::GetKey(const KeySelector& selector, Snapshot snapshot) {
  return impl_->GetKey(selector, snapshot);
}
Result<RangeResult> TenantTransaction::GetRange(const KeySelector& begin, const KeySelector& end,
                                                const RangeOptions& options) {
  return impl_->GetRange(begin, end, options);
}
Result<RangeResult> TenantTransaction::GetRange(std::string_view begin, std::string_view end,
                                                const RangeOptions& options) {
  return impl_->GetRange(begin, end, options);
}
Status TenantTransaction::Set(std::string_view key, std::string_view value) {
  return impl_->Set(key, value);
}
Status TenantTransaction::Clear(std::string_view key) { return impl_->Clear(key); }
Status TenantTransaction::ClearRange(std::string_view begin, std::string_view end) {
  return impl_->ClearRange(begin, end);
}
Status TenantTransaction::Atomic(MutationType op, std::string_view key, std::string_view param) {
  return impl_->Atomic(op, key, param);
}
Status TenantTransaction::Add(std::string_view key, int64_t delta) {
  return impl_->Atomic(MutationType::kAdd, key, LittleEndian64(delta));
}
Status TenantTransaction::SetVersionstampedKey(std::string_view key, std::string_view value) {
  return impl_->SetVersionstampedKey(key, value);
}
Status TenantTransaction::SetVersionstampedValue(std::string_view key, std::string_view value) {
  return impl_->SetVersionstampedValue(key, value);
}
Result<Watch> TenantTransaction::WatchKey(std::string_view key) { return impl_->WatchKey(key); }
Status TenantTransaction::AddReadConflictRange(std::string_view begin, std::string_view end) {
  return impl_->AddConflictRange(begin, end, /*write=*/false);
}
Status TenantTransaction::AddWriteConflictRange(std::string_view begin, std::string_view end) {
  return impl_->AddConflictRange(begin, end, /*write=*/true);
}
Result<Version> TenantTransaction::GetReadVersion() { return impl_->GetReadVersion(); }
Status TenantTransaction::Commit() { return impl_->Commit(); }
Result<Version> TenantTransaction::GetCommittedVersion() const {
  return impl_->GetCommittedVersion();
}
Result<std::string> TenantTransaction::GetVersionstamp() const { return impl_->GetVersionstamp(); }
void TenantTransaction::Reset() { impl_->Reset(); }

}  // namespace tenantdb

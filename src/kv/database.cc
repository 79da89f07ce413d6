#include "tenantdb/database.h"

#include <fmt/format.h>

#include <random>
#include <thread>

#include "kv/engine/local_engine.h"
#include "kv/transaction_impl.h"

namespace tenantdb {

namespace {

// Store URL grammar:
//   url        = ( "memory:" | "file:" path ) [ "?" param *( "&" param ) ]
//   param      = "durability=" ( "sync" | "async" )
Result<kv::LocalEngineOptions> ParseUrl(std::string_view url, const DatabaseOptions& options) {
  kv::LocalEngineOptions o;
  o.durability = options.durability;
  o.clock = options.clock;
  o.create_if_missing = options.create_if_missing;
  std::string_view rest = url;
  std::string_view query;
  if (auto q = url.find('?'); q != std::string_view::npos) {
    rest = url.substr(0, q);
    query = url.substr(q + 1);
  }
  auto bad = [&](std::string_view why) {
    return Error(ErrorCode::kInvalidStoreUrl, fmt::format("store URL '{}': {}", url, why));
  };
  if (rest == "memory:") {
    o.in_memory = true;
  } else if (rest.starts_with("file:")) {
    o.path = std::string(rest.substr(5));
    if (o.path.empty()) return bad("file: needs a path, as in file:./tenantdb-data");
  } else {
    return bad("expected memory: or file:<path>");
  }
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (param == "durability=sync") {
      o.durability = Durability::kSync;
    } else if (param == "durability=async") {
      o.durability = Durability::kAsync;
    } else {
      return bad(fmt::format("unknown parameter '{}' (known: durability=sync|async)", param));
    }
  }
  return o;
}

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(std::string_view url,
                                                 const DatabaseOptions& options) {
  TDB_ASSIGN_OR_RETURN(kv::LocalEngineOptions engine_options, ParseUrl(url, options));
  TDB_ASSIGN_OR_RETURN(std::unique_ptr<kv::LocalEngine> engine,
                       kv::LocalEngine::Open(engine_options));
  return std::make_unique<Database>(std::shared_ptr<kv::Engine>(std::move(engine)), options);
}

Database::Database(std::shared_ptr<kv::Engine> engine, const DatabaseOptions& options)
    : engine_(std::move(engine)), options_(options) {}

Database::~Database() {
  std::vector<std::function<void(Database&)>> hooks;
  {
    std::lock_guard<std::mutex> l(hooks_mu_);
    hooks.swap(close_hooks_);
  }
  for (auto it = hooks.rbegin(); it != hooks.rend(); ++it) (*it)(*this);
}

void Database::OnClose(std::function<void(Database&)> hook) {
  std::lock_guard<std::mutex> l(hooks_mu_);
  close_hooks_.push_back(std::move(hook));
}

Transaction Database::CreateTransaction(const TransactionOptions& options) {
  return Transaction(std::make_unique<kv::TransactionImpl>(engine_.get(), options));
}

Version Database::CurrentVersion() const { return engine_->CommittedVersion(); }

std::shared_ptr<void> Database::Attachment(const std::string& name,
                                           const std::function<std::shared_ptr<void>()>& make) {
  std::lock_guard<std::mutex> l(attachments_mu_);
  auto& slot = attachments_[name];
  if (slot == nullptr) slot = make();
  return slot;
}

bool Database::RetryStep(const Status& s, const RunOptions& options, int attempt) {
  if (options.max_retries >= 0 && attempt >= options.max_retries) return false;
  bool retry = s.code() == ErrorCode::kCommitUnknownResult ? options.idempotent : s.retryable();
  if (!retry) return false;
  int64_t delay = options.initial_backoff_micros;
  for (int i = 0; i < attempt && delay < options.max_backoff_micros; ++i) delay *= 2;
  delay = std::min(delay, options.max_backoff_micros);
  if (delay > 0) {
    thread_local std::minstd_rand rng(std::random_device{}());
    std::uniform_int_distribution<int64_t> jitter(delay / 2, delay);
    std::this_thread::sleep_for(std::chrono::microseconds(jitter(rng)));
  }
  return true;
}

Status Transaction::OnError(const Status& error) {
  if (!error.retryable()) return error;
  Reset();
  return Status::OK();
}

}  // namespace tenantdb

// A tenantdb database: an ordered, transactional key-value store with FoundationDB's
// semantics, on a pluggable engine.
//
//   auto db = tenantdb::Database::Open("file:/var/lib/app");
//   Status s = (*db)->Run([&](tenantdb::Transaction& tr) { return tr.Set("k", "v"); });
//
// Thread safety: a Database is safe to use from any number of threads.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tenantdb/options.h"
#include "tenantdb/status.h"
#include "tenantdb/transaction.h"

namespace tenantdb {

namespace kv {
class Engine;
}  // namespace kv

class Database {
 public:
  // Opens (creating if allowed) the store named by `url`:
  //   memory:              an empty store in memory, gone when closed
  //   file:<path>          a store in directory <path>
  // An optional "?durability=sync|async" suffix overrides options.durability.
  // Errors: invalid_store_url, store_locked (another process has it open), io_error,
  // corruption, file_not_found (when create_if_missing is false).
  static Result<std::unique_ptr<Database>> Open(std::string_view url,
                                                const DatabaseOptions& options = {});

  // Wraps an engine (for engines beyond the built-in ones, and for tests).
  Database(std::shared_ptr<kv::Engine> engine, const DatabaseOptions& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // A new transaction. REQUIRES: the Database outlives it.
  Transaction CreateTransaction(const TransactionOptions& options = {});

  // Runs `fn(tr)` and commits, retrying on retryable errors (not_committed,
  // transaction_too_old, storage_busy; commit_unknown_result only if options.idempotent) with
  // exponential backoff. Any other error, from fn or the commit, is returned unchanged.
  // `fn` must return Status and may run several times.
  template <typename Fn>
  Status Run(Fn&& fn, const RunOptions& options = {}) {
    Transaction tr = CreateTransaction(options.transaction);
    for (int attempt = 0;; ++attempt) {
      Status s = fn(tr);
      if (s.ok()) s = tr.Commit();
      if (s.ok()) return s;
      if (!RetryStep(s, options, attempt)) return s;
      tr.Reset();
    }
  }

  // The newest committed version.
  Version CurrentVersion() const;

  // The retry decision of Run: true (after sleeping the backoff for `attempt`) if error `s`
  // should be retried under `options`. For retry loops of the layers above.
  static bool RetryStep(const Status& s, const RunOptions& options, int attempt);

  // The engine underneath (for the layers built on kv).
  kv::Engine& engine() { return *engine_; }

  // Per-database state of a layer above kv (e.g. the tenant runtime: rate limiters, cached
  // estimates), made by `make` on first use and shared by every caller asking for `name`.
  // Thread-safe.
  std::shared_ptr<void> Attachment(const std::string& name,
                                   const std::function<std::shared_ptr<void>()>& make);

  // Runs `hook(*this)` when the database closes (its destructor), before the engine closes,
  // in reverse order of registration: for a layer above kv to write what it holds in memory
  // (e.g. tenant usage of read-only transactions). Thread-safe.
  void OnClose(std::function<void(Database&)> hook);

 private:
  std::shared_ptr<kv::Engine> engine_;
  DatabaseOptions options_;
  std::mutex attachments_mu_;
  std::map<std::string, std::shared_ptr<void>> attachments_;  // GUARDED_BY(attachments_mu_)
  std::mutex hooks_mu_;  // separate: Attachment's `make` may register a hook
  std::vector<std::function<void(Database&)>> close_hooks_;  // GUARDED_BY(hooks_mu_)
};

}  // namespace tenantdb

// Read views of the local engine: a RocksDB snapshot read at a version. One is taken right
// after each commit group's batch and shared by every transaction that starts while it is the
// newest (see LocalEngine::BeginRead, in local_read_view.cc with the engine's other read-side
// members).
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kv/engine/engine.h"
#include "kv/engine/local_engine.h"

namespace tenantdb::kv {

class LocalReadView final : public ReadView {
 public:
  using SnapshotPtr = std::shared_ptr<const rocksdb::Snapshot>;

  // A snapshot of the store as it is now, read at `version`.
  static std::shared_ptr<const LocalReadView> Take(std::shared_ptr<LocalEngine::Store> store,
                                                   Version version);
  LocalReadView(std::shared_ptr<LocalEngine::Store> store, SnapshotPtr snapshot, Version version)
      : store_(std::move(store)), snapshot_(std::move(snapshot)), version_(version) {}

  // The same snapshot, read at a later version at which it is still the newest state.
  std::shared_ptr<const ReadView> At(Version version) const {
    return std::make_shared<LocalReadView>(store_, snapshot_, version);
  }

  Version version() const override { return version_; }
  Result<std::optional<std::string>> Get(std::string_view key) const override;
  std::unique_ptr<EngineIterator> NewIterator(std::string_view lower,
                                              std::string_view upper) const override;

 private:
  std::shared_ptr<LocalEngine::Store> store_;
  SnapshotPtr snapshot_;
  Version version_;
};

}  // namespace tenantdb::kv

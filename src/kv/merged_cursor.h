// Iterates the keys a transaction sees in [lower, upper): the read view's keys merged with
// the transaction's own writes (sets, clears, cleared ranges, atomic operations), in one
// direction.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kv/engine/engine.h"
#include "kv/write_map.h"

namespace tenantdb::kv {

class MergedCursor {
 public:
  MergedCursor(const ReadView& view, const WriteMap& writes, std::string_view lower,
               std::string_view upper, Reverse direction);

  // Forward: the first visible key >= key. Reverse: the last visible key < key.
  void Seek(std::string_view key);
  // The next visible key in the cursor's direction. REQUIRES: Valid().
  void Advance();

  bool Valid() const { return valid_; }
  std::string_view key() const { return key_; }
  std::string_view value() const { return value_; }
  // A storage error; Valid() is false after one.
  const Status& status() const { return status_; }

 private:
  void Settle();
  void StepPoint();
  void StepStorage();

  const WriteMap& writes_;
  std::string lower_, upper_;
  bool reverse_;
  std::unique_ptr<EngineIterator> it_;
  WriteMap::Points::const_iterator point_;  // forward: next candidate; reverse: see point_valid_
  bool point_valid_ = false;
  bool from_point_ = false;
  bool from_storage_ = false;
  bool valid_ = false;
  std::string key_, value_;
  Status status_;
};

}  // namespace tenantdb::kv

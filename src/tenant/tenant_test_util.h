// Helpers shared by the tenant tests: a fixture parameterized over the engines (memory: and
// file:) with a TenantDirectory, and raw system-access reads of the whole keyspace for checking
// what tenant handles really wrote.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/printable.h"
#include "kv/kv_test_util.h"
#include "tenantdb/tenant.h"

namespace tenantdb::testing {

using Model = std::map<std::string, std::string>;

// The raw end of everything under `prefix` (the next prefix in byte order).
inline std::string RawPrefixEnd(std::string prefix) {
  while (!prefix.empty() && static_cast<uint8_t>(prefix.back()) == 0xFF) prefix.pop_back();
  if (!prefix.empty()) prefix.back() = static_cast<char>(static_cast<uint8_t>(prefix.back()) + 1);
  return prefix;
}

// FNV-1a over the length-prefixed pairs: byte-for-byte equality in one number.
inline uint64_t Checksum(const Model& m) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](std::string_view s) {
    for (int i = 0; i < 8; ++i) {
      h ^= (s.size() >> (8 * i)) & 0xff;
      h *= 1099511628211ull;
    }
    for (unsigned char c : s) {
      h ^= c;
      h *= 1099511628211ull;
    }
  };
  for (const auto& [k, v] : m) {
    mix(k);
    mix(v);
  }
  return h;
}

// True when `haystack` contains `prefix` raw or in the escaped form error messages use.
inline bool MentionsPrefix(std::string_view haystack, std::string_view prefix) {
  return haystack.find(prefix) != std::string_view::npos ||
         haystack.find(EscapeBytes(prefix)) != std::string_view::npos ||
         haystack.find(Escape(prefix)) != std::string_view::npos;
}

class TenantTest : public KvTest {
 protected:
  TenantDirectory& dir() {
    if (!dir_) dir_.emplace(db());
    return *dir_;
  }

  void Reopen() {
    dir_.reset();
    Close();
    Open();
  }

  // Creates and opens tenant `name`.
  Result<Tenant> Make(std::string_view name, const TenantCreateOptions& options = {}) {
    auto info = dir().Create(name, options);
    if (!info.ok()) return info.status();
    return dir().Open(name);
  }

  // Every raw pair in [begin, end), read with system access.
  Result<Model> RawScan(std::string_view begin, std::string_view end) {
    Transaction tr = db().CreateTransaction({.system_access = true});
    auto r = tr.GetRange(begin, end);
    if (!r.ok()) return r.status();
    if (r->more) return Error(ErrorCode::kInternalError, "unlimited raw read reported more");
    Model m;
    for (auto& kv : r->kvs) m.emplace(std::move(kv.key), std::move(kv.value));
    return m;
  }
  // Everything stored under `prefix`, with the prefix stripped.
  Result<Model> RawUnder(std::string_view prefix) {
    auto m = RawScan(prefix, RawPrefixEnd(std::string(prefix)));
    if (!m.ok()) return m.status();
    Model out;
    for (auto& [k, v] : *m) out.emplace(k.substr(prefix.size()), v);
    return out;
  }
  Status RawPut(std::string_view key, std::string_view value) {
    return db().Run([&](Transaction& tr) { return tr.Set(key, value); },
                    Bounded({.system_access = true}));
  }

  // The tenant's whole content as its own handle sees it.
  static Result<Model> TenantScan(Tenant& t) {
    TenantTransaction tr = t.CreateTransaction();
    auto r = tr.GetRange("", "\xff");
    if (!r.ok()) return r.status();
    if (r->more) return Error(ErrorCode::kInternalError, "unlimited tenant read reported more");
    Model m;
    for (auto& kv : r->kvs) m.emplace(std::move(kv.key), std::move(kv.value));
    return m;
  }
  static Status TenantPut(Tenant& t, std::string_view key, std::string_view value) {
    RunOptions o;
    o.max_retries = 100;
    return t.Run([&](TenantTransaction& tr) { return tr.Set(key, value); }, o);
  }
  static Result<std::optional<std::string>> TenantGet(Tenant& t, std::string_view key) {
    TenantTransaction tr = t.CreateTransaction();
    return tr.Get(key);
  }

  // The database clock's current day, as the usage counters key it.
  int64_t Today() { return clock().NowMicros() / 86'400'000'000; }

  std::optional<TenantDirectory> dir_;
};

}  // namespace tenantdb::testing

// Tenant isolation: a randomized property test over many tenants whose names would collide if
// keys were built by concatenation, driven with hostile keys, selectors and ranges and checked
// against a model per tenant both through the tenant handles and through a raw system-access
// read of the whole keyspace. The focused tests of the edges (selectors at the tenant's ends,
// key limits, error messages, versionstamps, watches, conflict ranges) are in
// tenant_edges_test.cc.
//
// Seeded: TENANTDB_SEED=<seed> replays a run; TENANTDB_TEST_SCALE multiplies the rounds.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "tenant/tenant_test_util.h"
#include "tenantdb/tuple.h"

namespace tenantdb {
namespace {

using testing::Model;
using testing::ResolveInModel;

class TenantIsolationTest : public testing::TenantTest {};

// Names that would share keys if a key were name + separator + key, or name + key.
std::vector<std::string> CollidingNames() {
  return {"a",
          "a/",
          "a/b",
          "ab",
          "a\\x00",
          "a\\0",
          "a%00",
          "a\xc2\xa0",
          "b",
          "\xf4\x8f\xbf\xbf",
          std::string(255, 'a'),
          std::string(254, 'a') + "/"};
}

// The pairs of `model` in [begin, end) as a range read with `options` returns them.
RangeResult ModelRange(const Model& model, const std::string& begin, const std::string& end,
                       const RangeOptions& options) {
  RangeResult out;
  if (begin >= end) return out;
  std::vector<KeyValue> in;
  for (auto it = model.lower_bound(begin); it != model.end() && it->first < end; ++it) {
    in.push_back({it->first, it->second});
  }
  if (options.reverse == Reverse::kYes) std::reverse(in.begin(), in.end());
  int64_t bytes = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    out.kvs.push_back(in[i]);
    bytes += static_cast<int64_t>(in[i].key.size() + in[i].value.size());
    bool full = (options.limit > 0 && static_cast<int>(out.kvs.size()) >= options.limit) ||
                (options.target_bytes > 0 && bytes >= options.target_bytes);
    if (full) {
      out.more = i + 1 < in.size();
      break;
    }
  }
  return out;
}

// Checks a range read against the model. A byte target is a soft limit (the tenant layer
// counts the hidden prefix bytes too, so it may stop a little earlier than the relative bytes
// say): with one, the result must be a non-empty prefix of what the row limit alone gives, no
// longer than the relative-byte stopping point, with `more` set exactly when rows remain.
void ExpectRange(const RangeResult& got, const Model& model, const std::string& begin,
                 const std::string& end, const RangeOptions& options, const std::string& trace) {
  RangeResult exact = ModelRange(model, begin, end, options);
  if (options.target_bytes == 0) {
    EXPECT_EQ(got.kvs, exact.kvs) << trace;
    EXPECT_EQ(got.more, exact.more) << trace;
    return;
  }
  RangeOptions rows_only = options;
  rows_only.target_bytes = 0;
  RangeResult full = ModelRange(model, begin, end, rows_only);
  ASSERT_LE(got.kvs.size(), exact.kvs.size()) << trace;
  EXPECT_EQ(got.kvs.empty(), full.kvs.empty()) << trace;
  EXPECT_TRUE(std::equal(got.kvs.begin(), got.kvs.end(), full.kvs.begin())) << trace;
  EXPECT_EQ(got.more, got.kvs.size() < full.kvs.size() || full.more) << trace;
}

// What a tenant transaction must say about a relative key: OK, key_too_large or
// key_outside_legal_range (the size is checked first).
ErrorCode KeyVerdict(std::string_view key, size_t limit) {
  if (key.size() > limit) return ErrorCode::kKeyTooLarge;
  if (!key.empty() && static_cast<uint8_t>(key[0]) == 0xFF) return ErrorCode::kKeyOutsideLegalRange;
  return ErrorCode::kSuccess;
}
ErrorCode BoundVerdict(std::string_view key, size_t limit) {
  if (key.size() > limit + 1) return ErrorCode::kKeyTooLarge;
  if (key > std::string_view("\xff", 1)) return ErrorCode::kKeyOutsideLegalRange;
  return ErrorCode::kSuccess;
}
ErrorCode RangeVerdict(std::string_view b, std::string_view e, size_t limit) {
  if (ErrorCode c = BoundVerdict(b, limit); c != ErrorCode::kSuccess) return c;
  if (ErrorCode c = BoundVerdict(e, limit); c != ErrorCode::kSuccess) return c;
  if (b > e) return ErrorCode::kInvertedRange;
  return ErrorCode::kSuccess;
}

class Workload {
 public:
  Workload(std::mt19937_64& rng, std::vector<std::string> prefixes)
      : rng_(rng), prefixes_(std::move(prefixes)) {}

  uint64_t Next(uint64_t n) { return rng_() % n; }

  std::string ShortKey() {
    static const char kAlphabet[] = {'a', 'b', '/', '\0', '\xfe', '\x01'};
    std::string k;
    int len = 1 + static_cast<int>(Next(3));
    for (int i = 0; i < len; ++i) k.push_back(kAlphabet[Next(sizeof(kAlphabet))]);
    return k;
  }

  // Keys a hostile caller might pass, valid and invalid for a tenant whose limit is `limit`.
  std::string Key(size_t limit) {
    switch (Next(14)) {
      case 0:
        return "";
      case 1:
        return std::string(1, '\0');
      case 2:
        return "\xff";
      case 3:
        return "\xff" + ShortKey();
      case 4:
        return std::string(1 + Next(3), '\xff');
      case 5:
        return prefixes_[Next(prefixes_.size())];
      case 6:
        return prefixes_[Next(prefixes_.size())] + ShortKey();
      case 7:
        return std::string(limit - Next(2), static_cast<char>('k' + Next(2)));
      case 8:
        return std::string(limit + 1 + Next(2), 'k');
      case 9:
        return "\xfe";
      case 10:
        return "\xfe\xff\xff";
      default:
        return ShortKey();
    }
  }
  // Range bounds: keys, plus the tenant's end and just past it.
  std::string Bound(size_t limit) {
    switch (Next(8)) {
      case 0:
        return "\xff";
      case 1:
        return std::string("\xff\x00", 2);
      default:
        return Key(limit);
    }
  }
  KeySelector Selector(size_t limit) {
    static const int kOffsets[] = {INT_MIN, -1'000'000, -50, -3, -2, -1,        0,      0,
                                   1,       1,          2,   3,  50, 1'000'000, INT_MAX};
    return {Bound(limit), Next(2) == 0, kOffsets[Next(std::size(kOffsets))]};
  }
  RangeOptions Options() {
    static const int kLimits[] = {0, 0, 1, 2, 5};
    static const int64_t kTargets[] = {0, 0, 0, 1, 30};
    RangeOptions o;
    o.limit = kLimits[Next(std::size(kLimits))];
    o.target_bytes = kTargets[Next(std::size(kTargets))];
    o.reverse = Next(2) == 0 ? Reverse::kYes : Reverse::kNo;
    o.snapshot = Next(2) == 0 ? Snapshot::kYes : Snapshot::kNo;
    return o;
  }
  std::string Value(size_t tenant) {
    return fmt::format("t{}:{}", tenant, std::string(Next(20), static_cast<char>('a' + Next(26))));
  }

 private:
  std::mt19937_64& rng_;
  std::vector<std::string> prefixes_;
};

std::string Describe(const KeySelector& s) {
  return fmt::format("{{{}, or_equal={}, offset={}}}", Escape(s.key), s.or_equal, s.offset);
}

TEST_P(TenantIsolationTest, RandomOperationsNeverCrossTenants) {
  const uint64_t seed = testing::TestSeed();
  std::mt19937_64 rng(seed);
  const std::vector<std::string> names = CollidingNames();
  std::vector<Tenant> tenants;
  std::vector<TenantInfo> infos;
  std::vector<std::string> prefixes;
  for (const std::string& name : names) {
    TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Create(name));
    TDB_ASSERT_OK_AND_ASSIGN(Tenant t, dir().Open(name));
    infos.push_back(info);
    prefixes.push_back(info.prefix);
    tenants.push_back(t);
  }
  // Raw keys outside every tenant, some of which look like tenant prefixes.
  Model outside = {{"", "raw"},
                   {std::string(1, '\0'), "raw"},
                   {"a", "raw"},
                   {"a/", "raw"},
                   {"\xfd\xff", "raw"},
                   {"\xfe", "raw"},
                   {"\xfe\x14", "raw"},  // the prefix tenant id 0 would have
                   {"\xfe" + Tuple::Of(int64_t{1'000'000}).Pack() + "k", "raw"}};
  for (const auto& [k, v] : outside) TDB_ASSERT_OK(RawPut(k, v));

  std::vector<Model> models(tenants.size());
  Workload w(rng, prefixes);
  const int rounds = 150 * testing::TestScale();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(12);
  int round = 0;
  int64_t reads_checked = 0;
  for (; round < rounds && std::chrono::steady_clock::now() < deadline; ++round) {
    const size_t ti = w.Next(tenants.size());
    const std::string& prefix = infos[ti].prefix;
    const size_t limit = static_cast<size_t>(kMaxKeySize) - prefix.size();
    SCOPED_TRACE(
        fmt::format("seed {} round {} tenant {} '{}'", seed, round, ti, Escape(names[ti])));

    // Checksums of every tenant's raw data before the round.
    std::vector<uint64_t> before(tenants.size());
    for (size_t i = 0; i < tenants.size(); ++i) {
      TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(prefixes[i]));
      before[i] = testing::Checksum(raw);
    }

    Model local = models[ti];
    TenantTransaction tr = tenants[ti].CreateTransaction();
    const int ops = 1 + static_cast<int>(w.Next(15));
    for (int op = 0; op < ops; ++op) {
      std::string trace;
      Status s;
      ErrorCode want = ErrorCode::kSuccess;
      switch (w.Next(12)) {
        case 0:
        case 1: {
          std::string k = w.Key(limit), v = w.Value(ti);
          trace = fmt::format("Set({})", Escape(k).substr(0, 80));
          want = KeyVerdict(k, limit);
          s = tr.Set(k, v);
          if (s.ok()) local[k] = v;
          break;
        }
        case 2: {
          std::string k = w.Next(2) ? w.Key(limit) : local.empty() ? "" : local.begin()->first;
          trace = fmt::format("Clear({})", Escape(k).substr(0, 80));
          want = KeyVerdict(k, limit);
          s = tr.Clear(k);
          if (s.ok()) local.erase(k);
          break;
        }
        case 3: {
          std::string b = w.Bound(limit), e = w.Bound(limit);
          if (w.Next(4) == 0) {
            b = "";
            e = "\xff";
          }
          trace =
              fmt::format("ClearRange({}, {})", Escape(b).substr(0, 80), Escape(e).substr(0, 80));
          want = RangeVerdict(b, e, limit);
          s = tr.ClearRange(b, e);
          if (s.ok()) {
            for (auto it = local.lower_bound(b); it != local.end() && it->first < e;) {
              it = local.erase(it);
            }
          }
          break;
        }
        case 4: {
          static const MutationType kOps[] = {MutationType::kAdd, MutationType::kBitXor,
                                              MutationType::kByteMax, MutationType::kByteMin,
                                              MutationType::kCompareAndClear};
          MutationType m = kOps[w.Next(std::size(kOps))];
          std::string k = w.Key(limit);
          std::string param = m == MutationType::kCompareAndClear && local.count(k) && w.Next(2)
                                  ? local[k]
                                  : w.Value(ti);
          trace = fmt::format("Atomic({}, {})", MutationTypeName(m), Escape(k).substr(0, 80));
          want = KeyVerdict(k, limit);
          s = tr.Atomic(m, k, param);
          if (s.ok()) {
            auto it = local.find(k);
            std::optional<std::string> old;
            if (it != local.end()) old = it->second;
            std::optional<std::string> now = testing::ReferenceAtomic(m, old, param);
            if (now) {
              local[k] = *now;
            } else {
              local.erase(k);
            }
          }
          break;
        }
        case 5:
        case 6: {
          std::string k = w.Next(3) == 0 && !local.empty() ? local.rbegin()->first : w.Key(limit);
          trace = fmt::format("Get({})", Escape(k).substr(0, 80));
          want = KeyVerdict(k, limit);
          auto r = tr.Get(k, w.Next(2) ? Snapshot::kYes : Snapshot::kNo);
          s = r.status();
          if (r.ok()) {
            auto it = local.find(k);
            std::optional<std::string> expect;
            if (it != local.end()) expect = it->second;
            EXPECT_EQ(*r, expect) << trace;
            ++reads_checked;
          }
          break;
        }
        case 7:
        case 8: {
          KeySelector sel = w.Selector(limit);
          trace = "GetKey" + Describe(sel);
          auto r = tr.GetKey(sel, w.Next(2) ? Snapshot::kYes : Snapshot::kNo);
          s = r.status();
          if (r.ok()) {
            EXPECT_EQ(Escape(*r), Escape(ResolveInModel(local, sel))) << trace;
            ++reads_checked;
          }
          break;
        }
        case 9:
        case 10: {
          KeySelector b = w.Selector(limit), e = w.Selector(limit);
          if (w.Next(4) == 0) {
            b = KeySelector::FirstGreaterOrEqual("");
            e = KeySelector::FirstGreaterOrEqual("\xff");
          }
          RangeOptions o = w.Options();
          trace = fmt::format("GetRange({}, {}, limit={} target={} reverse={})", Describe(b),
                              Describe(e), o.limit, o.target_bytes, o.reverse == Reverse::kYes);
          auto r = tr.GetRange(b, e, o);
          s = r.status();
          if (r.ok()) {
            ExpectRange(*r, local, ResolveInModel(local, b), ResolveInModel(local, e), o, trace);
            ++reads_checked;
          }
          break;
        }
        default: {
          std::string b = w.Bound(limit), e = w.Bound(limit);
          RangeOptions o = w.Options();
          trace = fmt::format("GetRange({}, {}, limit={} target={} reverse={})",
                              Escape(b).substr(0, 80), Escape(e).substr(0, 80), o.limit,
                              o.target_bytes, o.reverse == Reverse::kYes);
          want = RangeVerdict(b, e, limit);
          auto r = tr.GetRange(b, e, o);
          s = r.status();
          if (r.ok()) {
            ExpectRange(*r, local, b, e, o, trace);
            ++reads_checked;
          }
          break;
        }
      }
      ASSERT_EQ(s.code(), want) << trace << ": " << s.ToString();
      if (!s.ok()) {
        // Error messages speak of relative keys only.
        EXPECT_FALSE(testing::MentionsPrefix(s.message(), prefix) &&
                     !testing::MentionsPrefix(trace, prefix))
            << trace << ": " << s.message();
      }
    }
    bool commit = w.Next(5) != 0;
    if (commit) {
      TDB_ASSERT_OK(tr.Commit());
      models[ti] = local;
    }

    // 1. Through the raw keyspace: everything outside \xff is exactly the outside keys plus
    //    each tenant's model under its prefix.
    Model expect_raw = outside;
    for (size_t i = 0; i < tenants.size(); ++i) {
      for (const auto& [k, v] : models[i]) expect_raw[prefixes[i] + k] = v;
    }
    TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawScan("", "\xff"));
    if (raw != expect_raw) {
      for (const auto& [k, v] : raw) {
        auto it = expect_raw.find(k);
        if (it == expect_raw.end() || it->second != v) {
          ADD_FAILURE() << "unexpected raw key " << Escape(k).substr(0, 120) << " = " << Escape(v);
        }
      }
      for (const auto& [k, v] : expect_raw) {
        if (!raw.count(k)) ADD_FAILURE() << "missing raw key " << Escape(k).substr(0, 120);
      }
      FAIL() << "raw keyspace differs from the models";
    }
    // 2. Every other tenant's data is byte-for-byte unchanged; the acting one matches its model.
    for (size_t i = 0; i < tenants.size(); ++i) {
      TDB_ASSERT_OK_AND_ASSIGN(Model mine, RawUnder(prefixes[i]));
      if (i != ti || !commit) {
        EXPECT_EQ(testing::Checksum(mine), before[i]) << "tenant " << i << " changed";
      }
      EXPECT_EQ(mine, models[i]) << "tenant " << i;
    }
    // 3. Through the tenant handles, each sees exactly its own model.
    for (size_t i = 0; i < tenants.size(); ++i) {
      TDB_ASSERT_OK_AND_ASSIGN(Model seen, TenantScan(tenants[i]));
      ASSERT_EQ(seen, models[i]) << "tenant " << i;
    }
    if (HasFailure()) return;
  }
  EXPECT_GT(round, 20) << "too few rounds ran";
  EXPECT_GT(reads_checked, 50);
  size_t nonempty = 0;
  for (const Model& m : models) nonempty += m.empty() ? 0 : 1;
  EXPECT_GT(nonempty, 1u) << "the workload hardly wrote";
}

INSTANTIATE_TEST_SUITE_P(Engines, TenantIsolationTest, testing::AllEngines(),
                         testing::EngineKindName);

}  // namespace
}  // namespace tenantdb

// Tenant isolation: a randomized property test over many tenants whose names would collide if
// keys were built by concatenation, driven with hostile keys, selectors and ranges and checked
// against a model per tenant both through the tenant handles and through a raw system-access
// read of the whole keyspace; plus focused tests of the edges (selectors at the tenant's ends,
// key limits, error messages, versionstamps, watches, conflict ranges).
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

// Selectors and ranges resolve within the tenant, even with data right next to it: raw keys
// just past the tenant's legal end (prefix + "\xff...") and neighbouring tenants on both sides.
TEST_P(TenantIsolationTest, SelectorsAndRangesStopAtTheTenantsEnds) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant before, Make("before"));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t"));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant after, Make("after"));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get("t"));
  TDB_ASSERT_OK(TenantPut(before, "\xfe\xfe", "before"));
  TDB_ASSERT_OK(TenantPut(after, "", "after"));

  // An empty tenant: everything resolves to its ends.
  {
    TenantTransaction tr = t.CreateTransaction();
    EXPECT_EQ(*tr.GetKey(KeySelector::FirstGreaterOrEqual("")), "\xff");
    EXPECT_EQ(*tr.GetKey(KeySelector::LastLessOrEqual("\xff")), "");
    EXPECT_EQ(*tr.GetKey(KeySelector::LastLessThan("zzz") - 1000), "");
    EXPECT_EQ(*tr.GetKey(KeySelector::FirstGreaterThan("") + 1000), "\xff");
    TDB_ASSERT_OK_AND_ASSIGN(RangeResult r, tr.GetRange(KeySelector::LastLessOrEqual("") - 5,
                                                        KeySelector::FirstGreaterThan("\xff") + 5));
    EXPECT_TRUE(r.kvs.empty());
  }
  // Raw keys inside the tenant's prefix but past its legal end are invisible to it.
  const std::string past_end = info.prefix + "\xff";
  TDB_ASSERT_OK(RawPut(past_end, "hidden"));
  TDB_ASSERT_OK(RawPut(past_end + "\xff\xff", "hidden"));
  TDB_ASSERT_OK(TenantPut(t, "m", "1"));
  TDB_ASSERT_OK(TenantPut(t, "\xfe\xff\xff", "2"));
  {
    TenantTransaction tr = t.CreateTransaction();
    EXPECT_EQ(*tr.GetKey(KeySelector::FirstGreaterThan("\xfe\xff\xff")), "\xff");
    EXPECT_EQ(*tr.GetKey(KeySelector::FirstGreaterOrEqual("\xff")), "\xff");
    EXPECT_EQ(*tr.GetKey(KeySelector::FirstGreaterOrEqual("\xff\xff\xff")), "\xff");
    EXPECT_EQ(*tr.GetKey(KeySelector::LastLessOrEqual("\xff\xff")), "\xfe\xff\xff");
    EXPECT_EQ(*tr.GetKey(KeySelector{"", false, INT_MAX}), "\xff");
    EXPECT_EQ(*tr.GetKey(KeySelector{"\xff\xff", true, INT_MIN}), "");
    EXPECT_EQ(*tr.GetKey(KeySelector::LastLessThan("m")), "");
    EXPECT_EQ(*tr.GetKey(KeySelector::LastLessThan("m") - 1), "");
    EXPECT_EQ(*tr.GetKey(KeySelector::FirstGreaterOrEqual("") + 1), "\xfe\xff\xff");
    EXPECT_EQ(*tr.GetKey(KeySelector::FirstGreaterOrEqual("") + 2), "\xff");
    TDB_ASSERT_OK_AND_ASSIGN(RangeResult all,
                             tr.GetRange(KeySelector::FirstGreaterOrEqual("") - 100,
                                         KeySelector::FirstGreaterThan("\xff\xff") + 100));
    EXPECT_EQ(all.kvs, (std::vector<KeyValue>{{"m", "1"}, {"\xfe\xff\xff", "2"}}));
    TDB_ASSERT_OK_AND_ASSIGN(RangeResult rev, tr.GetRange(KeySelector::LastLessThan("") - 7,
                                                          KeySelector{"\xff", true, 9},
                                                          {.limit = 0, .reverse = Reverse::kYes}));
    EXPECT_EQ(rev.kvs, (std::vector<KeyValue>{{"\xfe\xff\xff", "2"}, {"m", "1"}}));
    TDB_ASSERT_OK_AND_ASSIGN(RangeResult one,
                             tr.GetRange("", "\xff", {.limit = 1, .reverse = Reverse::kYes}));
    EXPECT_EQ(one.kvs, (std::vector<KeyValue>{{"\xfe\xff\xff", "2"}}));
    EXPECT_TRUE(one.more);
    TDB_ASSERT_OK_AND_ASSIGN(std::optional<std::string> gone, tr.Get("\xfe\xff\xff\xff"));
    EXPECT_FALSE(gone.has_value());
  }
  // Clearing everything clears the tenant's keys and nothing else.
  TDB_ASSERT_OK(t.Run([](TenantTransaction& tr) { return tr.ClearRange("", "\xff"); }));
  TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(info.prefix));
  EXPECT_EQ(raw, (Model{{"\xff", "hidden"}, {"\xff\xff\xff", "hidden"}}));
  TDB_ASSERT_OK_AND_ASSIGN(Model b, TenantScan(before));
  EXPECT_EQ(b, (Model{{"\xfe\xfe", "before"}}));
  TDB_ASSERT_OK_AND_ASSIGN(Model a, TenantScan(after));
  EXPECT_EQ(a, (Model{{"", "after"}}));
}

// Hostile keys get the documented error from every call, the error never shows the tenant's
// absolute prefix, and the failed call changes nothing.
TEST_P(TenantIsolationTest, HostileKeysAreRefusedWithRelativeMessages) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("acme"));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get("acme"));
  const size_t limit = kMaxKeySize - info.prefix.size();
  TDB_ASSERT_OK(TenantPut(t, std::string(limit, 'k'), "max"));
  TDB_ASSERT_OK(TenantPut(t, "", "empty key"));
  TDB_ASSERT_OK(TenantPut(t, info.prefix, "looks like my prefix"));

  auto check = [&](const Status& s, ErrorCode want, const std::string& what) {
    EXPECT_EQ(s.code(), want) << what << ": " << s.ToString();
    EXPECT_FALSE(testing::MentionsPrefix(s.message(), info.prefix)) << what << ": " << s.message();
    EXPECT_FALSE(testing::MentionsPrefix(s.ToString(), info.prefix)) << what;
  };
  const std::vector<std::string> outside = {"\xff", "\xff\xff", std::string("\xff\x00", 2),
                                            std::string(20, '\xff')};
  const std::string stamp_body = std::string(10, '\0');
  for (const std::string& k : outside) {
    TenantTransaction tr = t.CreateTransaction();
    const ErrorCode o = ErrorCode::kKeyOutsideLegalRange;
    check(tr.Get(k).status(), o, "Get " + Escape(k));
    check(tr.Set(k, "v"), o, "Set " + Escape(k));
    check(tr.Clear(k), o, "Clear " + Escape(k));
    check(tr.Add(k, 1), o, "Add " + Escape(k));
    check(tr.Atomic(MutationType::kBitOr, k, "x"), o, "Atomic " + Escape(k));
    check(tr.SetVersionstampedValue(k, stamp_body + testing::LE32(0)), o, "SVV " + Escape(k));
    check(tr.SetVersionstampedKey(k + stamp_body + testing::LE32(static_cast<uint32_t>(k.size())),
                                  "v"),
          o, "SVK " + Escape(k));
    check(tr.WatchKey(k).status(), o, "WatchKey " + Escape(k));
    if (k != "\xff") {  // "\xff" is the legal end of a range
      check(tr.ClearRange("", k), o, "ClearRange end " + Escape(k));
      check(tr.GetRange("", k).status(), o, "GetRange end " + Escape(k));
      check(tr.AddReadConflictRange("", k), o, "AddReadConflictRange " + Escape(k));
      check(tr.AddWriteConflictRange("", k), o, "AddWriteConflictRange " + Escape(k));
      check(tr.ClearRange(k, k), o, "ClearRange begin " + Escape(k));
    }
    TDB_EXPECT_OK(tr.Commit());
  }
  for (const std::string& k : {std::string(limit + 1, 'k'), std::string(kMaxKeySize + 5, 'k')}) {
    TenantTransaction tr = t.CreateTransaction();
    const ErrorCode big = ErrorCode::kKeyTooLarge;
    check(tr.Get(k).status(), big, "Get long");
    check(tr.Set(k, "v"), big, "Set long");
    check(tr.Clear(k), big, "Clear long");
    check(tr.Add(k, 1), big, "Add long");
    check(tr.WatchKey(k).status(), big, "WatchKey long");
    check(tr.SetVersionstampedValue(k, stamp_body + testing::LE32(0)), big, "SVV long");
    check(tr.SetVersionstampedKey(k + testing::LE32(0), "v"), big, "SVK long");
    check(tr.ClearRange("", k + "kk"), big, "ClearRange long");
    check(tr.GetRange(k + "kk", k + "kk").status(), big, "GetRange long");
    check(tr.AddReadConflictRange("", k + "kk"), big, "AddReadConflictRange long");
    TDB_EXPECT_OK(tr.Commit());
  }
  {
    TenantTransaction tr = t.CreateTransaction();
    check(tr.ClearRange("b", "a"), ErrorCode::kInvertedRange, "inverted ClearRange");
    check(tr.GetRange("b", "a").status(), ErrorCode::kInvertedRange, "inverted GetRange");
    check(tr.AddWriteConflictRange("\xff", "a"), ErrorCode::kInvertedRange, "inverted conflict");
    // A range bound one byte longer than the key limit is allowed: the end of [k, k + "\0").
    TDB_EXPECT_OK(tr.GetRange(std::string(limit, 'k'), std::string(limit, 'k') + '\0'));
    TDB_EXPECT_OK(tr.ClearRange("\xff", "\xff"));
    TDB_EXPECT_OK(tr.Commit());
  }
  TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(info.prefix));
  EXPECT_EQ(raw, (Model{{std::string(limit, 'k'), "max"},
                        {"", "empty key"},
                        {info.prefix, "looks like my prefix"}}));
}

TEST_P(TenantIsolationTest, VersionstampsLandAtTheRelativeKey) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t"));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant neighbour, Make("neighbour"));
  TDB_ASSERT_OK_AND_ASSIGN(TenantInfo info, dir().Get("t"));
  const std::string placeholder(10, '\0');
  TenantTransaction tr = t.CreateTransaction();
  // Placeholder at offset 3 of the relative key, and at offset 0.
  TDB_ASSERT_OK(tr.SetVersionstampedKey("ts/" + placeholder + "!" + testing::LE32(3), "v1"));
  TDB_ASSERT_OK(tr.SetVersionstampedKey(placeholder + testing::LE32(0), "v0"));
  TDB_ASSERT_OK(tr.SetVersionstampedValue("val", "<" + placeholder + ">" + testing::LE32(1)));
  TDB_ASSERT_OK(tr.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(std::string stamp, tr.GetVersionstamp());
  ASSERT_EQ(stamp.size(), 10u);

  TDB_ASSERT_OK_AND_ASSIGN(Model seen, TenantScan(t));
  EXPECT_EQ(seen, (Model{{"ts/" + stamp + "!", "v1"}, {stamp, "v0"}, {"val", "<" + stamp + ">"}}));
  TDB_ASSERT_OK_AND_ASSIGN(Model raw, RawUnder(info.prefix));
  EXPECT_EQ(raw, seen);
  TDB_ASSERT_OK_AND_ASSIGN(Model other, TenantScan(neighbour));
  EXPECT_TRUE(other.empty());

  TenantTransaction bad = t.CreateTransaction();
  TDB_EXPECT_ERROR(bad.SetVersionstampedKey("abc", "v"), ErrorCode::kInvalidArgument);
  TDB_EXPECT_ERROR(bad.SetVersionstampedKey("ts/" + placeholder + testing::LE32(4), "v"),
                   ErrorCode::kInvalidArgument);
  TDB_EXPECT_ERROR(bad.SetVersionstampedKey(placeholder + testing::LE32(0xFFFFFFFF), "v"),
                   ErrorCode::kInvalidArgument);
  TDB_EXPECT_ERROR(bad.SetVersionstampedValue("k", "abc"), ErrorCode::kInvalidArgument);
  TDB_EXPECT_OK(bad.Commit());
  TDB_ASSERT_OK_AND_ASSIGN(Model unchanged, RawUnder(info.prefix));
  EXPECT_EQ(unchanged, seen);
}

TEST_P(TenantIsolationTest, WatchesFireOnlyForTheTenantsOwnKey) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant t, Make("t"));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant other, Make("other"));
  TDB_ASSERT_OK(TenantPut(t, "w", "0"));
  TenantTransaction tr = t.CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(Watch watch, tr.WatchKey("w"));
  TDB_ASSERT_OK(tr.Commit());
  // The same relative key in another tenant, and a same-value write, do not fire it.
  TDB_ASSERT_OK(TenantPut(other, "w", "1"));
  TDB_ASSERT_OK(TenantPut(t, "w", "0"));
  TDB_ASSERT_OK(TenantPut(t, "w2", "1"));
  TDB_EXPECT_ERROR(watch.Wait(std::chrono::milliseconds(50)), ErrorCode::kTimedOut);
  EXPECT_FALSE(watch.IsReady());
  TDB_ASSERT_OK(TenantPut(t, "w", "changed"));
  TDB_EXPECT_OK(watch.Wait(std::chrono::seconds(10)));

  // A watch on a missing key fires when the key appears.
  TenantTransaction tr2 = t.CreateTransaction();
  TDB_ASSERT_OK_AND_ASSIGN(Watch missing, tr2.WatchKey("new"));
  TDB_ASSERT_OK(tr2.Commit());
  TDB_ASSERT_OK(TenantPut(other, "new", "x"));
  TDB_EXPECT_ERROR(missing.Wait(std::chrono::milliseconds(50)), ErrorCode::kTimedOut);
  TDB_ASSERT_OK(TenantPut(t, "new", "x"));
  TDB_EXPECT_OK(missing.Wait(std::chrono::seconds(10)));
}

// Conflict ranges a tenant transaction adds, explicitly or by reading, stay inside the tenant:
// writes in another tenant never make it conflict, writes in the same tenant do.
TEST_P(TenantIsolationTest, ConflictRangesStayInsideTheTenant) {
  TDB_ASSERT_OK_AND_ASSIGN(Tenant a, Make("a"));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant b, Make("b"));
  TDB_ASSERT_OK_AND_ASSIGN(Tenant c, Make("c"));
  auto reader = [&](Tenant& t) {
    TenantTransaction tr = t.CreateTransaction();
    EXPECT_TRUE(testing::IsOk(tr.GetRange(KeySelector::FirstGreaterOrEqual("") - 1000,
                                          KeySelector::FirstGreaterOrEqual("\xff") + 1000)));
    EXPECT_TRUE(testing::IsOk(tr.GetKey(KeySelector::LastLessThan("") - 5)));
    EXPECT_TRUE(testing::IsOk(tr.GetKey(KeySelector::FirstGreaterThan("\xff\xff") + 5)));
    EXPECT_TRUE(testing::IsOk(tr.AddReadConflictRange("", "\xff")));
    EXPECT_TRUE(testing::IsOk(tr.Set("mine", "x")));
    return tr;
  };
  TenantTransaction tr = reader(b);
  TDB_ASSERT_OK(TenantPut(a, "\xfe\xff", "x"));
  TDB_ASSERT_OK(TenantPut(c, "", "x"));
  TDB_EXPECT_OK(tr.Commit());

  TenantTransaction tr2 = reader(b);
  TDB_ASSERT_OK(TenantPut(b, "\xfe\xff", "x"));
  TDB_EXPECT_ERROR(tr2.Commit(), ErrorCode::kNotCommitted);

  // An explicit write conflict range makes a reader of the same tenant conflict.
  TenantTransaction reading = a.CreateTransaction();
  TDB_ASSERT_OK(reading.Get("q").status());
  TDB_ASSERT_OK(reading.Set("other", "1"));
  TenantTransaction writer = a.CreateTransaction();
  TDB_ASSERT_OK(writer.AddWriteConflictRange("p", "r"));
  TDB_ASSERT_OK(writer.Set("unrelated", "1"));
  TDB_ASSERT_OK(writer.Commit());
  TDB_EXPECT_ERROR(reading.Commit(), ErrorCode::kNotCommitted);
}

INSTANTIATE_TEST_SUITE_P(Engines, TenantIsolationTest, testing::AllEngines(),
                         testing::EngineKindName);

}  // namespace
}  // namespace tenantdb

#include "bench/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace tenantdb::bench {

namespace {

// Thousands separators for rates: 123456.7 -> "123,457".
std::string Rate(double ops_per_s) {
  std::string digits = fmt::format("{:.0f}", ops_per_s);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

const CellResult* Find(const std::vector<CellResult>& cells, Workload w, std::string_view system,
                       int threads, Durability d) {
  for (const CellResult& c : cells) {
    if (c.workload == w && c.system == system && c.threads == threads && c.durability == d) {
      return &c;
    }
  }
  return nullptr;
}

// A ratio for a verdict line, to 3 decimals rounded down: a ratio just under a target's bound
// never reads as the bound (0.8996 is "0.899", not "0.90", beside MISSED).
std::string VerdictRatio(double ratio) {
  return fmt::format("{:.3f}", std::floor(ratio * 1000) / 1000);
}

// The ratio a/b of `system_a`'s rate in workload `a` over `system_b`'s in workload `b`, for
// every (durability, threads) both have; the lowest decides `min_ratio`.
TargetCheck RatioTarget(const std::vector<CellResult>& cells, std::string name,
                        std::string_view system_a, Workload a, std::string_view system_b,
                        Workload b, double min_ratio) {
  TargetCheck check{std::move(name), "", std::nullopt};
  double lowest = 0;
  bool any = false;
  for (Durability d : {Durability::kSync, Durability::kAsync}) {
    std::string part;
    for (const CellResult& c : cells) {
      if (c.workload != a || c.system != system_a || c.durability != d) continue;
      const CellResult* peer = Find(cells, b, system_b, c.threads, d);
      if (peer == nullptr || peer->ops_per_s <= 0) continue;
      double ratio = c.ops_per_s / peer->ops_per_s;
      lowest = any ? std::min(lowest, ratio) : ratio;
      any = true;
      part += fmt::format(" {}t {}", c.threads, VerdictRatio(ratio));
    }
    if (!part.empty()) {
      check.detail +=
          fmt::format("{}{}:{}", check.detail.empty() ? "" : "; ", DurabilityName(d), part);
    }
  }
  if (any) {
    check.met = lowest >= min_ratio;
    check.detail += fmt::format(" (lowest {})", VerdictRatio(lowest));
  }
  return check;
}

}  // namespace

std::string JsonLine(const CellResult& c) {
  return fmt::format(
      "{{\"workload\":\"{}\",\"system\":\"{}\",\"threads\":{},\"durability\":\"{}\","
      "\"ops\":{},\"seconds\":{:.3f},\"ops_per_s\":{:.1f},\"p50_us\":{:.2f},\"p99_us\":{:.2f},"
      "\"retries\":{}}}",
      WorkloadName(c.workload), c.system, c.threads, DurabilityName(c.durability), c.ops, c.seconds,
      c.ops_per_s, c.p50_us, c.p99_us, c.retries);
}

std::string FsyncJsonLine(const FsyncProbeResult& f) {
  return fmt::format(
      "{{\"workload\":\"fsync\",\"system\":\"disk\",\"threads\":1,\"durability\":\"sync\","
      "\"ops\":{},\"seconds\":0,\"ops_per_s\":{:.1f},\"p50_us\":{:.2f},\"p99_us\":{:.2f},"
      "\"retries\":0}}",
      f.samples, f.p50_us > 0 ? 1e6 / f.p50_us : 0.0, f.p50_us, f.p99_us);
}

std::string DeleteJsonLine(const DeleteResult& r) {
  return fmt::format(
      "{{\"workload\":\"tenant_delete\",\"system\":\"{}\",\"durability\":\"{}\","
      "\"phase\":\"{}\",\"keys\":{},\"samples\":{},\"seconds\":{:.6f},"
      "\"since_load_s\":{:.3f},\"filler_commits\":{}}}",
      SystemName(System::kTenant), DurabilityName(r.durability), r.phase, r.keys, r.samples,
      r.seconds, r.since_load_s, r.filler_commits);
}

std::string ModelJsonLine(const GroupCommitModelResult& m) {
  return fmt::format(
      "{{\"workload\":\"group_commit_model\",\"system\":\"model\",\"threads\":{},"
      "\"durability\":\"sync\",\"work_us\":{:.3f},\"ops\":{},\"rounds\":{},"
      "\"seconds\":{:.6f},\"ops_per_s\":{:.1f},\"commits_per_round\":{:.2f}}}",
      m.threads, m.work_us, m.commits, m.rounds, m.seconds, m.ops_per_s, m.commits_per_round);
}

TablePrinter::TablePrinter(std::ostream& out, std::vector<System> systems)
    : out_(out), systems_(std::move(systems)), pending_(systems_.size()) {}

int TablePrinter::IndexOf(std::string_view system) const {
  for (size_t i = 0; i < systems_.size(); ++i) {
    if (SystemName(systems_[i]) == system) return static_cast<int>(i);
  }
  return -1;
}

void TablePrinter::OnDelete(const DeleteResult& r) {
  out_ << fmt::format(
      "-- tenant_delete {:<5} {:<12} tenant of {:>9} keys: {:>9.2f} ms{} ({:.1f} s after its "
      "load, {} commits between)\n",
      DurabilityName(r.durability), r.phase, Rate(static_cast<double>(r.keys)), r.seconds * 1e3,
      r.samples > 1 ? fmt::format(" (median of {})", r.samples) : std::string(), r.since_load_s,
      Rate(static_cast<double>(r.filler_commits)));
  out_ << std::flush;
}

void TablePrinter::OnModel(const GroupCommitModelResult& m) {
  out_ << fmt::format(
      "-- group commit model ({} threads, {:.1f} us of CPU per commit, no engine: a round is "
      "one fdatasync and one FUTEX_WAKE): {} commits/s, {:.1f} per round\n",
      m.threads, m.work_us, Rate(m.ops_per_s), m.commits_per_round);
  out_ << std::flush;
}

void TablePrinter::OnFsync(const FsyncProbeResult& f) {
  out_ << fmt::format(
      "-- disk fsync (4 KiB append + fdatasync, {} samples): p50 {:.1f} us, p99 {:.1f} us\n",
      f.samples, f.p50_us, f.p99_us);
}

void TablePrinter::OnCell(const CellResult& c) {
  if (c.workload == Workload::kTenantCreate) {
    out_ << fmt::format(
        "-- tenant_create {:<5} {:>3} thr: {} tenants in {:.2f} s = {} tenants/s; p50 {:.1f} us, "
        "p99 {:.1f} us; {} retries\n",
        DurabilityName(c.durability), c.threads, Rate(static_cast<double>(c.ops)), c.seconds,
        Rate(c.ops_per_s), c.p50_us, c.p99_us, c.retries);
    out_ << std::flush;
    return;
  }
  const int raw = IndexOf(SystemName(System::kTenantdb));
  const int tenant = IndexOf(SystemName(System::kTenant));
  const int rocks = IndexOf(SystemName(System::kRocksdb));
  if (!header_) {
    std::string h = fmt::format("{:<18} {:<5} {:>3}", "workload", "dur", "thr");
    for (System s : systems_) {
      std::string_view label = s == System::kTenantdb ? "tenantdb/s"
                               : s == System::kTenant ? "tenant/s"
                                                      : "rocksdb/s";
      h += fmt::format(" | {:>11} {:>8} {:>8}", label, "p50 us", "p99 us");
      if (s != System::kRocksdb) h += fmt::format(" {:>7}", "retries");
    }
    if (raw >= 0 && rocks >= 0) h += fmt::format(" | {:>5}", "ratio");
    if (raw >= 0 && tenant >= 0) h += fmt::format(" | {:>7}", "ten/raw");
    out_ << h << "\n";
    header_ = true;
  }
  const int k = IndexOf(c.system);
  if (k < 0) return;
  pending_[static_cast<size_t>(k)] = c;
  for (const std::optional<CellResult>& p : pending_) {
    if (!p) return;
  }
  std::string row = fmt::format("{:<18} {:<5} {:>3}", WorkloadName(c.workload),
                                DurabilityName(c.durability), c.threads);
  for (size_t i = 0; i < systems_.size(); ++i) {
    const CellResult& r = *pending_[i];
    row += fmt::format(" | {:>11} {:>8.1f} {:>8.1f}", Rate(r.ops_per_s), r.p50_us, r.p99_us);
    if (systems_[i] != System::kRocksdb) row += fmt::format(" {:>7}", r.retries);
  }
  auto ratio = [&](int a, int b) {
    const double rb = pending_[static_cast<size_t>(b)]->ops_per_s;
    return rb > 0 ? pending_[static_cast<size_t>(a)]->ops_per_s / rb : 0.0;
  };
  if (raw >= 0 && rocks >= 0) row += fmt::format(" | {:>5.2f}", ratio(raw, rocks));
  if (raw >= 0 && tenant >= 0) row += fmt::format(" | {:>7.2f}", ratio(tenant, raw));
  out_ << row << "\n" << std::flush;
  for (std::optional<CellResult>& p : pending_) p.reset();
}

std::vector<TargetCheck> CheckTargets(const std::vector<CellResult>& cells,
                                      const std::optional<FsyncProbeResult>& fsync,
                                      const std::vector<DeleteResult>& deletes,
                                      const std::vector<GroupCommitModelResult>& models) {
  const std::string_view raw_name = SystemName(System::kTenantdb);
  const std::string_view tenant_name = SystemName(System::kTenant);
  const std::string_view rocks_name = SystemName(System::kRocksdb);
  std::vector<TargetCheck> checks;
  checks.push_back(RatioTarget(cells, "point_get >= 0.70 x RocksDB Get", raw_name,
                               Workload::kPointGet, rocks_name, Workload::kPointGet, 0.70));
  checks.push_back(RatioTarget(cells, "range_read >= 0.70 x RocksDB iterator", raw_name,
                               Workload::kRangeRead, rocks_name, Workload::kRangeRead, 0.70));

  const CellResult* one = Find(cells, Workload::kBlindWrite, "tenantdb", 1, Durability::kSync);
  const CellResult* many = Find(cells, Workload::kBlindWrite, "tenantdb", 32, Durability::kSync);
  TargetCheck scaling{"durable blind_write, 32 threads >= 10 x 1 thread", "", std::nullopt};
  TargetCheck rate{"durable blind_write, 32 threads >= 40,000 commits/s", "", std::nullopt};
  if (one != nullptr && many != nullptr && one->ops_per_s > 0) {
    double x = many->ops_per_s / one->ops_per_s;
    scaling.detail =
        fmt::format("{}/s vs {}/s = {:.1f}x", Rate(many->ops_per_s), Rate(one->ops_per_s), x);
    for (const GroupCommitModelResult& m : models) {
      scaling.detail += fmt::format("; model at {:.1f} us/commit {}/s = {:.1f}x", m.work_us,
                                    Rate(m.ops_per_s), m.ops_per_s / one->ops_per_s);
    }
    scaling.met = x >= 10;
  }
  if (many != nullptr) {
    rate.detail = fmt::format("{}/s", Rate(many->ops_per_s));
    rate.met = many->ops_per_s >= 40'000;
  }
  checks.push_back(std::move(scaling));
  checks.push_back(std::move(rate));

  TargetCheck latency{"durable blind_write, 1 thread: p50 <= 1.5 x fsync p50", "", std::nullopt};
  if (one != nullptr && fsync && fsync->p50_us > 0) {
    double x = one->p50_us / fsync->p50_us;
    latency.detail = fmt::format("{:.1f} us vs {:.1f} us = {:.2f}x", one->p50_us, fsync->p50_us, x);
    latency.met = x <= 1.5;
  }
  checks.push_back(std::move(latency));

  TargetCheck retries{"hot_counter: zero retries", "", std::nullopt};
  int64_t total = 0;
  bool any = false;
  for (const CellResult& c : cells) {
    if (c.workload == Workload::kHotCounter && c.system == "tenantdb") {
      total += c.retries;
      any = true;
    }
  }
  if (any) {
    retries.detail = fmt::format("{} retries", total);
    retries.met = total == 0;
  }
  checks.push_back(std::move(retries));
  checks.push_back(RatioTarget(cells, "hot_counter >= 0.80 x blind_write (tenantdb)", raw_name,
                               Workload::kHotCounter, raw_name, Workload::kBlindWrite, 0.80));

  // Through a tenant handle at most 10 % slower than raw, per key-value workload.
  for (Workload w : AllWorkloads()) {
    checks.push_back(
        RatioTarget(cells, fmt::format("{} {} >= 0.90 x tenantdb", tenant_name, WorkloadName(w)),
                    tenant_name, w, raw_name, w, 0.90));
  }

  // Deleting a big tenant takes about as long as deleting a 10-key one: at most twice as
  // long, or 1 ms more (a single durable commit varies by that much), per phase.
  for (std::string_view phase : {"after_load", "after_window", "after_prune"}) {
    TargetCheck check{fmt::format("tenant_delete {}: big <= 2 x (or +1 ms) 10 keys", phase), "",
                      std::nullopt};
    bool all_met = true;
    for (const DeleteResult& big : deletes) {
      if (big.phase != phase || big.samples != 1) continue;
      for (const DeleteResult& small : deletes) {
        if (small.phase != phase || small.durability != big.durability || small.samples == 1) {
          continue;
        }
        const double x = small.seconds > 0 ? big.seconds / small.seconds : 0;
        const bool met = x <= 2 || big.seconds - small.seconds <= 0.001;
        all_met = all_met && met;
        check.detail +=
            fmt::format("{}{}: {} keys {:.2f} ms vs {} keys {:.2f} ms = {:.1f}x",
                        check.detail.empty() ? "" : "; ", DurabilityName(big.durability),
                        Rate(static_cast<double>(big.keys)), big.seconds * 1e3, small.keys,
                        small.seconds * 1e3, x);
        check.met = all_met;
      }
    }
    checks.push_back(std::move(check));
  }
  return checks;
}

void PrintTargets(const std::vector<TargetCheck>& checks, std::ostream& out) {
  out << "\ntargets (figures of this run):\n";
  bool tenant_ratios = false;
  for (const TargetCheck& c : checks) {
    std::string verdict = !c.met ? "not measured" : *c.met ? "met" : "MISSED";
    out << fmt::format("  {:<58} {:<12} {}\n", c.name, verdict, c.detail);
    if (c.met && c.name.starts_with(SystemName(System::kTenant))) tenant_ratios = true;
  }
  if (tenant_ratios) {
    out << "  (tenant ratios: every cell of this one run, each a single sample that moves by up\n"
           "   to +-0.1 between runs; the 10 % target is judged on each workload's mean over\n"
           "   repeated runs: scripts/bench-ratios.sh)\n";
  }
}

}  // namespace tenantdb::bench

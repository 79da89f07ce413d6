#include "bench/report.h"

#include <fmt/format.h>

#include <algorithm>

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

// The ratio a/b of tenantdb's rate in workload `a` over `system_b`'s in workload `b`, for every
// (durability, threads) both have; the lowest decides `min_ratio`.
TargetCheck RatioTarget(const std::vector<CellResult>& cells, std::string name, Workload a,
                        Workload b, std::string_view system_b, double min_ratio) {
  TargetCheck check{std::move(name), "", std::nullopt};
  double lowest = 0;
  bool any = false;
  for (Durability d : {Durability::kSync, Durability::kAsync}) {
    std::string part;
    for (const CellResult& c : cells) {
      if (c.workload != a || c.system != "tenantdb" || c.durability != d) continue;
      const CellResult* peer = Find(cells, b, system_b, c.threads, d);
      if (peer == nullptr || peer->ops_per_s <= 0) continue;
      double ratio = c.ops_per_s / peer->ops_per_s;
      lowest = any ? std::min(lowest, ratio) : ratio;
      any = true;
      part += fmt::format(" {}t {:.2f}", c.threads, ratio);
    }
    if (!part.empty()) {
      check.detail += fmt::format("{}{}:{}", check.detail.empty() ? "" : "; ", DurabilityName(d),
                                  part);
    }
  }
  if (any) {
    check.met = lowest >= min_ratio;
    check.detail += fmt::format(" (lowest {:.2f})", lowest);
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

void TablePrinter::OnFsync(const FsyncProbeResult& f) {
  out_ << fmt::format(
      "-- disk fsync (4 KiB append + fdatasync, {} samples): p50 {:.1f} us, p99 {:.1f} us\n",
      f.samples, f.p50_us, f.p99_us);
}

void TablePrinter::OnCell(const CellResult& c) {
  if (!header_) {
    out_ << fmt::format("{:<18} {:<5} {:>3} | {:>11} {:>8} {:>8} {:>7} | {:>11} {:>8} {:>8} | {:>5}\n",
                        "workload", "dur", "thr", "tenantdb/s", "p50 us", "p99 us", "retries",
                        "rocksdb/s", "p50 us", "p99 us", "ratio");
    header_ = true;
  }
  if (!pending_) {
    pending_ = c;
    return;
  }
  const CellResult& t = pending_->system == "tenantdb" ? *pending_ : c;
  const CellResult& r = pending_->system == "tenantdb" ? c : *pending_;
  out_ << fmt::format(
      "{:<18} {:<5} {:>3} | {:>11} {:>8.1f} {:>8.1f} {:>7} | {:>11} {:>8.1f} {:>8.1f} | {:>5.2f}\n",
      WorkloadName(t.workload), DurabilityName(t.durability), t.threads, Rate(t.ops_per_s),
      t.p50_us, t.p99_us, t.retries, Rate(r.ops_per_s), r.p50_us, r.p99_us,
      r.ops_per_s > 0 ? t.ops_per_s / r.ops_per_s : 0.0);
  out_ << std::flush;
  pending_.reset();
}

std::vector<TargetCheck> CheckTargets(const std::vector<CellResult>& cells,
                                      const std::optional<FsyncProbeResult>& fsync) {
  std::vector<TargetCheck> checks;
  checks.push_back(RatioTarget(cells, "point_get >= 0.70 x RocksDB Get", Workload::kPointGet,
                               Workload::kPointGet, "rocksdb", 0.70));
  checks.push_back(RatioTarget(cells, "range_read >= 0.70 x RocksDB iterator",
                               Workload::kRangeRead, Workload::kRangeRead, "rocksdb", 0.70));

  const CellResult* one = Find(cells, Workload::kBlindWrite, "tenantdb", 1, Durability::kSync);
  const CellResult* many = Find(cells, Workload::kBlindWrite, "tenantdb", 32, Durability::kSync);
  TargetCheck scaling{"durable blind_write, 32 threads >= 10 x 1 thread", "", std::nullopt};
  TargetCheck rate{"durable blind_write, 32 threads >= 40,000 commits/s", "", std::nullopt};
  if (one != nullptr && many != nullptr && one->ops_per_s > 0) {
    double x = many->ops_per_s / one->ops_per_s;
    scaling.detail = fmt::format("{}/s vs {}/s = {:.1f}x", Rate(many->ops_per_s),
                                 Rate(one->ops_per_s), x);
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
  checks.push_back(RatioTarget(cells, "hot_counter >= 0.80 x blind_write (tenantdb)",
                               Workload::kHotCounter, Workload::kBlindWrite, "tenantdb", 0.80));
  return checks;
}

void PrintTargets(const std::vector<TargetCheck>& checks, std::ostream& out) {
  out << "\ntargets (figures of this run):\n";
  for (const TargetCheck& c : checks) {
    std::string verdict = !c.met ? "not measured" : *c.met ? "met" : "MISSED";
    out << fmt::format("  {:<56} {:<12} {}\n", c.name, verdict, c.detail);
  }
}

}  // namespace tenantdb::bench

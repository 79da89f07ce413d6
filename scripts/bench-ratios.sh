#!/usr/bin/env bash
# Repeats `tenantdb bench` and summarizes one system's rate over another's per cell (the mean,
# lowest and highest ratio over the runs), then per workload and durability the mean over its
# cells and runs, judged against a bound. A single cell of a 2-second run moves by up to
# +-0.1 on a shared 2-CPU machine (the raw system's own rate by up to 15 %), so a target such
# as "at most 10 % slower" is judged on these means. See docs/BENCHMARKS.md.
#
#   scripts/bench-ratios.sh [-n RUNS] [-b BINARY] [-a SYSTEM] [-r SYSTEM] [-t BOUND]
#                           [-- BENCH OPTIONS...]
#
#   -n RUNS    runs of the benchmark (default 5)
#   -b BINARY  the tenantdb binary (default: build-bench/tenantdb of this checkout, the
#              Release build: cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release
#              -DTENANTDB_TESTS=OFF && cmake --build build-bench --target tenantdb)
#   -a SYSTEM  the system whose rate is divided (default tenant, i.e. tenantdb-tenant)
#   -r SYSTEM  the system it is divided by (default tenantdb)
#   -t BOUND   the lowest acceptable mean per workload (default 0.90)
#   BENCH OPTIONS go to `tenantdb bench` (add --json is done here); without --systems the
#   run has just the two systems, e.g. -- --durability async --seconds 2
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
runs=5
binary="$root/build-bench/tenantdb"
a=tenant
b=tenantdb
bound=0.90
usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }
while getopts "n:b:a:r:t:h" opt; do
  case "$opt" in
    n) runs="$OPTARG" ;;
    b) binary="$OPTARG" ;;
    a) a="$OPTARG" ;;
    r) b="$OPTARG" ;;
    t) bound="$OPTARG" ;;
    h)
      usage
      exit 0
      ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
done
shift $((OPTIND - 1))
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "bench-ratios: -n must be a positive number of runs, not '$runs'" >&2
  exit 2
fi
if ! [[ "$bound" =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
  echo "bench-ratios: -t must be a number such as 0.90, not '$bound'" >&2
  exit 2
fi
# The names the JSON lines carry.
full_name() {
  case "$1" in
    tenant | tenantdb-tenant) echo tenantdb-tenant ;;
    raw | tenantdb) echo tenantdb ;;
    rocksdb) echo rocksdb ;;
    *)
      echo "bench-ratios: unknown system '$1' (tenantdb, raw, tenant, tenantdb-tenant, rocksdb)" >&2
      exit 2
      ;;
  esac
}
a=$(full_name "$a")
b=$(full_name "$b")
if [ ! -x "$binary" ]; then
  echo "bench-ratios: no benchmark binary at '$binary' (build it first: see -h)" >&2
  exit 2
fi
opts=("$@")
has_systems=false
for o in "${opts[@]}"; do
  [[ "$o" == --systems || "$o" == --systems=* ]] && has_systems=true
done
$has_systems || opts=(--systems "$a,$b" "${opts[@]}")

for ((i = 1; i <= runs; ++i)); do
  echo "run $i of $runs: $binary bench ${opts[*]} --json" >&2
  "$binary" bench "${opts[@]}" --json | grep '"ops_per_s"' | sed "s/^/$i /"
done | awk -v A="$a" -v B="$b" -v BOUND="$bound" '
  function field(name,   m) {
    if (match($0, "\"" name "\":\"?[^,\"}]*")) {
      m = substr($0, RSTART, RLENGTH)
      sub(/^"[^"]*":"?/, "", m)
      return m
    }
    return ""
  }
  {
    sys = field("system")
    if (sys != A && sys != B) next
    cell = field("workload") " " field("durability") " " field("threads")
    rate[$1, cell, sys] = field("ops_per_s") + 0
    have[$1, cell, sys] = 1
    if (!(cell in seen)) { seen[cell] = 1; order[++cells] = cell }
    if ($1 > last) last = $1
  }
  END {
    printf "%-30s %6s %6s %6s %4s\n", "cell (" A " / " B ")", "mean", "low", "high", "n"
    for (c = 1; c <= cells; ++c) {
      cell = order[c]; n = 0; sum = 0; low = 1e9; high = 0
      for (r = 1; r <= last; ++r) {
        if (have[r, cell, A] && have[r, cell, B] && rate[r, cell, B] > 0) {
          x = rate[r, cell, A] / rate[r, cell, B]
          n++; sum += x; if (x < low) low = x; if (x > high) high = x
        }
      }
      if (n == 0) continue
      printf "%-30s %6.3f %6.3f %6.3f %4d\n", cell, sum / n, low, high, n
      split(cell, part, " ")
      w = part[1] " " part[2]; wsum[w] += sum; wn[w] += n
      if (!(w in wseen)) { wseen[w] = 1; worder[++ws] = w }
    }
    if (ws == 0) { print "no cell has both systems: nothing to compare"; exit 1 }
    printf "\nper workload and durability, mean over every cell and run (bound %s):\n", BOUND
    missed = 0
    for (i = 1; i <= ws; ++i) {
      m = wsum[worder[i]] / wn[worder[i]]
      verdict = (m >= BOUND + 0) ? "met" : "MISSED"
      printf "%-30s %6.3f %4d  %s\n", worder[i], m, wn[worder[i]], verdict
      if (m < BOUND + 0) missed = 1
    }
    exit missed
  }'

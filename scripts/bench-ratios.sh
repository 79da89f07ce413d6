#!/usr/bin/env bash
# Repeats `tenantdb bench` and summarizes one system's rate over another's per cell:
# the mean, lowest and highest ratio over the repetitions, and the mean per workload.
# A single cell of a 2-second run moves by up to +-0.1 on a shared 2-CPU machine (the raw
# system's own rate by up to 15 %); the mean over repetitions is what a target of the kind
# "at most 10 % slower" can be judged on. See docs/BENCHMARKS.md.
#
#   scripts/bench-ratios.sh [-n RUNS] [-b BINARY] [-a SYSTEM] [-r SYSTEM] [-- BENCH OPTIONS...]
#
# Defaults: 5 runs of build-bench/tenantdb, tenantdb-tenant over tenantdb, and the bench
# options "--systems tenantdb,tenant" (add e.g. --durability async --seconds 2). Needs the
# Release build (scripts/run.sh, or cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release).
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5
binary=build-bench/tenantdb
a=tenantdb-tenant
b=tenantdb
while getopts "n:b:a:r:h" opt; do
  case "$opt" in
    n) runs="$OPTARG" ;;
    b) binary="$OPTARG" ;;
    a) a="$OPTARG" ;;
    r) b="$OPTARG" ;;
    *)
      sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
      [ "$opt" = h ] && exit 0 || exit 2
      ;;
  esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "bench-ratios: -n must be a positive number of runs, not '$runs'" >&2
  exit 2
fi
if [ ! -x "$binary" ]; then
  echo "bench-ratios: no benchmark binary at '$binary' (build it first: see the header)" >&2
  exit 2
fi
opts=("$@")
[ ${#opts[@]} -eq 0 ] && opts=(--systems tenantdb,tenant)

for ((i = 1; i <= runs; ++i)); do
  echo "run $i of $runs: $binary bench ${opts[*]} --json" >&2
  "$binary" bench "${opts[@]}" --json | grep '"ops_per_s"' | sed "s/^/$i /"
done | awk -v A="$a" -v B="$b" '
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
    rate[$1, cell, sys] = field("ops_per_s")
    if (!(cell in seen)) { seen[cell] = 1; order[++cells] = cell }
    if ($1 > last) last = $1
  }
  END {
    printf "%-30s %6s %6s %6s %4s\n", "cell (" A " / " B ")", "mean", "low", "high", "n"
    for (c = 1; c <= cells; ++c) {
      cell = order[c]; n = 0; sum = 0; low = 1e9; high = 0
      for (r = 1; r <= last; ++r) {
        if (rate[r, cell, B] > 0 && rate[r, cell, A] != "") {
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
    printf "\nper workload and durability, mean over every cell and run:\n"
    for (i = 1; i <= ws; ++i) printf "%-30s %6.3f %4d\n", worder[i], wsum[worder[i]] / wn[worder[i]], wn[worder[i]]
  }'

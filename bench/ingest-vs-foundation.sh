#!/usr/bin/env bash
# Ingest throughput of this build against the foundation's, the relational-tables issue's target
# (at most 20 % below, with typed columns, child tables and search maintained).
#
# Runs the same command on both builds, interleaved (F N N F F N for three rounds) so that the
# machine's drift falls on both, and prints each run and the ratios as markdown. On a shared
# machine single runs move by a quarter: read the pairs, and the CPU per event, not one number.
#
#   bench/ingest-vs-foundation.sh [ROUNDS]        (default 3; about 3 minutes per round)
#
# FOUNDATION_REV (default 04087d6, the foundation issue's last commit) is built once in a git
# worktree under ${TMPDIR:-/tmp}; this build is the working tree's ./opensigma. Each run starts
# its own throw-away embedded PostgreSQL, as every `bench ingest` does.
set -euo pipefail

rounds="${1:-3}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rev="${FOUNDATION_REV:-04087d6}"
command=(bench ingest --concurrency 64 --events 15000 --seconds 0 --warmup 60000)
work="$(mktemp -d "${TMPDIR:-/tmp}/opensigma-vs-foundation.XXXXXX")"
foundation="$work/foundation"

cleanup() {
  git -C "$root" worktree remove --force "$foundation" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo "Building the foundation ($rev) in $foundation ..." >&2
git -C "$root" worktree add --detach "$foundation" "$rev" >/dev/null
(cd "$foundation" && ./mvnw -q -B -DskipTests package >&2)
echo "Building this build ..." >&2
(cd "$root" && ./mvnw -q -B -DskipTests package >&2)

# One run: prints "events/s p99 jvm_cpu jit_cpu pg_cpu" for the concurrency-64 run, from the
# report's two tables (the load row and the CPU row of "concurrency 64").
run() {
  local launcher="$1" out="$work/run.md"
  "$launcher" "${command[@]}" >"$out" 2>&1 || { cat "$out" >&2; echo "bench ingest failed" >&2; exit 1; }
  local load cpu
  load="$(grep -E '^\| concurrency 64 \| [0-9,]+ \| [0-9,]+ \|' "$out" | head -1)"
  cpu="$(grep -E '^\| concurrency 64 \| [0-9.]+ \| ' "$out" | head -1)"
  echo "$(echo "$load" | awk -F'|' '{gsub(/[ ,]/,"",$4); gsub(/ /,"",$7); print $4, $7}')" \
       "$(echo "$cpu" | awk -F'|' '{gsub(/ ms| /,"",$4); gsub(/ ms| /,"",$5); gsub(/ ms| /,"",$6); print $4, $5, $6}')"
}

declare -a rows=()
order=()
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2 == 1)); then order+=("F$r" "N$r"); else order+=("N$r" "F$r"); fi
done
declare -A result
for tag in "${order[@]}"; do
  if [[ "$tag" == F* ]]; then launcher="$foundation/opensigma"; name="foundation"; else launcher="$root/opensigma"; name="this build"; fi
  echo "$(date -u +%H:%M:%S) $name, round ${tag:1} ..." >&2
  result[$tag]="$(run "$launcher")"
  read -r eps p99 jvm jit pg <<<"${result[$tag]}"
  cpu="$(awk -v a="$jvm" -v b="$jit" -v c="$pg" 'BEGIN { printf "%.2f", a - b + c }')"
  result[$tag]+=" $cpu"
  rows+=("| $name, round ${tag:1} | $eps | $p99 | $jvm ms ($jit) | $pg ms | $cpu ms |")
done

echo "Command, on each build: \`./opensigma ${command[*]}\`"
echo
echo "Foundation \`$(git -C "$root" rev-parse --short "$rev")\`, this build \`$(git -C "$root" rev-parse --short HEAD)\`$(git -C "$root" diff --quiet HEAD -- src pom.xml || echo ' (with uncommitted changes)'), $(date -u +%Y-%m-%dT%H:%MZ), load average before: $load_before, $(nproc 2>/dev/null || echo '?') CPUs."
echo
echo "| run (in order) | events/s at concurrency 64 | p99 | JVM CPU/event (of which JIT) | PostgreSQL CPU/event | CPU/event outside the JIT |"
echo "|---|--:|--:|--:|--:|--:|"
printf '%s\n' "${rows[@]}"
echo
echo "| round | this build / foundation: events/s | foundation / this build: CPU per event outside the JIT |"
echo "|---|--:|--:|"
for ((r = 1; r <= rounds; r++)); do
  read -r f _ _ _ _ fc <<<"${result[F$r]}"
  read -r n _ _ _ _ nc <<<"${result[N$r]}"
  echo "| $r | $(awk -v n="$n" -v f="$f" 'BEGIN { printf "%.2f", n / f }') | $(awk -v n="$nc" -v f="$fc" 'BEGIN { printf "%.2f", f / n }') |"
done
echo
echo "The target is 0.80 or more. On a CPU-bound machine the two columns agree; where they do not,"
echo "something else (another process, a checkpoint) took the CPU in one of the runs."

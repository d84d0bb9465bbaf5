#!/usr/bin/env bash
# ipcsim's one entry point for people and CI. Each verb first installs whatever
# Debian packages are missing (apt-get, as root or through sudo), then configures
# and builds incrementally, so a second call with nothing changed takes seconds.
#
#   tools/dev.sh run        build the command only, then run the bundled RTOS broadcast scenario
#   tools/dev.sh test       build, then run every test
#   tools/dev.sh test-asan  the same under AddressSanitizer + UBSan (build-asan/, no benchmarks)
#   tools/dev.sh bench      Release build, then the benchmarks (build-release/)
#
# Every verb prints where its time went (install, configure, build, test) on
# stderr when it ends. With IPCSIM_TIMING_FILE set, it also appends one line per
# phase there ("<verb> <phase> <seconds>"): .ci/run sums them up.
#
# Compiles go through ccache (installed here) and links through mold (also
# installed here); see CMakeLists.txt. The cache lives in ccache's default
# place (~/.cache/ccache), so a fresh clone on the same machine reuses it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PACKAGES=(
  cmake ninja-build g++ pkg-config ccache mold
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev
  libboost-graph-dev libgraphviz-dev graphviz
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  libsodium-dev
  python3-yaml  # deploy/check_deploy.py parses the Kubernetes Job and the GitHub workflow
)

verb=${1:-}
phase_names=()
phase_seconds=()
phase_start=0

phase() {  # phase <name>: ends the running phase, starts this one
  phase_end
  phase_names+=("$1")
  phase_start=$(date +%s.%N)
}
phase_end() {
  [ ${#phase_names[@]} -gt ${#phase_seconds[@]} ] || return 0
  local s
  s=$(awk -v a="$phase_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
  phase_seconds+=("$s")
  if [ -n "${IPCSIM_TIMING_FILE:-}" ]; then
    echo "$verb ${phase_names[-1]} $s" >>"$IPCSIM_TIMING_FILE"
  fi
}
report_phases() {
  phase_end
  [ ${#phase_names[@]} -gt 0 ] || return 0
  local line="dev.sh $verb:" i
  for i in "${!phase_names[@]}"; do line+=" ${phase_names[$i]} ${phase_seconds[$i]} s,"; done
  echo "${line%,}" >&2
}
trap report_phases EXIT

install_missing() {
  phase install
  local missing=() p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "dev.sh: installing ${missing[*]}" >&2
  $sudo apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# build <preset> [target...]: configure once, then build incrementally.
build() {
  local preset=$1 dir
  shift
  dir=$(sed -n "s/^build-dir-$preset=//p" tools/presets.txt)
  phase configure
  if [ ! -f "$dir/build.ninja" ]; then cmake --preset "$preset" >/dev/null; fi
  phase build
  if [ $# -gt 0 ]; then
    cmake --build "$dir" --target "$@"
  else
    cmake --build "$dir"
  fi
}

run_tests() {
  local dir=$1
  phase test
  ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" --timeout 600
}

case "$verb" in
  run)
    install_missing
    build default ipcsim
    phase run
    ./build/cli/ipcsim run scenarios/rtos/broadcast.toml
    ;;
  test)
    install_missing
    build default
    run_tests build
    ;;
  test-asan)
    install_missing
    build asan
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      LSAN_OPTIONS=suppressions=$PWD/.ci/lsan.supp \
      run_tests build-asan
    ;;
  bench)
    install_missing
    build release
    phase bench
    for b in build-release/bench/*_bench; do "$b"; done
    ;;
  *)
    echo "usage: tools/dev.sh run|test|test-asan|bench" >&2
    exit 2
    ;;
esac

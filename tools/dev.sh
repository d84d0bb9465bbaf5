#!/usr/bin/env bash
# ipcsim's one entry point for people and CI. Each verb first installs whatever
# Debian packages are missing (apt-get, as root or through sudo), then configures
# and builds incrementally, so a second call with nothing changed takes seconds.
#
#   tools/dev.sh run        build, then run the bundled RTOS broadcast scenario
#   tools/dev.sh test       build, then run every test
#   tools/dev.sh test-asan  the same under AddressSanitizer + UBSan (build-asan/)
#   tools/dev.sh bench      Release build, then the benchmarks (build-release/)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PACKAGES=(
  cmake ninja-build g++ pkg-config
  libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev
  libboost-graph-dev libgraphviz-dev graphviz
  libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libfmt-dev
)

install_missing() {
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

# build <preset>: configure once, then build incrementally.
build() {
  local preset=$1 dir
  dir=$(sed -n "s/^build-dir-$preset=//p" tools/presets.txt)
  if [ ! -f "$dir/build.ninja" ]; then cmake --preset "$preset" >/dev/null; fi
  cmake --build "$dir"
}

run_tests() {
  local dir=$1
  ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" --timeout 600
}

verb=${1:-}
case "$verb" in
  run)
    install_missing
    build default
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
    for b in build-release/bench/*_bench; do "$b"; done
    ;;
  *)
    echo "usage: tools/dev.sh run|test|test-asan|bench" >&2
    exit 2
    ;;
esac

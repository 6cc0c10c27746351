#!/usr/bin/env bash
# The crates' release dry runs (docs/release.md): the MSRV the workspace declares, checked with
# that toolchain when it is installed, and `cargo publish --dry-run` of the three crates, which
# packages each and builds it from its .crate alone (core's built-in example must be inside it).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

msrv=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
toolchain=$(rustup toolchain list 2>/dev/null | grep -oE "^${msrv//./\\.}(\.[0-9]+)?-" | head -1 | tr -d -)
if [ -n "$toolchain" ]; then
  echo "release-check: cargo +$toolchain check (rust-version = $msrv)"
  cargo "+$toolchain" check -q --locked -p rocketchat-topology-mongo-url -p rocketchat-topology -p rctopo
else
  echo "SKIP: MSRV check, toolchain $msrv is not installed (rustup toolchain install $msrv)"
fi

# A multi-crate dry run verifies each crate against the others through a local registry, whose
# sources cargo unpacks into $CARGO_HOME/registry/src once per name and version and then reuses:
# an earlier dry run of the same version would be verified instead of this tree. These crates
# come from no other registry, so their unpacked copies are always such leftovers.
cargo_home=${CARGO_HOME:-$HOME/.cargo}
for crate in rocketchat-topology-mongo-url rocketchat-topology rctopo; do
  rm -rf "$cargo_home"/registry/src/*/"$crate"-[0-9]* "$cargo_home"/registry/cache/*/"$crate"-[0-9]*.crate
done

echo "release-check: cargo publish --dry-run (rocketchat-topology-mongo-url, rocketchat-topology, rctopo)"
# --allow-dirty: a developer's uncommitted work is packaged as it stands; CI's clone is clean.
log="${TMPDIR:-/tmp}/rctopo-publish-dry-run.log"
if ! cargo publish --dry-run --locked --allow-dirty -p rocketchat-topology-mongo-url -p rocketchat-topology -p rctopo >"$log" 2>&1; then
  cat "$log"
  echo "release-check: cargo publish --dry-run failed" >&2
  exit 1
fi
grep -E '^\s*(Packaged|Uploading|warning)' "$log" || true
echo "release-check: ok"

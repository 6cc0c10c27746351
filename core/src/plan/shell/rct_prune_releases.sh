# Keeps the KEEP most recently staged releases in DIR and every one named in PROTECT
# (space-separated): rct_prune_releases DIR KEEP PROTECT.
rct_prune_releases() {
  local n=0 release
  while IFS= read -r release; do
    n=$((n + 1))
    case " $3 " in *" $(basename "$release") "*) continue ;; esac
    if [ "$n" -gt "$2" ]; then rm -rf -- "$release"; fi
  done < <(find "$1" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%T@ %p\n' | sort -rn | cut -d' ' -f2-)
}

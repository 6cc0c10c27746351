# Fails with a message (set -e stops the script there): rct_fail MESSAGE.
rct_fail() { echo "error: $1" >&2; return 1; }

# Copies the keyfile from machine FROM to machine TO, through this one's pipe (never stored
# here): rct_keyfile_copy FROM TO PATH OWNER.
rct_keyfile_copy() {
  ssh -o BatchMode=yes -- "$1" cat "$(printf '%q' "$3")" |
    ssh -o BatchMode=yes -- "$2" "install -D -m 0400 -o $4 -g $4 /dev/stdin $(printf '%q' "$3")"
}

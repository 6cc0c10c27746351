# Sets NAME="VALUE" in an environment file, as the renderer writes it: rct_set_env FILE NAME
# VALUE. Only port numbers are set this way (PORT, TCP_PORT), so no value needs sed escaping.
rct_set_env() {
  case "$3" in
    '' | *[!0-9]*) echo "error: $2 override '$3' is not a port number" >&2; exit 1 ;;
  esac
  sed -i -E "s/^$2=.*/$2=\"$3\"/" "$1"
}

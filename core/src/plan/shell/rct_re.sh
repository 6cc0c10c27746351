# Escapes text for a sed regular expression.
rct_re() { printf '%s' "$1" | sed -e 's/[][\.*^$/]/\\&/g'; }

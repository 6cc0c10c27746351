#!/usr/bin/env bash
# The lab's switch after a scenario: a machine taken down must leave it, even when its network
# namespace outlives it. A powered-off proxy's namespace does, held by its orphaned TCP sockets
# (FINs to app hosts already gone, retransmitted for a minute or more); while it stayed wired, its
# eth0 answered ARP for the address the next scenario gave the new proxy, and app hosts whose ARP
# reply came from the old one sent their packets there: the Apache scenarios stalled for 45 s or
# longer. Here a process holds the old namespace instead of sockets, with the same effect.
#
# Passes when, after the first machine is taken down and a new one takes its address, exactly
# one MAC (the new machine's) answers ARP for that address and the old namespace has no link left.
# Usage: tests/lab/switch-test.sh (root)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lab/lib/hosts.sh
. "$here/lib/hosts.sh"

lab_init
address=10.77.0.10
lab_client_up old "$address"
ip netns exec "${LAB_PREFIX}-old" sleep 120 &
holder=$!
trap 'kill "$holder" 2>/dev/null || true; lab_down' EXIT
sleep 0.2
lab_hosts_down
lab_client_up new "$address"
lab_client_up peer 10.77.0.11

failures=0
want=$(lab_client new cat /sys/class/net/eth0/address)
answers=$(lab_client peer python3 "$here/lib/arp_who_has.py" eth0 "$address")
if [ "$answers" = "$want" ]; then
  echo "ok: only the new machine ($want) answers ARP for $address"
else
  echo "FAIL: ARP for $address answered by: $(echo "$answers" | paste -sd' ') (want only $want)"
  failures=$((failures + 1))
fi
left=$(nsenter --net="/proc/$holder/ns/net" ip -o link show 2>/dev/null | grep -c eth0 || true)
if [ "$left" = 0 ]; then
  echo "ok: the old namespace, still held, has no link to the switch"
else
  echo "FAIL: the old namespace, still held, still has its eth0 on the switch"
  failures=$((failures + 1))
fi
echo "switch test: $((2 - failures)) passed, $failures failed"
[ "$failures" = 0 ]

"""Asks on an interface who has an IPv4 address (one ARP request) and prints each distinct MAC
address that answers within a second, one per line. Two lines mean two machines claim the
address. Usage: python3 arp_who_has.py IFACE ADDRESS (root, inside the namespace)."""
import fcntl
import socket
import struct
import sys
import time

ETH_P_ARP = 0x0806


def request(mac: bytes, own_ip: bytes, target_ip: bytes) -> bytes:
    ethernet = b"\xff" * 6 + mac + struct.pack("!H", ETH_P_ARP)
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + own_ip + b"\x00" * 6 + target_ip
    return ethernet + arp


def own_ipv4(iface: str) -> bytes:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    SIOCGIFADDR = 0x8915
    answer = fcntl.ioctl(s.fileno(), SIOCGIFADDR, struct.pack("256s", iface.encode()[:15]))
    return answer[20:24]


def main() -> None:
    iface, address = sys.argv[1], sys.argv[2]
    target = socket.inet_aton(address)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP))
    s.bind((iface, ETH_P_ARP))
    mac = s.getsockname()[4]
    s.send(request(mac, own_ipv4(iface), target))
    seen = []
    deadline = time.monotonic() + 1.0
    while (left := deadline - time.monotonic()) > 0:
        s.settimeout(left)
        try:
            frame = s.recv(128)
        except socket.timeout:
            break
        op, sender_mac, sender_ip = struct.unpack("!H", frame[20:22])[0], frame[22:28], frame[28:32]
        if op == 2 and sender_ip == target and sender_mac not in seen:
            seen.append(sender_mac)
    for m in seen:
        print(m.hex(":"))


if __name__ == "__main__":
    main()

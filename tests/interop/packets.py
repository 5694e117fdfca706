"""A minimal BER encoder for building SNMP datagrams in tests — valid ones to compare with, and
malformed ones on purpose. Independent of trapsink's own codec, so the two check each other."""


def length(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def tlv(tag, content):
    return bytes([tag]) + length(len(content)) + content


def integer(v, tag=0x02):
    n = 1
    while not -(1 << (8 * n - 1)) <= v < (1 << (8 * n - 1)):
        n += 1
    return tlv(tag, v.to_bytes(n, "big", signed=True))


def unsigned(v, tag):
    b = v.to_bytes(max(1, (v.bit_length() + 7) // 8), "big")
    if b[0] & 0x80:
        b = b"\x00" + b
    return tlv(tag, b)


def octets(s, tag=0x04):
    return tlv(tag, s.encode() if isinstance(s, str) else s)


def null(tag=0x05):
    return bytes([tag, 0])


def subid(v):
    out = [v & 0x7F]
    v >>= 7
    while v:
        out.append(0x80 | (v & 0x7F))
        v >>= 7
    return bytes(reversed(out))


def oid(text):
    arcs = [int(a) for a in text.strip(".").split(".")]
    body = subid(arcs[0] * 40 + arcs[1]) + b"".join(subid(a) for a in arcs[2:])
    return tlv(0x06, body)


def seq(*parts, tag=0x30):
    return tlv(tag, b"".join(parts))


def varbind(name, value):
    return seq(oid(name), value)


SYS_UPTIME_0 = "1.3.6.1.2.1.1.3.0"
SNMP_TRAP_OID_0 = "1.3.6.1.6.3.1.1.4.1.0"


def v2c_message(community, pdu_tag, request_id, varbinds, version=1):
    pdu = seq(integer(request_id), integer(0), integer(0), seq(*varbinds), tag=pdu_tag)
    return seq(integer(version), octets(community), pdu)


def v2c_trap(community="public", request_id=1, uptime=100, trap_oid="1.3.6.1.6.3.1.1.5.1",
             extra=(), tag=0xA7, version=1):
    vbs = [varbind(SYS_UPTIME_0, unsigned(uptime, 0x43)),
           varbind(SNMP_TRAP_OID_0, oid(trap_oid))] + list(extra)
    return v2c_message(community, tag, request_id, vbs, version)


def v1_trap(community="public", enterprise="1.3.6.1.4.1.8072.2.3", agent=b"\xc0\x00\x02\x07",
            generic=6, specific=1, timestamp=5, varbinds=()):
    pdu = seq(oid(enterprise), octets(agent, 0x40), integer(generic), integer(specific),
              unsigned(timestamp, 0x43), seq(*varbinds), tag=0xA4)
    return seq(integer(0), octets(community), pdu)

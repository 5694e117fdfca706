"""A corpus of malformed datagrams, each with the RFC 3418 counter it must land in.
Used by test_malformed.py against a running listener."""
import random

import packets as P

PARSE = "snmp_in_asn_parse_errs_total"
BAD_VERSION = "snmp_in_bad_versions_total"
BAD_COMMUNITY = "snmp_in_bad_community_names_total"


def corpus():
    """Yields (name, datagram, counter)."""
    valid = P.v2c_trap(extra=[P.varbind("1.3.6.1.2.1.1.5.0", P.octets("x" * 40))])
    yield "empty", b"", PARSE
    # Truncated at every length: cut inside the tag, length, header and varbinds.
    for cut in range(1, len(valid)):
        yield f"truncated-{cut}", valid[:cut], PARSE
    yield "trailing-garbage", valid + b"\x00\x00", PARSE
    yield "length-past-end", b"\x30\x82\xff\xff" + valid[2:], PARSE
    yield "huge-length", b"\x30\x84\x7f\xff\xff\xff" + valid[2:], PARSE
    yield "length-of-length-9", b"\x30\x89" + b"\xff" * 9 + valid[2:], PARSE
    yield "indefinite-length", b"\x30\x80" + valid[2:] + b"\x00\x00", PARSE
    depth = b"\x05\x00"
    for _ in range(200):
        depth = P.seq(depth)
    yield "depth-bomb", depth, PARSE
    yield "depth-bomb-in-varbind", P.v2c_trap(extra=[P.varbind("1.3.6.1.4.1.1", depth)]), PARSE
    yield "wrong-outer-tag", b"\x31" + valid[1:], PARSE
    yield "wrong-version-tag", P.seq(P.octets("1"), P.octets("public"), valid[-20:]), PARSE
    yield "wrong-pdu-tag", P.v2c_trap(tag=0xAF), PARSE
    yield "oversized-version", P.seq(P.tlv(0x02, b"\x01" * 9), P.octets("public")), PARSE
    yield "oversized-request-id", P.v2c_message(
        "public", 0xA7, 0, []).replace(b"\x02\x01\x00", b"\x02\x05\x01\x00\x00\x00\x00", 1), PARSE
    yield "oid-subid-over-32-bits", P.v2c_trap(extra=[
        P.seq(P.tlv(0x06, b"\x2b\x06\x01\x90\x80\x80\x80\x00"), P.null())]), PARSE
    yield "oid-129-arcs", P.v2c_trap(extra=[
        P.varbind("1.3." + ".".join(["1"] * 127), P.null())]), PARSE
    yield "oid-0x80-padding", P.v2c_trap(extra=[
        P.seq(P.tlv(0x06, b"\x2b\x80\x01"), P.null())]), PARSE
    yield "counter32-too-wide", P.v2c_trap(extra=[
        P.varbind("1.3.6.1.4.1.1", P.tlv(0x41, b"\x01\x00\x00\x00\x00"))]), PARSE
    yield "counter64-too-wide", P.v2c_trap(extra=[
        P.varbind("1.3.6.1.4.1.1", P.tlv(0x46, b"\x01" + b"\x00" * 9))]), PARSE
    yield "integer-too-wide", P.v2c_trap(extra=[
        P.varbind("1.3.6.1.4.1.1", P.tlv(0x02, b"\x01\x00\x00\x00\x00"))]), PARSE
    yield "null-with-content", P.v2c_trap(extra=[
        P.varbind("1.3.6.1.4.1.1", P.tlv(0x05, b"\x01"))]), PARSE
    yield "ipaddress-5-octets", P.v2c_trap(extra=[
        P.varbind("1.3.6.1.4.1.1", P.tlv(0x40, b"\x01\x02\x03\x04\x05"))]), PARSE
    yield "unknown-value-tag", P.v2c_trap(extra=[
        P.varbind("1.3.6.1.4.1.1", P.tlv(0x47, b"\x01"))]), PARSE
    yield "v1-trap-pdu-in-v2c", P.v1_trap().replace(b"\x02\x01\x00", b"\x02\x01\x01", 1), PARSE
    yield "inform-in-v1", P.v2c_trap(tag=0xA6, version=0), PARSE
    yield "version-2", P.v2c_trap(version=2), BAD_VERSION
    yield "version-7", P.v2c_trap(version=7), BAD_VERSION
    yield "version-negative", P.v2c_trap(version=-1), BAD_VERSION
    yield "bad-community-trap", P.v2c_trap(community="nope"), BAD_COMMUNITY
    yield "bad-community-v1", P.v1_trap(community="PUBLIC"), BAD_COMMUNITY
    yield "bad-community-inform", P.v2c_trap(community="", tag=0xA6), BAD_COMMUNITY
    # Random mutations of a valid trap: flipped bytes can still be valid, so these are only
    # checked for not crashing or stalling the listener (counter None).
    rnd = random.Random(20261121)
    for i in range(300):
        b = bytearray(valid)
        for _ in range(rnd.randint(1, 6)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        yield f"mutation-{i}", bytes(b), None
    for i in range(100):
        yield f"random-{i}", bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 200))), None

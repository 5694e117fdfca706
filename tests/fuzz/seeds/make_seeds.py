#!/usr/bin/env python3
"""Generate the checked-in fuzz seeds for fuzz_ber, fuzz_message and fuzz_usm.

Usage: python3 tests/fuzz/seeds/make_seeds.py   (rewrites seeds/{ber,message,usm}/*)

Seeds are valid encodings of each shape the parsers accept plus malformed ones for each error
path. The Net-SNMP captures of tests/vectors/*.hex are included as message seeds.
"""
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
VECTORS = HERE.parent.parent / "vectors"


# The BER primitives are shared with the interop tests (one independent encoder in Python).
sys.path.insert(0, str(HERE.parent.parent / "interop"))
from packets import integer, oid, seq, tlv, unsigned, varbind  # noqa: E402


def pdu(tag: int, request_id: int, varbinds, status: int = 0, index: int = 0) -> bytes:
    return tlv(tag, integer(request_id) + integer(status) + integer(index) + seq(*varbinds))


def message(version: int, community: bytes, body: bytes) -> bytes:
    return seq(integer(version), tlv(0x04, community), body)


SYS_UP = "1.3.6.1.2.1.1.3.0"
TRAP_OID = "1.3.6.1.6.3.1.1.4.1.0"
EVERY_VALUE = [
    varbind("1.3.6.1.4.1.2021.1.1", integer(-2147483648)),
    varbind("1.3.6.1.4.1.2021.1.2", tlv(0x04, b"text")),
    varbind("1.3.6.1.4.1.2021.1.3", tlv(0x05, b"")),
    varbind("1.3.6.1.4.1.2021.1.4", oid("1.3.6.1.4.1.4294967295")),
    varbind("1.3.6.1.4.1.2021.1.5", tlv(0x40, bytes([192, 0, 2, 1]))),
    varbind("1.3.6.1.4.1.2021.1.6", unsigned(4294967295, 0x41)),
    varbind("1.3.6.1.4.1.2021.1.7", unsigned(7, 0x42)),
    varbind("1.3.6.1.4.1.2021.1.8", unsigned(12345, 0x43)),
    varbind("1.3.6.1.4.1.2021.1.9", tlv(0x44, b"\x9f\x78\x04\x3f\x80\x00\x00")),
    varbind("1.3.6.1.4.1.2021.1.10", unsigned(2**64 - 1, 0x46)),
    varbind("1.3.6.1.4.1.2021.1.11", tlv(0x80, b"")),
    varbind("1.3.6.1.4.1.2021.1.12", tlv(0x81, b"")),
    varbind("1.3.6.1.4.1.2021.1.13", tlv(0x82, b"")),
]
V2_TRAP_VBS = [varbind(SYS_UP, unsigned(100, 0x43)), varbind(TRAP_OID, oid("1.3.6.1.6.3.1.1.5.3"))]


def v1_trap(generic: int, specific: int, vbs) -> bytes:
    body = (oid("1.3.6.1.4.1.8072.3.2.10") + tlv(0x40, bytes([10, 0, 0, 1]))
            + integer(generic) + integer(specific) + unsigned(500, 0x43) + seq(*vbs))
    return message(0, b"public", tlv(0xA4, body))


def nested(levels: int) -> bytes:
    out = tlv(0x05, b"")
    for _ in range(levels):
        out = tlv(0x30, out)
    return out


def message_seeds() -> dict:
    s = {}
    for path in sorted(VECTORS.glob("netsnmp_v[12]*.hex")):  # v3 captures seed fuzz_usm
        text = "".join(l for l in path.read_text().splitlines() if not l.startswith("#"))
        s[path.stem] = bytes.fromhex(text)
    s["v2c_trap"] = message(1, b"public", pdu(0xA7, 1, V2_TRAP_VBS))
    s["v2c_get"] = message(1, b"public", pdu(0xA0, 2, [varbind(SYS_UP, tlv(0x05, b""))]))
    s["v2c_getnext"] = message(1, b"public", pdu(0xA1, 3, [varbind("1.3.6.1", tlv(0x05, b""))]))
    s["v2c_getbulk"] = message(1, b"public",
                               pdu(0xA5, 4, [varbind("1.3.6.1", tlv(0x05, b""))], 0, 10))
    s["v2c_set"] = message(1, b"private",
                           pdu(0xA3, 5, [varbind("1.3.6.1.2.1.1.5.0", tlv(0x04, b"host"))]))
    s["v2c_response_every_value"] = message(1, b"public", pdu(0xA2, 6, EVERY_VALUE))
    s["v2c_inform"] = message(1, b"public", pdu(0xA6, 7, V2_TRAP_VBS))
    s["v2c_report"] = message(1, b"public",
                              pdu(0xA8, 8, [varbind("1.3.6.1.6.3.15.1.1.4.0", unsigned(1, 0x41))]))
    s["v1_get"] = message(0, b"public", pdu(0xA0, 9, [varbind(SYS_UP, tlv(0x05, b""))]))
    s["v1_trap_cold_start"] = v1_trap(0, 0, [])
    s["v1_trap_enterprise"] = v1_trap(6, 42, EVERY_VALUE[:4])
    big = varbind("1.3.6.1.4.1.2021.2", tlv(0x04, b"x" * 400))
    s["v2c_large"] = message(1, b"public", pdu(0xA7, 10, V2_TRAP_VBS + [big]))
    # Malformed: one per error path.
    good = s["v2c_trap"]
    s["bad_truncated"] = good[:-3]
    s["bad_trailing"] = good + b"\x00"
    s["bad_indefinite"] = b"\x30\x80" + good[2:] + b"\x00\x00"
    s["bad_version_2"] = message(2, b"public", pdu(0xA7, 1, V2_TRAP_VBS))
    s["bad_v3_header"] = seq(integer(3),
                             seq(integer(1), integer(65507), tlv(0x04, b"\x04"), integer(3)))
    s["bad_trap_in_v2c"] = v1_trap(0, 0, []).replace(b"\x02\x01\x00", b"\x02\x01\x01", 1)
    s["bad_getbulk_in_v1"] = message(0, b"public", pdu(0xA5, 4, []))
    s["bad_pdu_tag"] = message(1, b"public", pdu(0xA9, 1, []))
    s["bad_generic_7"] = v1_trap(7, 0, [])
    s["bad_value_tag"] = message(1, b"public",
                                 pdu(0xA7, 1, [varbind(SYS_UP, tlv(0x47, b"\x00"))]))
    padded = seq(tlv(0x06, b"\x2b\x80\x01"), tlv(0x05, b""))
    s["bad_oid_padding"] = message(1, b"public", pdu(0xA7, 1, [padded]))
    s["bad_huge_length"] = b"\x30\x84\x7f\xff\xff\xff" + good[2:]
    s["bad_depth_bomb"] = message(1, b"public",
                                  tlv(0xA7, integer(1) + integer(0) + integer(0) + nested(40)))
    return s


def ber_seeds() -> dict:
    s = {}
    ints = (0, 127, 128, -1, -129, 2**31 - 1, -(2**31), 2**63 - 1)
    s["integers"] = b"".join(integer(v) for v in ints)
    s["unsigned"] = unsigned(2**32 - 1, 0x41) + unsigned(0, 0x42) + unsigned(2**64 - 1, 0x46)
    s["oids"] = (oid("1.3.6.1.4.1.2021") + oid("1.3.6.1.4.1.4294967295") + oid("2.999.3")
                 + oid("0.0"))
    s["oid_128_arcs"] = tlv(0x06, b"\x2b" + b"\x01" * 126)
    s["oid_129_arcs"] = tlv(0x06, b"\x2b" + b"\x01" * 127)
    s["oid_subid_2p32"] = tlv(0x06, b"\x2b\x06\x90\x80\x80\x80\x00")
    s["oid_padding"] = tlv(0x06, b"\x2b\x80\x01")
    s["nested_16"] = nested(16)
    s["nested_40"] = nested(40)
    s["long_form"] = tlv(0x30, tlv(0x04, b"a" * 300) + tlv(0x05, b""))
    s["indefinite"] = b"\x30\x80\x05\x00\x00\x00"
    s["multibyte_tag"] = b"\x1f\x81\x01\x00"
    s["length_5_octets"] = b"\x04\x85\x00\x00\x00\x00\x01\x61"
    s["truncated_length"] = b"\x04\x82\x01"
    s["length_past_end"] = b"\x30\x05\x04\x04\x61\x62\x63\x64\x65"
    s["many_nulls"] = tlv(0x30, b"\x05\x00" * 2100)
    s["message"] = message(1, b"public", pdu(0xA7, 1, V2_TRAP_VBS + EVERY_VALUE))
    return s


def v3_message(flags: int, usm: bytes, data: bytes, msg_id: int = 1, model: int = 3) -> bytes:
    header = seq(integer(msg_id), integer(65507), tlv(0x04, bytes([flags])), integer(model))
    return seq(integer(3), header, tlv(0x04, usm), data)


def usm_params(engine: bytes, boots: int, time: int, user: bytes, auth: bytes = b"",
               priv: bytes = b"") -> bytes:
    return seq(tlv(0x04, engine), integer(boots), integer(time), tlv(0x04, user), tlv(0x04, auth),
               tlv(0x04, priv))


def scoped(context_engine: bytes, context_name: bytes, body: bytes) -> bytes:
    return seq(tlv(0x04, context_engine), tlv(0x04, context_name), body)


def usm_seeds() -> dict:
    """fuzz_usm: the first octet is the mode (see tests/fuzz/fuzz_usm.cpp)."""
    s = {}
    for path in sorted(VECTORS.glob("netsnmp_v3_*.hex")):
        text = "".join(l for l in path.read_text().splitlines() if not l.startswith("#"))
        s["raw_" + path.stem] = b"\x00" + bytes.fromhex(text)
    engine = bytes.fromhex("800000000102")
    trap = pdu(0xA7, 1, V2_TRAP_VBS)
    probe = v3_message(0x04, usm_params(b"", 0, 0, b""), scoped(b"", b"", pdu(0xA0, 9, [])))
    s["raw_discovery_probe"] = b"\x00" + probe
    s["raw_unknown_user"] = b"\x00" + v3_message(0x00, usm_params(engine, 1, 1, b"nobody"),
                                                  scoped(engine, b"", trap))
    s["raw_known_user_noauth"] = b"\x00" + v3_message(0x00, usm_params(engine, 1, 1, b"fuzz0"),
                                                       scoped(engine, b"", trap))
    s["raw_wrong_digest"] = b"\x00" + v3_message(
        0x01, usm_params(engine, 1, 1, b"fuzz0", b"\x00" * 12), scoped(engine, b"", trap))
    s["raw_priv_without_auth"] = b"\x00" + v3_message(0x02, usm_params(engine, 1, 1, b"fuzz0"),
                                                       scoped(engine, b"", trap))
    s["raw_other_model"] = b"\x00" + v3_message(0x00, usm_params(engine, 1, 1, b"u"),
                                                 scoped(engine, b"", trap), model=2)
    s["raw_user_33_octets"] = b"\x00" + v3_message(0x00, usm_params(engine, 1, 1, b"u" * 33),
                                                    scoped(engine, b"", trap))
    for i in range(7):  # one ciphertext seed per privacy protocol (mode 1)
        s[f"ciphertext_priv{i}"] = b"\x01" + bytes([i]) + bytes(range(48))
    s["ciphertext_short"] = b"\x01\x00" + b"\x01\x02\x03"
    s["plaintext_trap"] = b"\x02" + scoped(engine, b"ctx", trap)
    s["plaintext_inform"] = b"\x02" + scoped(engine, b"", pdu(0xA6, 2, V2_TRAP_VBS))
    s["plaintext_padded"] = b"\x02" + scoped(engine, b"", trap) + b"\x00" * 7
    s["decrypt_16"] = b"\x03" + bytes(range(16))
    s["decrypt_odd"] = b"\x03" + bytes(range(13))
    return s


def write(directory: pathlib.Path, seeds: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.bin"):
        old.unlink()
    for name, data in seeds.items():
        (directory / f"{name}.bin").write_bytes(data)


if __name__ == "__main__":
    write(HERE / "ber", ber_seeds())
    write(HERE / "message", message_seeds())
    write(HERE / "usm", usm_seeds())
    print("seeds written")

#!/usr/bin/python3
"""Send one SNMPv3 trap or inform with PySNMP 4.4 (Debian python3-pysnmp4) and exit.

Exit status 0: the trap was sent / the inform was acknowledged (a Response with error-status 0);
1: anything else, with the error on stderr. 2: bad arguments.

  pysnmp_send.py --host 127.0.0.1 --port 1162 --user alice \
      [--auth SHA-256 --auth-key PASS] [--priv AES-256-C --priv-key PASS] \
      [--engine-id HEX] [--boots-time B,T] [--context-engine-id HEX] [--context NAME] \
      [--inform] [--timeout S] [--retries N] [--uptime TICKS] [--trap-oid OID] \
      [--varbind OID TYPE VALUE]...

Protocol names are trapsink's: auth MD5 SHA SHA-224 SHA-256 SHA-384 SHA-512; priv DES 3DES AES
AES-192 AES-256 (Blumenthal key extension) AES-192-C AES-256-C (Reeder key extension, PySNMP's
usmAesCfb192Protocol / usmAesCfb256Protocol). VARBIND types as Net-SNMP's: i s x o a c u t C.
--engine-id is this sender's snmpEngineID (a trap's authoritative engine); --boots-time the
boots and time a trap carries (PySNMP otherwise sends 0,0). An inform discovers the receiver's engine ID first (RFC 3414 §4).
"""
import argparse
import sys
import time

# Only numeric OIDs here: keep PySNMP from building its MIB compiler (pysmi's parser tables
# cost more than the rest of a run).
sys.modules.setdefault("pysmi", None)

from pysnmp.entity import config  # noqa: E402
from pysnmp.proto import rfc1902  # noqa: E402

AUTH = {
    "none": config.usmNoAuthProtocol,
    "MD5": config.usmHMACMD5AuthProtocol,
    "SHA": config.usmHMACSHAAuthProtocol,
    "SHA-224": config.usmHMAC128SHA224AuthProtocol,
    "SHA-256": config.usmHMAC192SHA256AuthProtocol,
    "SHA-384": config.usmHMAC256SHA384AuthProtocol,
    "SHA-512": config.usmHMAC384SHA512AuthProtocol,
}
PRIV = {
    "none": config.usmNoPrivProtocol,
    "DES": config.usmDESPrivProtocol,
    "3DES": config.usm3DESEDEPrivProtocol,
    "AES": config.usmAesCfb128Protocol,
    "AES-192": config.usmAesBlumenthalCfb192Protocol,
    "AES-256": config.usmAesBlumenthalCfb256Protocol,
    "AES-192-C": config.usmAesCfb192Protocol,  # Reeder key extension ("Cisco")
    "AES-256-C": config.usmAesCfb256Protocol,
}


def typed_value(t, v):
    if t == "i":
        return rfc1902.Integer32(int(v))
    if t == "s":
        return rfc1902.OctetString(v.encode())
    if t == "x":
        return rfc1902.OctetString(hexValue=v.replace(" ", ""))
    if t == "o":
        return rfc1902.ObjectIdentifier(v.strip("."))
    if t == "a":
        return rfc1902.IpAddress(v)
    if t == "c":
        return rfc1902.Counter32(int(v))
    if t == "u":
        return rfc1902.Gauge32(int(v))
    if t == "t":
        return rfc1902.TimeTicks(int(v))
    if t == "C":
        return rfc1902.Counter64(int(v))
    raise SystemExit(f"unknown varbind type {t!r}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--auth", choices=sorted(AUTH), default="none")
    ap.add_argument("--auth-key")
    ap.add_argument("--priv", choices=sorted(PRIV), default="none")
    ap.add_argument("--priv-key")
    ap.add_argument("--engine-id")
    ap.add_argument("--boots-time", metavar="BOOTS,TIME",
                    help="a trap's msgAuthoritativeEngineBoots/Time (default 0,0)")
    ap.add_argument("--context-engine-id")
    ap.add_argument("--context", default="")
    ap.add_argument("--inform", action="store_true")
    ap.add_argument("--timeout", type=float, default=1.0)
    ap.add_argument("--retries", type=int, default=1)
    ap.add_argument("--uptime", type=int)
    ap.add_argument("--trap-oid", default="1.3.6.1.6.3.1.1.5.1")
    ap.add_argument("--varbind", nargs=3, action="append", default=[],
                    metavar=("OID", "TYPE", "VALUE"))
    a = ap.parse_args(argv)
    if (a.auth != "none") != bool(a.auth_key) or (a.priv != "none") != bool(a.priv_key):
        ap.error("--auth-key goes with --auth, --priv-key with --priv")
    if a.priv != "none" and a.auth == "none":
        ap.error("--priv needs --auth")

    from pysnmp.hlapi import (ContextData, SnmpEngine, UdpTransportTarget, Udp6TransportTarget,
                              UsmUserData, sendNotification)

    engine = SnmpEngine(rfc1902.OctetString(hexValue=a.engine_id) if a.engine_id else None)
    if a.boots_time:
        # PySNMP 4.4 sends a trap with the boots/time its USM timeline holds for its own engine
        # ID, which is nothing (so 0, 0) unless seeded here (RFC 3414 §3.1.6a reads it there).
        boots, now = (int(x) for x in a.boots_time.split(","))
        usm = engine.securityModels[3]
        usm._SnmpUSMSecurityModel__timeline[engine.snmpEngineID] = (
            rfc1902.Integer32(boots), rfc1902.Integer32(now), rfc1902.Integer32(now),
            int(time.time()))

    user = UsmUserData(a.user, authKey=a.auth_key, privKey=a.priv_key,
                       authProtocol=AUTH[a.auth], privProtocol=PRIV[a.priv])
    target_cls = Udp6TransportTarget if ":" in a.host else UdpTransportTarget
    target = target_cls((a.host, a.port), timeout=a.timeout, retries=a.retries)
    ctx = ContextData(
        contextEngineId=rfc1902.OctetString(hexValue=a.context_engine_id)
        if a.context_engine_id else None,
        contextName=rfc1902.OctetString(a.context.encode()))

    varbinds = []
    if a.uptime is not None:
        varbinds.append((rfc1902.ObjectName("1.3.6.1.2.1.1.3.0"), rfc1902.TimeTicks(a.uptime)))
    varbinds.append((rfc1902.ObjectName("1.3.6.1.6.3.1.1.4.1.0"),
                     rfc1902.ObjectIdentifier(a.trap_oid)))
    for oid, t, v in a.varbind:
        varbinds.append((rfc1902.ObjectName(oid.strip(".")), typed_value(t, v)))

    error_indication, error_status, error_index, _ = next(sendNotification(
        engine, user, target, ctx, "inform" if a.inform else "trap", varbinds,
        lookupMib=False))
    if error_indication:
        print(f"pysnmp_send: {error_indication}", file=sys.stderr)
        return 1
    if error_status:
        print(f"pysnmp_send: error-status {error_status.prettyPrint()} at {error_index}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

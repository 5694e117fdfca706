#!/usr/bin/python3
# Generates the PySNMP-computed known answers pinned in crypto_test.cpp. Run with the system
# interpreter, which has PySNMP 4.4.12 and pycryptodome:  /usr/bin/python3 crypto_vectors.py
# Every value comes from PySNMP's own functions (localkey.hashPassphrase / localizeKey, the
# priv services' hashPassphrase / localizeKey / encryptData and the auth services'
# authenticateOutgoingMsg), never from trapsink.
from pyasn1.type import univ
from pysnmp.proto.secmod.rfc3414 import localkey
from pysnmp.proto.secmod.rfc3414.auth import hmacmd5, hmacsha
from pysnmp.proto.secmod.rfc7860.auth import hmacsha2
from pysnmp.proto.secmod.rfc3414.priv import des
from pysnmp.proto.secmod.rfc3826.priv import aes
from pysnmp.proto.secmod.eso.priv import des3, aes192, aes256

ENGINE = univ.OctetString(hexValue='000000000000000000000002')
H = hmacsha2.HmacSha2
AUTH = [  # (name, protocol OID, auth service)
    ('md5', hmacmd5.HmacMd5.serviceID, hmacmd5.HmacMd5()),
    ('sha1', hmacsha.HmacSha.serviceID, hmacsha.HmacSha()),
    ('sha224', H.sha224ServiceID, H(H.sha224ServiceID)),
    ('sha256', H.sha256ServiceID, H(H.sha256ServiceID)),
    ('sha384', H.sha384ServiceID, H(H.sha384ServiceID)),
    ('sha512', H.sha512ServiceID, H(H.sha512ServiceID)),
]


def hx(b):
    return bytes(b).hex()


print('# password_to_key("maplesyrup") and localize_key(engine 00..02)')
for name, oid, svc in AUTH:
    ku = svc.hashPassphrase('maplesyrup')
    kul = svc.localizeKey(ku, ENGINE)
    print(name, 'Ku ', hx(ku))
    print(name, 'Kul', hx(kul))

print('# password_to_key of passwords of other lengths (1, 64 and 5001 octets)')
LONG = ''.join(chr(33 + (7 * i) % 94) for i in range(5001))
for name, pw in (('md5', 'x'), ('sha1', '0123456789abcdef' * 4), ('sha256', LONG)):
    svc = [a[2] for a in AUTH if a[0] == name][0]
    print(name, len(pw), 'Ku', hx(svc.hashPassphrase(pw)))

print('# privacy key material for the priv password "maplesyrup" (hashPassphrase + localizeKey)')
PRIV = [('des', des.Des()), ('des3', des3.Des3()), ('aes128', aes.Aes()),
        ('aes192', aes192.AesBlumenthal192()), ('aes256', aes256.AesBlumenthal256()),
        ('aes192_reeder', aes192.Aes192()), ('aes256_reeder', aes256.Aes256())]
for pname, psvc in PRIV:
    for name, oid, svc in AUTH:
        ku = psvc.hashPassphrase(oid, 'maplesyrup')
        print(pname, name, hx(psvc.localizeKey(oid, ku, ENGINE)))

print('# HMAC over MSG (150 octets) with the placeholder at offset 100, key = bytes(range(1, n+1))')
for name, oid, svc in AUTH:
    n = {'md5': 16, 'sha1': 20, 'sha224': 28, 'sha256': 32, 'sha384': 48, 'sha512': 64}[name]
    dl = svc.digestLength
    key = univ.OctetString(bytes(range(1, n + 1)))
    msg = bytes((7 * i + 1) % 251 + 1 for i in range(150))  # no zero octets
    msg = msg[:100] + bytes(dl) + msg[100 + dl:]
    out = svc.authenticateOutgoingMsg(key, msg)
    print(name, 'mac', hx(out[100:100 + dl]))

print('# encryptData: key material = bytes(range(0x11, 0x11+n)), boots=0x01020304, '
      'time=0x0a0b0c0d, _localInt as below, plaintext = bytes((5*i+3)%256 for i in range(L))')
ENC = [('des', des.Des(), 0xdeadbeef), ('des3', des3.Des3(), 0xdeadbeef),
       ('aes128', aes.Aes(), 0x0123456789abcdef),
       ('aes192', aes192.AesBlumenthal192(), 0x0123456789abcdef),
       ('aes256', aes256.AesBlumenthal256(), 0x0123456789abcdef)]
for pname, psvc, salt in ENC:
    n = psvc.keySize
    key = univ.OctetString(bytes(range(0x11, 0x11 + n)))
    for L in (1, 13, 37):
        psvc._localInt = salt
        pt = bytes((5 * i + 3) % 256 for i in range(L))
        ct, pp = psvc.encryptData(key, (0x01020304, 0x0a0b0c0d, None), pt)
        print(pname, L, 'params', hx(pp), 'ct', hx(ct))

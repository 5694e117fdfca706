#!/usr/bin/python3
"""Checks that docs/record.schema.json accepts the documented records and rejects broken ones.

Run: /usr/bin/python3 tests/schema/test_record_schema.py   (needs python3-jsonschema)
Optionally set TRAPSINK_RECORD_SAMPLES to a JSON-lines file written by the unit_pipeline test
RecordJson.EveryShapeParsesAndWritesSamples: every line must then validate too.
"""

import copy
import json
import os
import subprocess
import sys
import tempfile
import unittest

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_PATH = os.path.normpath(os.path.join(HERE, "..", "..", "docs", "record.schema.json"))
VALIDATE = os.path.join(HERE, "validate_records.py")

V2C = json.loads(r'''{"id":"01KAKQ5Z7V3N8R2B4C6D8E0F1G","time":"2026-11-21T17:29:03.123456Z",
"source":{"address":"192.0.2.10","port":50123,"transport":"udp"},"version":"2c","pdu":"trap",
"community":"public","request_id":12345,"uptime":123456,"trap_oid":"1.3.6.1.6.3.1.1.5.3",
"agent_address":"192.0.2.10","varbinds":[
{"oid":"1.3.6.1.2.1.2.2.1.1.2","type":"Integer32","value":2},
{"oid":"1.3.6.1.2.1.2.2.1.2.2","type":"OctetString","value":"eth0","encoding":"text"},
{"oid":"1.3.6.1.2.1.31.1.1.1.6.2","type":"Counter64","value":"18446744073709551615"},
{"oid":"1.3.6.1.2.1.1.2.0","type":"ObjectIdentifier","value":"1.3.6.1.4.1.8072"},
{"oid":"1.3.6.1.2.1.4.20.1.1","type":"IpAddress","value":"192.0.2.1"},
{"oid":"1.3.6.1.2.1.1.9.0","type":"Opaque","value":"9f7804","encoding":"hex"},
{"oid":"1.3.6.1.2.1.1.10.0","type":"noSuchInstance","value":null}]}''')

V1 = json.loads(r'''{"id":"01KAKQ5Z7V0000000000000001","time":"2026-11-21T17:29:03.123456Z",
"source":{"address":"198.51.100.7","port":162,"transport":"udp"},"version":"1","pdu":"trap",
"community":"public","uptime":4242,"trap_oid":"1.3.6.1.4.1.8072.2.3.0.17",
"agent_address":"192.0.2.1","v1":{"enterprise":"1.3.6.1.4.1.8072.2.3",
"agent_address":"192.0.2.1","generic_trap":6,"specific_trap":17,"timestamp":4242},
"varbinds":[{"oid":"1.3.6.1.4.1.8072.2.3.2.1","type":"OctetString",
"value":"disk \"/var\" at 95%","encoding":"text"}]}''')


def mutated(base, fn):
    """A deep copy of base changed by fn."""
    r = copy.deepcopy(base)
    fn(r)
    return r


class RecordSchema(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(SCHEMA_PATH, encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        cls.v = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

    def assertValid(self, r):
        errors = list(self.v.iter_errors(r))
        self.assertEqual(errors, [], [e.message for e in errors])

    def assertInvalid(self, r):
        self.assertFalse(self.v.is_valid(r), json.dumps(r))

    def test_examples_are_valid(self):
        self.assertValid(V2C)
        self.assertValid(V1)

    def test_mib_names_are_accepted(self):
        def add(r):
            r["trap_name"] = "IF-MIB::linkDown"
            r["varbinds"][0].update(name="IF-MIB::ifIndex.2", label="two", display="2",
                                    index=[{"name": "ifIndex", "value": "2"}])
        self.assertValid(mutated(V2C, add))
        # index: a non-empty list of {name, value} strings, nothing else.
        for bad in ([], [{"name": "ifIndex"}], [{"name": "ifIndex", "value": 2}],
                    [{"name": "", "value": "2"}], [{"name": "ifIndex", "value": "2", "x": 1}],
                    {"name": "ifIndex", "value": "2"}):
            self.assertInvalid(mutated(V2C, lambda r: r["varbinds"][0].update(index=bad)))
        self.assertInvalid(mutated(V2C, lambda r: r["varbinds"][0].update(display=2)))

    def test_v3_security_block(self):
        def v3(r):
            r["version"] = "3"
            del r["community"]
            r["security"] = {"model": "usm", "user": "alice", "level": "authPriv",
                             "engine_id": "80001f8880", "context_engine_id": "80001f8880",
                             "context_name": "", "auth_protocol": "SHA-256",
                             "priv_protocol": "AES-256-C"}
        self.assertValid(mutated(V2C, v3))
        # v3 needs security; v1/v2c must not carry it; every member is required and typed.
        self.assertInvalid(mutated(V2C, lambda r: (v3(r), r.pop("security"))))
        self.assertInvalid(mutated(V2C, lambda r: r.update(security=mutated(V2C, v3)["security"])))
        self.assertInvalid(mutated(V2C, lambda r: (v3(r), r["security"].pop("priv_protocol"))))
        self.assertInvalid(mutated(V2C, lambda r: (v3(r), r["security"].update(level="auth"))))
        self.assertInvalid(mutated(V2C, lambda r: (v3(r), r["security"].update(auth_protocol="SHA2"))))
        self.assertInvalid(mutated(V2C, lambda r: (v3(r), r["security"].update(engine_id="zz"))))
        hex_user = mutated(V2C, lambda r: (v3(r), r["security"].update(user="00ff",
                                                                        user_encoding="hex")))
        self.assertValid(hex_user)

    def test_summary_block(self):
        def summary(r):
            r["summary"] = {"kind": "dedup", "count": 3, "first": "2026-11-21T17:29:04.123456Z",
                            "last": "2026-11-21T17:29:05.123456Z"}
        self.assertValid(mutated(V2C, summary))
        self.assertInvalid(mutated(V2C, lambda r: (summary(r), r["summary"].update(count=0))))
        self.assertInvalid(mutated(V2C, lambda r: (summary(r), r["summary"].update(kind="x"))))
        self.assertInvalid(mutated(V2C, lambda r: (summary(r), r["summary"].pop("last"))))

    def test_hex_community(self):
        def hexc(r):
            r["community"] = "70756200"
            r["community_encoding"] = "hex"
        self.assertValid(mutated(V2C, hexc))
        self.assertInvalid(mutated(V2C, lambda r: r.update(community_encoding="hex")))
        self.assertInvalid(mutated(V2C, lambda r: r.update(community_encoding="text")))

    def test_broken_top_level(self):
        cases = {
            "missing id": lambda r: r.pop("id"),
            "bad id": lambda r: r.update(id="01KAKQ5Z7V3N8R2B4C6D8E0F1I"),
            "short id": lambda r: r.update(id="01KAKQ"),
            "millisecond time": lambda r: r.update(time="2026-11-21T17:29:03.123Z"),
            "local time": lambda r: r.update(time="2026-11-21T17:29:03.123456+01:00"),
            "unknown key": lambda r: r.update(extra=1),
            "version 2": lambda r: r.update(version="2"),
            "pdu response": lambda r: r.update(pdu="response"),
            "transport tcp": lambda r: r["source"].update(transport="tcp"),
            "port too big": lambda r: r["source"].update(port=65536),
            "trap_oid leading dot": lambda r: r.update(trap_oid=".1.3.6.1"),
            "uptime negative": lambda r: r.update(uptime=-1),
            "request_id too big": lambda r: r.update(request_id=2147483648),
            "v2c with v1": lambda r: r.update(v1=V1["v1"]),
            "v2c without request_id": lambda r: r.pop("request_id"),
            "v2c without community": lambda r: r.pop("community"),
            "no varbinds": lambda r: r.pop("varbinds"),
        }
        for name, fn in cases.items():
            with self.subTest(name):
                self.assertInvalid(mutated(V2C, fn))
        self.assertInvalid(mutated(V1, lambda r: r.pop("v1")))
        self.assertInvalid(mutated(V1, lambda r: r.update(request_id=1)))
        self.assertInvalid(mutated(V1, lambda r: r["v1"].update(agent_address="2001:db8::1")))

    def test_broken_varbinds(self):
        def vb(i, **kw):
            return lambda r: r["varbinds"][i].update(**kw)
        cases = {
            "Integer32 too small": vb(0, value=-2147483649),
            "Integer32 as string": vb(0, value="2"),
            "Integer32 with encoding": vb(0, encoding="text"),
            "OctetString without encoding": lambda r: r["varbinds"][1].pop("encoding"),
            "OctetString bad hex": vb(1, encoding="hex", value="eth0"),
            "OctetString odd hex": vb(1, encoding="hex", value="abc"),
            "OctetString uppercase hex": vb(1, encoding="hex", value="AB"),
            "Counter64 as number": vb(2, value=5),
            "Counter64 leading zero": vb(2, value="05"),
            "OID value with leading dot": vb(3, value=".1.3"),
            "IpAddress bad": vb(4, value="192.0.2.256"),
            "Opaque as text": vb(5, encoding="text"),
            "exception with value": vb(6, value=0),
            "unknown type": vb(0, type="Integer"),
            "unknown member": vb(0, foo=1),
            "missing oid": lambda r: r["varbinds"][0].pop("oid"),
        }
        for name, fn in cases.items():
            with self.subTest(name):
                self.assertInvalid(mutated(V2C, fn))

    def test_ip_address_hex_fallback(self):
        self.assertValid(mutated(V2C, lambda r: r["varbinds"][4].update(
            value="0a0000", encoding="hex")))

    def test_validate_records_script(self):
        with tempfile.TemporaryDirectory() as d:
            good = os.path.join(d, "good.jsonl")
            with open(good, "w", encoding="utf-8") as f:
                f.write(json.dumps(V1) + "\n" + json.dumps(V2C) + "\n")
            ok = subprocess.run([sys.executable, VALIDATE, good], capture_output=True, text=True)
            self.assertEqual(ok.returncode, 0, ok.stderr)
            bad = os.path.join(d, "bad.jsonl")
            with open(bad, "w", encoding="utf-8") as f:
                f.write(json.dumps(V1) + "\n" + json.dumps(mutated(V2C, vb_bad)) + "\n")
            res = subprocess.run([sys.executable, VALIDATE, bad], capture_output=True, text=True)
            self.assertEqual(res.returncode, 1)
            self.assertIn("bad.jsonl:2:", res.stderr)
            self.assertIn("$.varbinds[2].value", res.stderr)

    def test_samples_from_the_unit_tests(self):
        path = os.environ.get("TRAPSINK_RECORD_SAMPLES")
        if not path:
            self.skipTest("TRAPSINK_RECORD_SAMPLES not set")
        with open(path, encoding="utf-8") as f:
            lines = [line for line in f if line.strip()]
        self.assertGreater(len(lines), 0)
        for line in lines:
            self.assertValid(json.loads(line))


def vb_bad(r):
    """Counter64 rendered as a JSON number: the precision bug the contract forbids."""
    r["varbinds"][2]["value"] = 18446744073709551615


if __name__ == "__main__":
    unittest.main()

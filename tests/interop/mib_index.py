"""A reader of trapsink's compiled MIB index file, written from docs/mibs.md ("Index file
format") alone, so that tests check the file against its documentation. Standard library only."""
import struct

BASE_TYPES = ["none", "Integer32", "Unsigned32", "Counter32", "Counter64", "TimeTicks",
              "OCTET STRING", "OBJECT IDENTIFIER", "IpAddress", "Opaque", "BITS", "SEQUENCE",
              "SEQUENCE OF"]
NODE_KINDS = ["oid", "module_identity", "object_identity", "scalar", "table", "row", "column",
              "notification", "group", "compliance", "capabilities"]
OUTCOMES = ["compiled", "failed", "missing_import"]


class _Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def u(self):
        v = shift = 0
        while True:
            b = self.data[self.pos]
            self.pos += 1
            v |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return v

    def s(self):
        v = self.u()
        return (v >> 1) ^ -(v & 1)

    def str(self):
        n = self.u()
        r = self.data[self.pos:self.pos + n].decode("utf-8", "replace")
        self.pos += n
        return r

    def oid(self):
        return tuple(self.u() for _ in range(self.u()))

    def ref(self):
        n = self.u()
        return (n - 1 if n else None, self.str(), self.str())


def read(path):
    """{"modules": [dict], "nodes": [dict]} of an index file; raises ValueError on a bad header."""
    with open(path, "rb") as f:
        data = f.read()
    magic, version, _reserved, size, _checksum = struct.unpack("<8sIIQQ", data[:32])
    if magic != b"TSMIBIDX" or version != 1 or size != len(data) - 32:
        raise ValueError(f"{path}: not a version 1 trapsink MIB index")
    r = _Reader(data[32:])
    modules = []
    for _ in range(r.u()):
        m = {"name": r.str(), "file": r.str(), "outcome": OUTCOMES[r.u()]}
        m["missing_imports"] = [r.str() for _ in range(r.u())]
        m["diagnostics"] = [(r.str(), r.u(), r.u(), r.u(), r.str()) for _ in range(r.u())]
        modules.append(m)
    nodes = []
    for _ in range(r.u()):
        n = {"oid": r.oid(), "name": r.str(), "module": modules[r.u()]["name"],
             "kind": NODE_KINDS[r.u()], "access": r.u(), "status": r.u()}
        n["base"] = BASE_TYPES[r.u()]
        n["tc_module"], n["tc_name"], n["display_hint"] = r.str(), r.str(), r.str()
        n["enums"] = [(r.str(), r.s()) for _ in range(r.u())]
        n["ranges"] = [(r.s(), r.s()) for _ in range(r.u())]
        n["units"] = r.str()
        n["index"] = [r.ref() for _ in range(r.u())]
        flags = r.u()
        n["implied"] = bool(flags & 1)
        n["augments"] = r.ref() if flags & 2 else None
        n["objects"] = [r.ref() for _ in range(r.u())]
        n["trap_type"] = bool(flags & 4)
        if n["trap_type"]:
            n["enterprise"], n["specific"] = r.oid(), r.u()
        n["defval"], n["description"] = r.str(), r.str()
        nodes.append(n)
    if r.pos != len(r.data):
        raise ValueError(f"{path}: bytes after the last node")
    return {"modules": modules, "nodes": nodes}

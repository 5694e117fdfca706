#!/usr/bin/python3
"""Validate JSON-lines record files against docs/record.schema.json.

Usage: validate_records.py [--schema PATH] FILE.jsonl [FILE.jsonl ...]   ("-" reads stdin)

Every non-empty line must be one JSON object that the schema (JSON Schema draft 2020-12)
accepts. Stops at the first invalid line and exits 1 with the file, line number, the JSON path
of the offending value and the reason; exits 0 when every line of every file is valid, and 2 on
usage errors (missing file, unreadable schema, python3-jsonschema not installed).

Needs Debian's python3-jsonschema (apt-get install python3-jsonschema).
"""

import argparse
import json
import os
import sys

DEFAULT_SCHEMA = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "record.schema.json")


def fail(code, message):
    """Print message to stderr and exit with code."""
    print(f"validate_records: {message}", file=sys.stderr)
    sys.exit(code)


def load_validator(schema_path):
    """A Draft 2020-12 validator for the schema at schema_path, with format checking."""
    try:
        import jsonschema
    except ImportError:
        fail(2, "python3-jsonschema is not installed (apt-get install python3-jsonschema)")
    try:
        with open(schema_path, encoding="utf-8") as f:
            schema = json.load(f)
    except (OSError, ValueError) as e:
        fail(2, f"cannot read schema {schema_path}: {e}")
    cls = jsonschema.Draft202012Validator
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def json_path(error):
    """The JSON path of a validation error's value, e.g. $.varbinds[3].value."""
    out = "$"
    for part in error.absolute_path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def validate_stream(validator, name, stream):
    """Validate every line of stream; return the number of records, exit 1 on the first error."""
    count = 0
    for lineno, raw in enumerate(stream, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            fail(1, f"{name}:{lineno}: not UTF-8: {e}")
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as e:
            fail(1, f"{name}:{lineno}: not JSON: {e}")
        errors = sorted(validator.iter_errors(record), key=lambda e: list(e.absolute_path))
        if errors:
            first = errors[0]
            # The deepest cause of an if/then or oneOf failure says most.
            while first.context:
                first = sorted(first.context, key=lambda e: -len(e.absolute_path))[0]
            rid = record.get("id", "?") if isinstance(record, dict) else "?"
            fail(1, f"{name}:{lineno}: record {rid}: invalid at {json_path(first)}: "
                    f"{first.message}")
        count += 1
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", default=os.path.normpath(DEFAULT_SCHEMA),
                        help="schema file (default: docs/record.schema.json of this tree)")
    parser.add_argument("files", nargs="+", help="JSON-lines files ('-' for stdin)")
    args = parser.parse_args()

    validator = load_validator(args.schema)
    total = 0
    for name in args.files:
        if name == "-":
            total += validate_stream(validator, "<stdin>", sys.stdin.buffer)
            continue
        try:
            with open(name, "rb") as f:
                total += validate_stream(validator, name, f)
        except OSError as e:
            fail(2, f"cannot read {name}: {e.strerror}")
    print(f"validate_records: {total} record(s) valid in {len(args.files)} file(s)")


if __name__ == "__main__":
    main()

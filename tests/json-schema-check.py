#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Validate kexec-tdx JSON output against its shipped JSON Schema.

  json-schema-check.py SCHEMA FILE...       files holding one JSON object each
  json-schema-check.py SCHEMA --log LOG     the last pretty-printed object
                                            in a serial log ("{" ... "}"
                                            lines, carriage returns dropped)

Checks the schema itself (draft 2020-12), the instance against it, and
that the object starts with schema_version, decision, action, reason,
warnings in this order (json-c keeps insertion order; a schema cannot say
it).  Exit 0 valid, 1 invalid (one line per error), 2 usage or unreadable.
Needs python3-jsonschema (tools/install-deps.sh).
"""
import json
import sys

HEAD = ["schema_version", "decision", "action", "reason", "warnings"]


def last_object(path):
    lines = open(path, encoding="utf-8", errors="replace").read().replace("\r", "").split("\n")
    end = None
    for i in range(len(lines) - 1, -1, -1):
        if end is None and lines[i] == "}":
            end = i
        elif end is not None and lines[i] == "{":
            return "\n".join(lines[i:end + 1])
    raise ValueError(f"{path}: no JSON object (a line '{{' ... a line '}}')")


def main(argv):
    try:
        import jsonschema
    except ImportError:
        print("FAIL: python3-jsonschema is not installed (tools/install-deps.sh)")
        return 2
    if len(argv) == 4 and argv[2] == "--log":
        inputs = [(argv[3], last_object(argv[3]))]
    elif len(argv) >= 3:
        inputs = [(f, open(f, encoding="utf-8").read()) for f in argv[2:]]
    else:
        print(__doc__.strip().split("\n\n")[1])
        return 2
    schema = json.load(open(argv[1], encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    bad = 0
    for where, text in inputs:
        errors = check(validator, text)
        for e in errors:
            print(f"{where}: {e}")
        bad += bool(errors)
    return 1 if bad else 0


def check(validator, text):
    pairs = json.loads(text, object_pairs_hook=lambda kv: kv)
    keys = [k for k, _ in pairs][:len(HEAD)]
    errors = []
    if keys != HEAD:
        errors.append(f"the object starts with {keys}, not {HEAD}")
    for e in sorted(validator.iter_errors(json.loads(text)), key=lambda e: list(e.path)):
        errors.append(f"/{'/'.join(str(p) for p in e.path)}: {e.message}")
    return errors


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (OSError, ValueError) as e:
        print(f"FAIL: {e}")
        sys.exit(2)

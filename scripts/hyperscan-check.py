#!/usr/bin/env python3
"""Compiles regular expressions with Hyperscan (the `hyperscan` package from PyPI), as GitHub secret scanning does.

Reads a JSON array of {"name": ..., "expression": ...} on stdin; compiles each one alone in block mode with
HS_FLAG_SOM_LEFTMOST (start-of-match tracking, which GitHub needs to report where a secret starts); prints a JSON
array of {"name", "ok", "error"} on stdout. Exit 0 when it ran (whatever it found), 3 when `hyperscan` is missing.
Used by keyward's tools test tier (test/tools/exports.test.ts) and nothing at run time.
"""
import json
import sys

try:
    import hyperscan
except ImportError:
    print("hyperscan is not installed (pip install hyperscan)", file=sys.stderr)
    sys.exit(3)

results = []
for item in json.load(sys.stdin):
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    try:
        db.compile(expressions=[item["expression"].encode("utf-8")], ids=[0], flags=[hyperscan.HS_FLAG_SOM_LEFTMOST])
        results.append({"name": item["name"], "ok": True, "error": None})
    except hyperscan.error as err:  # "Pattern is too large", unsupported constructs, ...
        results.append({"name": item["name"], "ok": False, "error": str(err)})
json.dump(results, sys.stdout)

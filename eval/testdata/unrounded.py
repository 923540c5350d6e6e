#!/usr/bin/env python3
"""Runs metrics.py with its two-decimal rounding of the reported figures switched off.

    unrounded.py /path/to/metrics.py [metrics.py arguments...]

metrics.py's main() is executed unchanged except that the module-level name `round` is
shadowed by a function that is Python's round for times (3 decimals) and the identity for
the 2-decimal rounding of figures, so the JSON carries the full-precision values.
"""
import builtins
import importlib.util
import sys

path = sys.argv[1]
spec = importlib.util.spec_from_file_location("metrics", path)
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
m.round = lambda x, n=None: x if n == 2 else builtins.round(x, n)
sys.argv = [path] + sys.argv[2:]
m.main()

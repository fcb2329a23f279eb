#!/usr/bin/env python3
"""Lists the call sites from which a panic is reachable in a linked Cortex-M ELF.

Usage: scripts/panic_paths.py ELF [--allow INNER@CALLER ...]

With --allow, a call site whose innermost inlined frame is in file INNER and whose inline chain
passes through file CALLER (file names, e.g. `window.rs@vartime_double_base.rs`) is allowed: it
is listed apart, and the exit status is 0 when every site is allowed. An allowed site must
still be found (exit 1 otherwise), so an allowance that no longer matches anything is noticed.

Used by scripts/nopanic.sh when the link-time check fails (the binary is then re-linked with
line tables and --noinhibit-exec). Reads `arm-none-eabi-objdump -d`, finds the panic machinery
(everything that reaches `rust_begin_unwind`), and prints each call into it from other code
with its inline chain (`addr2line -i`), followed by the authcore functions that reach each
offending function.
"""

from __future__ import annotations

import collections
import re
import subprocess
import sys

FN = re.compile(r"^([0-9a-f]+) <(.*)>:$")
CALL = re.compile(r"^\s*([0-9a-f]+):\s+(?:bl|blx|b\.w|b)\s+[0-9a-f]+ <(.*?)(?:\+0x[0-9a-f]+)?>$")
# Functions that only exist to panic (core's panicking entry points and their helpers).
INFRA = re.compile(
    r"^(core::panicking::|core::slice::index::slice_index_fail|core::str::slice_error_fail"
    r"|core::option::unwrap_failed|core::option::expect_failed|core::result::unwrap_failed"
    r"|core::slice::copy_from_slice_impl::len_mismatch_fail|core::fmt::)"
)


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def allowed(chain: list[str], rule: str) -> bool:
    """Whether an inline chain (innermost first: name, location, name, location, …) matches
    the allowance ``INNER@CALLER``."""
    inner, caller = rule.split("@")
    files = [loc.split(":")[0].rsplit("/", 1)[-1] for loc in chain[1::2]]
    return bool(files) and files[0] == inner and caller in files[1:]


def main(elf: str, allow: list[str]) -> int:
    calls: dict[str, list[tuple[str, str]]] = collections.defaultdict(list)
    func = None
    for line in run("arm-none-eabi-objdump", "-d", "--no-show-raw-insn", "-C", elf).splitlines():
        if m := FN.match(line):
            func = m.group(2)
        elif (m := CALL.match(line)) and func and m.group(2) != func:
            calls[func].append((m.group(1), m.group(2)))

    panicky = {
        f
        for f in set(calls) | {c for cs in calls.values() for _, c in cs}
        if "rust_begin_unwind" in f
    }
    grown = True
    while grown:
        grown = False
        for f, cs in calls.items():
            if f not in panicky and INFRA.match(f) and any(c in panicky for _, c in cs):
                panicky.add(f)
                grown = True

    sites = [
        (a, f, c) for f, cs in calls.items() if f not in panicky for a, c in cs if c in panicky
    ]
    if not sites:
        print("no call into the panic machinery")
        return 1 if allow else 0
    unallowed = []
    used: set[str] = set()
    for addr, f, callee in sites:
        chain = run("arm-none-eabi-addr2line", "-e", elf, "-f", "-i", "-C", addr).splitlines()
        rule = next((r for r in allow if allowed(chain, r)), None)
        if rule:
            used.add(rule)
            print(f"allowed ({rule}): {addr} in {f} -> {callee}")
        else:
            unallowed.append((addr, f))
            print(f"{addr} in {f} -> {callee}")
        for name, loc in zip(chain[::2], chain[1::2]):
            print(f"    {name[:100]}  @ {loc.split('/src/')[-1]}")
    if allow:
        for rule in sorted(set(allow) - used):
            print(f"allowance {rule} matched no site: remove it")
        if not unallowed and used == set(allow):
            return 0

    callers = collections.defaultdict(set)
    for f, cs in calls.items():
        for _, c in cs:
            callers[c].add(f)
    print("\nauthcore functions that reach them:")
    for fn in sorted({f for _, f in unallowed} if allow else {f for _, f, _ in sites}):
        seen, todo = {fn}, [fn]
        hits: set[str] = set()
        while todo:
            g = todo.pop()
            for caller in callers[g] - seen:
                seen.add(caller)
                (
                    hits.add
                    if caller.startswith("authcore::") or caller == "_start"
                    else todo.append
                )(caller)
        print(f"  {fn[:90]}  <-  {', '.join(sorted(hits)) or '(self)'}")
    return 1


if __name__ == "__main__":
    args = sys.argv[1:]
    rules = [args[i + 1] for i, a in enumerate(args) if a == "--allow" and i + 1 < len(args)]
    sys.exit(main(args[0], rules))

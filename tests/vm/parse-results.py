#!/usr/bin/env python3
"""Turn the VM scenarios' logs into test counts.

usage: parse-results.py RESULTS_DIR SCENARIO...

For each scenario, RESULTS_DIR/<scenario>/ holds console.log (the kernel
console, ttyS0) and results.log (init.sh's protocol on ttyS1). Every test
case counts once:
  - each "ok - name" / "not ok - name" check line of init.sh;
  - each top-level TAP result of a program block (kselftest_harness cases,
    run_vmtests.sh commands); for "kunit:" blocks each test case of the suite;
  - per scenario: "finished" (reached the end, QEMU exited 0), "console
    clean" (no WARNING:, BUG:, lockdep report, or Call Trace outside an
    out-of-memory report the scenario expects), and one per required block.
A skip counts as a failure except in scenario no-spm, the one scenario
without an SPM node (CI must never pass by skipping). Prints one line per
failure, a table of metrics, and last "N passed, N failed, N skipped";
writes RESULTS_DIR/metrics.json. Exit status 1 on any failure.
"""
import json
import os
import re
import sys

# Scenarios whose SPM tests are expected to skip, and only those.
SKIP_OK = {"no-spm"}
# Scenarios that push memory past capacity on purpose.
OOM_OK = {"spm-boot", "spm-runtime", "no-spm", "vanilla", "spmctl",
          "spm-kernel", "spm-numa", "sd-isolate", "sd-autoonline",
          "demo-patched", "demo-vanilla", "spm-driver", "cxl"}
# Blocks each scenario must produce (prefix match with a trailing '*').
REQUIRED = {
    "spm-boot": ["kunit:spm_node", "probe:leak-patched", "kselftest:spm_*"],
    "spm-runtime": ["run_vmtests:spm"],
    "spm-driver": ["kunit:spm_node", "probe:kernel-driver",
                   "probe:leak-driver", "kselftest:test_spm.sh"],
    "spm-kernel": ["kunit:spm_node", "probe:kernel-patched",
                   "probe:leak-kernelzone", "kselftest:spm_*"],
    "vanilla-kernel": ["probe:kernel-vanilla"],
    "no-spm": ["kunit:spm_node", "kselftest:spm_*"],
    "vanilla": ["probe:leak-vanilla"],
    "regress": ["kselftest:migration", "kselftest:ksm_numa-merge",
                "kselftest:ksm_numa-nomerge", "selftest:mem-on-off-test"],
    "spmctl": [],
    "sd-isolate": ["probe:leak-sd"],
    "cxl": ["probe:leak-cxl-boot"],
    "spm-two": ["kselftest:spm_paths-offline"],
}

BAD_CONSOLE = re.compile(
    r"WARNING:|BUG:|Kernel panic|Oops|general protection fault|"
    r"possible (circular|recursive) locking|inconsistent lock state|"
    r"suspicious RCU usage|DEBUG_LOCKS_WARN_ON|UBSAN:|KASAN:|"
    r"unable to handle page fault|soft lockup|hung_task")
TS = re.compile(r"^\[\s*\d+\.\d+\]\s?")
TAP = re.compile(r"^(not ok|ok)\b\s*(\d+)?\s*(?:-\s*)?(.*?)\s*$")
KUNIT_CASE = re.compile(r"^    (not ok|ok) (\d+) (.*?)\s*$")
PLAN = re.compile(r"^1\.\.(\d+)(.*)$")


class Tally:
    def __init__(self):
        self.passed = self.failed = self.skipped = 0
        self.failures = []

    def add(self, scenario, name, status, why=""):
        if status == "skip" and scenario not in SKIP_OK:
            status, why = "fail", "skipped in a scenario with an SPM node: " + why
        if status == "pass":
            self.passed += 1
        elif status == "skip":
            self.skipped += 1
        else:
            self.failed += 1
            self.failures.append(f"{scenario}: {name}: {why}".rstrip(": "))


def split_directive(rest):
    """'name # SKIP why' -> (name, directive, why)."""
    if "#" in rest:
        name, _, d = rest.partition("#")
        d = d.strip()
        word = d.split(" ", 1)[0].upper() if d else ""
        return name.strip(), word, d[len(word):].strip()
    return rest.strip(), "", ""


def result_status(okword, directive):
    if directive == "SKIP":
        return "skip"
    if directive == "TODO":
        return "pass"
    return "pass" if okword == "ok" else "fail"


def parse_block(t, scen, name, lines, rc):
    # A first try that a scenario retries is kept for the log, not counted.
    if name.startswith("attempt:"):
        return
    # A probe prints figures, not TAP: the checks made of its figures count;
    # the block itself only has to succeed.
    if name.startswith("probe:"):
        if rc != 0:
            t.add(scen, name, "fail", f"exited with {rc}")
        return
    # Plain selftest scripts (mem-on-off-test.sh) report by exit code.
    if name.startswith("selftest:"):
        t.add(scen, name, {0: "pass", 4: "skip"}.get(rc, "fail"),
              f"exit {rc}")
        return
    kunit = name.startswith("kunit:")
    seen = 0
    plan = None
    plan_skip = None
    for ln in lines:
        if kunit:
            m = KUNIT_CASE.match(ln)
            if not m:
                continue
            case, d, why = split_directive(m.group(3))
            t.add(scen, f"{name}.{case}", result_status(m.group(1), d), why)
            seen += 1
            continue
        m = PLAN.match(ln)
        if m and plan is None:
            plan = int(m.group(1))
            if plan == 0 and "SKIP" in m.group(2).upper():
                plan_skip = m.group(2).split("SKIP", 1)[-1].strip()
            continue
        m = TAP.match(ln)
        if not m:
            continue
        case, d, why = split_directive(m.group(3))
        t.add(scen, f"{name}.{case}", result_status(m.group(1), d), why)
        seen += 1
    if seen == 0:
        if plan_skip is not None or rc == 4:
            t.add(scen, name, "skip", plan_skip or "exit 4")
        else:
            t.add(scen, name, "fail", f"no test result (rc={rc})")
        return
    if plan is not None and plan > seen:
        t.add(scen, name, "fail", f"only {seen} of {plan} planned results")
    if rc not in (0, 4) and not any(
            f.startswith(f"{scen}: {name}") for f in t.failures):
        t.add(scen, name, "fail", f"exited with {rc} but no case failed")


def parse_results(t, scen, path, metrics):
    blocks = {}
    done = False
    cur = None
    buf = []
    try:
        text = open(path, errors="replace").read()
    except OSError:
        t.add(scen, "results log", "fail", f"missing {path}")
        return blocks, False
    for raw in text.splitlines():
        ln = raw.rstrip("\r")
        if cur is not None:
            m = re.match(r"^# END (\S+) rc=(\d+)$", ln)
            if m and m.group(1) == cur:
                parse_block(t, scen, cur, buf, int(m.group(2)))
                blocks[cur] = int(m.group(2))
                cur, buf = None, []
            else:
                buf.append(ln)
            continue
        m = re.match(r"^# BEGIN (\S+)$", ln)
        if m:
            cur, buf = m.group(1), []
            continue
        m = re.match(r"^# METRIC (\S+) (\S+)$", ln)
        if m:
            try:
                metrics[m.group(1)] = float(m.group(2))
            except ValueError:
                metrics[m.group(1)] = m.group(2)
            continue
        if ln == "# SPM-VM DONE":
            done = True
            continue
        m = TAP.match(ln)
        if m:
            case, d, why = split_directive(m.group(3))
            t.add(scen, case, result_status(m.group(1), d), why)
    if cur is not None:
        t.add(scen, cur, "fail", "block never ended (guest died or timed out)")
    return blocks, done


def console_problems(scen, path):
    try:
        lines = open(path, errors="replace").read().splitlines()
    except OSError:
        return [f"missing {path}"]
    bad = []
    # The one stack dump an out-of-memory report may carry: the one after
    # "invoked oom-killer", or after "<victim>: page allocation failure"
    # (an OOM-killed task whose own fault then fails, as with MPOL_BIND on
    # vanilla). It ends at the dump's "</TASK>".
    oom_dump = False
    victims = set()
    for i, raw in enumerate(lines):
        ln = TS.sub("", raw.rstrip("\r"))
        if "invoked oom-killer" in ln:
            oom_dump = True
        m = re.search(r"Killed process \d+ \((.*?)\)", ln)
        if m:
            victims.add(m.group(1))
            if scen not in OOM_OK:
                bad.append(f"line {i + 1}: unexpected OOM kill: {ln}")
            continue
        m = re.match(r"(.*?): page allocation failure", ln)
        if m and m.group(1) in victims:
            oom_dump = True
            continue
        if "</TASK>" in ln:
            oom_dump = False
        if BAD_CONSOLE.search(ln):
            bad.append(f"line {i + 1}: {ln}")
        elif "Call Trace:" in ln and not (oom_dump and scen in OOM_OK):
            ctx = TS.sub("", lines[i - 1]) if i else ""
            bad.append(f"line {i + 1}: Call Trace (after: {ctx.strip()})")
    return bad


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    rdir, scenarios = sys.argv[1], sys.argv[2:]
    t = Tally()
    metrics = {}
    for scen in scenarios:
        sdir = os.path.join(rdir, scen)
        blocks, done = parse_results(t, scen, os.path.join(sdir, "results.log"),
                                     metrics)
        try:
            qrc = open(os.path.join(sdir, "qemu.rc")).read().strip()
        except OSError:
            qrc = "missing"
        t.add(scen, "scenario finished", "pass" if done and qrc == "0" else
              "fail", f"reached end: {done}, qemu rc: {qrc}")
        try:
            qv = open(os.path.join(sdir, "qemu-version")).read().strip()
            metrics.setdefault("qemu_version", {})[scen] = qv
        except OSError:
            pass
        bad = console_problems(scen, os.path.join(sdir, "console.log"))
        t.add(scen, "console clean", "fail" if bad else "pass",
              "; ".join(bad[:5]))
        for req in REQUIRED.get(scen, []):
            if req.endswith("*"):
                ok = any(b.startswith(req[:-1]) for b in blocks)
            else:
                ok = req in blocks
            t.add(scen, f"produced {req}", "pass" if ok else "fail",
                  "block missing")
    with open(os.path.join(rdir, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=1, sort_keys=True)
    phases = sorted({k.split("_", 1)[1] for k in metrics
                     if k.startswith(("vanilla_", "patched_")) and
                     k.endswith("_mib")})
    if phases:
        print("MiB landing on node 2      vanilla+daxctl   patched+SPM")
        for p in phases:
            v = metrics.get("vanilla_" + p, "-")
            s = metrics.get("patched_" + p, "-")
            print(f"  {p[:-4]:<24} {v!s:>14} {s!s:>13}")
    for qv in sorted(set(metrics.get("qemu_version", {}).values())):
        print("QEMU: " + qv)
    for f in t.failures:
        print("FAIL " + f)
    print(f"{t.passed} passed, {t.failed} failed, {t.skipped} skipped")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())

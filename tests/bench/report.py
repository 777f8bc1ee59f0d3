#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn the raw logs of tests/bench/run-bench.sh into the benchmark report.

    report.py RAWDIR OUTDIR

reads RAWDIR (one directory per QEMU boot with results.log, qemu.rc, spec;
list.txt; bloat-o-meter.txt; nm-*.txt; meta.txt) and writes
OUTDIR/results.json, OUTDIR/report.md and OUTDIR/cost-vs-blocks.png. Every
figure in them comes from those logs: nothing is typed in by hand, so the
report can be regenerated from the same raw directory at any time.
"""
import json
import os
import re
import statistics
import sys

PERF_CFGS = ("vanilla", "vanilla_ram", "vanilla_movable", "patched_no_spm",
             "patched_spm")
CFG_TITLE = {
    "vanilla": "vanilla, node 2 offline",
    "vanilla_ram": "vanilla, node 2 plain RAM",
    "vanilla_movable": "vanilla, node 2 Movable (kmem)",
    "patched_no_spm": "patched, no SPM node (node 2 plain RAM)",
    "patched_spm": "patched, SPM node 2 (Movable)",
}
# The vanilla boot with the same memory topology as each patched one: the
# goals compare against it, so that the series is all that differs.
SAME_TOPOLOGY = {
    "vanilla": "vanilla", "vanilla_ram": "vanilla_ram",
    "vanilla_movable": "vanilla_movable",
    "patched_no_spm": "vanilla_ram", "patched_spm": "vanilla_movable",
}
# bench-online's timed commands: metric name, start state, command.
ONLINE_TITLES = (
    ("daxctl", "online", "daxctl online-memory dax0.0"),
    ("spmctl", "online", "spmctl online dax0.0"),
    ("daxctl_reconfigure", "from device_dax",
     "daxctl reconfigure-device -m system-ram dax0.0"),
    ("spmctl_from_devdax", "from device_dax", "spmctl online dax0.0"),
    ("spmctl_from_ram", "from plain RAM", "spmctl online dax0.0"),
)
ONLINE_TOOLS = tuple(t[0] for t in ONLINE_TITLES)
KALLOC_CASES = ("kernel_o0", "movable_o0", "kernel_o9")
KALLOC_TITLE = {
    "kernel_o0": "GFP_KERNEL order 0",
    "movable_o0": "GFP_HIGHUSER_MOVABLE order 0",
    "kernel_o9": "GFP_KERNEL order 9",
}
# The phases the isolation figure adds up; hugetlb and move_pages are
# reported next to them (they ask for node 2 by name, so vanilla obliges).
LEAK_SUM = ("anon", "tmpfs", "interleave")
LEAK_ALL = ("anon", "tmpfs", "interleave", "hugetlb", "move_pages")
# Page allocator functions a reviewer looks at (inlined ones are absent).
ALLOC_FUNCS = (
    "get_page_from_freelist", "__alloc_pages_noprof",
    "alloc_pages_bulk_noprof", "prepare_alloc_pages",
    "__alloc_pages_slowpath", "__alloc_pages_direct_compact",
    "__alloc_pages_direct_reclaim", "__alloc_pages_may_oom",
    "alloc_pages_mpol_noprof", "alloc_pages_noprof", "folio_alloc_noprof",
    "alloc_contig_pages_noprof", "rmqueue_bulk", "__rmqueue_pcplist",
    "rmqueue_pcplist", "rmqueue_buddy", "rmqueue", "free_unref_page",
    "free_unref_folios", "__free_pages", "check_retry_cpuset",
    "try_to_compact_pages", "should_reclaim_retry", "throttle_direct_reclaim",
    "shrink_zones", "do_try_to_free_pages", "compaction_zonelist_suitable",
)


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def num(s):
    try:
        v = float(s)
    except (TypeError, ValueError):
        return None
    return int(v) if v.is_integer() and "." not in str(s) else v


def parse_boot(d):
    """Metrics, TAP lines and status of one boot directory."""
    res = read(os.path.join(d, "results.log"))
    metrics, fails, slowest = {}, [], []
    for line in res.splitlines():
        m = re.match(r"# METRIC (\S+) (.*)$", line)
        if m:
            metrics[m.group(1)] = m.group(2).strip()
        elif line.startswith("not ok"):
            fails.append(line)
        elif line.startswith("# slowest "):
            slowest.append(line[len("# slowest "):])
    console = read(os.path.join(d, "console.log"))
    return {
        "dir": os.path.basename(d),
        "metrics": metrics,
        "fails": fails,
        "slowest": slowest,
        "done": "# SPM-VM DONE" in res,
        "qemu_rc": read(os.path.join(d, "qemu.rc")).strip(),
        "seconds": num(read(os.path.join(d, "seconds")).strip()),
        "spec": read(os.path.join(d, "spec")).strip(),
        "icount": read(os.path.join(d, "icount")).strip(),
        "kernel_warnings": len(re.findall(
            r"WARNING:|BUG:|Oops:|possible (?:recursive|circular) locking",
            console)),
    }


def spread(vals):
    """Median, min, max, quartiles and relative spread of a sample."""
    vals = sorted(v for v in vals if v is not None)
    if not vals:
        return None
    med = statistics.median(vals)
    if len(vals) >= 4:
        q1, _, q3 = statistics.quantiles(vals, n=4, method="inclusive")
    else:
        q1, q3 = vals[0], vals[-1]
    return {
        "n": len(vals), "median": med, "min": vals[0], "max": vals[-1],
        "q1": q1, "q3": q3, "values": vals,
        "range_pct": 100.0 * (vals[-1] - vals[0]) / med if med else None,
    }


def online_figures(b):
    """bench-online's figures in one boot: per timed command the rounds and
    their median, elapsed and CPU; the strace counts."""
    onl = {}
    if not b:
        return onl
    m = b["metrics"]
    for tool in ONLINE_TOOLS:
        vals = [num(v) for k, v in sorted(m.items())
                if re.fullmatch(f"online_{tool}_s_\\d+", k)]
        sp = spread(vals)
        onl[f"{tool}_s"] = sp["median"] if sp else None
        onl[f"{tool}_rounds"] = sp["values"] if sp else []
        cpu = spread([num(v) for k, v in sorted(m.items())
                      if re.fullmatch(f"online_{tool}_cpu_s_\\d+", k)])
        onl[f"{tool}_cpu_s"] = cpu["median"] if cpu else None
        onl[f"{tool}_cpu_rounds"] = cpu["values"] if cpu else []
    ops = {}
    for tool in ONLINE_TOOLS:
        d = {k: num(m.get(f"ops_{tool}_{k}"))
             for k in ("syscalls", "sysfs_ops", "sysfs_opens",
                       "sysfs_writes")}
        if any(v is not None for v in d.values()):
            ops[tool] = d
    onl["ops"] = ops
    onl["slowest"] = b["slowest"]
    onl["strace"] = bool(ops)
    onl["boot_ok"] = b["done"]
    onl["fails"] = b["fails"]
    return onl


def online_large(b, d, run_meta):
    """The large-device boot of bench-online (node 2 SPM_NODE2_GIB GiB):
    the figures of online_figures() with their spread, the device, the
    kernel and, when the boot was made on its own (run-online-large.sh),
    that run's meta.txt."""
    onl = online_figures(b)
    m = b["metrics"]
    meta = dict(run_meta)
    for line in read(os.path.join(d, "meta.txt")).splitlines():
        k, _, v = line.partition(" ")
        meta[k] = v
    onl["meta"] = meta
    onl["dax_bytes"] = num(m.get("bench_dax_bytes"))
    onl["block_bytes"] = num(m.get("bench_block_bytes"))
    onl["dax_blocks"] = num(m.get("bench_dax_blocks"))
    onl["rounds"] = num(m.get("bench_rounds"))
    onl["cmdline"] = read(os.path.join(d, "cmdline")).strip()
    onl["boot"] = b["dir"]
    onl["kernel_options"] = kernel_options(meta)
    for tool in ONLINE_TOOLS:
        for kind in ("", "cpu_"):
            sp = spread(onl[f"{tool}_{kind}rounds"])
            onl[f"{tool}_{kind}spread"] = (
                {k: sp[k] for k in ("n", "min", "max", "q1", "q3",
                                    "range_pct")} if sp else None)
    return onl


def online_goal(onl, what_device):
    """Is spmctl online no slower than daxctl? Returns (met, detail)."""
    pairs = (("daxctl", "spmctl", "online-memory"),
             ("daxctl_reconfigure", "spmctl_from_devdax",
              "from device_dax (reconfigure-device -m system-ram)"))
    # Judged on the median CPU time of each tool (what it ran, in user
    # space and in its system calls): the elapsed time also holds the
    # kernel's waits in the same sysfs writes (device_dax unbind waits on
    # the timer tick, see the slowest calls below), which vary by tens of
    # milliseconds from round to round for either tool. Elapsed medians
    # are given too.
    met, detail = None, []
    if what_device:
        detail.append(what_device)
    for dt, st, what in pairs:
        dc, sc = onl.get(f"{dt}_cpu_s"), onl.get(f"{st}_cpu_s")
        dm, sm = onl.get(f"{dt}_s"), onl.get(f"{st}_s")
        if dc is None or sc is None:
            met = False if met is False else None
            detail.append(f"{what}: no data")
            continue
        met = (sc <= dc) if met is None else (met and sc <= dc)
        detail.append(f"{what}: CPU spmctl {fmt(sc, 4)} s vs daxctl "
                      f"{fmt(dc, 4)} s ({fmt_pct(delta_pct(dc, sc))}), "
                      f"elapsed {fmt(sm, 4)} s vs {fmt(dm, 4)} s "
                      f"({fmt_pct(delta_pct(dm, sm))})")
    rs = onl.get("spmctl_from_ram_s")
    detail.append(f"spmctl only, from plain RAM (remove and re-add): "
                  f"{fmt(rs, 3)} s")
    return met, "; ".join(detail)


LARGE_GOAL = ("spmctl online no slower than daxctl on a device of at least "
              "16 GiB (same device, same start, same result)")


def large_goal(ol):
    """The goal row of the large-device run, or None without one."""
    if not ol:
        return None
    gib = ol["dax_bytes"] / 2 ** 30 if ol.get("dax_bytes") else None
    met, detail = online_goal(
        ol, f"dax0.0 {gib:.0f} GiB, {fmt(ol.get('dax_blocks'))} blocks"
        if gib else "device size unknown")
    if gib is None or gib < 16:
        met = None
        detail = "device smaller than 16 GiB or of unknown size: not judged; " + detail
    return {"goal": LARGE_GOAL, "met": met, "detail": detail}


def delta_pct(a, b):
    return None if not a or b is None else 100.0 * (b - a) / a


def linfit(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
    icpt = my - slope * mx
    ss_res = sum((y - (slope * x + icpt)) ** 2 for x, y in zip(xs, ys))
    ss_tot = sum((y - my) ** 2 for y in ys)
    r2 = 1 - ss_res / ss_tot if ss_tot else 1.0
    worst = max(abs(y - (slope * x + icpt)) / y for x, y in zip(xs, ys))
    return slope, icpt, r2, worst


def parse_nm(path):
    sizes = {}
    for line in read(path).splitlines():
        p = line.split()
        if len(p) == 4 and p[2] in "tTwW":
            name = p[3].split(".")[0]   # foo.isra.0, foo.constprop.0
            sizes[name] = sizes.get(name, 0) + int(p[1], 16)
    return sizes


def fmt(v, nd=1):
    if v is None:
        return "n/a"
    if isinstance(v, int):
        return str(v)
    return f"{v:.{nd}f}"


def fmt_pct(v):
    return "n/a" if v is None else f"{v:+.2f}%"


def boot_summary(b):
    return {x: b[x] for x in ("done", "qemu_rc", "seconds", "spec", "icount",
                              "fails", "kernel_warnings")}


def bloat_from_md(text):
    """The bloat-o-meter listing as write_md() put it in a report."""
    m = re.search(r"<summary>full bloat-o-meter output</summary>\n\n```\n"
                  r"(.*?)\n```\n", text, re.S)
    return "\n".join(line[2:] for line in m.group(1).split("\n")) if m else ""


def merge_large(bootdir, out):
    """report.py --online-large BOOTDIR OUTDIR: the figures of one
    large-device boot of bench-online made on its own
    (run-online-large.sh), added to OUTDIR/results.json, and report.md
    written again from it. Everything else is kept as the last full run
    left it; the bloat-o-meter listing, which results.json does not hold,
    is carried over from the report."""
    with open(os.path.join(out, "results.json")) as f:
        old = json.load(f)
    md_path = os.path.join(out, "report.md")
    bloat_txt = bloat_from_md(read(md_path))
    b = parse_boot(bootdir)
    name = "online-large-patched"
    results = {}
    for k, v in old.items():
        if k == "online_large":
            continue
        results[k] = v
        if k == "online":
            results["online_large"] = online_large(b, bootdir, {})
    boots = dict(old["boots"])
    boots[name] = boot_summary(b)
    results["boots"] = {k: boots[k] for k in sorted(boots)}
    goals = [g for g in old["goals"] if g["goal"] != LARGE_GOAL]
    lg = large_goal(results["online_large"])
    at = next((i + 1 for i, g in enumerate(goals)
               if g["goal"].startswith("spmctl online no slower")),
              len(goals))
    goals.insert(at, lg)
    results["goals"] = goals
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(results, f, indent=2, sort_keys=False)
        f.write("\n")
    write_md(md_path, results, results["boots"], bloat_txt, [])


def main():
    if sys.argv[1] == "--online-large":
        merge_large(sys.argv[2], sys.argv[3])
        return
    raw, out = sys.argv[1], sys.argv[2]
    meta = {}
    for line in read(os.path.join(raw, "meta.txt")).splitlines():
        k, _, v = line.partition(" ")
        meta[k] = v
    boots = {}
    for name in sorted(os.listdir(raw)):
        d = os.path.join(raw, name)
        if os.path.isdir(d) and os.path.exists(os.path.join(d, "spec")):
            boots[name] = parse_boot(d)

    results = {"meta": meta, "boots": {
        k: boot_summary(b) for k, b in boots.items()}}
    notes = []

    # --- 1. isolation -----------------------------------------------------
    iso = {}
    for kern, key in (("vanilla", "vanilla"), ("patched", "spm")):
        b = boots.get(f"isolation-{kern}")
        phases = {}
        if b:
            for ph in LEAK_ALL:
                phases[ph] = num(b["metrics"].get(f"iso_{ph}_mib"))
        vals = [phases.get(p) for p in LEAK_SUM]
        iso[f"{key}_leak_mib"] = (sum(vals) if vals and
                                  all(v is not None for v in vals) else None)
        iso[f"{key}_phases_mib"] = phases
        iso[f"{key}_boot_ok"] = bool(b and b["done"])
    iso["sum_of_phases"] = list(LEAK_SUM)
    results["isolation"] = iso

    # --- 2. allocator overhead ---------------------------------------------
    fault, kalloc = {}, {c: {} for c in KALLOC_CASES}
    fault_detail = {}
    for cfg in PERF_CFGS:
        bs = [b for n, b in boots.items() if n.startswith(f"perf-{cfg}-")]
        ok = [b for b in bs if b["done"]]
        fault_detail[cfg] = spread(
            [num(b["metrics"].get("fault_ns_median")) for b in ok])
        if fault_detail[cfg]:
            fault_detail[cfg]["boots"] = len(bs)
            fault_detail[cfg]["boots_ok"] = len(ok)
            fault_detail[cfg]["spm_nodes"] = sorted(
                {b["metrics"].get("bench_spm_nodes", "?") for b in ok})
        fault[cfg] = fault_detail[cfg]["median"] if fault_detail[cfg] else None
        for c in KALLOC_CASES:
            kalloc[c][cfg] = spread(
                [num(b["metrics"].get(f"kalloc_{c}_ns")) for b in ok])
    def add_deltas(det):
        for cfg in PERF_CFGS:
            if not det.get(cfg):
                continue
            for key, ref in (("vanilla", "vanilla"),
                             ("same_topology", SAME_TOPOLOGY[cfg])):
                r = det.get(ref)
                det[cfg][f"delta_pct_vs_{key}"] = delta_pct(
                    r["median"] if r else None, det[cfg]["median"])
            det[cfg]["baseline"] = SAME_TOPOLOGY[cfg]

    add_deltas(fault_detail)
    for c in KALLOC_CASES:
        add_deltas(kalloc[c])
    results["fault"] = dict(fault)
    results["fault"]["unit"] = ("median over boots of the per-boot median "
                                "guest ns per fault (-icount shift=0: one ns "
                                "per guest instruction)")
    results["fault"]["detail"] = fault_detail
    results["kalloc"] = {
        c: {cfg: (kalloc[c][cfg]["median"] if kalloc[c][cfg] else None)
            for cfg in PERF_CFGS} for c in KALLOC_CASES}
    results["kalloc"]["unit"] = ("guest ns per alloc_pages/__free_pages pair, "
                                 "median over boots of the per-boot median "
                                 "of 5 rounds")
    results["kalloc"]["detail"] = kalloc

    # bloat-o-meter and function sizes
    bloat_txt = read(os.path.join(raw, "bloat-o-meter.txt"))
    nm_v = parse_nm(os.path.join(raw, "nm-vanilla.txt"))
    nm_p = parse_nm(os.path.join(raw, "nm-patched.txt"))
    funcs = []
    for f in ALLOC_FUNCS:
        a, b = nm_v.get(f), nm_p.get(f)
        if a is None and b is None:
            continue
        funcs.append({"function": f, "vanilla": a, "patched": b,
                      "delta": (b or 0) - (a or 0)})
    total = re.search(r"Total: Before=(\d+), After=(\d+), chg ([-+0-9.]+%)",
                      bloat_txt)
    results["bloat"] = {
        "allocator_functions": funcs,
        "summary": (bloat_txt.splitlines() or [""])[0],
        "total_before": int(total.group(1)) if total else None,
        "total_after": int(total.group(2)) if total else None,
        "total_change": total.group(3) if total else None,
    }

    # --- 3. onlining and discovery ----------------------------------------
    onl = online_figures(boots.get("online-patched"))
    results["online"] = onl
    # The large-device boot (run-bench.sh: BENCH_ONLINE_GIB)
    if "online-large-patched" in boots:
        results["online_large"] = online_large(
            boots["online-large-patched"],
            os.path.join(raw, "online-large-patched"), meta)

    pts = []
    for line in read(os.path.join(raw, "list.txt")).splitlines():
        p = line.split()
        if len(p) >= 3:
            pt = {"dax_blocks": int(p[0]), "blocks": int(p[1]),
                  "instructions": int(p[2])}
            # lsmem --sysroot on the same tree (runs from 2026-12 on)
            if len(p) >= 4:
                pt["lsmem_instructions"] = int(p[3])
            pts.append(pt)
    lst = {"points": pts}
    if len(pts) >= 2:
        xs = [p["blocks"] for p in pts]
        ys = [p["instructions"] for p in pts]
        slope, icpt, r2, worst = linfit(xs, ys)
        seg = [(ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i])
               for i in range(len(xs) - 1)]
        lst.update({
            "instructions_per_block": slope,
            "fit": {"slope": slope, "intercept": icpt, "r2": r2,
                    "max_rel_residual": worst},
            "segment_slopes": seg,
        })
    else:
        lst["instructions_per_block"] = None
    results["list"] = lst

    # --- goals ------------------------------------------------------------
    goals = []

    def goal(name, met, detail):
        goals.append({"goal": name, "met": met, "detail": detail})

    sl = iso.get("spm_leak_mib")
    goal("0 MiB leak onto the SPM node with the series",
         sl == 0 if sl is not None else None,
         f"patched + spmctl online: {fmt(sl)} MiB, vanilla + daxctl "
         f"online-memory: {fmt(iso.get('vanilla_leak_mib'))} MiB "
         f"({'+'.join(LEAK_SUM)})")

    def overhead_goal(cfg, name, limits):
        """limits: percent per figure ("fault", "kalloc <case>"); a figure
        without a limit is reported, not judged"""
        rows, oks = [], []
        series = [("fault", fault_detail)] + [
            (f"kalloc {c}", kalloc[c]) for c in KALLOC_CASES]
        for label, det in series:
            v, p = det.get(SAME_TOPOLOGY[cfg]), det.get(cfg)
            if not v or not p:
                oks.append(None)
                rows.append(f"{label}: no data")
                continue
            d = delta_pct(v["median"], p["median"])
            extra = p["median"] - v["median"]
            limit = limits.get(label)
            if limit is None:
                rows.append(f"{label} {fmt_pct(d)} ({extra:+.0f} ns/instr; "
                            "not judged)")
                continue
            ok = d <= limit
            rows.append(f"{label} {fmt_pct(d)} ({extra:+.0f} ns/instr; "
                        f"goal {limit}%)")
            oks.append(ok)
        # Missed if any figure misses; unjudged if any is missing.
        met = (False if False in oks else None if None in oks else True)
        goal(name, met, "; ".join(rows))

    # Goals of the zonelist rework (series v2): without an SPM node an
    # unflagged allocation should run the same instructions as vanilla.
    overhead_goal("patched_no_spm",
                  "patched without an SPM node: fault and order-0 "
                  "alloc/free within +0.1% of vanilla (node 2 plain RAM "
                  "in both)",
                  {"fault": 0.1, "kalloc kernel_o0": 0.1,
                   "kalloc movable_o0": 0.1})
    overhead_goal("patched_spm",
                  "patched with an SPM node: fault within +0.1%, order-0 "
                  "alloc/free within +0.3% of vanilla (node 2 Movable in "
                  "both)",
                  {"fault": 0.1, "kalloc kernel_o0": 0.3,
                   "kalloc movable_o0": 0.3})
    met, detail = online_goal(onl, None)
    goal("spmctl online no slower than daxctl (same device, same start, "
         "same result)", met, detail)
    lg = large_goal(results.get("online_large"))
    if lg:
        goals.append(lg)
    fit = lst.get("fit")
    if fit:
        seg = lst["segment_slopes"]
        seg_dev = max(abs(s - fit["slope"]) / fit["slope"] for s in seg)
        goal("spmctl list -j cost linear in blocks",
             fit["r2"] >= 0.999 and seg_dev <= 0.10,
             f"{fmt(fit['slope'], 0)} instructions/block, r^2 "
             f"{fit['r2']:.6f}, segment slopes "
             f"{', '.join(fmt(s, 0) for s in seg)} "
             f"(max deviation {100 * seg_dev:.1f}% from the fit)")
    else:
        goal("spmctl list -j cost linear in blocks", None, "no data")
    big = max(pts, key=lambda p: p["blocks"]) if pts else None
    if big and "lsmem_instructions" in big:
        mine = big["instructions"] / big["blocks"]
        theirs = big["lsmem_instructions"] / big["blocks"]
        goal("spmctl list -j costs no more instructions per block than "
             "lsmem --sysroot",
             mine <= theirs,
             f"{fmt(mine, 0)} against {fmt(theirs, 0)} instructions per "
             f"block at {big['blocks']} blocks")
    else:
        goal("spmctl list -j costs no more instructions per block than "
             "lsmem --sysroot", None, "no data")
    results["goals"] = goals
    results["kernel_options"] = kernel_options(meta)

    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(results, f, indent=2, sort_keys=False)
        f.write("\n")

    plot(lst, os.path.join(out, "cost-vs-blocks.png"), notes)
    write_md(os.path.join(out, "report.md"), results, boots, bloat_txt,
             notes)


def plot(lst, path, notes):
    pts = lst.get("points") or []
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        notes.append("matplotlib missing: no PNG written")
        return
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    if pts:
        xs = [p["blocks"] for p in pts]
        ys = [p["instructions"] / 1e6 for p in pts]
        a1.plot(xs, ys, "o", label="callgrind (measured)")
        fit = lst.get("fit")
        if fit:
            fx = [0, max(xs) * 1.05]
            a1.plot(fx, [(fit["slope"] * x + fit["intercept"]) / 1e6
                         for x in fx], "-",
                    label=f"fit: {fit['slope']:.0f} instr/block "
                          f"+ {fit['intercept'] / 1e6:.1f} M")
        a1.set_xlabel("memory blocks in the fixture")
        a1.set_ylabel("instructions (millions)")
        a1.set_title("spmctl list -j: total cost")
        a1.legend(fontsize=8)
        a1.grid(alpha=0.3)
        a2.plot(xs, [p["instructions"] / p["blocks"] for p in pts], "o-",
                label="total / blocks (fixed cost included)")
        seg = lst.get("segment_slopes") or []
        if seg:
            # Marginal cost between consecutive fixtures: flat = linear.
            a2.step(xs, [seg[0]] + seg, where="pre",
                    label="marginal: between fixtures")
        a2.set_xscale("log")
        a2.set_xlabel("memory blocks (log scale)")
        a2.set_ylabel("instructions per block")
        a2.set_title("cost per block")
        a2.set_ylim(bottom=0)
        a2.legend(fontsize=8)
        a2.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def same_topo(cfg, d):
    if SAME_TOPOLOGY[cfg] == cfg:
        return "(baseline)"
    return (f"{fmt_pct(d.get('delta_pct_vs_same_topology'))} vs "
            f"{SAME_TOPOLOGY[cfg]}")


# Kernel options that change what an allocator microbenchmark measures.
COST_OPTIONS = (
    "CONFIG_JUMP_LABEL", "CONFIG_CC_OPTIMIZE_FOR_SIZE",
    "CONFIG_CC_OPTIMIZE_FOR_PERFORMANCE",
    "CONFIG_PROVE_LOCKING", "CONFIG_DEBUG_VM", "CONFIG_DEBUG_ATOMIC_SLEEP",
    "CONFIG_KASAN", "CONFIG_DEBUG_PAGEALLOC", "CONFIG_PAGE_POISONING",
    "CONFIG_INIT_ON_ALLOC_DEFAULT_ON", "CONFIG_MEMCG", "CONFIG_SLUB_TINY",
)


def kernel_options(meta):
    """The COST_OPTIONS of the patched benchmark kernel, from its .config."""
    text = read(os.path.join(meta.get("patched", "/nonexistent"), "config"))
    if not text:
        return None
    opts = {}
    for o in COST_OPTIONS:
        m = re.search(rf"^{o}=(\S+)$", text, re.M)
        opts[o] = m.group(1) if m else "n"
    return opts


def yesno(v):
    return {True: "**met**", False: "**missed**", None: "no data"}[v]


def write_large_md(w, ol):
    """The "16 GiB device" section: bench-online on a large node 2."""
    mt = ol.get("meta", {})
    gib = ol["dax_bytes"] / 2 ** 30 if ol.get("dax_bytes") else None
    blocks = ol.get("dax_blocks")
    bmib = ol["block_bytes"] / 2 ** 20 if ol.get("block_bytes") else None
    w(f"### {fmt(gib, 0)} GiB device: spmctl online against daxctl "
      "(one boot, patched)")
    w("")
    w("The same scenario (bench-online) as above on a large device: node 2, "
      f"and so dax0.0, is {fmt(gib, 0)} GiB ({fmt(blocks)} blocks of "
      f"{fmt(bmib, 0)} MiB), the guest {fmt(gib, 0)} GiB + 2 GiB of "
      "lazily backed RAM (nodes 0-1 keep 1 GiB each, which holds the "
      "memmap kmem allocates when it adds the device). Same pairs, same "
      "start states and result, the tools taking turns going first, "
      f"{fmt(ol.get('rounds'))} rounds of each timed command.")
    w("")
    w(f"- command: `{' '.join(x for x in (mt.get('env'), mt.get('command', '?')) if x)}`")
    w(f"- date: {mt.get('date', '?')}; host: {mt.get('host', '?')}")
    w(f"- kernel: `{mt.get('patched', '?')}`, tree at "
      f"{mt.get('commit', '?')}; guest time: `-icount "
      f"{mt.get('icount', '?')}`")
    w(f"- kernel command line: `{ol.get('cmdline', '?')}`")
    opts = ol.get("kernel_options") or {}
    debug = [k for k in ("CONFIG_PROVE_LOCKING", "CONFIG_DEBUG_VM")
             if opts.get(k) not in (None, "n")]
    if debug:
        w(f"- this kernel has {', '.join(debug)} (the test kernel, not the "
          "benchmark kernels above): its absolute times are not comparable "
          "with the 1 GiB table; the two tools, in the same boot, are "
          "comparable with each other")
    w("")
    w("| start | tool | rounds | median CPU s | CPU min-max (s) | CPU "
      "spread | median elapsed s | elapsed min-max (s) | elapsed spread | "
      "CPU ms per block |")
    w("| --- | --- | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: |")
    for tool, start, title in ONLINE_TITLES:
        c = ol.get(f"{tool}_cpu_spread") or {}
        e = ol.get(f"{tool}_spread") or {}
        med = ol.get(f"{tool}_cpu_s")
        per = 1000 * med / blocks if med is not None and blocks else None
        w(f"| {start} | {title} | {fmt(c.get('n'))} | {fmt(med, 4)} | "
          f"{fmt(c.get('min'), 4)}-{fmt(c.get('max'), 4)} | "
          f"{fmt(c.get('range_pct'), 2)}% | {fmt(ol.get(f'{tool}_s'), 4)} | "
          f"{fmt(e.get('min'), 4)}-{fmt(e.get('max'), 4)} | "
          f"{fmt(e.get('range_pct'), 2)}% | {fmt(per, 3)} |")
    w("")
    w("Spread: (max - min) / median. Every round:")
    w("")
    w("| start | tool | CPU rounds (s) | elapsed rounds (s) |")
    w("| --- | --- | --- | --- |")
    for tool, start, title in ONLINE_TITLES:
        w(f"| {start} | {title} | "
          f"{', '.join(fmt(v, 4) for v in ol.get(f'{tool}_cpu_rounds', []))}"
          f" | {', '.join(fmt(v, 4) for v in ol.get(f'{tool}_rounds', []))}"
          " |")
    w("")
    if ol.get("ops"):
        w("System calls under `strace -f -y`, one run of each:")
        w("")
        w("| tool | syscalls | sysfs ops | sysfs opens | sysfs writes |")
        w("| --- | ---: | ---: | ---: | ---: |")
        for tool, d in ol["ops"].items():
            w(f"| {tool} | {fmt(d['syscalls'])} | {fmt(d['sysfs_ops'])} | "
              f"{fmt(d['sysfs_opens'])} | {fmt(d['sysfs_writes'])} |")
        w("")
    if ol.get("slowest"):
        w("The slowest system calls of each traced run:")
        w("")
        w("```")
        for line in ol["slowest"]:
            w(line)
        w("```")
        w("")
    if not ol.get("boot_ok"):
        w("**The boot did not finish**: the figures are those of the rounds "
          "it completed.")
        w("")
    for line in ol.get("fails", []):
        w(f"- `{line[:200]}`")
    if ol.get("fails"):
        w("")


def write_md(path, r, boots, bloat_txt, notes):
    m = r["meta"]
    L = []
    w = L.append
    w("# spmctl benchmark report")
    w("")
    w("Generated by `tests/bench/report.py` from the raw logs of one run of")
    w(f"`{m.get('command', 'tests/bench/run-bench.sh')}` "
      f"(environment: `{m.get('env', '?')}`). Do not edit by hand.")
    lm = (r.get("online_large") or {}).get("meta", {})
    if lm.get("command") and lm.get("command") != m.get("command"):
        w("The large-device section and its goal come from a separate run "
          f"of `{lm['command']}` on {lm.get('date', '?')} (report.py "
          "--online-large); everything else from the run above.")
    w("")
    w(f"- date: {m.get('date', '?')}; run took {m.get('seconds', '?')} s")
    w(f"- host: {m.get('host', '?')}")
    w(f"- kernel: {m.get('kernel', '?')}, tree at {m.get('commit', '?')}")
    w(f"- kernels: `{m.get('vanilla', '?')}` and `{m.get('patched', '?')}` "
      "(tinyconfig + kernel-patches/test.config + tests/bench/kernel/"
      "bench.config + tests/bench/kernel/series; "
      "see \"What these kernels are\" below)")
    w(f"- guest time: QEMU TCG `-icount {m.get('icount', '?')}` for the "
      "timed boots: one guest ns per guest instruction, so the figures "
      "count instructions and do not depend on host load")
    w("")
    w("## Goals")
    w("")
    w("| goal | result | figures |")
    w("| --- | --- | --- |")
    for g in r["goals"]:
        w(f"| {g['goal']} | {yesno(g['met'])} | {g['detail']} |")
    w("")

    # 1
    iso = r["isolation"]
    w("## 1. Isolation: MiB that land on node 2 under pressure")
    w("")
    w("`spm-probe leak 2` (the test harness's probe): anonymous memory past "
      "the free memory of nodes 0-1, tmpfs written while anonymous memory "
      "fills them, `MPOL_INTERLEAVE` over every memory node (as `numactl "
      "--interleave=all`), then an explicit hugetlb pool request on node 2 "
      "and `move_pages(2)` to node 2. Both kernels boot with "
      "`memhp_default_state=offline`; vanilla onlines dax0.0 with `daxctl "
      "online-memory` (ZONE_MOVABLE), patched with `spmctl online`.")
    w("")
    w("| phase | vanilla + daxctl (MiB) | patched + spmctl (MiB) |")
    w("| --- | ---: | ---: |")
    for ph in LEAK_ALL:
        w(f"| {ph}{' (in the sum)' if ph in LEAK_SUM else ''} | "
          f"{fmt(iso['vanilla_phases_mib'].get(ph))} | "
          f"{fmt(iso['spm_phases_mib'].get(ph))} |")
    w(f"| **sum {'+'.join(LEAK_SUM)}** | **{fmt(iso['vanilla_leak_mib'])}** "
      f"| **{fmt(iso['spm_leak_mib'])}** |")
    w("")
    w("A leak is the largest drop of node 2's MemFree while the phase runs "
      "(every page that landed there, whoever allocated it). hugetlb and "
      "move_pages name node 2 explicitly; -1 means the kernel refused.")
    w("")

    # 2
    w("## 2. Page allocator overhead")
    w("")
    fd = r["fault"]["detail"]
    w("### Page faults (`spm-bench fault`)")
    w("")
    w("page_fault1 style: pinned to CPU 0 (node 0), mmap "
      f"{m.get('fault_mib', '?')} MiB anonymous (MADV_NOHUGEPAGE), write "
      "one byte per page, munmap; one warm-up pass, then "
      f"{m.get('fault_iters', '?')} measured passes. Figure: guest ns (= "
      "instructions) per fault including the munmap, per boot the median "
      "of the passes, then the median over boots.")
    w("")
    w("| kernel | boots | median ns/fault | min | max | IQR | spread "
      "(max-min) | vs vanilla (node 2 offline) | vs vanilla, same "
      "topology |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for cfg in PERF_CFGS:
        d = fd.get(cfg)
        if not d:
            w(f"| {CFG_TITLE[cfg]} | 0 | n/a | | | | | | |")
            continue
        w(f"| {CFG_TITLE[cfg]} | {d['boots_ok']}/{d['boots']} | "
          f"{fmt(d['median'])} | {fmt(d['min'])} | {fmt(d['max'])} | "
          f"{fmt(d['q1'])}-{fmt(d['q3'])} | {fmt(d['range_pct'], 2)}% | "
          f"{fmt_pct(d.get('delta_pct_vs_vanilla'))} | "
          f"{same_topo(cfg, d)} |")
    w("")
    w("### In-kernel alloc/free loop (`tests/bench/kernel`, "
      "/sys/kernel/debug/spm_bench)")
    w("")
    w(f"alloc_pages()/__free_pages() pairs on CPU 0 ({m.get('kloops', '?')} "
      "per round, order 9: / 64), timed with ktime_get_ns(); per boot the median of 5 rounds after a warm-up "
      "round, then the median over boots (guest ns per pair).")
    w("")
    w("| case | kernel | boots | median | min | max | spread | vs vanilla "
      "(node 2 offline) | vs vanilla, same topology |")
    w("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for c in KALLOC_CASES:
        for cfg in PERF_CFGS:
            d = r["kalloc"]["detail"][c].get(cfg)
            if not d:
                w(f"| {KALLOC_TITLE[c]} | {CFG_TITLE[cfg]} | 0 | n/a | | | "
                  "| | |")
                continue
            w(f"| {KALLOC_TITLE[c]} | {CFG_TITLE[cfg]} | {d['n']} | "
              f"{fmt(d['median'])} | {fmt(d['min'])} | {fmt(d['max'])} | "
              f"{fmt(d['range_pct'], 2)}% | "
              f"{fmt_pct(d.get('delta_pct_vs_vanilla'))} | "
              f"{same_topo(cfg, d)} |")
    w("")
    w("### Code size: `scripts/bloat-o-meter` vmlinux vanilla -> patched")
    w("")
    b = r["bloat"]
    w(f"{b['summary']}; total {fmt(b['total_before'])} -> "
      f"{fmt(b['total_after'])} bytes ({b['total_change'] or 'n/a'}).")
    w("")
    w("Page allocator functions (sizes from `nm -S`; a function missing on "
      "both sides is inlined and not listed):")
    w("")
    w("| function | vanilla (bytes) | patched (bytes) | delta |")
    w("| --- | ---: | ---: | ---: |")
    for f in b["allocator_functions"]:
        w(f"| `{f['function']}` | {fmt(f['vanilla'])} | {fmt(f['patched'])} "
          f"| {f['delta']:+d} |")
    w("")
    w("<details><summary>full bloat-o-meter output</summary>")
    w("")
    w("```")
    names = {f for f in ALLOC_FUNCS}
    for line in bloat_txt.splitlines():
        first = line.split()[0] if line.split() else ""
        w(("* " if first.split(".")[0] in names else "  ") + line)
    w("```")
    w("")
    w("(`*` marks page allocator functions.)")
    w("")
    w("</details>")
    w("")

    # 3
    o = r["online"]
    w("## 3. Onlining and discovery")
    w("")
    w("### spmctl online against daxctl (one boot, patched)")
    w("")
    w("Same device (dax0.0, 1 GiB, 8 blocks), same boot of the patched "
      "kernel with `dax_hmem.spm_node=1 memhp_default_state=offline`. In "
      "each pair both tools start from the same state and leave the same "
      "result (every block online Movable, node 2 an SPM node), so the "
      "kernel does the same work for both; the untimed steps between them "
      "restore the start state. *online*: dax0.0 bound to kmem, blocks "
      "offline. *from device_dax*: dax0.0 bound to device_dax (no memory "
      "added); daxctl runs `reconfigure-device -m system-ram`. *from plain "
      "RAM* is spmctl only (no daxctl command turns plain RAM into SPM): "
      "dax0.0 bound to kmem with spm_node=0, so spmctl unbinds kmem (the "
      "kernel removes the memory), sets spm_node=1, binds kmem (the kernel "
      "adds it again) and onlines. Guest seconds under -icount: CPU is "
      "the time the tool ran (user + system, from wait4()), elapsed "
      "also holds what it slept while the kernel waited; spmctl also "
      "verifies every block's zone after onlining.")
    w("")
    w("| start | tool | median CPU s | median elapsed s | "
      "CPU rounds (s) | elapsed rounds (s) |")
    w("| --- | --- | ---: | ---: | --- | --- |")
    for tool, start, title in ONLINE_TITLES:
        w(f"| {start} | {title} | {fmt(o.get(f'{tool}_cpu_s'), 4)} | "
          f"{fmt(o.get(f'{tool}_s'), 4)} | "
          f"{', '.join(fmt(v, 4) for v in o.get(f'{tool}_cpu_rounds', []))} | "
          f"{', '.join(fmt(v, 4) for v in o.get(f'{tool}_rounds', []))} |")
    w("")
    if o.get("ops"):
        w("System calls under `strace -f -y` (sysfs: calls naming a /sys path "
          "or a /sys file descriptor):")
        w("")
        w("| tool | syscalls | sysfs ops | sysfs opens | sysfs writes |")
        w("| --- | ---: | ---: | ---: | ---: |")
        for tool, d in o["ops"].items():
            w(f"| {tool} | {fmt(d['syscalls'])} | {fmt(d['sysfs_ops'])} | "
              f"{fmt(d['sysfs_opens'])} | {fmt(d['sysfs_writes'])} |")
    else:
        w("No strace in the initramfs: sysfs operation counts skipped.")
    w("")
    if o.get("slowest"):
        w("Where the time goes: the slowest system calls of each traced run "
          "(`strace -T`, guest seconds first). The kernel's work in "
          "unbind, bind and the block state writes is the same for both "
          "tools and makes most of the time.")
        w("")
        w("```")
        for line in o["slowest"]:
            w(line)
        w("```")
        w("")
    if r.get("online_large"):
        write_large_md(w, r["online_large"])
    lst = r["list"]
    w("### spmctl list -j at scale (callgrind)")
    w("")
    w("Fixture trees from `tests/fixtures/gen-large.sh N` (N blocks of "
      "dax0.0 plus 16 boot blocks), `valgrind --tool=callgrind spmctl list "
      "-j` with `SPM_SYSFS_ROOT` pointing at the tree; instructions of the "
      "whole process (dynamic loader included). Plot: "
      "`cost-vs-blocks.png`.")
    w("")
    w("The last two columns: util-linux's `lsmem --sysroot TREE -o "
      "RANGE,SIZE,STATE,REMOVABLE,BLOCK,NODE,ZONES` under callgrind on the "
      "same tree (the same attributes read per block).")
    w("")
    w("| dax blocks | blocks | instructions | per block | lsmem "
      "instructions | lsmem per block |")
    w("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for p in lst["points"]:
        li = p.get("lsmem_instructions")
        li_total = str(li) if li else "-"
        li_block = f"{li / p['blocks']:.0f}" if li else "-"
        w(f"| {p['dax_blocks']} | {p['blocks']} | {p['instructions']} | "
          f"{p['instructions'] / p['blocks']:.0f} | {li_total} | "
          f"{li_block} |")
    w("")
    if lst.get("fit"):
        f = lst["fit"]
        w(f"Linear fit: {f['slope']:.0f} instructions per block + "
          f"{f['intercept']:.0f}; r^2 = {f['r2']:.6f}; largest residual "
          f"{100 * f['max_rel_residual']:.2f}% of the measured value.")
        w("")
    w("![cost against blocks](cost-vs-blocks.png)")
    w("")

    w("## What these kernels are")
    w("")
    opts = r.get("kernel_options")
    if opts:
        w("The benchmark kernels are tinyconfig + kernel-patches/test.config "
          "+ tests/bench/kernel/bench.config (merged last) + the benchmark "
          "patch. The options below are read from the patched kernel's "
          ".config; the vanilla one is built from the same fragments.")
        debug = [k for k in ("CONFIG_PROVE_LOCKING", "CONFIG_DEBUG_VM",
                             "CONFIG_DEBUG_ATOMIC_SLEEP", "CONFIG_KASAN",
                             "CONFIG_DEBUG_PAGEALLOC")
                 if opts.get(k) not in (None, "n")]
        if debug:
            w("")
            w(f"Debugging options are on ({', '.join(debug)}): every "
              "allocation pays for their checks, so the absolute figures are "
              "far above a production kernel's and a fixed cost of the "
              "series weighs less in percent than it would there.")
        if opts.get("CONFIG_CC_OPTIMIZE_FOR_SIZE") == "y":
            w("")
            w("The kernels build with -Os, which inlines differently from a "
              "distribution kernel (-O2).")
        if opts.get("CONFIG_JUMP_LABEL") == "n":
            w("")
            w("`CONFIG_JUMP_LABEL` is off: `static_branch_unlikely()`, which "
              "the series' spm_enabled() gate is, compiles to a load and a "
              "test of the key instead of a patched NOP, so even without an "
              "SPM node the series costs a few instructions per allocation "
              "here that it does not cost on a distribution kernel.")
        w("")
        w("| option | value |")
        w("| --- | --- |")
        for k, v in opts.items():
            w(f"| `{k}` | {v} |")
    else:
        w("(kernel .config not found; options unknown)")
    w("")
    w("## Boots")
    w("")
    w("| boot | finished | qemu rc | host s | not ok lines | kernel "
      "WARNING/BUG lines | command line extra |")
    w("| --- | --- | --- | ---: | ---: | ---: | --- |")
    for n, bt in boots.items():
        spec = bt["spec"].split(None, 3)
        w(f"| {n} | {'yes' if bt['done'] else '**no**'} | {bt['qemu_rc']} "
          f"| {fmt(bt['seconds'])} | {len(bt['fails'])} | "
          f"{bt['kernel_warnings']} | `{spec[3] if len(spec) > 3 else ''}` |")
    w("")
    for n, bt in boots.items():
        for line in bt["fails"]:
            w(f"- {n}: `{line[:200]}`")
    for note in notes:
        w(f"- {note}")
    w("")
    with open(path, "w") as f:
        f.write("\n".join(L))


if __name__ == "__main__":
    main()

"""Throughput, load time, peak memory and cost-versus-page-size of zxextract, beside jieba and jionlp.

Every configuration runs in a fresh subprocess (``--one CONFIG``), so its load
time and peak RSS are its own and not inflated by what ran before; the parent
collects their JSON lines and prints (or writes) the markdown tables.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python benchmarks/bench.py --write docs/performance.md
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import resource
import shlex
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
MB = 1 << 20
KB = 1 << 10
MARK = "BENCH "  # jionlp prints a banner on stdout; result lines carry this prefix
LOAD_RUNS = 3
THROUGHPUT_PASSES = 3  # timed passes over the corpus per tool; the fastest counts (other jobs only ever add time)
GROWTH_SIZES = (KB, 10 * KB, 100 * KB, MB)
GROWTH_MIN_RUNS = 3  # parse every page at least this often; keep the fastest run
GROWTH_MIN_SECONDS = 1.0  # and repeat small pages until this much time is spent
LINEAR_EXPONENT = 1.3  # a 10x larger page may cost at most 10**1.3 = 20x more before we call it superlinear
TIMEOUT = 600  # seconds per configuration; a quadratic step must not hang the whole run
GROWTH_TIMEOUT = 240  # seconds per segmenter for all page sizes; a step that runs out gets a lower bound
JIONLP_SAMPLE_MB = 0.5  # jionlp loads for 20-60 s and runs at 5-30k chars/s here; a fixed sample keeps the time box
THROUGHPUT_CONFIGS = ("pipe:pkuseg:1", "pipe:pkuseg:2", "pipe:char:1", "pipe:char:2", "jieba", "jionlp")
THROUGHPUT_SECTION = "## Throughput and memory"
GROWTH_SECTION = "## Cost versus page size"


def seed_texts() -> list[tuple[str, str]]:
    """(stem, text) of the seed pages, in a fixed order so every run sees the same corpus."""
    return [(path.stem, path.read_text(encoding="utf-8")) for path in sorted(SEEDS.glob("*.txt"))]


def build_corpus(size_bytes: int) -> list[tuple[str, str]]:
    """The seed pages repeated as separate pages (distinct doc_ids) until they reach ``size_bytes`` of UTF-8."""
    seeds = seed_texts()
    pages: list[tuple[str, str]] = []
    total = 0
    round_ = 0
    while total < size_bytes:
        for stem, text in seeds:
            pages.append((f"{stem}-{round_:04d}", text))
            total += len(text.encode("utf-8"))
        round_ += 1
    return pages


def build_page(size_bytes: int) -> str:
    """One page of at most ``size_bytes`` of UTF-8: the seed texts concatenated, cut at a character boundary."""
    joined = "".join(text for _, text in seed_texts()).encode("utf-8")
    data = joined * (size_bytes // len(joined) + 1)
    return data[:size_bytes].decode("utf-8", errors="ignore")


def emit(**record: Any) -> None:
    """One result line for the parent (flushed, so a timed-out child still reports what it finished)."""
    print(MARK + json.dumps(record, ensure_ascii=False), flush=True)


def own_peak_mb() -> float:
    """Peak RSS of this process and of its largest reaped child (Linux reports ru_maxrss in KiB)."""
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(self_kb, child_kb) / KB


@contextmanager
def tree_memory() -> Iterator[dict[str, float]]:
    """Sample the summed RSS of this process and its children: ru_maxrss alone misses the total with workers."""
    import psutil

    peak = {"mb": 0.0}
    done = threading.Event()
    me = psutil.Process()

    def sample() -> None:
        while not done.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.Error:  # a worker exited between listing and reading
                    pass
            peak["mb"] = max(peak["mb"], total / MB)
            done.wait(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        done.set()
        thread.join()
        peak["mb"] = max(peak["mb"], own_peak_mb())


def load_extractor(segmenter: str) -> tuple[Any, float]:
    """The extractor and its load time, import of spaCy and zxextract included (callers are fresh processes)."""
    start = time.perf_counter()
    import zxextract

    extractor = zxextract.load(segmenter=segmenter)
    return extractor, time.perf_counter() - start


def run_load(segmenter: str) -> None:
    """Load time, and the first page's latency (any lazy initialisation would show there)."""
    extractor, load_s = load_extractor(segmenter)
    page = seed_texts()[0][1]
    start = time.perf_counter()
    extractor.parse(page)
    emit(load_s=load_s, first_page_s=time.perf_counter() - start, rss_mb=own_peak_mb())


def run_throughput(config: str, size_mb: float) -> None:
    """chars/s of one tool over the corpus (jionlp: a fixed leading sample), after its load and one warm-up page."""
    corpus = build_corpus(int(min(size_mb, JIONLP_SAMPLE_MB) * MB if config == "jionlp" else size_mb * MB))
    chars = sum(len(text) for _, text in corpus)
    warm = seed_texts()[0][1][:500]
    with tree_memory() as peak:
        if config.startswith("pipe:"):
            _, segmenter, n_process = config.split(":")
            extractor, load_s = load_extractor(segmenter)
            extractor.parse(warm)

            def work() -> int:
                return sum(len(articles) for _, articles in extractor.pipe_pages(corpus, n_process=int(n_process)))

        elif config == "jieba":
            start = time.perf_counter()
            import jieba
            import jieba.posseg

            jieba.setLogLevel(30)
            jieba.initialize()
            list(jieba.posseg.cut(warm))
            load_s = time.perf_counter() - start

            def work() -> int:
                return sum(len(list(jieba.posseg.cut(text))) for _, text in corpus)

        elif config == "jionlp":
            start = time.perf_counter()
            import jionlp

            jionlp.recognize_location(warm)  # the first call loads its dictionaries
            load_s = time.perf_counter() - start

            def work() -> int:
                return sum(len((jionlp.recognize_location(text) or {}).get("domestic") or []) for _, text in corpus)

        else:
            raise SystemExit(f"unknown configuration {config!r}")
        passes = []
        for _ in range(THROUGHPUT_PASSES):
            start = time.perf_counter()
            items = work()
            passes.append(time.perf_counter() - start)
        seconds = min(passes)
    emit(
        config=config,
        pages=len(corpus),
        chars=chars,
        bytes=sum(len(text.encode("utf-8")) for _, text in corpus),
        seconds=seconds,
        chars_per_s=chars / seconds,
        load_s=load_s,
        items=items,
        rss_mb=own_peak_mb(),
        tree_mb=peak["mb"],
    )


def run_growth(segmenter: str) -> None:
    """Seconds to parse one page of each size; the fastest of repeated runs, so noise only adds, never hides."""
    import psutil

    began = psutil.Process().create_time()  # the parent's timeout counts from here, interpreter start included
    extractor, _ = load_extractor(segmenter)
    extractor.parse(build_page(KB))
    for size in GROWTH_SIZES:
        page = build_page(size)
        emit(start=size, chars=len(page), at=time.time() - began)
        runs: list[float] = []
        try:
            while len(runs) < GROWTH_MIN_RUNS or (sum(runs) < GROWTH_MIN_SECONDS and len(runs) < 50):
                start = time.perf_counter()
                articles = extractor.parse(page)
                runs.append(time.perf_counter() - start)
        except Exception as exc:  # a page the pipeline cannot parse is a finding to report, not a reason to stop
            cause = f" (from {type(exc.__cause__).__name__}: {exc.__cause__})" if exc.__cause__ else ""
            emit(size=size, chars=len(page), error=f"{type(exc).__name__}: {exc}{cause}")
            continue
        emit(size=size, chars=len(page), seconds=min(runs), runs=len(runs), articles=len(articles), rss_mb=own_peak_mb())


def run_one(config: str, size_mb: float) -> None:
    """Child side: one configuration, results as JSON lines on stdout."""
    kind, _, rest = config.partition(":")
    if kind == "load":
        run_load(rest)
    elif kind == "growth":
        run_growth(rest)
    else:
        run_throughput(config, size_mb)


def child(config: str, size_mb: float, timeout: float = TIMEOUT) -> tuple[list[dict[str, Any]], str | None]:
    """Run one configuration in a fresh interpreter; its records, and an error if it failed or timed out."""
    command = [sys.executable, str(Path(__file__).resolve()), "--one", config, "--size-mb", str(size_mb)]
    print(f"[bench] {config} …", file=sys.stderr, flush=True)
    # Its own process group, so a timeout also ends the spaCy workers it started.
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
        error = None
        if proc.returncode:
            last = (stderr.strip().splitlines() or ["no output"])[-1]
            error = f"exit {proc.returncode}: {last[:200]}".replace("|", "/")
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        stdout, _ = proc.communicate()
        error = f"timed out after {timeout:g} s"
    records = [json.loads(line[len(MARK) :]) for line in stdout.splitlines() if line.startswith(MARK)]
    if error:
        print(f"[bench] {config}: {error}", file=sys.stderr, flush=True)
    return records, error


def machine() -> dict[str, Any]:
    """What the numbers depend on: cores, CPU, versions, and how busy the machine was."""
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        model = found.group(1).strip() if found else model
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in ("spacy", "spacy-pkuseg", "jieba", "jionlp"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "versions": versions,
        "loadavg": os.getloadavg(),
    }


def collect(size_mb: float) -> dict[str, Any]:
    """Run every configuration, one fresh process each, sequentially so they do not compete for the cores."""
    results: dict[str, Any] = {"machine": machine(), "size_mb": size_mb, "errors": {}}
    loads: dict[str, list[dict[str, Any]]] = {}
    for segmenter in ("pkuseg", "char"):
        for _ in range(LOAD_RUNS):
            records, error = child(f"load:{segmenter}", size_mb)
            loads.setdefault(segmenter, []).extend(records)
            if error:
                results["errors"][f"load:{segmenter}"] = error
                break
    results["loads"] = loads
    results["throughput"] = {}
    for config in THROUGHPUT_CONFIGS:
        records, error = child(config, size_mb)
        if records:
            results["throughput"][config] = records[0]
        if error:
            results["errors"][config] = error
    results["growth"] = {}
    for segmenter in ("pkuseg", "char"):
        records, error = child(f"growth:{segmenter}", size_mb, timeout=GROWTH_TIMEOUT)
        results["growth"][segmenter] = growth_records(records, timed_out=error is not None and "timed out" in error)
        if error:
            results["errors"][f"growth:{segmenter}"] = error
    results["loadavg_end"] = os.getloadavg()
    return results


def growth_records(records: list[dict[str, Any]], timed_out: bool) -> list[dict[str, Any]]:
    """The finished sizes; a size cut off by the timeout becomes a lower bound (the time it had left)."""
    finished = [r for r in records if "seconds" in r or "error" in r]
    started = [r for r in records if "start" in r]
    if timed_out and len(started) > len(finished):
        last = started[len(finished)]
        finished.append({"size": last["start"], "chars": last["chars"], "seconds": GROWTH_TIMEOUT - last["at"], "bound": True})
    return finished


LABELS = {
    "pipe:pkuseg:1": ("zxextract `Extractor.pipe`, pkuseg", 1),
    "pipe:pkuseg:2": ("zxextract `Extractor.pipe`, pkuseg", 2),
    "pipe:char:1": ("zxextract `Extractor.pipe`, char", 1),
    "pipe:char:2": ("zxextract `Extractor.pipe`, char", 2),
    "jieba": ("`jieba.posseg.cut`", 1),
    "jionlp": (f"`jionlp.recognize_location` (on the first {JIONLP_SAMPLE_MB:g} MiB only)", 1),
}


def growth_exponents(records: list[dict[str, Any]]) -> list[float | None]:
    """log(time ratio) / log(size ratio) against the previous measured size: 1 is linear, 2 quadratic."""
    out: list[float | None] = []
    previous: dict[str, Any] | None = None
    for record in records:
        if "seconds" not in record:
            out.append(None)
            continue
        if previous is None:
            out.append(None)
        else:
            ratio = record["chars"] / previous["chars"]
            out.append(math.log(record["seconds"] / previous["seconds"]) / math.log(ratio))
        previous = record
    return out


def fmt(value: float | None, digits: int = 0) -> str:
    """A number with thousands separators, or a dash when it was not measured."""
    return "–" if value is None else f"{value:,.{digits}f}"


def verdict(ok: bool | None) -> str:
    """Yes/no, or 'not measured' when a configuration failed."""
    return "not measured" if ok is None else ("yes" if ok else "**no**")


def render(results: dict[str, Any], command: str) -> tuple[str, str]:
    """The bodies of the two sections (headings included)."""
    info = results["machine"]
    through = results["throughput"]
    jieba_rate = through.get("jieba", {}).get("chars_per_s")
    corpus = build_corpus(int(results["size_mb"] * MB))
    corpus_bytes = sum(len(text.encode("utf-8")) for _, text in corpus)
    today = dt.date.today().isoformat()
    loadavg = " / ".join(f"{x:.1f}" for x in info["loadavg"])
    loadavg_end = " / ".join(f"{x:.1f}" for x in results["loadavg_end"])
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    lines = [
        THROUGHPUT_SECTION,
        "",
        f"Measured {today} on {info['cores']} cores ({info['usable_cores']} usable, {info['cpu']}), "
        f"Python {info['python']}, {versions}. Load average {loadavg} at the start and {loadavg_end} at the end "
        "(1/5/15 min; the benchmark itself adds about 1): above that, other jobs shared the cores and the "
        "numbers are noisy, so ratios measured in the same run say more than absolute rates.",
        "",
        "```sh",
        command,
        "```",
        "",
        f"Corpus: the {len(seed_texts())} seed pages repeated as {len(corpus):,} separate pages "
        f"(distinct doc_ids), {corpus_bytes / MB:.1f} MiB of UTF-8, {sum(len(t) for _, t in corpus):,} characters. "
        "Each row ran in a fresh process: the tool was loaded and warmed on one short page, then timed over the "
        f"whole corpus in {THROUGHPUT_PASSES} passes, the fastest counting (other jobs on the machine only ever add "
        "time; for `n_process=2` each pass includes starting the workers). Peak RSS is that process's "
        "`ru_maxrss` (the largest worker's, if larger); \"all processes\" is the sampled sum over the process "
        "and its workers.",
        "",
        "| tool | processes | chars/s | × jieba.posseg | time (s) | load (s) | peak RSS (MB) | peak RSS, all processes (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for config, (label, procs) in LABELS.items():
        row = through.get(config)
        if row is None:
            lines.append(f"| {label} | {procs} | failed: {results['errors'].get(config, 'no result')} | | | | | |")
            continue
        ratio = row["chars_per_s"] / jieba_rate if jieba_rate else None
        lines.append(
            f"| {label} | {procs} | {fmt(row['chars_per_s'])} | {fmt(ratio, 2)} | {fmt(row['seconds'], 1)} "
            f"| {fmt(row['load_s'], 2)} | {fmt(row['rss_mb'])} | {fmt(row['tree_mb'])} |"
        )
    load_median: dict[str, float | None] = {}
    lines += [
        "",
        f"Pipeline load in a fresh process (`import zxextract` + `zxextract.load(...)`, spaCy import included; "
        f"median of {LOAD_RUNS} processes), and the first page's latency after it:",
        "",
        "| segmenter | load (s), median | load (s), all runs | first page (s) | RSS after first page (MB) |",
        "|---|---:|---:|---:|---:|",
    ]
    for segmenter, runs in results["loads"].items():
        if not runs:
            load_median[segmenter] = None
            lines.append(f"| {segmenter} | failed: {results['errors'].get(f'load:{segmenter}', '')} | | | |")
            continue
        load_median[segmenter] = statistics.median(r["load_s"] for r in runs)
        lines.append(
            f"| {segmenter} | {fmt(load_median[segmenter], 2)} | {', '.join(fmt(r['load_s'], 2) for r in runs)} "
            f"| {fmt(statistics.median(r['first_page_s'] for r in runs), 3)} | {fmt(max(r['rss_mb'] for r in runs))} |"
        )

    def rate(config: str) -> float | None:
        return through.get(config, {}).get("chars_per_s")

    pkuseg_rate, char_rate = rate("pipe:pkuseg:1"), rate("pipe:char:1")
    ours = [row for config, row in through.items() if config.startswith("pipe:")]
    peak_rss = max((row["rss_mb"] for row in ours), default=None)
    loads_known = [v for v in load_median.values() if v is not None]
    exponents = {seg: growth_exponents(recs) for seg, recs in results["growth"].items() if recs}
    worst = max((e for exps in exponents.values() for e in exps if e is not None), default=None)
    failed_pages = sum("error" in r for recs in results["growth"].values() for r in recs)
    full_growth = not failed_pages and all(len(recs) == len(GROWTH_SIZES) for recs in results["growth"].values())
    bounded = any(r.get("bound") for recs in results["growth"].values() for r in recs)

    def ratio_text(value: float | None) -> str:
        return f"{value / jieba_rate:.2f}× jieba.posseg" if value and jieba_rate else "not measured"

    lines += [
        "",
        "Targets (single process against single-process jieba.posseg, same run):",
        "",
        "| target | measured | met |",
        "|---|---|---|",
        f"| pkuseg pipeline throughput ≥ jieba.posseg's | {ratio_text(pkuseg_rate)} "
        f"| {verdict(pkuseg_rate >= jieba_rate if pkuseg_rate and jieba_rate else None)} |",
        f"| char pipeline throughput ≥ 5× jieba.posseg's | {ratio_text(char_rate)} "
        f"| {verdict(char_rate >= 5 * jieba_rate if char_rate and jieba_rate else None)} |",
        "| pipeline load < 3 s | "
        + ", ".join(f"{seg} {fmt(v, 2)} s" for seg, v in load_median.items())
        + f" | {verdict(max(loads_known) < 3 if loads_known else None)} |",
        f"| peak RSS < 500 MB | largest zxextract process {fmt(peak_rss)} MB "
        f"| {verdict(peak_rss < 500 if peak_rss is not None else None)} |",
        f"| cost linear in page size | largest growth exponent {'≥ ' if bounded else ''}{fmt(worst, 2)} (see below{f'; {failed_pages} page(s) failed' if failed_pages else ''}) "
        f"| {verdict((worst <= LINEAR_EXPONENT and full_growth) if worst is not None else None)} |",
        "",
    ]
    throughput = "\n".join(lines)

    growth = [
        GROWTH_SECTION,
        "",
        "One page of the given size (the seed texts concatenated), parsed with `Extractor.parse` in the same "
        f"run as above; every page is parsed at least {GROWTH_MIN_RUNS} times, small ones for at least "
        f"{GROWTH_MIN_SECONDS:g} s, and the fastest run kept. The exponent is log(time ratio) / log(size ratio) "
        f"against the previous size: 1 is linear, 2 quadratic; above {LINEAR_EXPONENT} counts as superlinear.",
        "",
        "| page | chars | pkuseg (s) | pkuseg µs/char | pkuseg exponent | char (s) | char µs/char | char exponent |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    by_size = {seg: {r["size"]: (r, e) for r, e in zip(recs, exponents.get(seg, []))} for seg, recs in results["growth"].items()}
    errors: list[str] = []
    for size in GROWTH_SIZES:
        label = f"{size // MB} MiB" if size >= MB else f"{size // KB} KiB"
        cells: list[str] = []
        chars = None
        for segmenter in ("pkuseg", "char"):
            record, exponent = by_size.get(segmenter, {}).get(size, (None, None))
            if record is None:
                cells += ["–", "–", "–"]
                continue
            chars = record["chars"]
            if "error" in record:
                cells += ["failed (below)", "–", "–"]
                message = record["error"].replace("`", "'").replace("|", "/")
                errors.append(f"{segmenter}, {label} page: `{message}`")
                continue
            more = "> " if record.get("bound") else ""  # cut off by the timeout: at least this much
            cells += [
                more + fmt(record["seconds"], 3),
                more + fmt(record["seconds"] / record["chars"] * 1e6, 1),
                ("≥ " if more else "") + fmt(exponent, 2),
            ]
        lines_row = f"| {label} | {fmt(chars)} | " + " | ".join(cells) + " |"
        growth.append(lines_row)
    failed = {k: v for k, v in results["errors"].items() if k.startswith("growth:")}
    for config, error in failed.items():
        note = " (a `>` value is the time it had left, so a lower bound)" if "timed out" in error else ""
        growth.append(f"\n{config}: {error.rstrip('.')}{note}.")
    if errors:
        growth += ["", "Failed pages:", "", *(f"- {line}" for line in errors)]
    growth.append("")
    return throughput, "\n".join(growth)


def section_pattern(heading: str) -> re.Pattern[str]:
    """A ``## `` section: its heading line up to the next ``## `` heading or the end of the file."""
    return re.compile(rf"^{re.escape(heading)}[ \t]*\n.*?(?=^## |\Z)", re.M | re.S)


def replace_section(document: str, heading: str, body: str, after: str | None = None) -> str:
    """Swap the section under ``heading`` for ``body``; when missing, put it after section ``after`` or at the end."""
    block = body.rstrip("\n") + "\n\n"
    found = section_pattern(heading).search(document)
    anchor = section_pattern(after).search(document) if after else None
    if found:
        start, end = found.span()
    elif anchor:
        start = end = anchor.end()
    else:
        document = document.rstrip("\n") + "\n\n"
        start = end = len(document)
    if start and not document[:start].endswith("\n\n"):
        block = "\n" + block
    return (document[:start] + block + document[end:]).rstrip("\n") + "\n"


def write_doc(path: Path, sections: tuple[str, str]) -> None:
    """Replace only our two sections, keeping them together; everything else in the file belongs to others."""
    document = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    previous = None
    for section in sections:
        heading = section.splitlines()[0]
        document = replace_section(document, heading, section, after=previous)
        previous = heading
    path.write_text(document, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=5.0, help="corpus size in MiB of UTF-8 (default 5)")
    parser.add_argument("--quick", action="store_true", help="a 0.5 MiB smoke run")
    parser.add_argument("--write", type=Path, help="replace our sections of this markdown file (docs/performance.md)")
    parser.add_argument("--json", type=Path, help="also save the raw results here")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    size_mb = 0.5 if args.quick else args.size_mb
    if args.one:
        run_one(args.one, size_mb)
        return
    command = shlex.join([".venv/bin/python", "benchmarks/bench.py", *sys.argv[1:]])
    results = collect(size_mb)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    sections = render(results, command)
    print("\n\n".join(sections))
    if args.write:
        write_doc(args.write, sections)


if __name__ == "__main__":
    main()

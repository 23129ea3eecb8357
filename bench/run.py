"""The benchmark of DESIGN "Speed and scale" (`make bench`; `make load` adds the load test).

Runs on the scale data set (its own database, `send_scale`, seeded first if missing) with
production-like settings (send_tracker.settings.bench: DEBUG off, WhiteNoise with fingerprinted,
compressed static files). Prints a report and writes it to bench/results.md:

- server time of every main page and API summary, warm, median and p95, against the trivial
  authenticated view `/_trivial/` measured in the same rounds (the ratio is the figure that
  counts), with SQL queries per page;
- trajectory recompute for all scenarios; import of 100,000 invoice rows against COPY of the
  same file into a bare table; board summary build and PDF; the hostile files of issue 12 (an
  inflating workbook, a million-column CSV) — each in its own process, as a worker would run
  it, with that process's peak memory (`--hostile-only` runs just those);
- bytes transferred for a first and a second load of the Overview and Finance pages;
- with --load: gunicorn (the production command, on 127.0.0.1) under 20 concurrent users.

Timings are medians over repeats after warm-up: other work on the machine adds noise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import re
import resource
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
RESULTS = ROOT / "bench" / "results.md"
SETTINGS = "send_tracker.settings.bench"
BENCH_REF = "BENCHINV"  # refs of the import benchmark's rows, removed after each repeat

# (label, path, Accept header or None). The main pages and the API summaries.
PAGES = [
    ("Overview", "/", None),
    ("Programme", "/programme/", None),
    ("Strand (60 projects)", "/programme/strands/scale-1/", None),
    ("Strand (demo)", "/programme/strands/sufficiency/", None),
    ("RAID log", "/programme/raid/", None),
    ("Finance dashboard", "/finance/", None),
    ("Trajectory", "/finance/trajectory/", None),
    ("Scenario", "/finance/scenarios/baseline/", None),
    ("Agreement", "/finance/agreement/", None),
    ("Placements (cohort)", "/placements/", None),
    ("Benchmarking", "/placements/benchmarking/", None),
    ("Placement decisions", "/placements/decisions/", None),
    ("Overpayment queue", "/placements/overpayments/", None),
    ("Board list", "/board/", None),
    ("Board month", "/board/2024-25/6/", None),
    ("Imports", "/imports/", None),
    ("API programme/summary", "/api/v1/programme/summary/?year=2024-25&period=6",
     "application/json"),
    ("API finance/summary", "/api/v1/finance/summary/?year=2024-25&period=6",
     "application/json"),
    ("API cohort/summary", "/api/v1/cohort/summary/", "application/json"),
    ("API benchmarks", "/api/v1/benchmarks/?measure=plans_january", "application/json"),
    ("API trajectory", "/api/v1/trajectory/", "application/json"),
    ("API board-summaries month", "/api/v1/board-summaries/2024-25/6/", "application/json"),
    ("API placements list", "/api/v1/placements/", "application/json"),
    ("API invoices list", "/api/v1/invoices/", "application/json"),
    ("API progress-updates list", "/api/v1/progress-updates/", "application/json"),
]
TRIVIAL = "/_trivial/"
RATIO_TARGET, MS_TARGET, QUERY_TARGET = 5.0, 300.0, 20


# ---- helpers ------------------------------------------------------------------------------
def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scale_url() -> str:
    from finance.seeding import scale_database_url

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/send_tracker")
    return os.environ.get("SCALE_DATABASE_URL") or scale_database_url(base)


def manage(*argv: str, env: dict | None = None) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *argv], check=True,  # noqa: S603
                   env=env or os.environ.copy(), cwd=ROOT)


def django_setup() -> None:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    django.setup()


def part(name: str, *args: str) -> dict:
    """Run one measured part in a fresh process (as a worker would) and read its JSON."""
    out = subprocess.run([sys.executable, __file__, "--part", name, *args],  # noqa: S603
                         check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---- parts run in their own process -------------------------------------------------------
def part_recompute(repeats: int) -> dict:
    """Trajectory recompute of every scenario (forced: inputs gathered and points written)."""
    django_setup()
    from finance.models import Scenario
    from finance.services.recompute import trajectory_recompute

    times = []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        runs = trajectory_recompute(force=True)
        times.append(time.perf_counter() - started)
    return {"seconds": times[1:], "first": times[0], "runs": len(runs),
            "scenarios": Scenario.objects.count(), "rss_mb": peak_rss_mb()}


def _invoice_file(rows: int, path: Path) -> bytes:
    """A 100,000-row invoice file of new invoices for existing placements (ISO dates, so the
    same file COPYs into a typed table)."""
    from placements.models import Placement

    placements = list(Placement.objects.order_by("id").values_list("ref", "provider__ref")[:rows])
    lines = ["invoice_ref,provider_ref,placement_ref,period_start,period_end,amount,paid_date"]
    for n in range(rows):
        ref, provider = placements[n % len(placements)]
        month = 1 + n // len(placements) % 12
        lines.append(f"{BENCH_REF}{n:08d},{provider},{ref},2019-{month:02d}-01,"
                     f"2019-{month:02d}-28,{1000 + n % 5000}.{n % 100:02d},2019-{month:02d}-28")
    data = ("\n".join(lines) + "\n").encode()
    path.write_bytes(data)
    return data


def _remove_bench_invoices() -> None:
    """Delete the benchmark's invoices and their history, and vacuum the two tables: without
    the vacuum (autovacuum may be off, or behind) each repeat inserts into tables and indexes
    holding the dead rows of every earlier repeat, and runs get slower one after another."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM placements_historicalinvoice WHERE ref LIKE %s",
                       [BENCH_REF + "%"])
        cursor.execute("DELETE FROM placements_invoice WHERE ref LIKE %s", [BENCH_REF + "%"])
        cursor.execute("VACUUM placements_invoice, placements_historicalinvoice")


def part_import(repeats: int, rows: int) -> dict:
    """run_import of a 100,000-row invoice file (validation included) vs COPY into a bare
    table, alternating, each repeat on a clean table (the rows are new every time)."""
    django_setup()
    from django.contrib.auth import get_user_model
    from django.db import connection

    from send_tracker.imports import run_import

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "invoices-100k.csv"
    data = _invoice_file(rows, path)
    user = get_user_model().objects.get(username="finance")
    _remove_bench_invoices()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_invoice_copy")
        cursor.execute("CREATE TABLE bench_invoice_copy (invoice_ref text, provider_ref text, "
                       "placement_ref text, period_start date, period_end date, "
                       "amount numeric(12,2), paid_date date)")
    imports, copies = [], []
    try:
        for _ in range(repeats):
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE bench_invoice_copy")
                started = time.perf_counter()
                with path.open("rb") as handle:
                    cursor.copy_expert("COPY bench_invoice_copy FROM STDIN WITH (FORMAT csv, "
                                       "HEADER true)", handle)
                copies.append(time.perf_counter() - started)
            _remove_bench_invoices()
            started = time.perf_counter()
            record = run_import(kind="invoices", data=data, file_name=path.name, user=user)
            imports.append(time.perf_counter() - started)
            if record.status != "succeeded" or record.rows_created != rows:
                raise RuntimeError(f"import {record.status}: {record.problems[:3]}")
    finally:
        _remove_bench_invoices()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_invoice_copy")
            # Leave the data set as it was: 100,000 deleted rows stay in the invoice list's
            # index until a vacuum, and the next run's invoice list would step over them.
            cursor.execute("VACUUM ANALYZE placements_invoice")
    return {"import": imports, "copy": copies, "rows": rows, "bytes": len(data),
            "rss_mb": peak_rss_mb()}


# Hostile files (issue 12): each must be refused at its limit while it is read, in bounded time
# and memory, whatever it would inflate to. (label, builder name)
HOSTILE = [
    ("Inflating workbook: 35 KB, a sheet of 32 MB of empty cells", "xlsx-32mb"),
    ("Inflating workbook: a sheet of 250 MB of empty cells", "xlsx-250mb"),
    ("CSV with 1,000,000 extra columns", "wide-csv"),
]


def _workbook(sheet_xml_chunks) -> bytes:
    """A minimal .xlsx whose first sheet is streamed from the chunks (deflated as written)."""
    import io
    import zipfile

    ns = "http://schemas.openxmlformats.org"
    parts = {
        "[Content_Types].xml": f'<Types xmlns="{ns}/package/2006/content-types"><Default '
        'Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"'
        '/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
        'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{ns}/package/2006/relationships"><Relationship '
        f'Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/'
        'officeDocument/2006/relationships"><sheets><sheet name="Providers" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{ns}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for chunk in sheet_xml_chunks:
                sheet.write(chunk.encode())
    return buffer.getvalue()


def _empty_cells_sheet(inflated_bytes: int):
    """A providers header, then rows of 200 empty styled cells up to about `inflated_bytes`."""
    header = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in
                     ("provider_ref", "name", "urn", "provision_type", "in_county", "places"))
    yield (f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           f'<dimension ref="A1:F2"/><sheetData><row>{header}</row>')
    row = "<row>" + '<c s="1"/>' * 200 + "</row>"
    for _ in range(inflated_bytes // len(row)):
        yield row
    yield "</sheetData></worksheet>"


def hostile_file(case: str) -> tuple[str, bytes]:
    """The file name and bytes of one hostile case."""
    if case == "xlsx-32mb":
        return "providers.xlsx", _workbook(_empty_cells_sheet(32 * 2**20))
    if case == "xlsx-250mb":
        return "providers.xlsx", _workbook(_empty_cells_sheet(250 * 2**20))
    header = "provider_ref,name,urn,provision_type,in_county,places,"
    extra = ",".join(f"x{i}" for i in range(1_000_000))
    row = "PRV1,School,,special_la_maintained,yes,10" + "," * 1_000_000
    return "providers.csv", f"{header}{extra}\n{row}\n".encode()


def part_hostile(case: str) -> dict:
    """run_import of one hostile file, as the worker would: time, peak memory, outcome."""
    django_setup()
    from send_tracker.imports import run_import

    name, data = hostile_file(case)
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    record = run_import(kind="providers", data=data, file_name=name, user=None)
    seconds = time.perf_counter() - started
    return {"case": case, "bytes": len(data), "seconds": seconds, "rss_mb": peak_rss_mb(),
            "rss_before_mb": rss_before, "status": record.status,
            "message": (record.problems or [{"reason": ""}])[0]["reason"],
            "warnings": len(record.warnings)}


def hostile_section(results: list[dict]) -> str:
    lines = ["## Hostile files (issue 12)", "",
             "Each file through `run_import` in its own process, as the worker runs it, with "
             "the default limits (settings.IMPORT_MAX_*). Peak memory is the process's, "
             "Django and pandas included (before the import: "
             f"{results[0]['rss_before_mb']:.0f} MB).", "",
             "| file | size | outcome | time | peak memory | message |",
             "| --- | ---: | --- | ---: | ---: | --- |"]
    for (label, _), r in zip(HOSTILE, results, strict=True):
        lines.append(f"| {label} | {r['bytes'] / 1024:,.0f} KiB | {r['status']} | "
                     f"{r['seconds']:.2f} s | {r['rss_mb']:.0f} MB | {r['message']} |")
    return "\n".join([*lines, ""])


def part_board(repeats: int) -> dict:
    """The board summary's content gathered (the build's work) and its PDF rendered."""
    django_setup()
    from finance.board.models import BoardSummary
    from finance.board.pdf import render_pdf
    from finance.board.selectors import board_content
    from finance.board.services import board_summary_build
    from send_tracker.fiscal import FinancialYear

    builds, contents, pdfs = [], [], []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        board_content(year=FinancialYear(2024), period=6)
        contents.append(time.perf_counter() - started)
        started = time.perf_counter()
        board_summary_build(year=2024, period=6)
        builds.append(time.perf_counter() - started)
    summary = BoardSummary.objects.filter(year=2024, period=6).order_by("-version").first()
    size = 0
    for _ in range(repeats + 1):
        started = time.perf_counter()
        size = len(render_pdf(summary))
        pdfs.append(time.perf_counter() - started)
    return {"content": contents[1:], "build": builds[1:], "pdf": pdfs[1:], "pdf_bytes": size,
            "rss_mb": peak_rss_mb()}


# ---- the web process: pages, queries, bytes -----------------------------------------------
def measure_pages(rounds: int, warmup: int) -> dict:
    """Each round requests the trivial view and every page once, in turn (noise hits all)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    targets = [("Trivial view", TRIVIAL, None), *PAGES]

    def get(path: str, accept: str | None):
        return client.get(path, HTTP_ACCEPT=accept) if accept else client.get(path)

    queries, status = {}, {}
    for label, path, accept in targets:
        for _ in range(warmup):
            get(path, accept)
        with CaptureQueriesContext(connection) as captured:
            response = get(path, accept)
        queries[label], status[label] = len(captured), response.status_code
    times: dict[str, list[float]] = {label: [] for label, _, _ in targets}
    for _ in range(rounds):
        for label, path, accept in targets:
            started = time.perf_counter()
            get(path, accept)
            times[label].append((time.perf_counter() - started) * 1000)
    return {"times": times, "queries": queries, "status": status, "paths": dict(
        (label, path) for label, path, _ in targets), "rss_mb": peak_rss_mb()}


ASSET = re.compile(r'<(?:link|script|img)\b[^>]*?(?:href|src)="(/static/[^"]+)"')
CSS_URL = re.compile(r'url\(["\']?(?!data:)([^"\')]+)["\']?\)')


def measure_bytes() -> dict:
    """A first load (HTML + every CSS/JS/image/font it references, compressed as WhiteNoise
    serves them to a browser that accepts br) and a second load (the fingerprinted files are
    cached for a year, so only the HTML travels again)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    result = {}
    for label, path in (("Overview", "/"), ("Finance dashboard", "/finance/")):
        html = client.get(path).content
        html_gz = len(gzip.compress(html, 6))
        assets, seen, pending = [], set(), ASSET.findall(html.decode())
        while pending:
            url = pending.pop()
            if url in seen:
                continue
            seen.add(url)
            response = client.get(url, HTTP_ACCEPT_ENCODING="br, gzip")
            body = b"".join(response.streaming_content) if response.streaming else (
                response.content)
            assets.append({"url": url, "bytes": len(body),
                           "encoding": response.get("Content-Encoding", "identity"),
                           "cache": response.get("Cache-Control", ""),
                           "status": response.status_code})
            if url.endswith(".css"):
                raw = client.get(url)
                text = (b"".join(raw.streaming_content) if raw.streaming else raw.content).decode()
                base = url.rsplit("/", 1)[0]
                for ref in CSS_URL.findall(text):
                    if ref.startswith("/"):
                        pending.append(ref.split("#")[0].split("?")[0])
                    elif not ref.startswith(("http:", "https:")):
                        pending.append(os.path.normpath(f"{base}/{ref}").split("#")[0])
        cached = all("max-age=31536000" in a["cache"] for a in assets if a["status"] == 200)
        result[label] = {
            "html_bytes": len(html), "html_gzip_bytes": html_gz, "assets": assets,
            "first_load": html_gz + sum(a["bytes"] for a in assets if a["status"] == 200),
            "second_load": html_gz if cached else None, "all_far_future": cached,
        }
    return result


# ---- load: gunicorn under 20 concurrent users ---------------------------------------------
LOAD_PATHS = ["/", "/programme/", "/programme/strands/scale-1/", "/finance/",
              "/finance/trajectory/", "/placements/", "/placements/overpayments/", "/board/",
              "/board/2024-25/6/", "/imports/",
              "/api/v1/programme/summary/?year=2024-25&period=6",
              "/api/v1/finance/summary/?year=2024-25&period=6"]


def _session_cookie(username: str) -> str:
    """A signed-in session for the load users (saves a login round-trip per user)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    from django.conf import settings

    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _gunicorn(port: int) -> tuple[subprocess.Popen, IO[str]]:
    """The production command (Dockerfile CMD), bound to 127.0.0.1 only, with the static files
    the benchmark collected (bench/out/static); its output in bench/out/gunicorn.log."""
    from django.conf import settings

    # The same secret key as this process, which signed the session (main() sets it).
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "send_tracker.settings.production",
           "DJANGO_SECRET_KEY": settings.SECRET_KEY, "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
           "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_LOG_LEVEL": "WARNING",
           "DJANGO_STATIC_ROOT": str(settings.STATIC_ROOT)}
    command = [sys.executable, "-m", "gunicorn", "send_tracker.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", "3", "--threads", "4",
               "--timeout", "60", "--graceful-timeout", "30", "--keep-alive", "5"]
    OUT.mkdir(parents=True, exist_ok=True)
    log = (OUT / "gunicorn.log").open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,  # noqa: S603
                              stderr=subprocess.STDOUT)
    return server, log


def _wait_and_warm(server: subprocess.Popen, port: int, cookie: str) -> None:
    """Wait (30 s at most) for /healthz, then warm every worker's caches and connections."""
    import http.client

    deadline = time.monotonic() + 30
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(
                    "gunicorn did not start; see bench/out/gunicorn.log") from None
            time.sleep(0.3)
    # Warm every worker's caches and connections before the clock starts.
    for _ in range(3):
        for path in LOAD_PATHS:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", path, headers={"Cookie": cookie})
            conn.getresponse().read()


def _user_walk(n: int, *, port: int, cookie: str, stop_at: float, latencies: list[float],
               errors: list[str], lock) -> None:
    """One user: the load paths in turn on a keep-alive connection until `stop_at`."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    i = n
    while time.monotonic() < stop_at:
        path = LOAD_PATHS[i % len(LOAD_PATHS)]
        i += 1
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Cookie": cookie})
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        except (OSError, http.client.HTTPException) as exc:
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            response = exc
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            latencies.append(elapsed)
            if not ok:
                errors.append(f"{path}: {getattr(response, 'status', response)}")


def _sample_memory(proc, *, stop_at: float, peak: dict) -> None:
    """The server's peak RSS (its worst worker, and all its processes) until `stop_at`."""
    while time.monotonic() < stop_at:
        total = sum(p.memory_info().rss for p in [proc, *proc.children()])
        worst = max(p.memory_info().rss for p in proc.children() or [proc])
        peak["rss"] = max(peak["rss"], worst)
        peak["total"] = max(peak.get("total", 0), total)
        time.sleep(0.5)


def run_load(users: int, seconds: int, port: int) -> dict:
    import threading

    import psutil
    from django.conf import settings

    cookie = f"{settings.SESSION_COOKIE_NAME}={_session_cookie('admin')}"
    server, log = _gunicorn(port)
    try:
        _wait_and_warm(server, port, cookie)
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + seconds
        peak = {"rss": 0}
        threads = [threading.Thread(target=_user_walk, args=(n,), kwargs={
            "port": port, "cookie": cookie, "stop_at": stop_at, "latencies": latencies,
            "errors": errors, "lock": lock}) for n in range(users)]
        threads.append(threading.Thread(target=_sample_memory, args=(psutil.Process(server.pid),),
                                        kwargs={"stop_at": stop_at, "peak": peak}))
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    return {"users": users, "seconds": round(duration, 1), "requests": len(latencies),
            "throughput": len(latencies) / duration, "p50": pct(latencies, 50),
            "p95": pct(latencies, 95), "p99": pct(latencies, 99), "errors": len(errors),
            "error_samples": errors[:5], "worker_rss_mb": peak["rss"] / 2**20,
            "all_rss_mb": peak.get("total", 0) / 2**20}


# ---- report -------------------------------------------------------------------------------
def machine() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,  # noqa: S607
                            text=True, cwd=ROOT, check=False).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],  # noqa: S607
                           capture_output=True, text=True, cwd=ROOT, check=False).stdout.strip()
    mem = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    return {"nproc": os.cpu_count(), "ram_gib": round(int(mem) / 2**20, 1),
            "python": platform.python_version(), "postgresql": pg,
            "commit": commit + (" (tree has uncommitted changes)" if dirty else ""),
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg())}


def counts() -> dict:
    from django.db import connection

    tables = {"children": "placements_child", "placements": "placements_placement",
              "invoices": "placements_invoice", "ledger rows": "finance_monthlyforecast",
              "budget lines": "finance_budgetline", "projects": "programme_project",
              "progress updates": "programme_progressupdate"}
    out = {}
    with connection.cursor() as cursor:
        for label, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            out[label] = cursor.fetchone()[0]
    return out


def _pages_section(data: dict) -> list[str]:
    """The header, then each page's median, p95 and ratio to the trivial view."""
    m, pages = data["machine"], data["pages"]
    trivial = statistics.median(pages["times"]["Trivial view"])
    lines = [
        "# Benchmark results (`make bench`)", "",
        f"Machine: {m['nproc']} cores, {m['ram_gib']} GiB RAM, Python {m['python']}, "
        f"PostgreSQL {m['postgresql']}; commit {m['commit']}; {m['date']}; load average at "
        f"start {m['load_average']} (other engineers' test runs share the CPU).", "",
        "Data (the scale data set, database `send_scale`): "
        + ", ".join(f"{v:,} {k}" for k, v in data["counts"].items()) + ".", "",
        f"## Pages and API summaries (warm, {data['rounds']} rounds, in-process Django test "
        "client, DEBUG off)", "",
        "Each round requests the trivial authenticated view and every page in turn. Targets: "
        f"median within {RATIO_TARGET:.0f}× of the trivial view, under {MS_TARGET:.0f} ms, at "
        f"most {QUERY_TARGET} queries.", "",
        "| page | path | median ms | p95 ms | × trivial | queries | within target |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, values in pages["times"].items():
        median = statistics.median(values)
        ratio = median / trivial
        ok = (label == "Trivial view" or (ratio <= RATIO_TARGET and median <= MS_TARGET)) and (
            pages["queries"][label] <= QUERY_TARGET) and pages["status"][label] == 200
        lines.append(
            f"| {label} | `{pages['paths'][label]}` | {median:.1f} | {pct(values, 95):.1f} | "
            f"{ratio:.1f} | {pages['queries'][label]} | {'yes' if ok else '**no**'} |")
    lines += ["", f"Peak memory of the web process (this benchmark's process): "
              f"{pages['rss_mb']:.0f} MB.", ""]
    return lines


def _jobs_sections(data: dict) -> list[str]:
    """The recompute, the import against COPY, and the board summary."""
    lines: list[str] = []
    r = data["recompute"]
    lines += ["## Trajectory recompute (all scenarios, forced)", "",
              f"{r['scenarios']} scenarios: median {statistics.median(r['seconds']) * 1000:.0f} ms"
              f", p95 {pct(r['seconds'], 95) * 1000:.0f} ms over {len(r['seconds'])} runs (first "
              f"run {r['first'] * 1000:.0f} ms). Target < 2 s. Peak memory of the worker "
              f"process: {r['rss_mb']:.0f} MB.", ""]
    i = data["import"]
    imp, cp = statistics.median(i["import"]), statistics.median(i["copy"])
    lines += ["## Import of 100,000 invoice rows", "",
              f"File: {i['rows']:,} rows, {i['bytes'] / 2**20:.1f} MiB CSV. "
              f"`run_import` (read, validate, upsert with history, commit): median "
              f"{imp:.2f} s (runs: {', '.join(f'{x:.2f}' for x in i['import'])}). PostgreSQL "
              f"COPY of the same file into a bare typed table: median {cp:.2f} s. "
              f"Ratio **{imp / cp:.1f}×** (target 5×). Peak memory of the import process: "
              f"{i['rss_mb']:.0f} MB.", ""]
    b = data["board"]
    lines += ["## Board summary", "",
              f"Content gathered: median {statistics.median(b['content']) * 1000:.0f} ms; "
              f"build (gather, compare, store a version if changed): median "
              f"{statistics.median(b['build']) * 1000:.0f} ms; PDF: median "
              f"{statistics.median(b['pdf']) * 1000:.0f} ms ({b['pdf_bytes'] / 1024:.0f} KiB). "
              f"Peak memory: {b['rss_mb']:.0f} MB.", ""]
    return lines


def _bytes_section(data: dict) -> list[str]:
    """Bytes of a first and a second load of each page."""
    lines: list[str] = []
    lines += ["## Bytes transferred (compressed as WhiteNoise serves them)", "",
              "The HTML is counted gzip-compressed (as a reverse proxy would send it); static "
              "files as WhiteNoise serves them to a browser accepting brotli. A second load "
              "fetches only the HTML: the static files have fingerprinted names and "
              "`Cache-Control: max-age=31536000` (immutable).", "",
              "| page | HTML (raw / gzip) | static files | first load | second load |",
              "| --- | ---: | ---: | ---: | ---: |"]
    for label, v in data["bytes"].items():
        static = sum(a["bytes"] for a in v["assets"] if a["status"] == 200)
        second = "n/a" if v["second_load"] is None else f"{v['second_load'] / 1024:.0f} KiB"
        lines.append(f"| {label} | {v['html_bytes'] / 1024:.0f} / "
                     f"{v['html_gzip_bytes'] / 1024:.0f} KiB | {static / 1024:.0f} KiB "
                     f"({len(v['assets'])} files) | {v['first_load'] / 1024:.0f} KiB | {second} |")
    first = next(iter(data["bytes"].values()))
    lines += ["", "Files of the first load: " + ", ".join(
        f"`{a['url'].split('/')[-1]}` {a['bytes'] / 1024:.0f} KiB {a['encoding']}"
        for a in sorted(first["assets"], key=lambda a: -a["bytes"])) + ".", ""]
    return lines


def _load_section(data: dict) -> list[str]:
    """The load test's table (gunicorn under concurrent users)."""
    lines: list[str] = []
    L = data["load"]
    lines += ["## Load: gunicorn, 20 concurrent users", "",
              "The production command (Dockerfile CMD: 3 workers × 4 threads) on "
              "127.0.0.1, production settings; each user a thread with a keep-alive "
              "connection and a signed-in session, walking the main pages and summaries in "
              f"turn with no think time, for {L['seconds']} s. The load generator shares "
              "the 2 cores with the server.", "",
              "| users | requests | throughput | p50 | p95 | p99 | errors | peak RSS per "
              "worker | all processes |",
              "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
              f"| {L['users']} | {L['requests']:,} | {L['throughput']:.1f} req/s | "
              f"{L['p50']:.0f} ms | {L['p95']:.0f} ms | {L['p99']:.0f} ms | {L['errors']} | "
              f"{L['worker_rss_mb']:.0f} MB | {L['all_rss_mb']:.0f} MB |", ""]
    if L["error_samples"]:
        lines += ["Errors: " + "; ".join(L["error_samples"]), ""]
    return lines


def report(data: dict) -> str:
    lines = _pages_section(data) + _jobs_sections(data)
    if data.get("hostile"):
        lines += [hostile_section(data["hostile"])]
    lines += _bytes_section(data)
    if data.get("load"):
        lines += _load_section(data)
    return "\n".join(lines)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--load", action="store_true", help="also run the load test")
    parser.add_argument("--load-only", action="store_true", help="only the load test")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--skip-seed", action="store_true")
    parser.add_argument("--hostile-only", action="store_true",
                        help="only the hostile files, on DATABASE_URL (no scale data needed)")
    return parser.parse_args()


def _run_part(args: argparse.Namespace) -> int:
    """One part in this child process; its result as JSON on stdout, read by the parent."""
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    if args.part.startswith("hostile:"):
        result = part_hostile(args.part.removeprefix("hostile:"))
        print(json.dumps(result))  # noqa: T201 - read by the parent process
        return 0
    result = {"recompute": lambda: part_recompute(args.repeats),
              "import": lambda: part_import(args.repeats, args.rows),
              "board": lambda: part_board(args.repeats)}[args.part]()
    print(json.dumps(result))  # noqa: T201 - read by the parent process
    return 0


def _prepare(args: argparse.Namespace) -> None:
    """The scale data set (seeded if missing), the DfE release, settings, static files."""
    url = scale_url()
    if not args.skip_seed:
        print("Scale data set (seeded if missing)…", flush=True)  # noqa: T201
        manage("seed_scale", "--database-url", url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    shared = ROOT.parent / "shared" / "data" / "dfe-ehcp"
    shared = shared if shared.exists() else ROOT.parent.parent / "shared" / "data" / "dfe-ehcp"
    if not args.skip_seed and (shared / "education-health-and-care-plans_2025.zip").exists():
        # The Benchmarking page reads the DfE's release: import it (again: that changes nothing).
        for kind, name in (("statistical_neighbours", "statistical-neighbours.csv"),
                           ("ehcp_statistics", "education-health-and-care-plans_2025.zip")):
            manage("import_file", kind, str(shared / name), "--settings", SETTINGS)
    # One random key for this process and the gunicorn it starts (sessions must verify there).
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(60))
    os.environ.setdefault("DJANGO_DEBUG", "0")
    print("collectstatic (compressed, fingerprinted)…", flush=True)  # noqa: T201
    manage("collectstatic", "--no-input", "-v", "0", "--settings", SETTINGS)
    django_setup()


def _measure(args: argparse.Namespace) -> dict:
    """Every part the arguments ask for, in turn."""
    data: dict = {"machine": machine(), "counts": counts(), "rounds": args.rounds}
    if not args.load_only:
        print("pages…", flush=True)  # noqa: T201
        data["pages"] = measure_pages(args.rounds, args.warmup)
        data["bytes"] = measure_bytes()
        print("trajectory recompute…", flush=True)  # noqa: T201
        data["recompute"] = part("recompute", "--repeats", str(args.repeats + 2))
        print("import of 100,000 invoices vs COPY…", flush=True)  # noqa: T201
        data["import"] = part("import", "--repeats", str(args.repeats), "--rows",
                              str(args.rows))
        print("board summary and PDF…", flush=True)  # noqa: T201
        data["board"] = part("board", "--repeats", str(args.repeats))
        print("hostile files…", flush=True)  # noqa: T201
        data["hostile"] = [part(f"hostile:{case}") for _, case in HOSTILE]
    if args.load or args.load_only:
        print(f"load: {args.users} users for {args.seconds} s…", flush=True)  # noqa: T201
        data["load"] = run_load(args.users, args.seconds, args.port)
    return data


def main() -> int:
    args = _arguments()
    sys.path.insert(0, str(ROOT))
    if args.hostile_only:
        os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
        results = [part(f"hostile:{case}") for _, case in HOSTILE]
        print(hostile_section(results))  # noqa: T201
        return 0
    if args.part:
        return _run_part(args)

    started = time.perf_counter()
    _prepare(args)
    data = _measure(args)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "last.json").write_text(json.dumps(data, indent=1, default=str))
    if args.load_only:
        text = load_section_only(data)
    else:
        text = report(data)
        RESULTS.write_text(text + f"\nBenchmark wall time: {time.perf_counter() - started:.0f} s."
                           "\n")
    print(text)  # noqa: T201
    return 0


def load_section_only(data: dict) -> str:
    """`make load` alone: replace the load section of results.md, keep the rest."""
    L = data["load"]
    section = "\n".join([
        "## Load: gunicorn, 20 concurrent users", "",
        "The production command (Dockerfile CMD: 3 workers × 4 threads) on 127.0.0.1, "
        "production settings; each user a thread with a keep-alive connection and a signed-in "
        "session, walking the main pages and summaries in turn with no think time, for "
        f"{L['seconds']} s. The load generator shares the 2 cores with the server "
        f"({data['machine']['date']}, commit {data['machine']['commit']}).", "",
        "| users | requests | throughput | p50 | p95 | p99 | errors | peak RSS per worker | "
        "all processes |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {L['users']} | {L['requests']:,} | {L['throughput']:.1f} req/s | {L['p50']:.0f} ms"
        f" | {L['p95']:.0f} ms | {L['p99']:.0f} ms | {L['errors']} | {L['worker_rss_mb']:.0f} MB"
        f" | {L['all_rss_mb']:.0f} MB |", ""])
    if L["error_samples"]:
        section += "\nErrors: " + "; ".join(L["error_samples"]) + "\n"
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    head, _, tail = current.partition("## Load: gunicorn")
    rest = tail.split("\n## ", 1)[1] if "\n## " in tail else ""
    RESULTS.write_text(head.rstrip() + "\n\n" + section + ("\n## " + rest if rest else ""))
    return section


if __name__ == "__main__":
    sys.exit(main())

"""The web page at / in a real headless Chromium (Debian's chromium, its own --dump-dom and
--screenshot): it lists the events sent by Net-SNMP's snmptrap with their MIB names and
display values, a filtered load (?trap=, ?text=) narrows the list, ?event=ID shows that event's
varbinds, and a trap sent while the page is open appears live (EventSource; that page is driven
over the DevTools protocol on a pipe, --remote-debugging-pipe). The screenshot is
kept under the build directory (test-artifacts/http-web-page.png) and its path printed."""
import html.parser
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
import unittest
import uuid

from harness import TRAPSINK_BIN, InteropCase, compiled_mib_index, run_tool
from http_util import get_json, parse_prometheus, request, start_http_trapsink

LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"
LINK_UP = "1.3.6.1.6.3.1.1.5.4"
IF_INDEX = "1.3.6.1.2.1.2.2.1.1"
IF_OPER_STATUS = "1.3.6.1.2.1.2.2.1.8"
SYS_LOCATION = "1.3.6.1.2.1.1.6.0"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(TRAPSINK_BIN))),
                         "test-artifacts")


class Tables(html.parser.HTMLParser):
    """The rows of <tbody id="rows"> and <tbody id="varbind-rows">: lists of cell texts, and
    each events row's class."""

    def __init__(self, text):
        super().__init__()
        self.tables = {"rows": [], "varbind-rows": []}
        self.classes = []
        self.body = None
        self.row = None
        self.cell = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tbody" and a.get("id") in self.tables:
            self.body = a["id"]
        elif tag == "tr" and self.body:
            self.row = []
            if self.body == "rows":
                self.classes.append(a.get("class") or "")
        elif tag == "td" and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.row.append(self.cell)
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.body].append(self.row)
            self.row = None
        elif tag == "tbody":
            self.body = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def chromium_args(profile, *extra):
    """A headless Chromium with a profile of its own (a shared one would hand the page to a
    Chromium still running from the previous call)."""
    own = tempfile.mkdtemp(prefix="run-", dir=profile)
    return [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--hide-scrollbars", f"--user-data-dir={own}", *extra]


class Browser:
    """A headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe:
    commands on its fd 3, answers and events on its fd 4, each a JSON text ended by NUL)."""

    def __init__(self, profile):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def wire():  # in the child; close_fds=False, since pass_fds would close 3 and 4 again
            r, w = os.dup(to_chrome_r), os.dup(from_chrome_w)  # in case either is 3 or 4
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            chromium_args(profile, "--remote-debugging-pipe", "about:blank"),
            close_fds=False, preexec_fn=wire,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.next_id = 0
        self.buffer = b""
        self.session = None

    def call(self, method, timeout=20, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if self.session:
            msg["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                answer = json.loads(raw)
                if answer.get("id") == self.next_id:
                    if "error" in answer:
                        raise AssertionError(f"{method}: {answer['error']}")
                    return answer["result"]
            ready, _, _ = select.select([self.from_chrome], [], [], 0.2)
            if ready:
                chunk = os.read(self.from_chrome, 1 << 20)
                if not chunk:
                    raise AssertionError("chromium closed the DevTools pipe")
                self.buffer += chunk
        raise AssertionError(f"no answer to {method} within {timeout} s")

    def open(self, url):
        target = self.call("Target.createTarget", url=url)["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target,
                                 flatten=True)["sessionId"]

    def evaluate(self, expression):
        r = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return r["result"].get("value")

    def wait_for(self, expression, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            v = self.evaluate(expression)
            if v:
                return v
            time.sleep(0.1)
        raise AssertionError(f"the page never made this true within {timeout} s: {expression}")

    def close(self):
        self.proc.kill()
        self.proc.wait()
        os.close(self.to_chrome)
        os.close(self.from_chrome)


class WebPage(InteropCase):
    @classmethod
    def setUpClass(cls):
        if CHROMIUM is None:
            raise unittest.SkipTest("chromium is not installed (deploy/setup-deps.sh --test "
                                    "installs Debian's chromium)")
        cls.profile = tempfile.mkdtemp(prefix="trapsink-chromium-")
        probe = subprocess.run(chromium_args(cls.profile, "--dump-dom", "about:blank"),
                               capture_output=True, text=True, timeout=60)
        if probe.returncode != 0 or "<html" not in probe.stdout:
            shutil.rmtree(cls.profile, ignore_errors=True)
            raise unittest.SkipTest(f"chromium cannot start here ({probe.returncode}): "
                                    f"{probe.stderr[-500:]}")
        cls.ts = start_http_trapsink("--community", "public", mib_index=compiled_mib_index())
        cls.marker = "web-" + uuid.uuid4().hex
        cls.send(LINK_DOWN, 7, [f"{IF_OPER_STATUS}.7", "i", "2"])
        cls.send(LINK_UP, 8, [f"{IF_OPER_STATUS}.8", "i", "1"])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            status, body = get_json(cls.ts, f"/api/events?text={cls.marker}")
            if status == 200 and body["count"] == 2:
                cls.stored = body["events"]
                break
            time.sleep(0.05)
        else:
            raise AssertionError("the two traps were not stored:\n" + cls.ts.log())

    @classmethod
    def tearDownClass(cls):
        cls.ts.close()
        shutil.rmtree(cls.profile, ignore_errors=True)

    @classmethod
    def send(cls, trap_oid, if_index, more, marker=None):
        r = run_tool(["snmptrap", "-v", "2c", "-c", "public", f"127.0.0.1:{cls.ts.port}", "",
                      trap_oid, f"{IF_INDEX}.{if_index}", "i", str(if_index), *more,
                      SYS_LOCATION, "s", marker or cls.marker])
        assert r.returncode == 0, r.stderr

    def dump(self, query, *extra):
        r = subprocess.run(chromium_args(self.profile, "--virtual-time-budget=5000", *extra,
                                         "--dump-dom", f"{self.ts.http}/?{query}"),
                           capture_output=True, text=True, timeout=90)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        return Tables(r.stdout)

    def test_page_lists_the_events_with_names_and_display_values(self):
        t = self.dump(f"live=0&text={self.marker}")
        self.assertEqual([row[2:] for row in t.tables["rows"]], [
            ["2c trap", "IF-MIB::linkUp",
             f"IF-MIB::ifIndex.8=8, IF-MIB::ifOperStatus.8=up(1), "
             f"SNMPv2-MIB::sysLocation.0={self.marker}"],
            ["2c trap", "IF-MIB::linkDown",
             f"IF-MIB::ifIndex.7=7, IF-MIB::ifOperStatus.7=down(2), "
             f"SNMPv2-MIB::sysLocation.0={self.marker}"],
        ])
        for row, rec in zip(t.tables["rows"], self.stored):
            self.assertEqual(row[0], rec["time"].replace("T", " ").replace("Z", ""))
            self.assertEqual(row[1], f"127.0.0.1:{rec['source']['port']}")

    def test_a_filtered_load_narrows_the_list(self):
        t = self.dump(f"live=0&text={self.marker}&trap=linkDown")
        self.assertEqual([row[3] for row in t.tables["rows"]], ["IF-MIB::linkDown"])
        t = self.dump(f"live=0&text={self.marker}&trap={LINK_UP}")
        self.assertEqual([row[3] for row in t.tables["rows"]], ["IF-MIB::linkUp"])
        t = self.dump(f"live=0&text={self.marker}&source=192.0.2.1")
        self.assertEqual(t.tables["rows"], [])
        t = self.dump(f"live=0&text=no-such-{uuid.uuid4().hex}")
        self.assertEqual(t.tables["rows"], [])

    def test_one_event_shows_its_varbinds_and_a_screenshot_is_kept(self):
        down = self.stored[1]
        self.assertEqual(down["trap_oid"], LINK_DOWN)
        t = self.dump(f"live=0&text={self.marker}&event={down['id']}")
        self.assertEqual(t.tables["varbind-rows"], [
            ["IF-MIB::ifIndex.7", f"{IF_INDEX}.7", "Integer32", "7"],
            ["IF-MIB::ifOperStatus.7", f"{IF_OPER_STATUS}.7", "Integer32", "down(2)"],
            ["SNMPv2-MIB::sysLocation.0", SYS_LOCATION, "OctetString", self.marker],
        ])
        os.makedirs(ARTIFACTS, exist_ok=True)
        shot = os.path.join(ARTIFACTS, "http-web-page.png")
        if os.path.exists(shot):
            os.remove(shot)
        r = subprocess.run(chromium_args(self.profile, "--virtual-time-budget=5000",
                                         "--window-size=1280,800", f"--screenshot={shot}",
                                         f"{self.ts.http}/?live=0&event={down['id']}"),
                           capture_output=True, text=True, timeout=90)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        with open(shot, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        print(f"\nweb page screenshot: {shot}")

    def stream_clients(self):
        status, _, body = request(self.ts, "/metrics")
        self.assertEqual(status, 200)
        m = parse_prometheus(body.decode())
        return m.get(("trapsink_http_requests_total", 'route="/api/events/stream",code="200"'), 0)

    def test_a_trap_sent_while_the_page_is_open_appears_live(self):
        before = self.stream_clients()
        live_marker = "live-" + uuid.uuid4().hex
        browser = Browser(self.profile)
        try:
            browser.open(f"{self.ts.http}/?text={live_marker}")
            browser.wait_for("document.body.dataset.loaded === 'true'")
            self.assertEqual(browser.evaluate("document.querySelectorAll('#rows tr').length"), 0)
            # The page subscribes to the stream once its first load is done.
            deadline = time.monotonic() + 10
            while self.stream_clients() == before and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertGreater(self.stream_clients(), before, "the page did not subscribe")
            self.send(LINK_DOWN, 9, [], marker=live_marker)
            browser.wait_for("document.querySelectorAll('#rows tr').length > 0")
            rows = browser.evaluate(
                "Array.from(document.querySelectorAll('#rows tr')).map(tr => "
                "[tr.className].concat(Array.from(tr.cells).map(td => td.textContent)))")
        finally:
            browser.close()
        self.assertEqual([[r[0]] + r[4:] for r in rows], [
            ["new", "IF-MIB::linkDown",
             f"IF-MIB::ifIndex.9=9, SNMPv2-MIB::sysLocation.0={live_marker}"],
        ])

if __name__ == "__main__":
    unittest.main()

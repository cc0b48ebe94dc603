#!/usr/bin/env python3
"""The web UI in a real browser: headless Chromium driven by selenium.

Starts `pprof -http=127.0.0.1:0 -no_browser` on a sample profile, opens each view, clicks a
flame graph frame and checks the zoom, searches and checks the highlighting, types a focus
regexp and checks the top table against `pprof -top -focus=...`, switches the sample type,
and saves screenshots into docs/ (pass --no-screenshots to leave docs/ alone).

Usage: python3 Tests/web/test_web.py [--pprof PATH] [--no-screenshots]
Exit status 0 when every check passed; each failure is one line on stderr.
"""
import argparse
import os
import re
import subprocess
import sys
import time
import urllib.parse

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
failures = []


def check(ok, what):
    if ok:
        print("ok   " + what)
    else:
        print("FAIL " + what, file=sys.stderr)
        failures.append(what)


class Server:
    """pprof -http on 127.0.0.1 with a free port; stopped by stop()."""

    def __init__(self, pprof, args):
        self.proc = subprocess.Popen(
            [pprof, "-http=127.0.0.1:0", "-no_browser"] + args, cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        self.url = None
        while time.time() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            m = re.search(r"Serving web UI on (http://\S+)", line)
            if m:
                self.url = m.group(1).rstrip("/")
                break
        if self.url is None:
            self.stop()
            raise SystemExit("pprof -http did not print its URL")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def browser():
    options = webdriver.ChromeOptions()
    for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=1400,900", "--force-device-scale-factor=1"]:
        options.add_argument(a)
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait(driver, condition, seconds=10):
    try:
        WebDriverWait(driver, seconds).until(lambda d: condition(d))
        return True
    except Exception:
        return False


def top_rows(driver):
    """The table's rows as pprof -top prints them (%10s %6s %6s %10s %6s  name)."""
    rows = []
    for tr in driver.find_elements(By.CSS_SELECTOR, "#toptable tbody tr"):
        c = [td.get_attribute("textContent") for td in tr.find_elements(By.TAG_NAME, "td")]
        rows.append("%10s %6s %6s %10s %6s  %s" % tuple(c))
    return rows


def cli_top_rows(pprof, args):
    out = subprocess.run([pprof, "-top"] + args, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    lines = out.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("      flat  flat%"))
    return [l for l in lines[start + 1:] if l]


def menu_click(driver, menu_id, item_selector):
    driver.find_element(By.CSS_SELECTOR, "#%s .menu-name" % menu_id).click()
    driver.find_element(By.CSS_SELECTOR, "#%s %s" % (menu_id, item_selector)).click()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pprof", default=os.path.join(ROOT, ".build/debug/pprof"))
    ap.add_argument("--no-screenshots", action="store_true")
    a = ap.parse_args()
    shots = None if a.no_screenshots else os.path.join(ROOT, "docs")

    def shot(driver, name):
        if shots:
            driver.save_screenshot(os.path.join(shots, name))

    sample = "Samples/heap-leak.pb.gz"
    sources = ["-source_path=Samples/goprog", "-trim_path=example.com/imgseed"]
    server = Server(a.pprof, sources + [sample])
    driver = browser()
    try:
        base = server.url
        # The flame graph is the default view.
        driver.get(base + "/")
        check(wait(driver, lambda d: "/ui/flamegraph" in d.current_url), "/ opens the flame graph")
        frames = driver.find_elements(By.CSS_SELECTOR, "#frames g.f")
        check(len(frames) > 3, "the flame graph has frames (%d)" % len(frames))
        legend = driver.find_element(By.TAG_NAME, "body").text
        check(legend.count("Type: inuse_space") == 1, "the flame graph prints File/Type/Time once")
        shot(driver, "web-flamegraph.png")

        # Click a frame: it takes the whole width and "Reset zoom" appears.
        target = None
        for g in frames:
            title = g.find_element(By.TAG_NAME, "title").get_attribute("textContent")
            w = float(g.find_element(By.TAG_NAME, "rect").get_attribute("width"))
            if title.startswith("main.") and 50 < w < 1100:
                target = g
                break
        check(target is not None, "a main. frame between 50 and 1100 pixels wide to click")
        if target is not None:
            name = target.find_element(By.TAG_NAME, "title").get_attribute("textContent").split("\n")[0]
            target.find_element(By.TAG_NAME, "rect").click()
            unzoom = driver.find_element(By.ID, "unzoom")
            check(wait(driver, lambda d: "hidden" not in unzoom.get_attribute("class")), "clicking shows Reset zoom")
            w = float(target.find_element(By.TAG_NAME, "rect").get_attribute("width"))
            check(abs(w - 1180) < 1, "the clicked frame %s fills the width (%.1f)" % (name, w))
            shot(driver, "web-flamegraph-zoom.png")
            unzoom.click()

        # A right click on a frame: a menu to refine on it or see its callers.
        fetch = next(g for g in driver.find_elements(By.CSS_SELECTOR, "#frames g.f")
                     if g.find_element(By.TAG_NAME, "title").get_attribute("textContent").startswith("main.fetch\n"))
        ActionChains(driver).context_click(fetch.find_element(By.TAG_NAME, "rect")).perform()
        menu = driver.find_elements(By.ID, "frame-menu")
        check(len(menu) == 1 and "main.fetch" in menu[0].text, "a right click opens the frame's menu")
        shot(driver, "web-flamegraph-menu.png")
        driver.find_element(By.ID, "frame-callers").click()
        check(wait(driver, lambda d: "/ui/peek" in d.current_url), "Callers opens peek")
        report = driver.find_element(By.CSS_SELECTOR, "pre.report").text
        check("| main.fetch" in report and "|   main.worker.func1" in report, "peek shows main.fetch's callers")
        driver.back()
        fetch = next(g for g in driver.find_elements(By.CSS_SELECTOR, "#frames g.f")
                     if g.find_element(By.TAG_NAME, "title").get_attribute("textContent").startswith("main.fetch\n"))
        ActionChains(driver).context_click(fetch.find_element(By.TAG_NAME, "rect")).perform()
        driver.find_element(By.ID, "frame-f").click()
        check(wait(driver, lambda d: "f=%5Emain%5C.fetch%24" in d.current_url), "Focus on a frame puts f=^main\\.fetch$ in the URL")
        check("Active filters: focus=^main\\.fetch$" in driver.find_element(By.TAG_NAME, "body").text,
              "the focused flame graph says its filter")
        driver.get(base + "/ui/flamegraph")

        # One search box (the graph's own, in the toolbar): it highlights matching frames and
        # says their share.
        boxes = [e for e in driver.find_elements(By.CSS_SELECTOR, "input") if e.is_displayed()]
        check(len(boxes) == 1 and boxes[0].get_attribute("id") == "search", "the flame graph page shows one search box")
        box = driver.find_element(By.ID, "search")
        box.send_keys("compress")
        check(wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#frames g.f.match")) > 0),
              "searching highlights frames")
        matched = driver.find_element(By.ID, "matched").get_attribute("textContent")
        check(re.match(r"Matched: \d+(\.\d)?% of the total", matched) is not None, "search shows the share: " + matched)
        shot(driver, "web-flamegraph-search.png")

        # Top: a table whose rows are pprof -top's; a typed focus regexp refines it.
        driver.get(base + "/ui/top")
        rows = top_rows(driver)
        check(rows == cli_top_rows(a.pprof, [sample]), "the top table equals pprof -top (%d rows)" % len(rows))
        box = driver.find_element(By.ID, "searchbox")
        box.clear()
        box.send_keys("main\\.fetch")
        menu_click(driver, "refine-menu", "#refine-f")
        check(wait(driver, lambda d: "f=main" in d.current_url), "Refine > Focus puts f= in the URL")
        rows = top_rows(driver)
        expected = cli_top_rows(a.pprof, ["-focus=main\\.fetch", sample])
        check(rows == expected and len(rows) > 0, "the focused table equals pprof -top -focus (%d rows)" % len(rows))
        legend = driver.find_element(By.ID, "legend").text
        check("Active filters: focus=main\\.fetch" in legend, "the legend shows the focus")
        shot(driver, "web-top.png")

        # The sample type menu switches the value and keeps the focus.
        menu_click(driver, "sample-menu", "#si-alloc_space")
        check(wait(driver, lambda d: "si=alloc_space" in d.current_url), "the sample menu sets si=")
        q = urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query)
        check(q.get("f") == ["main\\.fetch"], "switching the sample type keeps the focus")
        check("Type: alloc_space" in driver.find_element(By.ID, "legend").text, "the legend shows alloc_space")
        rows = top_rows(driver)
        expected = cli_top_rows(a.pprof, ["-focus=main\\.fetch", "-sample_index=alloc_space", sample])
        check(rows == expected, "the alloc_space table equals pprof -top -sample_index=alloc_space")

        # Rows clicked in the table are the selection Refine acts on.
        driver.get(base + "/ui/top")
        picked = []
        for tr in driver.find_elements(By.CSS_SELECTOR, "#toptable tbody tr")[:2]:
            picked.append(tr.find_elements(By.TAG_NAME, "td")[5].text)
            tr.click()
        check(driver.find_element(By.ID, "selection").text == "2 selected", "clicking rows selects them")
        shot(driver, "web-top-selection.png")
        menu_click(driver, "refine-menu", "#refine-h")
        check(wait(driver, lambda d: "h=" in d.current_url), "Refine > Hide with a selection puts h= in the URL")
        names = [r.find_elements(By.TAG_NAME, "td")[5].text for r in driver.find_elements(By.CSS_SELECTOR, "#toptable tbody tr")]
        check(not any(p in names for p in picked), "the hidden rows are gone (%s)" % ", ".join(picked))
        driver.get(base + "/ui/top?si=alloc_space&f=main%5C.fetch")

        # Name sorting happens in the page.
        driver.find_element(By.ID, "sort-name").click()
        names = [r.find_elements(By.TAG_NAME, "td")[5].text for r in driver.find_elements(By.CSS_SELECTOR, "#toptable tbody tr")]
        check(names == sorted(names), "clicking Name sorts the rows by name")

        # A bad regexp is a message in the page.
        driver.get(base + "/ui/top?f=%28")
        err = driver.find_elements(By.ID, "error")
        check(len(err) == 1 and "focus" in err[0].text, "a bad regexp shows an error in the page")

        # The call graph: Graphviz's SVG with pan and zoom, in a frame.
        driver.get(base + "/ui/?n=20")
        frame = driver.find_element(By.ID, "graph")
        driver.switch_to.frame(frame)
        check(wait(driver, lambda d: len(d.find_elements(By.ID, "viewport")) == 1), "the graph has a pan/zoom viewport")
        before = driver.find_element(By.ID, "viewport").get_attribute("transform")
        driver.execute_script(
            "document.documentElement.dispatchEvent(new WheelEvent('wheel', {deltaY: -300, clientX: 300, clientY: 200, bubbles: true, cancelable: true}))")
        after = driver.find_element(By.ID, "viewport").get_attribute("transform")
        check(before != after, "the wheel zooms the graph")
        driver.switch_to.default_content()
        shot(driver, "web-graph.png")

        driver.get(base + "/ui/peek?f=main%5C.fetch")
        check("main.fetch" in driver.find_element(By.CSS_SELECTOR, "pre.report").text, "peek shows main.fetch")
        driver.get(base + "/ui/source?f=main%5C.fetch")
        heading = driver.find_element(By.CSS_SELECTOR, "section.routine h2").text
        check(heading.startswith("main.fetch"), "source lists main.fetch (%s)" % heading)
        check(len(driver.find_elements(By.CSS_SELECTOR, "tr.line.cold")) > 3, "lines without samples are dimmed")
        hot = driver.find_elements(By.CSS_SELECTOR, "tr.line.expandable")
        check(len(hot) > 0, "a line with calls can expand")
        if hot:
            hot[0].click()
            expansion = hot[0].find_element(By.XPATH, "following-sibling::tr[1]")
            check(expansion.is_displayed() and "bytes.(*Buffer).ReadFrom" in expansion.text,
                  "clicking line %s shows its calls" % hot[0].get_attribute("data-line"))
        shot(driver, "web-source.png")
        driver.get(base + "/ui/disasm")
        check("needs a function" in driver.find_element(By.ID, "error").text, "disasm without a function says so")
    finally:
        driver.quit()
        server.stop()

    # With -diff_base: the differential flame graph and the diff table.
    server = Server(a.pprof, ["-diff_base=Samples/heap-fixed.pb.gz", sample])
    driver = browser()
    try:
        driver.get(server.url + "/ui/flamegraph")
        title = driver.find_element(By.ID, "title").text
        check("differential flame graph" in title, "the diff base gives a differential flame graph")
        shot(driver, "web-diff-flamegraph.png")
        driver.get(server.url + "/ui/diff")
        text = driver.find_element(By.CSS_SELECTOR, "pre.report").text
        check("Base: Samples/heap-fixed.pb.gz" in text and "delta%" in text, "the diff table")
        shot(driver, "web-diff.png")
    finally:
        driver.quit()
        server.stop()

    # Several profiles: any two compared from the Compare menu, and the growth view.
    series = ["Tests/ProfileDriverTests/Fixtures/growth/go/heap-%d.pb.gz" % i for i in range(1, 7)]
    server = Server(a.pprof, series)
    driver = browser()
    try:
        driver.get(server.url + "/ui/flamegraph")
        title = driver.find_element(By.ID, "title").text
        check("differential" not in title, "several profiles are merged until a comparison is chosen")
        driver.find_element(By.CSS_SELECTOR, "#compare-menu .menu-name").click()
        shot(driver, "web-compare-menu.png")
        driver.find_element(By.CSS_SELECTOR, "#compare-menu #compare-base-2").click()
        check(wait(driver, lambda d: "base=2" in d.current_url and "new=6" in d.current_url),
              "Compare > Base 2 puts base=2&new=6 in the URL")
        title = driver.find_element(By.ID, "title").text
        check("differential flame graph" in title, "the comparison is a differential flame graph")
        shot(driver, "web-compare-flamegraph.png")
        menu_click(driver, "view-menu", "#view-top")
        check(wait(driver, lambda d: "/ui/top" in d.current_url and "base=2" in d.current_url), "the view menu keeps the comparison")
        rows = top_rows(driver)
        expected = cli_top_rows(a.pprof, ["-diff_base=" + series[1], series[5]])
        check(rows == expected and len(rows) > 0, "the compared top table equals pprof -top -diff_base (%d rows)" % len(rows))
        menu_click(driver, "view-menu", "#view-diff")
        check(wait(driver, lambda d: "/ui/diff" in d.current_url), "the view menu offers the diff table")
        text = driver.find_element(By.CSS_SELECTOR, "pre.report").text
        check(("Base: %s\nNew:  %s" % (series[1], series[5])) in text and "delta%" in text, "the diff table compares 2 with 6")
        lines = text.split("\n")
        first = lines[lines.index(next(l for l in lines if l.strip().startswith("base "))) + 1]
        check(first.endswith("main.leakyRegistry") and "+" in first, "the leak leads the diff table: " + first.strip())
        shot(driver, "web-compare-diff.png")
        menu_click(driver, "compare-menu", "#compare-new-3")
        check(wait(driver, lambda d: "new=3" in d.current_url and "base=2" in d.current_url), "Compare > New 3 keeps base=2")
        text = driver.find_element(By.CSS_SELECTOR, "pre.report").text
        check(("New:  %s" % series[2]) in text, "the diff table now compares 2 with 3")
        driver.get(server.url + "/ui/diff?base=9&new=1")
        err = driver.find_elements(By.ID, "error")
        check(len(err) == 1 and "base=9 is not a source" in err[0].text, "a bad base= is a message in the page")

        # Growth: pprof -growth's table and plot, from the view menu.
        menu_click(driver, "view-menu", "#view-growth")
        check(wait(driver, lambda d: "/ui/growth" in d.current_url and "base=" not in d.current_url), "the view menu opens growth")
        rows = []
        for tr in driver.find_elements(By.CSS_SELECTOR, "#growthtable tbody tr"):
            rows.append([td.get_attribute("textContent").strip() for td in tr.find_elements(By.TAG_NAME, "td")])
        out = subprocess.run([a.pprof, "-growth"] + series, cwd=ROOT, capture_output=True, text=True, check=True).stdout
        cli = out.split("\n")
        start = next(i for i, l in enumerate(cli) if l.startswith("     first"))
        expected = [l.split() for l in cli[start + 1:] if l]
        check(rows == expected and len(rows) > 0,
              "the growth table equals pprof -growth (%d rows)" % len(rows))
        check(rows and rows[0][-1] == "main.leakyRegistry" and rows[0][5] == "grows", "the leak grows, first")
        lines = driver.find_elements(By.CSS_SELECTOR, "#growthplot svg polyline")
        check(len(lines) == len(rows[:8]), "the plot draws a line per row (%d)" % len(lines))
        shot(driver, "web-growth.png")
        box = driver.find_element(By.ID, "searchbox")
        box.send_keys("leaky")
        box.send_keys(Keys.ENTER)
        check(wait(driver, lambda d: "f=leaky" in d.current_url), "Enter focuses the growth view")
        focused = [[td.get_attribute("textContent").strip() for td in tr.find_elements(By.TAG_NAME, "td")]
                   for tr in driver.find_elements(By.CSS_SELECTOR, "#growthtable tbody tr")]
        out = subprocess.run([a.pprof, "-growth", "-focus=leaky"] + series, cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split("\n")
        start = next(i for i, l in enumerate(out) if l.startswith("     first"))
        check(focused == [l.split() for l in out[start + 1:] if l] and 0 < len(focused) < len(rows)
              and "focus=leaky" in driver.find_element(By.ID, "legend").text,
              "the focused growth table equals pprof -growth -focus=leaky (%d rows)" % len(focused))
    finally:
        driver.quit()
        server.stop()

    if failures:
        print("%d check(s) failed" % len(failures), file=sys.stderr)
        return 1
    print("all web UI checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

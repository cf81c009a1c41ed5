"""Open the dashboard in headless Chromium (Debian's chromium + chromium-driver, driven by
Selenium from Superset's own environment), wait for every chart, and print what each
chart shows as JSON; save a screenshot.

    browser_check.py --url http://127.0.0.1:8088 --screenshot out.png [--charts '{"key": id}']

Output: {"charts": {"<chart id>": {"name", "viz_type", "big_number", "header", "rows", "error"}}}.
The test (tests/bi/test_superset_dashboard.py) compares those figures with SQL on the marts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# What each chart on the page shows, read from the DOM (tables and big numbers are text).
READ_CHARTS = """
const out = {};
for (const holder of document.querySelectorAll('[data-test-chart-id]')) {
  const id = holder.getAttribute('data-test-chart-id');
  const table = holder.querySelector('table');  // a sticky header may be a table of its own
  const big = holder.querySelector('.header-line');
  const error = holder.querySelector('[role="alert"], .alert-danger, [data-test="error-message"]');
  const loading = holder.querySelector('.loading, [aria-label="Loading"]');
  out[id] = {
    name: holder.getAttribute('data-test-chart-name'),
    viz_type: holder.getAttribute('data-test-viz-type'),
    big_number: big ? big.innerText.trim() : null,
    header: table ? Array.from(table.querySelectorAll('thead th')).map(th => th.innerText.trim()) : null,
    rows: table ? Array.from(holder.querySelectorAll('tbody tr')).map(
      tr => Array.from(tr.querySelectorAll('td')).map(td => td.innerText.trim())) : null,
    canvas: holder.querySelectorAll('canvas, svg').length,
    error: error ? error.innerText.trim() : null,
    loading: !!loading,
  };
}
return out;
"""


def driver(width: int, height: int) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--lang=zh-CN", "--no-first-run",
                "--disable-background-networking", "--disable-component-update"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def log_in(browser: webdriver.Chrome, url: str, username: str, password: str, timeout: float) -> None:
    browser.get(f"{url}/login/")
    deadline = time.monotonic() + timeout
    while True:
        users = browser.find_elements(By.CSS_SELECTOR, "input[name=username], input#username")
        secrets = browser.find_elements(By.CSS_SELECTOR, "input[type=password]")
        if users and secrets:
            break
        if time.monotonic() > deadline:
            raise SystemExit(f"no login form at {url}/login/: {browser.page_source[:500]}")
        time.sleep(0.5)
    users[0].send_keys(username)
    secrets[0].send_keys(password, Keys.ENTER)
    while "/login" in browser.current_url:
        if time.monotonic() > deadline:
            raise SystemExit("login did not leave the login page")
        time.sleep(0.5)


def read_dashboard(browser: webdriver.Chrome, dashboard_url: str, expected: int, timeout: float) -> dict:
    browser.get(dashboard_url)
    deadline = time.monotonic() + timeout
    charts: dict = {}
    while time.monotonic() < deadline:
        charts = browser.execute_script(READ_CHARTS) or {}
        done = [c for c in charts.values()
                if not c["loading"] and (c["error"] or c["big_number"] or c["rows"]
                                         or (c["viz_type"] not in ("table", "big_number_total") and c["canvas"]))]
        if len(charts) >= expected and len(done) == len(charts):
            time.sleep(1)  # let the last animation (ECharts) settle before the screenshot
            return browser.execute_script(READ_CHARTS)
        time.sleep(1)
    raise SystemExit(f"charts not rendered after {timeout:.0f} s: {json.dumps(charts, ensure_ascii=False)[:3000]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--slug", default="countybudget")
    parser.add_argument("--screenshot", required=True)
    parser.add_argument("--expected-charts", type=int, required=True)
    parser.add_argument("--username", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--timeout", type=float, default=180)
    args = parser.parse_args(argv)
    url = args.url.rstrip("/")
    browser = driver(1600, 2400)
    try:
        log_in(browser, url, args.username, args.password, args.timeout)
        charts = read_dashboard(browser, f"{url}/superset/dashboard/{args.slug}/?standalone=1",
                                args.expected_charts, args.timeout)
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1600, min(max(int(height), 1200), 6000))
        time.sleep(1)
        browser.save_screenshot(args.screenshot)
    finally:
        browser.quit()
    print(json.dumps({"charts": charts}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())

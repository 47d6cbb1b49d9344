"""The place filter in a real browser on a generated province (90 communes, 2,500 villages, 50,000 cases): drill down
province → commune → village, each step kept in the URL, and the link reopens the same view (issue 15)."""
from __future__ import annotations

import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest

from test_browser import (ARTIFACTS, CHROMIUM_ARGS, PASSWORD, ROOT, SIZES, assert_no_app_error, expect, running_app,
                          sync_playwright)

SLOW_MS = 240_000  # a province's first load computes every figure of the file once (then they are cached)
pytestmark = pytest.mark.flaky(reruns=1, reruns_delay=2)


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("province")
    path = tmp / "tinh.duckdb"
    subprocess.run([sys.executable, "-m", "db", "generate", "--scale", "province", "--db", str(path)], cwd=ROOT,
                   check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "db", "user", "add", "tuphap", "--role", "can_bo_tu_phap", "--db", str(path)],
                   cwd=ROOT, check=True, input=PASSWORD + "\n", text=True, capture_output=True)
    con = duckdb.connect(str(path), read_only=True)
    commune, name = con.execute("SELECT id, name FROM communes ORDER BY id LIMIT 1 OFFSET 3").fetchone()
    village = con.execute("SELECT name FROM villages WHERE commune_id = ? AND valid_to IS NULL ORDER BY name LIMIT 1",
                          [commune]).fetchone()[0]
    con.close()
    with running_app(tmp, path) as app:
        yield {**app, "commune": commune, "commune_name": name, "village_name": village}


def wait_idle(page) -> None:
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector('[data-stale="true"]');
        }""", timeout=SLOW_MS)
    page.wait_for_timeout(300)


def pick(page, label: str, typed: str, option: str) -> float:
    """Choose an option of a sidebar select box by typing part of it (its search); the seconds until the page is
    idle again."""
    box = page.get_by_role("combobox", name=label)
    box.click()
    page.keyboard.type(typed)
    started = time.monotonic()
    page.get_by_role("option", name=option, exact=True).click()
    try:
        page.wait_for_function("""() => document.querySelector('[data-testid="stApp"]')
                                   ?.getAttribute('data-test-script-state') === 'running'""", timeout=1500)
    except Exception:
        pass
    wait_idle(page)
    return time.monotonic() - started


def test_drill_down_province_commune_village_and_the_link(province):
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS, headless=True)
        context = browser.new_context(viewport=SIZES["1920x1080"], locale="vi-VN")
        context.set_default_timeout(SLOW_MS)
        expect.set_options(timeout=SLOW_MS)
        page = context.new_page()
        page.goto(province["url"] + "/")
        page.get_by_label("Tên đăng nhập").fill("tuphap")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page.get_by_role("heading", name="Tổng quan công tác hòa giải ở cơ sở", exact=True)).to_be_visible()
        wait_idle(page)
        assert_no_app_error(page)
        # The province file has one province: it is chosen, the communes are listed, the village box waits.
        expect(page.get_by_role("combobox", name="Xã, phường")).to_have_value("Tất cả các xã")
        expect(page.get_by_role("combobox", name="Thôn")).to_have_count(0)

        seconds = pick(page, "Xã, phường", province["commune_name"].split()[-1], province["commune_name"])
        query = parse_qs(urlsplit(page.url).query)
        assert query["xa"] == [str(province["commune"])], page.url
        expect(page.get_by_text(f"· {province['commune_name']} ·").first).to_be_visible()
        print(f"commune chosen in {seconds:.1f} s")

        seconds = pick(page, "Thôn", province["village_name"].split()[-1], province["village_name"])
        query = parse_qs(urlsplit(page.url).query)
        assert query["xa"] == [str(province["commune"])] and "thon" in query, page.url
        print(f"village chosen in {seconds:.1f} s")
        assert_no_app_error(page)
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            page.mouse.move(viewport["width"] - 20, viewport["height"] - 20)  # no tooltip over the filters
            page.wait_for_timeout(400)
            page.screenshot(path=str(ARTIFACTS / f"tinh-xa-thon-{size}.png"))

        # The link, opened in another browser session, reopens the same commune and village after the sign-in.
        link = page.url
        other = browser.new_context(viewport=SIZES["1366x768"], locale="vi-VN")
        other.set_default_timeout(SLOW_MS)
        second = other.new_page()
        second.goto(link)
        second.get_by_label("Tên đăng nhập").fill("tuphap")
        second.get_by_label("Mật khẩu").fill(PASSWORD)
        second.get_by_role("button", name="Đăng nhập").click()
        expect(second.get_by_role("combobox", name="Xã, phường")).to_have_value(province["commune_name"])
        expect(second.get_by_role("combobox", name="Thôn")).to_have_value(province["village_name"])
        wait_idle(second)
        assert_no_app_error(second)
        other.close()
        context.close()
        browser.close()

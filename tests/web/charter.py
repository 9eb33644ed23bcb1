#!/usr/bin/python3
"""HQ staff issue a charter in headless Chromium (Selenium): sign in, the
charters page from the dashboard, the form filled in, issued; both files
fetched through the page's links (the browser's own session) into OUTDIR;
the events list shows the new charter; screenshots.

  charter.py URL USER PASSWORD EVENT OUTDIR"""
import os
import sys
import tempfile
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

url, user, password, event, out = sys.argv[1:6]
profile = tempfile.mkdtemp(prefix="wat-hq-chromium-")
opts = webdriver.ChromeOptions()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--window-size=1280,1500", "--user-data-dir=" + profile, "--log-level=3"):
    opts.add_argument(a)
drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
ok = True

def fetch(href, name):
    """GET href with the browser's own session cookie (the page's CSP lets
    no script fetch), into OUTDIR/name: the HTTP status."""
    jar = "; ".join(c["name"] + "=" + c["value"] for c in drv.get_cookies())
    req = urllib.request.Request(href, headers={"Cookie": jar})
    try:
        with urllib.request.urlopen(req) as r:
            status, data = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, data = e.code, b""
    print("fetched:", name, status)
    if status == 200:
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    return status


try:
    wait = WebDriverWait(drv, 20)
    drv.get(url + "/staff")
    wait.until(EC.presence_of_element_located((By.ID, "login")))
    drv.find_element(By.ID, "user").send_keys(user)
    drv.find_element(By.ID, "password").send_keys(password)
    drv.find_element(By.ID, "login").click()
    wait.until(EC.presence_of_element_located((By.ID, "charters")))
    drv.find_element(By.ID, "charters").click()
    wait.until(EC.presence_of_element_located((By.ID, "issue")))
    print("charters before:", len(drv.find_elements(By.CSS_SELECTOR, "#charters tbody tr")))
    for field, value in (("event", event), ("city", "Tupelo, MS"), ("date", "2026-05-09"),
                         ("code", "T7P-55UP")):
        drv.find_element(By.ID, field).send_keys(value)
    drv.save_screenshot(os.path.join(out, "hq-charters.png"))
    drv.execute_script("window.watOld = true")  # the page before: wait until it is gone
    drv.find_element(By.ID, "issue").click()
    WebDriverWait(drv, 20).until(lambda d: d.execute_script("return !window.watOld"))
    wait.until(EC.presence_of_element_located((By.ID, "headline")))
    said = drv.find_element(By.ID, "headline").text
    print("issued:", said)
    ok &= said.startswith("Issued the charter for event " + event)
    print("charters after:", len(drv.find_elements(By.CSS_SELECTOR, "#charters tbody tr")))
    ok &= len(drv.find_elements(By.ID, "charter-" + event)) == 1
    drv.save_screenshot(os.path.join(out, "hq-charter-issued.png"))
    ok &= fetch(drv.find_element(By.ID, "dl-charter").get_attribute("href"),
                event + ".charter") == 200
    key = drv.find_element(By.ID, "dl-key").get_attribute("href")
    ok &= fetch(key, event + ".event.key") == 200
    # once only: HQ keeps no copy
    ok &= fetch(key, "again.event.key") == 410
    # the same event id again: refused in words
    drv.find_element(By.ID, "event").send_keys(event)
    for field, value in (("city", "Tupelo, MS"), ("date", "2026-05-09"), ("code", "X")):
        drv.find_element(By.ID, field).send_keys(value)
    drv.execute_script("window.watOld = true")  # the page before: wait until it is gone
    drv.find_element(By.ID, "issue").click()
    WebDriverWait(drv, 20).until(lambda d: d.execute_script("return !window.watOld"))
    wait.until(EC.presence_of_element_located((By.ID, "headline")))
    said = drv.find_element(By.ID, "headline").text
    print("again:", said)
    ok &= "chartered event " + event + " before" in said
finally:
    drv.quit()
sys.exit(0 if ok else 1)

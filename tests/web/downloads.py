#!/usr/bin/python3
"""HQ staff's downloads in headless Chromium (Selenium): sign in, the
downloads page from the dashboard; an event's CSV and a bundle's file
fetched through the page's links with the browser's session into OUTDIR;
a screenshot.

  downloads.py URL USER PASSWORD BUNDLE_ID OUTDIR"""
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

url, user, password, bundle, out = sys.argv[1:6]
profile = tempfile.mkdtemp(prefix="wat-hq-chromium-")
opts = webdriver.ChromeOptions()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--window-size=1280,1100", "--user-data-dir=" + profile, "--log-level=3"):
    opts.add_argument(a)
drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
ok = True


def fetch(href, name):
    """GET href with the browser's own session cookie, into OUTDIR/name."""
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
    wait.until(EC.presence_of_element_located((By.ID, "downloads")))
    drv.find_element(By.ID, "downloads").click()
    wait.until(EC.presence_of_element_located((By.ID, "bundles")))
    links = drv.find_elements(By.CSS_SELECTOR, "#csvs a")
    print("csv links:", len(links))
    print("bundles:", len(drv.find_elements(By.CSS_SELECTOR, "#bundles tbody tr")))
    drv.save_screenshot(os.path.join(out, "hq-downloads.png"))
    ok &= fetch(drv.find_element(By.ID, "csv-national").get_attribute("href"),
                "national.csv") == 200
    event = [a for a in links if a.get_attribute("id").startswith("csv-event-")][0]
    ok &= fetch(event.get_attribute("href"), "event.csv") == 200
    files = drv.find_elements(By.CSS_SELECTOR, "#bundle-%s a" % bundle)
    print("bundle files:", " ".join(a.text for a in files))
    for a in files:
        ok &= fetch(a.get_attribute("href"), a.text) == 200
finally:
    drv.quit()
sys.exit(0 if ok else 1)

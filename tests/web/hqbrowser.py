"""What the browser tests of HQ's web inbox share: a headless Chromium of
its own profile, signing in as staff, sending a form and reading HQ's
answer on the page that comes back, and fetching a link with the browser's
own session (the pages' CSP lets no script fetch)."""
import os
import tempfile
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def chromium(size):
    """Headless Chromium with a window of size ("1280,1500")."""
    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=" + size,
              "--user-data-dir=" + tempfile.mkdtemp(prefix="wat-hq-chromium-"),
              "--log-level=3"):
        opts.add_argument(a)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)


def sign_in(drv, url, user, password):
    """The staff sign-in page, filled in and sent."""
    drv.get(url + "/staff")
    WebDriverWait(drv, 20).until(EC.presence_of_element_located((By.ID, "login")))
    drv.find_element(By.ID, "user").send_keys(user)
    drv.find_element(By.ID, "password").send_keys(password)
    drv.find_element(By.ID, "login").click()


def submit(drv, button):
    """Presses button and returns HQ's headline on the page that comes back
    (waiting for the new page first: the old one may have a headline too)."""
    drv.execute_script("window.watOld = true")
    button.click()
    WebDriverWait(drv, 20).until(lambda d: d.execute_script("return !window.watOld"))
    WebDriverWait(drv, 20).until(EC.presence_of_element_located((By.ID, "headline")))
    return drv.find_element(By.ID, "headline").text


def fetch(drv, href, out, name):
    """GET href with the browser's session cookie into out/name; prints and
    returns the HTTP status."""
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

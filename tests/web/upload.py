#!/usr/bin/python3
"""The upload page in headless Chromium (Selenium): a coordinator types the
code, chooses the bundle and its .minisig, sends, and reads HQ's answer;
then sends the same again.  Screenshots of the page and of each answer.

  upload.py URL CODE BUNDLE OUTDIR
Prints one line per step; exits 1 when an answer is not the expected one."""
import os
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

url, code, bundle, out = sys.argv[1:5]
profile = tempfile.mkdtemp(prefix="wat-hq-chromium-")
opts = webdriver.ChromeOptions()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--window-size=1024,760", "--user-data-dir=" + profile, "--log-level=3"):
    opts.add_argument(a)
drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
ok = True
try:
    def send(shot):
        drv.get(url + "/")
        WebDriverWait(drv, 10).until(EC.presence_of_element_located((By.ID, "send")))
        if shot:
            drv.save_screenshot(os.path.join(out, "hq-upload.png"))
        drv.find_element(By.ID, "code").send_keys(code)
        drv.find_element(By.ID, "files").send_keys(
            os.path.abspath(bundle) + "\n" + os.path.abspath(bundle + ".minisig"))
        drv.execute_script("window.watOld = true")  # the page before: wait until it is gone
        drv.find_element(By.ID, "send").click()
        WebDriverWait(drv, 20).until(lambda d: d.execute_script("return !window.watOld"))
        WebDriverWait(drv, 20).until(EC.presence_of_element_located((By.ID, "headline")))
        return drv.find_element(By.ID, "headline").text

    first = send(True)
    drv.save_screenshot(os.path.join(out, "hq-received.png"))
    print("first:", first)
    ok &= first.startswith("Received: ")
    again = send(False)
    drv.save_screenshot(os.path.join(out, "hq-already.png"))
    print("again:", again)
    ok &= again.startswith("Already received on ")
    # what a browser got is styled from the server alone
    css = drv.execute_script(
        "return getComputedStyle(document.getElementById('answer')).borderTopStyle")
    print("answer border:", css)
    ok &= css == "solid"
finally:
    drv.quit()
sys.exit(0 if ok else 1)

#!/usr/bin/python3
"""The upload page in headless Chromium (Selenium): a coordinator types the
code, chooses the bundle and its .minisig, sends, and reads HQ's answer;
then sends the same again.  Screenshots of the page and of each answer.

  upload.py URL CODE BUNDLE OUTDIR
Prints one line per step; exits 1 when an answer is not the expected one."""
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

import hqbrowser

url, code, bundle, out = sys.argv[1:5]
drv = hqbrowser.chromium("1024,760")
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
        return hqbrowser.submit(drv, drv.find_element(By.ID, "send"))

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

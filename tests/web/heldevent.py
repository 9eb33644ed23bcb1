#!/usr/bin/python3
"""HQ staff in headless Chromium (Selenium): an event without a charter
whose two stations' bundles are held; its key id checked on the page, then
accepted once for both stations with a reason; screenshots.

  heldevent.py URL USER PASSWORD EVENT_KEY_ID OUTDIR"""
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

import hqbrowser

url, user, password, key, out = sys.argv[1:6]
drv = hqbrowser.chromium("1280,1600")
ok = True
try:
    wait = WebDriverWait(drv, 20)
    hqbrowser.sign_in(drv, url, user, password)
    wait.until(EC.presence_of_element_located((By.ID, "who")))
    box = drv.find_element(By.ID, "event-" + key)
    print("event:", box.find_element(By.TAG_NAME, "p").text)
    shown = box.find_element(By.CSS_SELECTOR, "code.keyid").text
    print("key id shown:", shown)
    ok &= shown == key
    drv.execute_script("arguments[0].scrollIntoView()", box)
    drv.save_screenshot(os.path.join(out, "hq-held-event.png"))
    drv.find_element(By.ID, "reason-event-" + key).send_keys("key id read out by the coordinator")
    said = hqbrowser.submit(drv, drv.find_element(By.ID, "accept-event-" + key))
    print("decision:", said)
    for p in drv.find_elements(By.CSS_SELECTOR, "p.each"):
        print("each:", p.text)
    ok &= said.startswith("HQ accepts the event of key " + key)
    drv.save_screenshot(os.path.join(out, "hq-held-event-accepted.png"))
    drv.find_element(By.LINK_TEXT, "Back to the dashboard").click()
    wait.until(EC.presence_of_element_located((By.ID, "who")))
    print("held now:", len(drv.find_elements(By.CSS_SELECTOR, "div.held")))
    print("national:", drv.find_element(By.ID, "national").text)
finally:
    drv.quit()
sys.exit(0 if ok else 1)

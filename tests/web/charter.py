#!/usr/bin/python3
"""HQ staff issue a charter in headless Chromium (Selenium): sign in, the
charters page from the dashboard, the form filled in, issued; both files
fetched through the page's links (the browser's own session) into OUTDIR;
the events list shows the new charter; screenshots.

  charter.py URL USER PASSWORD EVENT OUTDIR"""
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

import hqbrowser

url, user, password, event, out = sys.argv[1:6]
drv = hqbrowser.chromium("1280,1500")
ok = True



try:
    wait = WebDriverWait(drv, 20)
    hqbrowser.sign_in(drv, url, user, password)
    wait.until(EC.presence_of_element_located((By.ID, "charters")))
    drv.find_element(By.ID, "charters").click()
    wait.until(EC.presence_of_element_located((By.ID, "issue")))
    print("charters before:", len(drv.find_elements(By.CSS_SELECTOR, "#charters tbody tr")))
    for field, value in (("event", event), ("city", "Tupelo, MS"), ("date", "2026-05-09"),
                         ("code", "T7P-55UP")):
        drv.find_element(By.ID, field).send_keys(value)
    drv.save_screenshot(os.path.join(out, "hq-charters.png"))
    said = hqbrowser.submit(drv, drv.find_element(By.ID, "issue"))
    print("issued:", said)
    ok &= said.startswith("Issued the charter for event " + event)
    print("charters after:", len(drv.find_elements(By.CSS_SELECTOR, "#charters tbody tr")))
    ok &= len(drv.find_elements(By.ID, "charter-" + event)) == 1
    drv.save_screenshot(os.path.join(out, "hq-charter-issued.png"))
    ok &= hqbrowser.fetch(drv, drv.find_element(By.ID, "dl-charter").get_attribute("href"), out,
                            event + ".charter") == 200
    key = drv.find_element(By.ID, "dl-key").get_attribute("href")
    ok &= hqbrowser.fetch(drv, key, out, event + ".event.key") == 200
    # once only: HQ keeps no copy
    ok &= hqbrowser.fetch(drv, key, out, "again.event.key") == 410
    # the same event id again: refused in words
    drv.find_element(By.ID, "event").send_keys(event)
    for field, value in (("city", "Tupelo, MS"), ("date", "2026-05-09"), ("code", "X")):
        drv.find_element(By.ID, field).send_keys(value)
    said = hqbrowser.submit(drv, drv.find_element(By.ID, "issue"))
    print("again:", said)
    ok &= "chartered event " + event + " before" in said
finally:
    drv.quit()
sys.exit(0 if ok else 1)

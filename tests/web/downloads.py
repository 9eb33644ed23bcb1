#!/usr/bin/python3
"""HQ staff's downloads in headless Chromium (Selenium): sign in, the
downloads page from the dashboard; an event's CSV and a bundle's file
fetched through the page's links with the browser's session into OUTDIR;
a screenshot.

  downloads.py URL USER PASSWORD BUNDLE_ID OUTDIR"""
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

import hqbrowser

url, user, password, bundle, out = sys.argv[1:6]
drv = hqbrowser.chromium("1280,1100")
ok = True




try:
    wait = WebDriverWait(drv, 20)
    hqbrowser.sign_in(drv, url, user, password)
    wait.until(EC.presence_of_element_located((By.ID, "downloads")))
    drv.find_element(By.ID, "downloads").click()
    wait.until(EC.presence_of_element_located((By.ID, "bundles")))
    links = drv.find_elements(By.CSS_SELECTOR, "#csvs a")
    print("csv links:", len(links))
    print("bundles:", len(drv.find_elements(By.CSS_SELECTOR, "#bundles tbody tr")))
    drv.save_screenshot(os.path.join(out, "hq-downloads.png"))
    ok &= hqbrowser.fetch(drv, drv.find_element(By.ID, "csv-national").get_attribute("href"), out,
                            "national.csv") == 200
    event = [a for a in links if a.get_attribute("id").startswith("csv-event-")][0]
    ok &= hqbrowser.fetch(drv, event.get_attribute("href"), out, "event.csv") == 200
    files = drv.find_elements(By.CSS_SELECTOR, "#bundle-%s a" % bundle)
    print("bundle files:", " ".join(a.text for a in files))
    for a in files:
        ok &= hqbrowser.fetch(drv, a.get_attribute("href"), out, a.text) == 200
finally:
    drv.quit()
sys.exit(0 if ok else 1)

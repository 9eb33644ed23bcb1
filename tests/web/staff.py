#!/usr/bin/python3
"""HQ staff in headless Chromium (Selenium): sign in, the dashboard with a
held bundle, accept it with a reason, back to the dashboard's tables; an
admin adds a staff account; screenshots.

  staff.py URL USER PASSWORD HELD_ID OUTDIR"""
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

import hqbrowser

url, user, password, held, out = sys.argv[1:6]
drv = hqbrowser.chromium("1280,2000")
ok = True
try:
    wait = WebDriverWait(drv, 20)
    hqbrowser.sign_in(drv, url, user, password)
    wait.until(EC.presence_of_element_located((By.ID, "who")))
    print("signed in as:", drv.find_element(By.ID, "who").text)
    ok &= drv.find_element(By.ID, "who").text == user
    ok &= "national total" in drv.find_element(By.ID, "stations").text
    drv.save_screenshot(os.path.join(out, "hq-held.png"))
    drv.find_element(By.ID, "reason-" + held).send_keys("phoned the coordinator")
    said = hqbrowser.submit(drv, drv.find_element(By.ID, "accept-" + held))
    print("decision:", said)
    ok &= said.startswith("Accepted ")
    drv.find_element(By.LINK_TEXT, "Back to the dashboard").click()
    wait.until(EC.presence_of_element_located((By.ID, "noheld")))
    print("held now:", drv.find_element(By.ID, "noheld").text)
    print("national:", drv.find_element(By.ID, "national").text, "of",
          drv.find_element(By.ID, "goal").text)
    print("close-outs:", len(drv.find_elements(By.CSS_SELECTOR, "#closeouts tbody tr")))
    print("not uploaded:", len(drv.find_elements(By.CSS_SELECTOR, "#uploads tr.late")))
    drv.save_screenshot(os.path.join(out, "hq-dashboard.png"))
    # an admin adds an account
    drv.find_element(By.ID, "accounts").click()
    wait.until(EC.presence_of_element_located((By.ID, "new-name")))
    drv.find_element(By.ID, "new-name").send_keys("cal")
    drv.find_element(By.ID, "new-password").send_keys("a long password")
    said = hqbrowser.submit(drv, drv.find_element(By.ID, "add"))
    print("accounts:", said)
    ok &= said == "Added cal."
    ok &= len(drv.find_elements(By.ID, "account-cal")) == 1
    drv.save_screenshot(os.path.join(out, "hq-accounts.png"))
finally:
    drv.quit()
sys.exit(0 if ok else 1)

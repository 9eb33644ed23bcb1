#!/usr/bin/python3
"""HQ staff in headless Chromium (Selenium): sign in, the dashboard with a
held bundle, accept it with a reason, back to the dashboard's tables; an
admin adds a staff account; screenshots.

  staff.py URL USER PASSWORD HELD_ID OUTDIR"""
import os
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

url, user, password, held, out = sys.argv[1:6]
profile = tempfile.mkdtemp(prefix="wat-hq-chromium-")
opts = webdriver.ChromeOptions()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--window-size=1280,2000", "--user-data-dir=" + profile, "--log-level=3"):
    opts.add_argument(a)
drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
ok = True
try:
    wait = WebDriverWait(drv, 20)
    drv.get(url + "/staff")
    wait.until(EC.presence_of_element_located((By.ID, "login")))
    drv.find_element(By.ID, "user").send_keys(user)
    drv.find_element(By.ID, "password").send_keys(password)
    drv.find_element(By.ID, "login").click()
    wait.until(EC.presence_of_element_located((By.ID, "who")))
    print("signed in as:", drv.find_element(By.ID, "who").text)
    ok &= drv.find_element(By.ID, "who").text == user
    ok &= "national total" in drv.find_element(By.ID, "stations").text
    drv.save_screenshot(os.path.join(out, "hq-held.png"))
    drv.find_element(By.ID, "reason-" + held).send_keys("phoned the coordinator")
    drv.execute_script("window.watOld = true")  # the page before: wait until it is gone
    drv.find_element(By.ID, "accept-" + held).click()
    WebDriverWait(drv, 20).until(lambda d: d.execute_script("return !window.watOld"))
    wait.until(EC.presence_of_element_located((By.ID, "headline")))
    said = drv.find_element(By.ID, "headline").text
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
    drv.execute_script("window.watOld = true")  # the page before: wait until it is gone
    drv.find_element(By.ID, "add").click()
    WebDriverWait(drv, 20).until(lambda d: d.execute_script("return !window.watOld"))
    wait.until(EC.presence_of_element_located((By.ID, "headline")))
    said = drv.find_element(By.ID, "headline").text
    print("accounts:", said)
    ok &= said == "Added cal."
    ok &= len(drv.find_elements(By.ID, "account-cal")) == 1
    drv.save_screenshot(os.path.join(out, "hq-accounts.png"))
finally:
    drv.quit()
sys.exit(0 if ok else 1)

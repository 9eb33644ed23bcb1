#!/usr/bin/python3
"""A pledge payment by mail in headless Chromium (Selenium): sign in, the
dashboard's pledges, the payment page; a statement's number read from a
photo of it, a payment with a gift, the same statement again refused, a
typed unknown number refused; screenshots.

  pay.py URL USER PASSWORD PHOTO OUTDIR"""
import os
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

url, user, password, photo, out = sys.argv[1:6]
profile = tempfile.mkdtemp(prefix="wat-hq-chromium-")
opts = webdriver.ChromeOptions()
for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
          "--window-size=1280,1400", "--user-data-dir=" + profile, "--log-level=3"):
    opts.add_argument(a)
drv = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
ok = True


def headline(wait):
    wait.until(EC.presence_of_element_located((By.ID, "headline")))
    return drv.find_element(By.ID, "headline").text


def pledged():
    row = drv.find_element(By.ID, "pledges-national")
    return [td.text for td in row.find_elements(By.TAG_NAME, "td")][1:]


try:
    wait = WebDriverWait(drv, 20)
    drv.get(url + "/staff")
    wait.until(EC.presence_of_element_located((By.ID, "login")))
    drv.find_element(By.ID, "user").send_keys(user)
    drv.find_element(By.ID, "password").send_keys(password)
    drv.find_element(By.ID, "login").click()
    wait.until(EC.presence_of_element_located((By.ID, "pledges")))
    print("before:", " | ".join(pledged()))
    drv.find_element(By.ID, "pay").click()
    wait.until(EC.presence_of_element_located((By.ID, "photo")))
    # the statement's QR from a photo of it
    drv.find_element(By.ID, "photo").send_keys(os.path.abspath(photo))
    drv.execute_script("window.watOld = true")  # the page before: wait until it is gone
    drv.find_element(By.ID, "read").click()
    WebDriverWait(drv, 20).until(lambda d: d.execute_script("return !window.watOld"))
    said = headline(wait)
    print("photo:", said)
    ok &= said.startswith("Read from the photo: S:")
    statement = drv.find_element(By.ID, "statement").get_attribute("value")
    print("statement:", statement)
    ok &= statement.startswith("S:")
    drv.find_element(By.ID, "amount").send_keys("60.00")
    Select(drv.find_element(By.ID, "method")).select_by_value("check")
    drv.find_element(By.ID, "check_no").send_keys("2071")
    drv.save_screenshot(os.path.join(out, "hq-pay.png"))
    drv.execute_script("window.watOld = true")  # the page before: wait until it is gone
    drv.find_element(By.ID, "record").click()
    WebDriverWait(drv, 20).until(lambda d: d.execute_script("return !window.watOld"))
    said = headline(wait)
    print("recorded:", said)
    ok &= said.startswith("Recorded payment ")
    drv.save_screenshot(os.path.join(out, "hq-paid.png"))
    # the same statement again: already paid, nothing recorded
    drv.find_element(By.ID, "statement").send_keys(statement)
    drv.find_element(By.ID, "amount").send_keys("5")
    Select(drv.find_element(By.ID, "method")).select_by_value("cash")
    drv.execute_script("window.watOld = true")  # the page before: wait until it is gone
    drv.find_element(By.ID, "record").click()
    WebDriverWait(drv, 20).until(lambda d: d.execute_script("return !window.watOld"))
    said = headline(wait)
    print("again:", said)
    ok &= "already paid" in said
    # a number HQ never saw (a typo in its ledger part)
    drv.find_element(By.ID, "statement").clear()
    drv.find_element(By.ID, "statement").send_keys(statement[:-1] + ("0" if statement[-1] != "0" else "1"))
    drv.find_element(By.ID, "amount").send_keys("5")
    Select(drv.find_element(By.ID, "method")).select_by_value("cash")
    drv.execute_script("window.watOld = true")  # the page before: wait until it is gone
    drv.find_element(By.ID, "record").click()
    WebDriverWait(drv, 20).until(lambda d: d.execute_script("return !window.watOld"))
    said = headline(wait)
    print("unknown:", said)
    ok &= said.startswith("HQ does not know statement")
    drv.save_screenshot(os.path.join(out, "hq-pay-refused.png"))
    print("payments:", len(drv.find_elements(By.CSS_SELECTOR, "#payments tbody tr")))
    drv.find_element(By.LINK_TEXT, "Back to the dashboard").click()
    wait.until(EC.presence_of_element_located((By.ID, "pledges")))
    print("after:", " | ".join(pledged()))
    drv.execute_script("document.getElementById('pledges').scrollIntoView()")
    drv.save_screenshot(os.path.join(out, "hq-pledges.png"))
finally:
    drv.quit()
sys.exit(0 if ok else 1)

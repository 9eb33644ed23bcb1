#!/usr/bin/python3
"""A pledge payment by mail in headless Chromium (Selenium): sign in, the
dashboard's pledges, the payment page; a statement's number read from a
photo of it, a payment with a gift, the same statement again refused, a
typed unknown number refused; screenshots.

  pay.py URL USER PASSWORD PHOTO OUTDIR"""
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

import hqbrowser

url, user, password, photo, out = sys.argv[1:6]
drv = hqbrowser.chromium("1280,1400")
ok = True


def pledged():
    row = drv.find_element(By.ID, "pledges-national")
    return [td.text for td in row.find_elements(By.TAG_NAME, "td")][1:]


try:
    wait = WebDriverWait(drv, 20)
    hqbrowser.sign_in(drv, url, user, password)
    wait.until(EC.presence_of_element_located((By.ID, "pledges")))
    print("before:", " | ".join(pledged()))
    drv.find_element(By.ID, "pay").click()
    wait.until(EC.presence_of_element_located((By.ID, "photo")))
    # the statement's QR from a photo of it
    drv.find_element(By.ID, "photo").send_keys(os.path.abspath(photo))
    said = hqbrowser.submit(drv, drv.find_element(By.ID, "read"))
    print("photo:", said)
    ok &= said.startswith("Read from the photo: S:")
    statement = drv.find_element(By.ID, "statement").get_attribute("value")
    print("statement:", statement)
    ok &= statement.startswith("S:")
    drv.find_element(By.ID, "amount").send_keys("60.00")
    Select(drv.find_element(By.ID, "method")).select_by_value("check")
    drv.find_element(By.ID, "check_no").send_keys("2071")
    drv.save_screenshot(os.path.join(out, "hq-pay.png"))
    said = hqbrowser.submit(drv, drv.find_element(By.ID, "record"))
    print("recorded:", said)
    ok &= said.startswith("Recorded payment ")
    drv.save_screenshot(os.path.join(out, "hq-paid.png"))
    # the same statement again: already paid, nothing recorded
    drv.find_element(By.ID, "statement").send_keys(statement)
    drv.find_element(By.ID, "amount").send_keys("5")
    Select(drv.find_element(By.ID, "method")).select_by_value("cash")
    said = hqbrowser.submit(drv, drv.find_element(By.ID, "record"))
    print("again:", said)
    ok &= "already paid" in said
    # a number HQ never saw (a typo in its ledger part)
    drv.find_element(By.ID, "statement").clear()
    drv.find_element(By.ID, "statement").send_keys(statement[:-1] + ("0" if statement[-1] != "0" else "1"))
    drv.find_element(By.ID, "amount").send_keys("5")
    Select(drv.find_element(By.ID, "method")).select_by_value("cash")
    said = hqbrowser.submit(drv, drv.find_element(By.ID, "record"))
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

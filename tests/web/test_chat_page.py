"""The website chat in headless Chromium against a real running assistant."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from actions.texts import text
from tests.web.conftest import HOST_TITLE, NEUTRAL_TITLE, as_phone, embed_snippet, new_browser, until

pytestmark = pytest.mark.e2e

SESSION_RE = re.compile(r"^[0-9a-f]{32}\.[0-9a-f]{32}$")


def log_text(driver) -> str:
    return driver.execute_script("return document.querySelector('.dv-log').innerText")


def choices(driver):
    return driver.find_elements(By.CSS_SELECTOR, ".dv-choices .dv-choice")


def click_choice(driver, contains: str) -> None:
    def find():
        for b in choices(driver):
            if contains in b.text:
                return b
        return None

    until(find, what=f"a choice containing {contains!r}").click()


def wait_for_text(driver, needle: str, seconds: float = 30) -> None:
    until(lambda: needle in log_text(driver), seconds, what=f"{needle!r} in the chat")


def session_id(driver) -> str:
    return until(
        lambda: json.loads(driver.execute_script("return sessionStorage.getItem('dvchat:session') || 'null'")),
        what="a session id",
    )


def open_chat(driver, assistant, lang: str = "ru") -> str:
    driver.get(assistant.chat_url + "?lang=" + lang)
    wait_for_text(driver, text(lang, "welcome").split(".")[0])
    until(lambda: choices(driver), what="the menu buttons")
    return session_id(driver)


def page_text(driver, key: str) -> str:
    """The page's own text (web/i18n.js) in the page's current language."""
    return driver.execute_script("return window.DVChatText[document.documentElement.lang][arguments[0]]", key)


def announced(driver) -> str:
    return driver.execute_script("return document.querySelector('.dv-announce').textContent")


def press(driver, *keys) -> None:
    actions = ActionChains(driver)
    for key in keys:
        actions.key_down(key).key_up(key)
    actions.perform()


def boxes(driver) -> dict:
    """Where things are on the screen (CSS px, relative to the viewport)."""
    return driver.execute_script("""
        const box = (el) => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, height: r.height}; };
        const log = document.querySelector('.dv-log');
        const bots = [...log.querySelectorAll('.dv-msg')];
        let start = null;  // the first bot message after the person's last one
        for (const m of bots) { if (m.classList.contains('dv-user')) start = null; else if (!start) start = m; }
        return {viewport: innerHeight, scrolled: scrollY, log: box(log), scrollTop: log.scrollTop,
                atBottom: log.scrollTop + log.clientHeight >= log.scrollHeight - 2,
                notice: box(document.querySelector('.dv-notice')), header: box(document.querySelector('.dv-header')),
                hint: document.querySelector('.dv-hint').offsetParent ? box(document.querySelector('.dv-hint')) : null,
                answerStart: start && box(start),
                choices: [...log.querySelectorAll('.dv-choice')].map(box)};""")


def test_full_conversation_to_contacts_by_buttons(web_assistant, browser, shot):
    me = open_chat(browser, web_assistant)
    assert SESSION_RE.match(me)
    shot(browser, "1-welcome")
    click_choice(browser, text("ru", "menu.legal"))
    until(lambda: any("Гомельская" in b.text for b in choices(browser)), what="region buttons")
    shot(browser, "2-regions")
    click_choice(browser, "Гомельская")
    click_choice(browser, text("ru", "whole_region"))
    wait_for_text(browser, text("ru", "followup_prompt"))
    shot(browser, "3-contacts")
    page = log_text(browser)
    assert text("ru", "help_names.legal") in page
    assert "8-801-100-8-801" in page and "102" in page
    # Phone numbers are tappable; the user's taps show as their titles, not as payloads.
    assert browser.find_elements(By.CSS_SELECTOR, '.dv-bot a[href="tel:88011008801"]')
    assert "/need_legal" not in page
    slots = web_assistant.tracker(me)["slots"]
    assert (slots["help_type"], slots["region"]) == ("legal", "BY-HO")
    # The history lives in sessionStorage only, and a reload shows it again in the same session.
    assert browser.execute_script("return localStorage.length") == 0
    assert browser.execute_script("return document.cookie") == ""
    browser.refresh()
    wait_for_text(browser, text("ru", "followup_prompt"))
    assert session_id(browser) == me


def test_typed_free_text(web_assistant, browser, shot):
    me = open_chat(browser, web_assistant)
    box = browser.find_element(By.ID, "dv-input")
    box.send_keys("нужен юрист в Гомеле", Keys.ENTER)
    # the city, not «Гомельский район»: its urban districts are asked, with "whole city"
    wait_for_text(browser, text("ru", "whole_city"))
    shot(browser, "typed")
    assert browser.find_elements(By.XPATH, "//div[contains(@class,'dv-user')][contains(., 'нужен юрист в Гомеле')]")
    slots = web_assistant.tracker(me)["slots"]
    assert (slots["help_type"], slots["region"]) == ("legal", "BY-HO")
    # The typing indicator shows from sending until the reply.
    bubbles = len(browser.find_elements(By.CSS_SELECTOR, ".dv-bot"))
    assert (
        browser.execute_script("""const box = document.getElementById('dv-input'); box.value = 'спасибо';
        box.form.requestSubmit(); return document.querySelector('.dv-typing').hidden""")
        is False
    )
    until(lambda: len(browser.find_elements(By.CSS_SELECTOR, ".dv-bot")) > bubbles, what="a reply")
    until(lambda: not browser.find_element(By.CSS_SELECTOR, ".dv-typing").is_displayed(), 5, what="typing to stop")


def test_language_switch(web_assistant, browser, shot):
    me = open_chat(browser, web_assistant)
    strings = browser.execute_script("return window.DVChatText")
    assert set(strings) == {"ru", "be", "en"}
    assert set(strings["ru"]) == set(strings["be"]) == set(strings["en"])
    browser.find_element(By.CSS_SELECTOR, 'button.dv-lang[data-lang="be"]').click()
    wait_for_text(browser, text("be", "language_set"))
    assert browser.execute_script("return document.documentElement.lang") == "be"
    assert browser.find_element(By.CSS_SELECTOR, ".dv-exit").text == strings["be"]["exit"]
    assert browser.find_element(By.CSS_SELECTOR, 'button.dv-lang[data-lang="be"]').get_attribute("aria-pressed") == "true"
    shot(browser, "belarusian")
    assert web_assistant.tracker(me)["slots"]["language"] == "be"
    browser.find_element(By.CSS_SELECTOR, 'button.dv-lang[data-lang="en"]').click()
    wait_for_text(browser, text("en", "language_set"))
    assert browser.find_element(By.CSS_SELECTOR, ".dv-exit").text == "Exit this page"
    assert web_assistant.tracker(me)["slots"]["language"] == "en"


def assert_left_and_erased(driver, assistant, me: str) -> None:
    until(lambda: driver.title == NEUTRAL_TITLE, 10, what="the neutral site")
    assert driver.current_url == assistant.neutral_url
    # The neutral site does not learn where the visitor came from.
    assert assistant.neutral_referers[-1] is None
    # The conversation is gone from the server (checked in the store, then through the HTTP API).
    until(lambda: assistant.stored_events(me) == 0, 10, what="the tracker to be erased")
    tracker = assistant.tracker(me)
    assert not [e for e in tracker["events"] if e["event"] in ("user", "bot")]
    assert tracker["slots"].get("help_type") is None
    # Back does not return to the chat.
    driver.back()
    until(lambda: driver.execute_script("return document.readyState") == "complete", 10, what="back")
    assert "/chat" not in driver.current_url
    # This tab's sessionStorage for the chat's site is empty (same tab, same origin, no page script).
    driver.get(assistant.base + "/webhooks/socketio/")
    assert driver.execute_script("return sessionStorage.length") == 0
    assert driver.execute_script("return localStorage.length") == 0


def test_quick_exit_by_button(web_assistant, browser, shot):
    browser.get("about:blank")
    me = open_chat(browser, web_assistant)
    click_choice(browser, text("ru", "menu.legal"))
    until(lambda: any("Гомельская" in b.text for b in choices(browser)), what="region buttons")
    assert web_assistant.stored_events(me) > 0
    shot(browser, "before-exit")
    browser.find_element(By.CSS_SELECTOR, ".dv-exit").click()
    assert_left_and_erased(browser, web_assistant, me)
    shot(browser, "after-exit")


def test_quick_exit_by_shift_three_times(web_assistant, browser, shot):
    browser.get("about:blank")
    me = open_chat(browser, web_assistant)
    box = browser.find_element(By.ID, "dv-input")
    # Shift used for capital letters does not count.
    box.send_keys("Мне Нужен ЮРИСТ")
    assert "/chat" in browser.current_url
    box.send_keys(Keys.ENTER)
    wait_for_text(browser, "Мне Нужен ЮРИСТ")
    until(lambda: any("Гомельская" in b.text for b in choices(browser)), what="region buttons")
    assert "/chat" in browser.current_url
    actions = ActionChains(browser)
    for _ in range(3):
        actions.key_down(Keys.SHIFT).key_up(Keys.SHIFT)
    actions.perform()
    assert_left_and_erased(browser, web_assistant, me)


def test_shift_presses_spread_over_more_than_5_seconds_do_not_exit(web_assistant, browser):
    open_chat(browser, web_assistant)
    browser.execute_script("""
        const now = Date.now(); let t = now - 6000;
        Date.now = () => t;  // two presses 6 s ago, one now
        for (const at of [now - 6000, now - 5500, now]) {
          t = at;
          document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Shift'}));
          document.dispatchEvent(new KeyboardEvent('keyup', {key: 'Shift'}));
        }""")
    assert "/chat" in browser.current_url
    assert browser.execute_script("return sessionStorage.getItem('dvchat:session')")


def test_injected_script_does_not_run(web_assistant, browser, shot):
    open_chat(browser, web_assistant)
    attack = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'
    browser.find_element(By.ID, "dv-input").send_keys(attack, Keys.ENTER)
    wait_for_text(browser, attack)
    # A crafted bot message through the page's own rendering function.
    browser.execute_script("""window.DVChat.render({from: 'bot', text:
        '<script>window.__xss=3<\\/script> <b onclick="x">bold</b> see https://example.org/a?b=1. or javascript:alert(1)'});""")
    shot(browser, "injection")
    assert browser.execute_script("return window.__xss") is None
    log = browser.find_element(By.CSS_SELECTOR, ".dv-log")
    assert not log.find_elements(By.CSS_SELECTOR, "script, img, b, [onerror], [onclick]")
    assert "<script>window.__xss=3</script>" in log.text
    links = [a.get_attribute("href") for a in log.find_elements(By.CSS_SELECTOR, ".dv-bot a")]
    assert "https://example.org/a?b=1" in links
    assert not [href for href in links if href.startswith("javascript")]


def test_phone_layout_360px_and_keyboard_only(web_assistant, shot):
    driver = new_browser(width=360, height=740)
    try:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {"width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": True}
        )
        open_chat(driver, web_assistant)
        assert driver.execute_script("return window.innerWidth") == 360

        def fits():
            return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")

        assert fits(), "horizontal scroll at 360 px"
        rect = driver.execute_script("return document.querySelector('.dv-exit').getBoundingClientRect().toJSON()")
        assert rect["right"] <= 360 and rect["top"] >= 0 and rect["bottom"] <= 740 and rect["width"] > 40
        shot(driver, "360-welcome")
        # Keyboard alone: the exit button is the first stop; Tab reaches the menu; Enter taps it.
        body = driver.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        assert driver.switch_to.active_element.get_attribute("class") == "dv-exit"
        for _ in range(40):
            ActionChains(driver).send_keys(Keys.TAB).perform()
            focused = driver.switch_to.active_element
            if focused.get_attribute("class") == "dv-choice" and text("ru", "menu.legal") in focused.text:
                break
        else:
            raise AssertionError("Tab never reached the legal help button")
        ActionChains(driver).send_keys(Keys.ENTER).perform()
        until(lambda: any("Минская" in b.text for b in choices(driver)), what="region buttons")
        driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
        assert fits(), "horizontal scroll at 360 px with the region buttons"
        rect = driver.execute_script("return document.querySelector('.dv-exit').getBoundingClientRect().toJSON()")
        assert rect["top"] >= 0 and rect["bottom"] <= 740, "the exit button scrolled out of view"
        shot(driver, "360-regions")
        # Screen-reader labels.
        assert driver.find_element(By.CSS_SELECTOR, "label[for=dv-input]").get_attribute("textContent")
        assert driver.find_element(By.CSS_SELECTOR, ".dv-log").get_attribute("role") == "log"
        # The safety page: the exit button stays; it explains history and private browsing.
        driver.find_element(By.CSS_SELECTOR, "[data-testid=safety]").click()
        safety = driver.find_element(By.CSS_SELECTOR, ".dv-safety-view")
        assert safety.is_displayed() and "Ctrl+Shift+N" in safety.text and "истори" in safety.text
        assert driver.find_element(By.CSS_SELECTOR, ".dv-exit").is_displayed()
        assert fits()
        shot(driver, "360-safety")
    finally:
        driver.quit()


GOMEL = {"ru": "Гомельская", "be": "Гомельская", "en": "Gomel"}


@pytest.mark.parametrize("lang", ["ru", "be", "en"])
def test_phone_360x640_each_answer_from_its_first_line(web_assistant, shot, lang):
    """A touch phone, 360×640: header and notices take at most a quarter of the screen, no Shift
    hint, the welcome and the menu's first options without scrolling, and an answer longer
    than the screen shown from its first line (the issue saw its tail: "Сейчас линия закрыта…")."""
    driver = new_browser(width=360, height=640, lang=lang)
    try:
        as_phone(driver)
        open_chat(driver, web_assistant, lang)
        until(lambda: len(boxes(driver)["choices"]) > 3, what="the whole menu")
        b = boxes(driver)
        assert b["viewport"] == 640 and b["scrolled"] == 0 and b["header"]["top"] == 0
        assert b["notice"]["bottom"] <= 160, f"header and notices take {b['notice']['bottom']} px of 640"
        assert b["hint"] is None, "the Shift hint shows on a touch screen"
        assert b["log"]["bottom"] <= 640
        assert b["answerStart"]["top"] >= b["log"]["top"] - 1, "the welcome's first line is cut off"
        shot(driver, "welcome")
        visible = [c for c in b["choices"] if c["bottom"] <= b["log"]["bottom"]]
        assert len(visible) >= 2, f"{len(visible)} menu options visible without scrolling: {b}"
        click_choice(driver, text(lang, "menu.legal"))
        click_choice(driver, GOMEL[lang])
        click_choice(driver, text(lang, "whole_region"))
        wait_for_text(driver, text(lang, "followup_prompt"))
        b = boxes(driver)
        start, log = b["answerStart"], b["log"]
        assert log["top"] - 1 <= start["top"] <= log["top"] + 12, f"the answer does not start at the top: {b}"
        assert not b["atBottom"], "the log jumped to the answer's tail"
        assert b["scrolled"] == 0 and b["notice"]["bottom"] <= 160
        shot(driver, "contacts")
        # The person's own next message is shown (the log follows it to the bottom).
        driver.find_element(By.ID, "dv-input").send_keys("спасибо" if lang != "en" else "thanks", Keys.ENTER)

        def reply_in_view():
            now = boxes(driver)
            return now["answerStart"] and now["log"]["top"] - 1 <= now["answerStart"]["top"] < now["log"]["bottom"]

        until(reply_in_view, what="the reply to 'thanks' in view")
    finally:
        driver.quit()


def test_shift_hint_only_where_there_is_a_keyboard(web_assistant, browser):
    open_chat(browser, web_assistant)  # no touch screen: a desktop, so a keyboard
    hint = browser.find_element(By.CSS_SELECTOR, ".dv-hint")
    assert hint.is_displayed() and "Shift" in hint.text
    phone = new_browser(width=360, height=640)
    try:
        as_phone(phone)
        open_chat(phone, web_assistant)
        assert not phone.find_element(By.CSS_SELECTOR, ".dv-hint").is_displayed()
        press(phone, Keys.TAB)  # a keyboard attached to the phone or tablet
        assert phone.find_element(By.CSS_SELECTOR, ".dv-hint").is_displayed()
    finally:
        phone.quit()


def test_shift_presses_are_announced_and_reset_like_govuk(web_assistant, browser, shot):
    """GOV.UK "Exit this page": each press is announced to screen readers and lights a dot;
    another key or 5 s without a press resets the count (and says so)."""
    open_chat(browser, web_assistant, "en")
    exit_link = browser.find_element(By.CSS_SELECTOR, ".dv-exit")
    live = browser.find_element(By.CSS_SELECTOR, ".dv-announce")
    assert live.get_attribute("role") == "status" and announced(browser) == ""
    press(browser, Keys.SHIFT)
    assert announced(browser) == "Shift, press 2 more times to exit."
    assert exit_link.get_attribute("data-presses") == "1"
    press(browser, Keys.SHIFT)
    assert announced(browser) == "Shift, press 1 more time to exit."
    assert exit_link.get_attribute("data-presses") == "2"
    shot(browser, "two-presses")
    press(browser, "a")  # any other key resets
    assert announced(browser) == page_text(browser, "shift_reset") == "Exit this page expired."
    assert exit_link.get_attribute("data-presses") is None
    press(browser, Keys.SHIFT, Keys.SHIFT)
    assert "/chat" in browser.current_url and announced(browser) == "Shift, press 1 more time to exit."
    time.sleep(5.5)  # the timeout itself is what is tested here
    assert announced(browser) == "Exit this page expired."
    assert exit_link.get_attribute("data-presses") is None
    press(browser, Keys.SHIFT)
    assert announced(browser) == "Shift, press 2 more times to exit." and "/chat" in browser.current_url
    # The same messages exist in Russian and Belarusian.
    for lang in ("ru", "be"):
        strings = browser.execute_script("return window.DVChatText[arguments[0]]", lang)
        assert "2" in strings["shift_2"] and "1" in strings["shift_1"] and strings["shift_reset"]


def test_without_javascript_the_exit_link_still_leaves(web_assistant):
    """The page and docs/WEBSITE.md's embed snippet both carry a plain link to the neutral site."""
    assert 'class="dv-exit" href="https://www.google.com/"' in embed_snippet()
    driver = new_browser(javascript=False)
    try:
        for url in (web_assistant.chat_url, web_assistant.embed_url):
            driver.get(url)
            link = driver.find_element(By.CSS_SELECTOR, "a.dv-exit")
            assert not driver.find_elements(By.CSS_SELECTOR, ".dv-log"), "the script ran"
            assert link.get_attribute("href") == web_assistant.neutral_url
            link.click()
            until(lambda: driver.title == NEUTRAL_TITLE, 10, what="the neutral site")
            assert web_assistant.neutral_referers[-1] is None
    finally:
        driver.quit()


def test_embedded_on_another_site_by_the_readme_snippet(web_assistant, browser, shot):
    browser.get(web_assistant.embed_url)
    wait_for_text(browser, text("ru", "welcome").split(".")[0])
    assert browser.title == HOST_TITLE
    me = session_id(browser)
    click_choice(browser, text("ru", "menu.legal"))
    until(lambda: any("Гомельская" in b.text for b in choices(browser)), what="region buttons")
    assert web_assistant.stored_events(me) > 0
    shot(browser, "embedded")
    press(browser, Keys.SHIFT, Keys.SHIFT, Keys.SHIFT)
    until(lambda: browser.title == NEUTRAL_TITLE, 10, what="the neutral site")
    until(lambda: web_assistant.stored_events(me) == 0, 10, what="the tracker to be erased")


def post(url: str, body: bytes, origin: str = None) -> int:
    headers = {"Content-Type": "text/plain"}
    if origin:
        headers["Origin"] = origin
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=headers), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_erase_and_socket_are_limited_to_the_site_and_real_sessions(web_assistant):
    erase = web_assistant.base + "/webhooks/socketio/erase"
    assert post(erase, b"a1b2c3") == 400  # only server-issued ids: a REST sender id cannot be erased
    assert post(erase, b"0" * 32 + b"." + b"0" * 32) == 400  # forged signature
    assert post(erase, b"0" * 32 + b"." + b"0" * 32, origin="https://evil.example") == 403
    handshake = urllib.request.Request(
        web_assistant.base + "/socket.io/?EIO=4&transport=polling", headers={"Origin": "https://evil.example"}
    )
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(handshake, timeout=10)
    same = urllib.request.Request(
        web_assistant.base + "/socket.io/?EIO=4&transport=polling", headers={"Origin": web_assistant.base}
    )
    with urllib.request.urlopen(same, timeout=10) as response:
        assert response.status == 200
    with urllib.request.urlopen(web_assistant.chat_url, timeout=10) as response:
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
        page = response.read().decode()
    # The configured neutral site, also in the exit link shown before (or without) the script.
    assert f'href="{web_assistant.neutral_url}"' in page and "google" not in page


def test_a_browser_cannot_take_over_another_session(web_assistant, browser):
    """A second browser that presents someone else's id in session_request gets that id only if
    it is validly signed — i.e. only if it already holds it; a message naming another session is
    still recorded under its own."""
    victim = open_chat(browser, web_assistant)
    other = new_browser()
    try:
        mine = open_chat(other, web_assistant)
        assert mine != victim
        other.execute_script(
            """
            const victim = arguments[0];
            const ws = new WebSocket(location.origin.replace('http', 'ws') + '/socket.io/?EIO=4&transport=websocket');
            ws.onmessage = (e) => {
              if (e.data[0] === '0') ws.send('40');
              else if (e.data.startsWith('40')) {
                ws.send('42' + JSON.stringify(['session_request', {session_id: victim.slice(0, 33) + '0'.repeat(32)}]));
              } else if (e.data.startsWith('42')) {
                const [name, id] = JSON.parse(e.data.slice(2));
                if (name === 'session_confirm') {
                  window.__issued = id;
                  ws.send('42' + JSON.stringify(['user_uttered', {message: 'hijack', session_id: victim}]));
                }
              }
            };""",
            victim,
        )
        issued = until(lambda: other.execute_script("return window.__issued"), what="a session for the forger")
        assert issued != victim
        until(lambda: web_assistant.stored_events(issued) > 0, 15, what="the forger's message stored")
        victim_texts = [e.get("text") for e in web_assistant.tracker(victim)["events"] if e["event"] == "user"]
        assert "hijack" not in victim_texts
    finally:
        other.quit()


def test_reconnects_after_the_server_restarts(web_assistant, browser, shot):
    """Runs last: restarts the Rasa server; the page reconnects and goes on in the same session."""
    me = open_chat(browser, web_assistant)
    click_choice(browser, text("ru", "menu.legal"))
    until(lambda: any("Гомельская" in b.text for b in choices(browser)), what="region buttons")
    web_assistant.restart()
    until(lambda: not browser.find_element(By.CSS_SELECTOR, ".dv-status").text, 30, what="the page to reconnect")
    click_choice(browser, "Гомельская")
    click_choice(browser, text("ru", "whole_region"))
    wait_for_text(browser, text("ru", "followup_prompt"))
    shot(browser, "after-restart")
    assert session_id(browser) == me
    slots = web_assistant.tracker(me)["slots"]
    assert (slots["help_type"], slots["region"]) == ("legal", "BY-HO")

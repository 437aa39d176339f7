#!/usr/bin/env python3
"""Drive headless Chromium through `impact serve` as a facilitator would.

    python3 tests/browser/fill_form.py CHROMIUM BASE_URL PLACE CODE OUT_DIR

Signs in to BASE_URL with PLACE's access CODE, opens the questionnaire
"saisie-test" (tests/cli/serve_browser.sh adds it), fills it in with a
scale out of range and an impossible date, submits it, checks that the
page comes back with the errors beside their fields and every answer as
typed, corrects the two answers, submits again and checks that the entry
is saved and counted.  Each step is a real click on the page's own submit
button, in a phone-sized window (412 x 915 CSS pixels), and ends with a
screenshot in OUT_DIR (1-connexion.png, 2-erreurs.png, 3-enregistre.png).
Prints "ok - ..." / "not ok - ..." lines (tests/run.sh counts them).

Chromium is driven with its DevTools protocol over a pipe
(--remote-debugging-pipe: JSON messages ending with a NUL byte on file
descriptors 3 and 4), so only the Python standard library is needed.  The
pages themselves have no script: filling and clicking go through the
protocol's Runtime.evaluate, as a user's typing and clicking would.
"""
import base64
import json
import os
import select
import subprocess
import sys
import time

TIMEOUT = 20.0  # seconds for any one step
WIDTH, HEIGHT = 412, 915


class Failure(Exception):
    pass


class Chromium:
    """One headless Chromium and one page, driven over the pipe."""

    def __init__(self, binary, profile, log):
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()

        def child_fds():
            # Staged through high numbers so that 3 and 4 cannot clash.
            a = os.dup(to_chrome_r)
            b = os.dup(from_chrome_w)
            a2 = os.dup2(a, 100)
            b2 = os.dup2(b, 101)
            os.dup2(a2, 3)
            os.dup2(b2, 4)

        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-dev-shm-usage",
             "--disable-background-networking", "--disable-sync",
             "--disable-component-update", "--password-store=basic",
             "--use-mock-keychain", "--hide-scrollbars", "--mute-audio",
             "--user-data-dir=" + profile, "--remote-debugging-pipe",
             "--window-size=%d,%d" % (WIDTH, HEIGHT), "about:blank"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            preexec_fn=child_fds, close_fds=False)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure("Chromium did not answer in time")
            ready, _, _ = select.select([self.from_chrome], [], [], left)
            if ready:
                chunk = os.read(self.from_chrome, 65536)
                if not chunk:
                    raise Failure("Chromium closed its pipe (exit %s)"
                                  % self.proc.poll())
                self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=True):
        """Send a command and return its result (events are kept)."""
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise Failure("%s: %s" % (method, m["error"]))
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, method):
        deadline = time.monotonic() + TIMEOUT
        while True:
            for i, e in enumerate(self.events):
                if e["method"] == method:
                    del self.events[:i + 1]
                    return e
            self.events.append(self._read_message(deadline))

    def open_page(self):
        target = self.send("Target.createTarget", {"url": "about:blank"},
                           session=False)["targetId"]
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": target, "flatten": True},
                                 session=False)["sessionId"]
        self.send("Page.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": WIDTH, "height": HEIGHT,
                   "deviceScaleFactor": 1, "mobile": True})

    def navigate(self, url):
        self.events.clear()
        self.send("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired")

    def js(self, expression):
        r = self.send("Runtime.evaluate",
                      {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in r:
            raise Failure("script failed: %s" % expression)
        return r["result"].get("value")

    def submit(self):
        """Click the form's submit button and wait for the next page."""
        self.events.clear()
        self.js("document.querySelector('main form button[type=submit]')"
                ".click()")
        self.wait_event("Page.loadEventFired")

    def screenshot(self, path):
        h = self.js("Math.ceil(document.documentElement.scrollHeight)")
        r = self.send("Page.captureScreenshot",
                      {"format": "png", "captureBeyondViewport": True,
                       "clip": {"x": 0, "y": 0, "width": WIDTH,
                                "height": max(h, 1), "scale": 1}})
        with open(path, "wb") as f:
            f.write(base64.b64decode(r["data"]))

    def close(self):
        try:
            self.send("Browser.close", session=False)
        except Failure:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_chrome)
        os.close(self.from_chrome)


def main():
    binary, base, place, code, out = sys.argv[1:6]
    results = []

    def check(ok, desc):
        results.append(bool(ok))
        print(("ok - " if ok else "not ok - ") + desc, flush=True)

    log = open(os.path.join(out, "chromium.log"), "wb")
    browser = Chromium(binary, os.path.join(out, "profile"), log)
    try:
        browser.open_page()
        b = browser
        fits = ("document.documentElement.scrollWidth <= window.innerWidth")

        b.navigate(base + "connexion")
        check(b.js("document.title").startswith("Connexion"),
              "Chromium opens the sign-in page")
        check(b.js(fits), "the sign-in page fits a phone's width")
        check(b.js("document.scripts.length") == 0,
              "the page has no script")
        b.screenshot(os.path.join(out, "1-connexion.png"))
        b.js("document.getElementById('lieu').value = %s;"
             "document.getElementById('code').value = %s;"
             % (json.dumps(place), json.dumps(code)))
        b.submit()
        check(b.js("location.pathname") == "/lieu/" + place,
              "signing in leads to the place's page")

        b.navigate(base + "lieu/%s/saisie?questionnaire=saisie-test" % place)
        check(b.js("document.querySelector('h1').textContent")
              == "Questionnaire de saisie", "the form of the questionnaire "
              "opens")
        check(b.js(fits), "the form fits a phone's width")
        b.js("""(function () {
            function set(id, v) { document.getElementById(id).value = v; }
            function tick(name, v) {
                document.querySelector('input[name="' + name + '"][value="'
                                       + v + '"]').checked = true;
            }
            set('f-periode', '2025');
            set('f-numero', 'C-7');
            set('f-rempli', '31/02/2025');
            set('f-note', '7');
            tick('q.frequence', 'souvent');
            tick('q.activites', 'atelier');
            tick('q.activites', 'cafe');
            set('f-km', '3,5');
            tick('q.premiere', 'oui');
            set('f-commentaire', 'Écrit dans Chromium');
        })()""")
        b.submit()
        check(b.js("document.querySelector('.alert strong').textContent")
              .startswith("2 réponses sont à corriger"),
              "the form comes back with 2 answers to correct")
        check(b.js("document.querySelector('#q-note .msg-err').textContent")
              == "Écrivez un nombre de 1 à 5.",
              "the scale out of range is refused beside its field")
        check(b.js("document.querySelector('#q-rempli .msg-err')"
                   ".textContent").startswith("Écrivez une date"),
              "the impossible date is refused beside its field")
        check(b.js("[document.getElementById('f-note').value,"
                   " document.getElementById('f-rempli').value,"
                   " document.getElementById('f-numero').value,"
                   " document.getElementById('f-km').value,"
                   " document.getElementById('f-commentaire').value]"
                   ".join('|')")
              == "7|31/02/2025|C-7|3,5|Écrit dans Chromium",
              "every typed answer comes back as typed")
        check(b.js("['q.frequence=souvent', 'q.activites=atelier',"
                   " 'q.activites=cafe', 'q.premiere=oui'].every(function"
                   " (s) { var p = s.split('='); return document"
                   ".querySelector('input[name=\"' + p[0] + '\"][value=\"'"
                   " + p[1] + '\"]').checked; })"),
              "every choice comes back ticked")
        check(b.js(fits), "the refused form fits a phone's width")
        b.screenshot(os.path.join(out, "2-erreurs.png"))
        b.js("document.getElementById('f-note').value = '4';"
             "document.getElementById('f-rempli').value = '14/03/2025';")
        b.submit()
        check(b.js("location.pathname") == "/lieu/" + place
              and "enregistre=" in b.js("location.search"),
              "the corrected form is saved")
        check("Questionnaire enregistré" in b.js("document.body.innerText"),
              "the page says so")
        check(b.js("Array.prototype.some.call(document.querySelectorAll("
                   "'#counts tr'), function (tr) { return tr.textContent"
                   " === 'Questionnaire de saisie202511'; })"),
              "and counts it at once")
        b.screenshot(os.path.join(out, "3-enregistre.png"))
    except Failure as e:
        check(False, "the browser run: %s" % e)
    finally:
        browser.close()
        log.close()
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())

"""A signed-in visitor of the benchmark server, behaving as a browser behind the TLS proxy.

The server runs in production mode (secure cookies, HTTPS redirect, HSTS,
two-factor sign-in for staff); the client talks plain HTTP over loopback and
sends what the proxy in front of gunicorn adds: ``X-Forwarded-Proto: https``
and ``X-Forwarded-For``. It keeps the secure cookies it is given as a browser
on the HTTPS side would, signs in with the password and then the code of the
authenticator seeded for the login (TOTP, computed from its key), and sends
``Origin`` and ``Referer`` as the browser would for the CSRF checks.
"""

import re
import time

import requests
from django_otp.oath import TOTP

TIMEOUT = 60
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# Steps of each authenticator already used by this process: a code is accepted once.
_used_steps = {}


class SignInFailed(Exception):
    pass


class BenchClient:
    def __init__(self, base_url, session=None):
        self.base_url = base_url.rstrip("/")
        self.host = self.base_url.split("://", 1)[1]
        self.session = session or requests.Session()
        self.session.headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"})

    def url(self, path):
        return self.base_url + path

    def _keep_secure_cookies(self):
        """Secure cookies go back over the loopback leg, which stands for the proxy's HTTPS connection."""
        for cookie in self.session.cookies:
            cookie.secure = False

    def get(self, path, page="", **kwargs):
        self._keep_secure_cookies()
        headers = {"X-Bench-Page": page} if page else {}
        return self.session.get(
            self.url(path), headers=headers, timeout=TIMEOUT, allow_redirects=False, **kwargs
        )

    def post_form(self, path, data):
        form = self.get(path)
        match = CSRF_FIELD.search(form.text)
        if not match:
            raise SignInFailed(f"no form at {path} (status {form.status_code})")
        headers = {"Origin": f"https://{self.host}", "Referer": f"https://{self.host}{path}"}
        self._keep_secure_cookies()
        return self.session.post(
            self.url(path),
            data={"csrfmiddlewaretoken": match.group(1), **data},
            headers=headers,
            timeout=TIMEOUT,
            allow_redirects=False,
        )

    def sign_in(self, login):
        """Password, then (staff) the authenticator's code; raises SignInFailed if the site refuses either."""
        answer = self.post_form(
            "/accounts/login/", {"username": login["username"], "password": login["password"]}
        )
        if answer.status_code != 302:
            raise SignInFailed(f"{login['username']}: the password was refused ({answer.status_code})")
        if login.get("totp_key"):
            answer = self.post_form("/accounts/two-factor/verify/", {"code": self.code(login["totp_key"])})
            if answer.status_code != 302:
                raise SignInFailed(
                    f"{login['username']}: the authenticator code was refused ({answer.status_code})"
                )
        return self

    @staticmethod
    def code(key):
        """The authenticator's current code, or the next step's when this process used the current one."""
        totp = TOTP(bytes.fromhex(key))
        step = totp.t()
        last = _used_steps.get(key)
        if last is not None and step <= last:
            # The site accepts one step ahead; wait rather than be refused.
            step = last + 1
            if step > totp.t() + 1:
                time.sleep(totp.step)
                return BenchClient.code(key)
        totp.time = totp.t0 + step * totp.step
        _used_steps[key] = step
        return f"{totp.token():06d}"

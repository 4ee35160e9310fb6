// The idle warning: a dialog shortly before the server signs an idle session out, with a
// "Stay signed in" button. The server enforces the limit whatever this script does; the
// script only asks it how long is left (GET) and extends the session when asked to (POST).
(function () {
  "use strict";
  var body = document.body;
  var url = body.dataset.sessionUrl;
  var element = document.getElementById("session-timeout");
  if (!url || !element || !window.bootstrap || !window.fetch) {
    return;
  }
  var idle = Number(body.dataset.sessionIdle);
  var warning = Number(body.dataset.sessionWarning);
  var form = element.querySelector("[data-session-form]");
  var countdown = element.querySelector("[data-session-countdown]");
  var modal = new window.bootstrap.Modal(element);
  var timer = null;
  var ticker = null;
  var deadline = 0;

  function signIn() {
    var next = window.location.pathname + window.location.search;
    window.location.assign(body.dataset.loginUrl + "?next=" + encodeURIComponent(next));
  }

  function answer(response) {
    if (!response.ok) {
      throw new Error("signed out");
    }
    return response.json();
  }

  function ask(options) {
    return window
      .fetch(url, Object.assign({ credentials: "same-origin", headers: { Accept: "application/json" } }, options))
      .then(answer)
      .then(function (data) {
        schedule(data.remaining);
      })
      .catch(signIn);
  }

  function showCountdown() {
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    countdown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
  }

  function warn(remaining) {
    deadline = Date.now() + remaining * 1000;
    showCountdown();
    window.clearInterval(ticker);
    ticker = window.setInterval(showCountdown, 1000);
    modal.show();
    // When the time is up, ask once more: another tab may have kept the session alive.
    timer = window.setTimeout(ask, remaining * 1000 + 1000);
  }

  function schedule(remaining) {
    window.clearTimeout(timer);
    if (remaining > warning) {
      window.clearInterval(ticker);
      modal.hide();
      timer = window.setTimeout(ask, (remaining - warning) * 1000);
    } else if (remaining > 0) {
      warn(remaining);
    } else {
      signIn();
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    ask({ method: "POST", body: new FormData(form) });
  });

  // Work done through htmx reaches the server too, and so extends the session.
  body.addEventListener("htmx:afterRequest", function () {
    schedule(idle);
  });

  schedule(idle);
})();

/* The idle sign-out warning (ADR 0591). Written by us; no framework, no build step.
   The server ends a session after the idle timeout; this page counts down from the server's
   own figure (the dialog's data-seconds-left on load, the Idle-Seconds-Left header of every
   htmx answer), asks the server again before warning or leaving (another tab may have kept
   the session alive), and two minutes before the end opens an alert dialog with focus on
   "Stay signed in". At the end it goes to the sign-in page, where the server's message says
   why. */
(function () {
  "use strict";

  var dialog = document.getElementById("idle-warning");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var warnSeconds = Number(dialog.getAttribute("data-warn-seconds")) || 120;
  var statusUrl = dialog.getAttribute("data-status-url");
  var extendUrl = dialog.getAttribute("data-extend-url");
  var loginUrl = dialog.getAttribute("data-login-url");
  var stay = document.getElementById("idle-stay");
  var left = document.getElementById("idle-warning-left");
  var deadline = 0;
  var warnTimer = null;
  var endTimer = null;
  var tick = null;
  var returnFocus = null;

  function shown(seconds) {
    var s = Math.max(0, Math.ceil(seconds));
    var rest = s % 60;
    return Math.floor(s / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function countDown() {
    left.textContent = shown((deadline - Date.now()) / 1000);
  }

  function show() {
    countDown();
    if (dialog.open) { return; }
    returnFocus = document.activeElement;
    dialog.showModal();
    stay.focus();
    tick = window.setInterval(countDown, 1000);
  }

  function hide() {
    window.clearInterval(tick);
    if (!dialog.open) { return; }
    dialog.close();
    if (returnFocus && typeof returnFocus.focus === "function") { returnFocus.focus(); }
  }

  function schedule(secondsLeft) {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    deadline = Date.now() + secondsLeft * 1000;
    var untilWarning = (secondsLeft - warnSeconds) * 1000;
    if (untilWarning > 0) {
      hide();
      warnTimer = window.setTimeout(check, untilWarning);
    } else {
      show();
    }
    endTimer = window.setTimeout(check, secondsLeft * 1000 + 250);
  }

  function toSignIn() {
    var here = window.location.pathname + window.location.search;
    window.location.assign(loginUrl + "?next=" + encodeURIComponent(here));
  }

  function answer(response) {
    // A signed-out session answers 401, or the idle redirect (opaque with redirect: manual).
    if (!response.ok) { throw new Error("signed out"); }
    return response.json();
  }

  function check() {
    fetch(statusUrl, { credentials: "same-origin", redirect: "manual",
                       headers: { "Accept": "application/json" } })
      .then(answer)
      .then(function (data) { schedule(data.seconds_left); })
      .catch(toSignIn);
  }

  function extend() {
    var token = dialog.querySelector("input[name=csrfmiddlewaretoken]");
    fetch(extendUrl, { method: "POST", credentials: "same-origin", redirect: "manual",
                       headers: { "Accept": "application/json",
                                  "X-CSRFToken": token ? token.value : "" } })
      .then(answer)
      .then(function (data) { schedule(data.seconds_left); })
      .catch(toSignIn);
  }

  stay.addEventListener("click", extend);
  // Escape closes the warning as "Stay signed in" would: the person is clearly there.
  dialog.addEventListener("cancel", function (event) { event.preventDefault(); extend(); });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail && event.detail.xhr;
    var header = xhr ? xhr.getResponseHeader("Idle-Seconds-Left") : null;
    if (header !== null && header !== "") { schedule(Number(header)); }
  });

  schedule(Number(dialog.getAttribute("data-seconds-left")) || 0);
}());

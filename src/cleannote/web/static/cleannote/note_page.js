/* The note editor: Start/Stop stamps, their keyboard shortcuts, field-level messages.
   Written by us; no framework. The server does all checking: this only stamps times and
   shows the messages the last save returned next to their fields. */
(function () {
  "use strict";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function stamp(inputId) {
    var input = document.getElementById(inputId);
    if (!input) { return; }
    var now = new Date();
    var hours = now.getHours();
    // Written the clinic's way (ADR 0590): "2:05 PM" or "14:05", as the page shows times.
    if (input.getAttribute("data-hour-cycle") === "24") {
      input.value = pad(hours) + ":" + pad(now.getMinutes());
    } else {
      input.value = (hours % 12 || 12) + ":" + pad(now.getMinutes()) + (hours < 12 ? " AM" : " PM");
    }
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  var lastBlock = null;

  function currentBlock() {
    var active = document.activeElement;
    var block = active && active.closest ? active.closest("[data-block]") : null;
    return block || lastBlock || document.querySelector("[data-block]");
  }

  function showFieldErrors() {
    var data = document.getElementById("field-errors-data");
    var errors = {};
    if (data) {
      try { errors = JSON.parse(data.textContent) || {}; } catch (e) { errors = {}; }
    }
    document.querySelectorAll(".field-error").forEach(function (slot) {
      var name = slot.getAttribute("data-for");
      var message = errors[name] || "";
      slot.textContent = message;
      var input = document.getElementById(name);
      if (input) {
        // The message is named by its slot's id, kept beside any other description (the
        // carried measurement); never an empty aria-describedby (ADR 0561).
        var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
          return id && id !== slot.id;
        });
        if (message && slot.id) {
          input.setAttribute("aria-invalid", "true");
          ids.push(slot.id);
        } else {
          input.removeAttribute("aria-invalid");
        }
        if (ids.length) {
          input.setAttribute("aria-describedby", ids.join(" "));
        } else {
          input.removeAttribute("aria-describedby");
        }
      }
    });
    // A message that appears under the field being typed in is not left behind the sign bar.
    var active = document.activeElement;
    var slot = active && active.id ? document.getElementById(active.id + "-error") : null;
    if (slot && slot.textContent) { clearOfSignBar(slot); }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-stamp]") : null;
    if (button) {
      event.preventDefault();
      lastBlock = button.closest("[data-block]");
      stamp(button.getAttribute("data-stamp"));
      return;
    }
    // A suggestion another panel offers (the home exercise log, ADR 0970) goes into the note
    // only when the therapist presses its button: appended to the field, then saved as typed.
    var offer = event.target.closest ? event.target.closest("[data-insert-into]") : null;
    if (offer) {
      var field = document.getElementById(offer.getAttribute("data-insert-into"));
      if (field) {
        event.preventDefault();
        var text = offer.getAttribute("data-text") || "";
        // A number (the intake form's pain now, ADR 0964) replaces what the field holds.
        if (offer.getAttribute("data-insert-mode") === "replace") {
          if (field.value !== text) {
            field.value = text;
            field.dispatchEvent(new Event("input", { bubbles: true }));
          }
        } else if (field.value.indexOf(text) === -1) {
          field.value = field.value ? field.value.replace(/\s*$/, "") + " " + text : text;
          field.dispatchEvent(new Event("input", { bubbles: true }));
        }
        field.focus();
      }
      return;
    }
    var link = event.target.closest ? event.target.closest("[data-focus]") : null;
    if (link) {
      var target = document.getElementById(link.getAttribute("data-focus"));
      if (target) {
        event.preventDefault();
        target.scrollIntoView({ block: "center" });
        var focusable = target.matches("input, select, textarea, button")
          ? target : target.querySelector("input, select, textarea, button");
        if (focusable) { focusable.focus(); }
      }
    }
  });

  document.addEventListener("focusin", function (event) {
    var block = event.target.closest ? event.target.closest("[data-block]") : null;
    if (block) { lastBlock = block; }
  });

  document.addEventListener("keydown", function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = event.key.toLowerCase();
    if (key !== "s" && key !== "x") { return; }
    var block = currentBlock();
    if (!block) { return; }
    var button = block.querySelector('[data-stamp$="' + (key === "s" ? "start" : "stop") + '"]');
    if (button) {
      event.preventDefault();
      button.click();
    }
  });

  // A sign or save posted while an autosave is still in flight waits for it, so the two
  // writes never race for the same rows.
  // Once the form is submitted, a debounced autosave still waiting to fire is dropped: the
  // submit carries the same values.
  var waitingSubmitter = null;
  var submitted = false;
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "note-form") { return; }
    if (form.classList.contains("htmx-request")) {
      event.preventDefault();
      waitingSubmitter = event.submitter || null;
      return;
    }
    submitted = true;
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (submitted) { event.preventDefault(); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target;
    if (waitingSubmitter && form.id === "note-form") {
      var submitter = waitingSubmitter;
      waitingSubmitter = null;
      form.requestSubmit(submitter);
    }
  });

  // The sticky sign bar's height, for the page's scroll-padding (note_page.css): a field that
  // takes focus is scrolled clear of the bar, whose height changes when its buttons wrap.
  function measureSignBar() {
    var bar = document.querySelector(".sign-bar");
    if (!bar) { return; }
    var root = document.documentElement;
    var update = function () {
      root.style.setProperty("--sign-bar-height", bar.getBoundingClientRect().height + "px");
    };
    update();
    if (window.ResizeObserver) { new ResizeObserver(update).observe(bar); }
  }

  // A textarea is scrolled only as far as its caret: bring the rest of the box clear of the
  // bar too, as long as its top stays in view.
  function clearOfSignBar(field) {
    var bar = document.querySelector(".sign-bar");
    if (!bar || bar.contains(field) || !field.getBoundingClientRect) { return; }
    var box = field.getBoundingClientRect();
    var overlap = box.bottom - bar.getBoundingClientRect().top + 8;
    if (overlap > 0) { window.scrollBy(0, Math.min(overlap, Math.max(box.top - 8, 0))); }
  }

  document.addEventListener("focusin", function (event) {
    var target = event.target;
    // the field's label and message with it, where it has them
    var field = target.closest ? target.closest(".field") || target : target;
    window.requestAnimationFrame(function () { clearOfSignBar(field); });
  });

  document.addEventListener("htmx:afterSwap", showFieldErrors);
  document.addEventListener("DOMContentLoaded", showFieldErrors);
  document.addEventListener("DOMContentLoaded", measureSignBar);
})();

// The calendar grids: keys and drag to move an appointment, posted to the reschedule view
// through htmx. Arrows move focus between slots and appointments (a roving tabindex), Enter
// opens one (or books a free slot), F opens a flagged one's list of flags (their full text and
// fixes, for keyboards and tablets: no hover), Shift+arrows move a booked appointment: 15 minutes up or
// down, to the next clinician (day) or day (week) sideways. A refusal is drawn in the status
// line; a move reloads the page and puts the focus back on the appointment.
(function () {
  "use strict";
  var FOCUS_KEY = "cleannote.schedule.focus";

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // "2027-01-04T09:00" from a card's ISO moment with its offset, shifted by minutes / days,
  // as wall-clock arithmetic in the clinic's zone (the server reads it so).
  function shifted(iso, minutes, days) {
    var y = +iso.slice(0, 4), mo = +iso.slice(5, 7), d = +iso.slice(8, 10);
    var h = +iso.slice(11, 13), mi = +iso.slice(14, 16);
    var t = new Date(Date.UTC(y, mo - 1, d + (days || 0), h, mi + (minutes || 0)));
    return t.getUTCFullYear() + "-" + pad(t.getUTCMonth() + 1) + "-" + pad(t.getUTCDate()) +
      "T" + pad(t.getUTCHours()) + ":" + pad(t.getUTCMinutes());
  }

  function targets(grid) {
    var list = [];
    grid.querySelectorAll("td.slot").forEach(function (cell) {
      var col = +cell.dataset.col;
      var base = grid.dataset.kind === "week" ? (+cell.dataset.row) * 1000 : +cell.dataset.slot;
      var cards = cell.querySelectorAll(".appt, .held-slot");
      if (cards.length === 0) {
        list.push({ el: cell, col: col, pos: base });
      } else {
        cards.forEach(function (card, k) {
          list.push({ el: card, col: col, pos: base + (grid.dataset.kind === "week" ? k : k / 100) });
        });
      }
    });
    return list;
  }

  function focusOn(all, target) {
    all.forEach(function (t) { t.el.tabIndex = -1; });
    target.el.tabIndex = 0;
    target.el.focus();
  }

  function neighbour(all, current, key) {
    var same = all.filter(function (t) { return t.col === current.col; })
      .sort(function (a, b) { return a.pos - b.pos; });
    var i = same.indexOf(current);
    if (key === "ArrowUp") { return same[i - 1]; }
    if (key === "ArrowDown") { return same[i + 1]; }
    var col = current.col + (key === "ArrowLeft" ? -1 : 1);
    var there = all.filter(function (t) { return t.col === col && Math.floor(t.pos) <= current.pos; })
      .sort(function (a, b) { return b.pos - a.pos; });
    return there[0] || all.filter(function (t) { return t.col === col; })[0];
  }

  function columnStaff(grid, col) {
    var head = grid.querySelector("thead th[data-col='" + col + "']");
    return head ? head.dataset.staff : null;
  }

  function move(card, start, staff) {
    var status = document.getElementById("schedule-status");
    if (status) { status.textContent = "Moving…"; }
    card.classList.add("moving");
    try { sessionStorage.setItem(FOCUS_KEY, card.id); } catch (e) { /* private mode */ }
    var headers = {};
    try { headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}"); } catch (e) { headers = {}; }
    var values = { start: start };
    if (staff) { values.staff = staff; }
    window.htmx.ajax("POST", card.dataset.move, {
      source: card, target: "#schedule-status", swap: "innerHTML", values: values, headers: headers
    }).then(function () { card.classList.remove("moving"); });
  }

  function openTarget(grid, el) {
    if (el.classList.contains("held-slot")) {  // the hold's page: answer or release it
      window.location.href = el.querySelector(".held-open").href;
      return;
    }
    if (el.classList.contains("appt")) {
      window.location.href = el.querySelector(".appt-open").href;
      return;
    }
    if (!grid.dataset.book) { return; }
    var query = "?staff=" + encodeURIComponent(el.dataset.staff);
    if (el.dataset.start) {
      query += "&day=" + el.dataset.start.slice(0, 10) + "&time=" + el.dataset.start.slice(11, 16);
    } else if (el.dataset.day) {
      query += "&day=" + el.dataset.day;
    }
    window.location.href = grid.dataset.book + query;
  }

  function setUp(grid) {
    var all = targets(grid);
    if (all.length === 0) { return; }
    var remembered = null;
    try { remembered = sessionStorage.getItem(FOCUS_KEY); sessionStorage.removeItem(FOCUS_KEY); } catch (e) { remembered = null; }
    var start = all.filter(function (t) { return remembered && t.el.id === remembered; })[0] ||
      all.filter(function (t) { return t.el.classList.contains("appt"); })[0] || all[0];
    all.forEach(function (t) { t.el.tabIndex = -1; });
    start.el.tabIndex = 0;
    if (remembered && start.el.id === remembered) { start.el.focus(); }

    grid.addEventListener("keydown", function (event) {
      var current = all.filter(function (t) { return t.el === document.activeElement; })[0];
      if (!current) { return; }
      var key = event.key;
      if (key === "Enter") { event.preventDefault(); openTarget(grid, current.el); return; }
      if ((key === "f" || key === "F") && !event.ctrlKey && !event.metaKey && !event.altKey) {
        var flag = current.el.querySelector("a.forward-flag");
        if (flag) { event.preventDefault(); window.location.href = flag.href; }
        return;
      }
      if (["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"].indexOf(key) < 0) { return; }
      event.preventDefault();
      var card = current.el;
      if (event.shiftKey) {
        if (!card.classList.contains("appt") || !card.dataset.move) { return; }
        var iso = card.dataset.start;
        if (key === "ArrowUp" || key === "ArrowDown") {
          move(card, shifted(iso, key === "ArrowUp" ? -15 : 15, 0), null);
        } else if (grid.dataset.kind === "week") {
          move(card, shifted(iso, 0, key === "ArrowLeft" ? -1 : 1), null);
        } else {
          var staff = columnStaff(grid, current.col + (key === "ArrowLeft" ? -1 : 1));
          if (staff) { move(card, shifted(iso, 0, 0), staff); }
        }
        return;
      }
      var next = neighbour(all, current, key);
      if (next) { focusOn(all, next); }
    });
    grid.addEventListener("focusin", function (event) {
      var hit = all.filter(function (t) { return t.el === event.target; })[0];
      if (hit) { all.forEach(function (t) { t.el.tabIndex = -1; }); hit.el.tabIndex = 0; }
    });

    grid.addEventListener("dragstart", function (event) {
      var card = event.target.closest && event.target.closest(".appt[draggable='true']");
      if (!card) { return; }
      event.dataTransfer.setData("text/plain", card.id);
      event.dataTransfer.effectAllowed = "move";
    });
    grid.addEventListener("dragover", function (event) {
      var cell = event.target.closest && event.target.closest("td.slot");
      if (cell) { event.preventDefault(); cell.classList.add("drop-target"); }
    });
    grid.addEventListener("dragleave", function (event) {
      var cell = event.target.closest && event.target.closest("td.slot");
      if (cell) { cell.classList.remove("drop-target"); }
    });
    grid.addEventListener("drop", function (event) {
      var cell = event.target.closest && event.target.closest("td.slot");
      if (!cell) { return; }
      event.preventDefault();
      cell.classList.remove("drop-target");
      var card = document.getElementById(event.dataTransfer.getData("text/plain"));
      if (!card || !card.dataset.move) { return; }
      var start = cell.dataset.start || (cell.dataset.day + "T" + card.dataset.start.slice(11, 16));
      move(card, start, cell.dataset.staff);
    });
  }

  function ready() {
    document.querySelectorAll("table.schedule-grid").forEach(setUp);
    var kind = document.getElementById("book-type");
    var minutes = document.getElementById("book-minutes");
    if (kind && minutes) {
      kind.addEventListener("change", function () {
        var option = kind.options[kind.selectedIndex];
        if (option && option.dataset.minutes) { minutes.value = option.dataset.minutes; }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();

/* Pick screen keyboard and scanner handling.
 *
 * A scanner in keyboard mode types the barcode and then Enter. In a scan field Enter must
 * not submit half a pick list: it moves to the next line's scan field, and after the last
 * line to the Confirm button (the change event on leaving the field asks the server to
 * read the scan back). Enter in a quantity field does the same. "+ lot" adds a row for the
 * same line, for a part taken from a second lot. Without this file the page is a plain
 * form and still works.
 */
(function () {
  "use strict";

  function scanFields(form) {
    return Array.prototype.slice.call(form.querySelectorAll("input[data-scan]"));
  }

  function next(form, current) {
    var fields = scanFields(form);
    var row = current.closest("tr");
    var scan = row ? row.querySelector("input[data-scan]") : null;
    var at = fields.indexOf(scan);
    if (current !== scan && scan && !scan.value.trim()) {
      return scan; // a quantity typed first: now the scan
    }
    if (at >= 0 && at + 1 < fields.length) {
      return fields[at + 1];
    }
    var reason = form.querySelector("#id_short_reason");
    if (reason && anyShort(form) && !reason.value.trim()) {
      return reason;
    }
    return form.querySelector("[data-confirm]");
  }

  function anyShort(form) {
    var asked = {};
    var got = {};
    Array.prototype.forEach.call(form.querySelectorAll("tr[data-line]"), function (row) {
      var line = row.getAttribute("data-line");
      if (!row.classList.contains("pick-extra")) {
        asked[line] = parseFloat(row.getAttribute("data-quantity")) || 0;
      }
      var qty = row.querySelector("input[data-qty]");
      got[line] = (got[line] || 0) + (parseFloat(qty && qty.value) || 0);
    });
    return Object.keys(asked).some(function (line) {
      return (got[line] || 0) < asked[line];
    });
  }

  function split(form, button) {
    var row = button.closest("tr");
    var rows = form.querySelectorAll("tr[data-row]");
    var max = 0;
    Array.prototype.forEach.call(rows, function (r) {
      max = Math.max(max, parseInt(r.getAttribute("data-row"), 10) || 0);
    });
    var n = String(max + 1);
    var old = row.getAttribute("data-row");
    var copy = row.cloneNode(true);
    copy.setAttribute("data-row", n);
    copy.classList.add("pick-extra");
    Array.prototype.forEach.call(copy.querySelectorAll("[name],[id],[for],[hx-target],[hx-include],[hx-vals]"), function (el) {
      ["name", "id", "for", "hx-target", "hx-include"].forEach(function (attr) {
        var v = el.getAttribute(attr);
        if (v) {
          el.setAttribute(attr, v.replace(new RegExp("-" + old + "(?![0-9])", "g"), "-" + n));
        }
      });
      if (el.hasAttribute("hx-vals")) {
        el.setAttribute("hx-vals", JSON.stringify({ row: n }));
      }
    });
    var scan = copy.querySelector("input[data-scan]");
    var qty = copy.querySelector("input[data-qty]");
    var msg = copy.querySelector(".scan-msg-box");
    if (scan) { scan.value = ""; scan.removeAttribute("autofocus"); }
    if (qty) { qty.value = ""; }
    if (msg) { msg.innerHTML = ""; }
    row.parentNode.insertBefore(copy, row.nextSibling);
    if (window.htmx) { window.htmx.process(copy); }
    if (scan) { scan.focus(); }
  }

  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key !== "Enter" || !el.closest) { return; }
    var form = el.closest("form[data-pick-form]");
    if (!form || !(el.matches("input[data-scan]") || el.matches("input[data-qty]"))) { return; }
    event.preventDefault();
    var target = next(form, el);
    if (target) {
      target.focus();
      if (target.select && target.tagName === "INPUT") { target.select(); }
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-split]");
    if (!button) { return; }
    var form = button.closest("form[data-pick-form]");
    if (form) { split(form, button); }
  });
})();

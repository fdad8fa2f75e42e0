/* OrderDesk order pages: keyboard-first order entry and the desk's SLA timers.
 *
 * Order entry (form#order-entry):
 *  - Enter moves to the next field (Shift+Enter makes a new line in the notes);
 *  - in the lines grid, Enter moves to the next cell, and on a line's last cell to the next
 *    line, adding one at the end; ArrowUp/ArrowDown move to the same cell one line up/down;
 *  - Ctrl+Enter (Cmd+Enter) submits from anywhere;
 *  - the customer box suggests as you type: ArrowUp/ArrowDown choose, Enter picks (the
 *    first match when none is chosen), Escape closes; picking fills the ship-to select;
 *  - typing a SKU, quantity, unit or PO price looks up the item, our price and ATP.
 * The desk: N opens order entry (outside a text field).
 * Without this file the form is an ordinary form: the account number typed in the customer
 * box is used, and Submit sends the lines.
 */
(function () {
  "use strict";

  var LOOKUP_DELAY = 300;

  function toArray(list) {
    return Array.prototype.slice.call(list);
  }

  function visibleRows(form) {
    return toArray(form.querySelectorAll("#lines-body tr[data-row]")).filter(function (row) {
      return !row.hidden;
    });
  }

  function cellsOf(row) {
    return toArray(row.querySelectorAll("[data-cell]"));
  }

  function focusField(el) {
    if (!el) {
      return;
    }
    el.focus();
    if (el.select && el.tagName === "INPUT" && el.type === "text") {
      el.select();
    }
  }

  function renumber(form) {
    visibleRows(form).forEach(function (row, i) {
      var n = String(i + 1);
      var no = row.querySelector("[data-no]");
      if (no) {
        no.textContent = n;
      }
      toArray(row.querySelectorAll("[aria-label]")).forEach(function (el) {
        el.setAttribute("aria-label", el.getAttribute("aria-label").replace(/line \S+$/, "line " + n));
      });
    });
  }

  function addRow(form) {
    var template = document.getElementById("line-template");
    var total = form.querySelector('input[name="lines-TOTAL_FORMS"]');
    var body = document.getElementById("lines-body");
    if (!template || !total || !body) {
      return null;
    }
    var index = parseInt(total.value, 10) || 0;
    var holder = document.createElement("tbody");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index)).trim();
    var row = holder.querySelector("tr");
    body.appendChild(row);
    total.value = String(index + 1);
    renumber(form);
    if (window.htmx) {
      window.htmx.process(row);
    }
    return row;
  }

  function removeRow(form, row) {
    // The row stays in the formset, blank and hidden: blank lines are left out on submit,
    // so no other row needs renumbering on the server.
    var next = visibleRows(form)[visibleRows(form).indexOf(row) + 1];
    cellsOf(row).forEach(function (cell) {
      cell.value = "";
    });
    var info = row.querySelector(".col-info");
    if (info) {
      info.innerHTML = '<div class="sku-info"></div>';
    }
    row.hidden = true;
    renumber(form);
    if (!visibleRows(form).length) {
      next = addRow(form);
    }
    focusField(next ? cellsOf(next)[0] : null);
  }

  function formControls(form) {
    return toArray(
      form.querySelectorAll(
        "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea, button[type=submit]"
      )
    ).filter(function (el) {
      return el.tabIndex !== -1 && !el.closest("tr[hidden]") && !el.closest("template");
    });
  }

  function focusNext(form, el) {
    var all = formControls(form);
    focusField(all[all.indexOf(el) + 1]);
  }

  function nextCell(form, cell) {
    var row = cell.closest("tr");
    var cells = cellsOf(row);
    var at = cells.indexOf(cell);
    if (at < cells.length - 1) {
      focusField(cells[at + 1]);
      return;
    }
    var rows = visibleRows(form);
    var next = rows[rows.indexOf(row) + 1] || addRow(form);
    focusField(next ? cellsOf(next)[0] : null);
  }

  function verticalCell(form, cell, step) {
    var row = cell.closest("tr");
    var rows = visibleRows(form);
    var other = rows[rows.indexOf(row) + step];
    if (other) {
      focusField(other.querySelector('[data-cell="' + cell.getAttribute("data-cell") + '"]'));
    }
  }

  // --- SKU look-up --------------------------------------------------------------------

  var timers = new WeakMap();

  function lookup(row, now) {
    var info = row.querySelector(".col-info");
    if (!info || !window.htmx) {
      return;
    }
    clearTimeout(timers.get(row));
    if (now) {
      window.htmx.trigger(info, "lookup");
      return;
    }
    timers.set(
      row,
      setTimeout(function () {
        window.htmx.trigger(info, "lookup");
      }, LOOKUP_DELAY)
    );
  }

  function lookupAll(form) {
    visibleRows(form).forEach(function (row) {
      var sku = row.querySelector('[data-cell="sku"]');
      if (sku && sku.value.trim()) {
        lookup(row, true);
      }
    });
  }

  // --- customer look-up ---------------------------------------------------------------

  var pickAfterSwap = false;

  function options(list) {
    return toArray(list.querySelectorAll("[data-account]"));
  }

  function listFor(input) {
    return document.getElementById(input.getAttribute("aria-controls"));
  }

  function isFresh(list, input) {
    var first = list.querySelector("[data-query]");
    return first !== null && first.getAttribute("data-query") === input.value.trim();
  }

  function choose(input, list, option) {
    options(list).forEach(function (o) {
      o.setAttribute("aria-selected", o === option ? "true" : "false");
    });
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }
  }

  function closeList(input, list) {
    list.innerHTML = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function pick(form, input, option) {
    var list = listFor(input);
    var hidden = document.getElementById("id_customer");
    hidden.value = option.getAttribute("data-account");
    input.value = option.getAttribute("data-label");
    input.removeAttribute("aria-invalid");
    closeList(input, list);
    var url = input.getAttribute("data-pick-url") + "?customer=" + encodeURIComponent(hidden.value);
    if (!window.htmx) {
      return;
    }
    window.htmx.ajax("GET", url, { target: "#ship-to-field", swap: "innerHTML" }).then(function () {
      focusField(document.getElementById("id_ship_to"));
      lookupAll(form);
    });
  }

  function onCustomerKey(form, event, input) {
    var list = listFor(input);
    var opts = options(list);
    var current = list.querySelector('[aria-selected="true"]');
    var at = opts.indexOf(current);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!opts.length) {
        return;
      }
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      choose(input, list, opts[Math.min(opts.length - 1, Math.max(0, at + step))]);
    } else if (event.key === "Escape") {
      closeList(input, list);
    } else if (event.key === "Enter") {
      event.preventDefault();
      var hidden = document.getElementById("id_customer");
      if (hidden.value && !opts.length) {
        focusNext(form, input); // already picked: Enter moves on
      } else if (isFresh(list, input)) {
        if (opts.length) {
          pick(form, input, current || opts[0]);
        }
      } else if (input.value.trim() && window.htmx) {
        pickAfterSwap = true;
        window.htmx.trigger(input, "suggest");
      }
    }
  }

  // --- wiring -------------------------------------------------------------------------

  function setUpEntry(form) {
    form.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit();
        return;
      }
      if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) {
        return;
      }
      if (target.matches("[data-customer-lookup]")) {
        onCustomerKey(form, event, target);
        return;
      }
      if (target.matches("[data-cell]")) {
        if (event.key === "Enter") {
          event.preventDefault();
          nextCell(form, target);
        } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          verticalCell(form, target, event.key === "ArrowDown" ? 1 : -1);
        }
        return;
      }
      if (event.key !== "Enter" || event.shiftKey) {
        return;
      }
      if (/^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName) && target.form === form) {
        event.preventDefault();
        focusNext(form, target);
      }
    });

    form.addEventListener("input", function (event) {
      var target = event.target;
      if (target.matches("[data-customer-lookup]")) {
        document.getElementById("id_customer").value = "";
        return;
      }
      var cell = target.getAttribute("data-cell");
      if (cell && cell !== "requested_date") {
        lookup(target.closest("tr"));
      }
    });

    form.addEventListener("click", function (event) {
      var remove = event.target.closest("[data-remove]");
      if (remove) {
        removeRow(form, remove.closest("tr"));
        return;
      }
      var option = event.target.closest("[data-account]");
      if (option) {
        pick(form, form.querySelector("[data-customer-lookup]"), option);
      }
    });

    var submitted = false;
    form.addEventListener("submit", function (event) {
      if (submitted) {
        event.preventDefault(); // a second Ctrl+Enter while the first is on its way
        return;
      }
      submitted = true;
      var button = form.querySelector("button[type=submit]");
      if (button) {
        button.setAttribute("aria-disabled", "true");
        button.textContent = "Submitting…";
      }
    });

    var customer = form.querySelector("[data-customer-lookup]");
    if (customer) {
      customer.addEventListener("blur", function () {
        // Let a click on a suggestion land first.
        setTimeout(function () {
          var list = listFor(customer);
          if (document.activeElement !== customer && list) {
            closeList(customer, list);
          }
        }, 200);
      });
    }

    document.body.addEventListener("htmx:afterSwap", function (event) {
      var list = event.detail.target;
      if (!customer || list.id !== customer.getAttribute("aria-controls")) {
        return;
      }
      var opts = options(list);
      customer.setAttribute("aria-expanded", opts.length ? "true" : "false");
      if (opts.length) {
        choose(customer, list, opts[0]);
      }
      if (pickAfterSwap) {
        pickAfterSwap = false;
        if (opts.length && isFresh(list, customer)) {
          pick(form, customer, opts[0]);
        }
      }
    });

    // After a refused submit, the first field to correct has the focus.
    focusField(form.querySelector('[aria-invalid="true"]'));

    // After a refused submit the page comes back with the lines typed: show their info,
    // once htmx has wired the rows (it does so when the document is ready).
    var looked = false;
    document.body.addEventListener("htmx:load", function (event) {
      if (!looked && event.target === document.body) {
        looked = true;
        lookupAll(form);
      }
    });
    if (document.readyState === "complete") {
      looked = true;
      lookupAll(form);
    }
  }

  // --- desk: SLA timers ---------------------------------------------------------------

  function span(ms) {
    var minutes = Math.max(0, Math.floor(ms / 60000));
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    if (days) {
      return days + "d " + hours + "h";
    }
    if (hours) {
      return hours + "h " + (mins < 10 ? "0" : "") + mins + "m";
    }
    return mins + "m";
  }

  function tickSla() {
    var now = Date.now();
    toArray(document.querySelectorAll("[data-sla-due]")).forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-sla-due"));
      if (isNaN(due)) {
        return;
      }
      var late = now > due;
      el.textContent = late ? "overdue " + span(now - due) : span(due - now) + " left";
      el.classList.toggle("sla--overdue", late);
      var row = el.closest("tr");
      if (row) {
        row.classList.toggle("row--overdue", late);
      }
    });
  }

  // --- page shortcuts: a single key, outside text fields, opens the link that names it ----

  function onShortcut(event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) {
      return;
    }
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) {
      return;
    }
    var link = document.querySelector('[data-key="' + event.key.toLowerCase() + '"]');
    if (link) {
      event.preventDefault();
      link.click();
    }
  }

  function start() {
    document.addEventListener("keydown", onShortcut);
    var form = document.getElementById("order-entry");
    if (form) {
      setUpEntry(form);
    }
    if (document.querySelector("[data-sla-due]") || document.getElementById("results")) {
      setInterval(tickSla, 30000);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

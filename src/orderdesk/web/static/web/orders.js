/* OrderDesk order pages: keyboard-first order entry and order changes, the order page's
 * allocation dialog, and the desk's SLA timers.
 *
 * Order entry (form#order-entry):
 *  - Enter moves to the next field (Shift+Enter makes a new line in the notes);
 *  - in the lines grid, Enter moves to the next cell, and on a line's last cell to the next
 *    line, adding one at the end; ArrowUp/ArrowDown move to the same cell one line up/down;
 *  - Ctrl+Enter (Cmd+Enter) submits from anywhere;
 *  - the customer box suggests as you type: ArrowUp/ArrowDown choose, Enter picks (the
 *    first match when none is chosen), Escape closes; picking fills the ship-to select;
 *  - typing a SKU, quantity, unit or PO price looks up the item, our price and ATP.
 * The order page: C (or "Change order") opens the change form, which types like order
 * entry (Enter, arrows, Ctrl+Enter; Enter on a new line's last cell adds one); a line's
 * "Allocation…" opens its actions in a dialog (Escape closes it).
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

  function gridOf(el) {
    return el.closest("tbody[data-grid]");
  }

  function visibleRows(body) {
    return toArray(body.querySelectorAll("tr[data-row]")).filter(function (row) {
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

  // Rows of a grid that grows (new lines) are numbered from its data-start.
  function renumber(body) {
    var start = parseInt(body.getAttribute("data-start") || "1", 10);
    visibleRows(body).forEach(function (row, i) {
      var n = String(start + i);
      var no = row.querySelector("[data-no]");
      if (no) {
        no.textContent = n;
      }
      toArray(row.querySelectorAll("[aria-label]")).forEach(function (el) {
        el.setAttribute("aria-label", el.getAttribute("aria-label").replace(/line \S+$/, "line " + n));
      });
    });
  }

  function addRow(form, body) {
    var template = document.getElementById(body.getAttribute("data-template"));
    var prefix = body.getAttribute("data-prefix");
    var total = form.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    if (!template || !total) {
      return null;
    }
    var index = parseInt(total.value, 10) || 0;
    var holder = document.createElement("tbody");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index)).trim();
    var row = holder.querySelector("tr");
    body.appendChild(row);
    total.value = String(index + 1);
    renumber(body);
    if (window.htmx) {
      window.htmx.process(row);
    }
    return row;
  }

  function removeRow(form, row) {
    // The row stays in the formset, blank and hidden: blank lines are left out on submit,
    // so no other row needs renumbering on the server.
    var body = gridOf(row);
    var next = visibleRows(body)[visibleRows(body).indexOf(row) + 1];
    cellsOf(row).forEach(function (cell) {
      cell.value = "";
    });
    var info = row.querySelector(".col-info");
    if (info) {
      info.innerHTML = '<div class="sku-info"></div>';
    }
    row.hidden = true;
    renumber(body);
    if (!visibleRows(body).length) {
      next = addRow(form, body);
    }
    focusField(next ? cellsOf(next)[0] : null);
  }

  function formControls(form) {
    return toArray(
      form.querySelectorAll(
        "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea, button[type=submit]:not([hidden])"
      )
    ).filter(function (el) {
      return el.tabIndex !== -1 && !el.closest("tr[hidden]") && !el.closest("template");
    });
  }

  function focusNext(form, el) {
    var all = formControls(form);
    focusField(all[all.indexOf(el) + 1]);
  }

  function isBlank(row) {
    return cellsOf(row).every(function (cell) {
      return cell.type === "checkbox" ? !cell.checked : !cell.value.trim();
    });
  }

  // The first field after the grid.
  function leaveGrid(form, body) {
    var all = formControls(form);
    var inside = all.filter(function (el) {
      return body.contains(el);
    });
    focusField(all[all.indexOf(inside[inside.length - 1]) + 1]);
  }

  // Enter in a grid cell: the next cell, else the next line (a growing grid adds one at its
  // end), else out of the grid to the next field. In a grid marked data-leave-blank, Enter
  // on a blank line's first cell leaves the grid (the change form's reason comes next).
  function nextCell(form, cell) {
    var row = cell.closest("tr");
    var body = gridOf(cell);
    var cells = cellsOf(row);
    var at = cells.indexOf(cell);
    if (at === 0 && body.hasAttribute("data-leave-blank") && isBlank(row)) {
      leaveGrid(form, body);
      return;
    }
    if (at < cells.length - 1) {
      focusField(cells[at + 1]);
      return;
    }
    var rows = visibleRows(body);
    var next = rows[rows.indexOf(row) + 1];
    if (!next && body.hasAttribute("data-grow")) {
      next = addRow(form, body);
    }
    if (next) {
      focusField(cellsOf(next)[0]);
    } else {
      focusNext(form, cell);
    }
  }

  function verticalCell(cell, step) {
    var row = cell.closest("tr");
    var rows = visibleRows(gridOf(cell));
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
    toArray(form.querySelectorAll("tbody[data-grid] tr[data-row]:not([hidden])")).forEach(function (row) {
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

  // A form typed with the keyboard (order entry, the order page's change form): Enter
  // moves on, grids move by cell and line, Ctrl+Enter submits, a SKU is looked up as typed,
  // and a second submit while the first is on its way is ignored.
  function setUpKeyboardForm(form, onKey) {
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
      if (onKey && onKey(event, target)) {
        return;
      }
      if (target.matches("[data-cell]")) {
        if (event.key === "Enter") {
          event.preventDefault();
          nextCell(form, target);
        } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          verticalCell(target, event.key === "ArrowDown" ? 1 : -1);
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
      var cell = event.target.getAttribute("data-cell");
      if (cell && cell !== "requested_date" && cell !== "cancel") {
        lookup(event.target.closest("tr"));
      }
    });

    form.addEventListener("click", function (event) {
      var remove = event.target.closest("[data-remove]");
      if (remove) {
        removeRow(form, remove.closest("tr"));
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

  function setUpEntry(form) {
    var customer = form.querySelector("[data-customer-lookup]");
    setUpKeyboardForm(form, function (event, target) {
      if (target.matches("[data-customer-lookup]")) {
        onCustomerKey(form, event, target);
        return true;
      }
      return false;
    });

    form.addEventListener("input", function (event) {
      if (event.target.matches("[data-customer-lookup]")) {
        document.getElementById("id_customer").value = "";
      }
    });

    form.addEventListener("click", function (event) {
      var option = event.target.closest("[data-account]");
      if (option) {
        pick(form, customer, option);
      }
    });

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
  }

  // --- the order page: change form, allocation actions -------------------------------

  function setUpChange(form) {
    var details = form.closest("details");
    setUpKeyboardForm(form);

    function openChange() {
      if (details) {
        details.open = true;
      }
      var first =
        form.querySelector('[aria-invalid="true"]') ||
        form.querySelector('[data-cell="quantity"]') ||
        form.querySelector('[data-cell="sku"]');
      if (first) {
        first.scrollIntoView({ block: "center" });
      }
      focusField(first);
    }

    document.addEventListener("click", function (event) {
      if (event.target.closest("[data-open-change]")) {
        event.preventDefault();
        openChange();
      }
    });

    // Cancelling a line greys its quantity and date out (they are not sent).
    form.addEventListener("change", function (event) {
      if (event.target.getAttribute("data-cell") === "cancel") {
        event.target.closest("tr").classList.toggle("row--cancel", event.target.checked);
      }
    });
    toArray(form.querySelectorAll('[data-cell="cancel"]:checked')).forEach(function (box) {
      box.closest("tr").classList.add("row--cancel");
    });

    // After a refused change, the first field to correct has the focus.
    if (details && details.open && form.querySelector('[aria-invalid="true"], .form__errors')) {
      openChange();
    }
  }

  function setUpLineDialog(dialog) {
    var form = dialog.querySelector("form");
    var select = form.querySelector('[name="line_no"]');
    var warehouse = form.querySelector('[name="warehouse"]');
    var opener = null;

    function openFor(lineNo) {
      if (lineNo) {
        select.value = lineNo;
      }
      if (!dialog.open) {
        dialog.showModal();
      }
      focusField(
        form.querySelector('[aria-invalid="true"]') ||
          form.querySelector('input[name="action"]:checked') ||
          form.querySelector('input[name="action"]')
      );
    }

    document.addEventListener("click", function (event) {
      var link = event.target.closest("[data-line-action]");
      if (link) {
        event.preventDefault();
        opener = link;
        openFor(link.getAttribute("data-line-action"));
      }
    });
    form.querySelector("[data-close-dialog]").addEventListener("click", function (event) {
      event.preventDefault();
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      if (opener) {
        opener.focus();
      }
    });
    // Choosing a warehouse means moving the line there.
    warehouse.addEventListener("change", function () {
      if (warehouse.value) {
        form.querySelector('input[name="action"][value="move"]').checked = true;
      }
    });
    // Opened by the page (?line=3, or an action refused): as a dialog, with the focus in it.
    if (dialog.hasAttribute("open")) {
      dialog.close();
      opener = document.querySelector('[data-line-action="' + select.value + '"]');
      openFor("");
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
    var change = document.getElementById("change-form");
    if (change) {
      setUpChange(change);
    }
    var dialog = document.getElementById("line-action");
    if (dialog && dialog.showModal) {
      setUpLineDialog(dialog);
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

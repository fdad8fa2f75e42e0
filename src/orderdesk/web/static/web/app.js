/* OrderDesk keyboard helpers for search-as-you-type lists.
 *
 * A clerk types, then goes to the results without the mouse: ArrowDown or Enter in the
 * search box moves focus to the first result link (Enter first runs the search if the
 * table does not show the typed text yet); ArrowUp/ArrowDown move between results;
 * ArrowUp on the first result or "/" anywhere returns to the box. Without this file (or
 * without JS) the search box is a plain GET form: Enter submits it.
 */
(function () {
  "use strict";

  var focusFirstAfterSwap = null;

  function resultsBox(input) {
    return document.querySelector(input.getAttribute("data-results"));
  }

  function resultLinks(box) {
    return box ? Array.prototype.slice.call(box.querySelectorAll("a[data-result]")) : [];
  }

  function shownQuery(box) {
    var holder = box && box.querySelector("[data-query]");
    return holder ? holder.getAttribute("data-query") : null;
  }

  function searchInputFor(link) {
    var box = link.closest("[id]");
    while (box) {
      var input = document.querySelector('input[data-results="#' + box.id + '"]');
      if (input) {
        return input;
      }
      box = box.parentElement && box.parentElement.closest("[id]");
    }
    return null;
  }

  function onSearchKey(event, input) {
    if (event.key !== "ArrowDown" && event.key !== "Enter") {
      return;
    }
    var box = resultsBox(input);
    var fresh = shownQuery(box) === input.value.trim();
    if (fresh) {
      var links = resultLinks(box);
      if (links.length) {
        event.preventDefault();
        links[0].focus();
      } else if (event.key === "Enter") {
        event.preventDefault(); // nothing to go to; the "no match" line already says so
      }
      return;
    }
    if (window.htmx) {
      // The table still shows an older search: run this one now, then go to its first row.
      event.preventDefault();
      focusFirstAfterSwap = box;
      window.htmx.trigger(input, "search");
    }
    // No htmx: let Enter submit the form the ordinary way.
  }

  function onResultKey(event, link) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") {
      return;
    }
    var input = searchInputFor(link);
    var links = resultLinks(input ? resultsBox(input) : link.closest("table"));
    var at = links.indexOf(link);
    event.preventDefault();
    if (event.key === "ArrowDown" && at + 1 < links.length) {
      links[at + 1].focus();
    } else if (event.key === "ArrowUp") {
      if (at > 0) {
        links[at - 1].focus();
      } else if (input) {
        input.focus();
        input.select();
      }
    }
  }

  function isTyping(target) {
    return (
      target.isContentEditable ||
      /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)
    );
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.isComposing) {
      return;
    }
    var target = event.target;
    if (target.matches && target.matches("input[data-results]")) {
      onSearchKey(event, target);
    } else if (target.matches && target.matches("a[data-result]")) {
      onResultKey(event, target);
    } else if (event.key === "/" && !isTyping(target)) {
      var search = document.querySelector("input[data-results]");
      if (search) {
        event.preventDefault();
        search.focus();
        search.select();
      }
    }
  });

  // Focus inside the results survives a re-render: a search response that lands after the
  // clerk already moved into the table (or a page change from the pager) must not drop
  // focus onto <body>.
  var keepFocusAt = null;

  document.addEventListener("htmx:beforeSwap", function (event) {
    // A session that expired mid-search answers with the login page: go there as a page,
    // rather than pasting a login form into the results table.
    var loginUrl = document.body.getAttribute("data-login-url");
    var landed = event.detail.xhr && event.detail.xhr.responseURL;
    if (loginUrl && landed && new URL(landed).pathname === loginUrl) {
      event.detail.shouldSwap = false;
      window.location.assign(landed);
      return;
    }
    var box = event.detail.target;
    var active = document.activeElement;
    keepFocusAt = null;
    if (active && active !== box && box.contains(active)) {
      keepFocusAt = Math.max(0, resultLinks(box).indexOf(active));
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var box = event.detail.target;
    var links = resultLinks(box);
    var at = null;
    if (focusFirstAfterSwap === box) {
      at = 0;
      focusFirstAfterSwap = null;
    } else if (keepFocusAt !== null) {
      at = keepFocusAt;
    }
    keepFocusAt = null;
    if (at !== null && links.length) {
      links[Math.min(at, links.length - 1)].focus();
    }
  });
})();

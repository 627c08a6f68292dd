/* Directories: keep keyboard focus and screen reader state sensible around htmx swaps of the
   results (see apps/core/listing.py). No inline script: loaded as a static file (CSP).

   - The filter form is never swapped, so focus stays on the checkbox or the search box the
     reader used; the new count is announced by the live region #result-count.
   - A page or sort link lies inside the swapped results. When the element that had focus is
     gone after the swap, focus moves to the results region, where reading continues.
   - While a request runs the results region is aria-busy. */
(function () {
  "use strict";

  function resultsOf(event) {
    var target = event.detail && event.detail.target;
    if (!target || !target.classList || !target.classList.contains("result-list")) {
      return null;
    }
    return target.closest(".results");
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var results = resultsOf(event);
    if (results) {
      results.setAttribute("aria-busy", "true");
    }
  });

  function done(event) {
    var results = resultsOf(event);
    if (results) {
      results.removeAttribute("aria-busy");
    }
    return results;
  }

  document.addEventListener("htmx:afterRequest", done);

  /* On a phone the facets stand above the results; fold them while none is set, so the
     results are one tap away. Without JavaScript they stay open. */
  function foldFiltersOnNarrowScreens() {
    var panel = document.querySelector(".facet-panel");
    if (!panel) {
      return;
    }
    if (window.matchMedia("(max-width: 55.99rem)").matches && !panel.querySelector("input:checked")) {
      panel.removeAttribute("open");
    }
    // Until now the stylesheet kept the options out of sight on a phone (search.css), so
    // folding them moves nothing on the page.
    panel.classList.add("fold-decided");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", foldFiltersOnNarrowScreens);
  } else {
    foldFiltersOnNarrowScreens();
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var results = done(event);
    if (!results) {
      return;
    }
    var active = document.activeElement;
    if (!active || active === document.body || !document.body.contains(active)) {
      results.focus({ preventScroll: true });
    }
  });
})();

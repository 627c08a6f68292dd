/* The header's menu button on small screens: a disclosure (aria-expanded/aria-controls).
   Loaded in <head> without defer: the "js" class on <html> lets the stylesheet fold the menu
   before the first paint. Without JavaScript the class is missing, the button stays hidden
   and the menu stays open, so the navigation is always reachable. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.closest(".site-header").classList.toggle("menu-open", open);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".menu-button[aria-controls]");
    if (!button) return;
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    button.addEventListener("click", function () {
      setOpen(button, button.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes the menu from anywhere inside it and gives focus back to the button.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || button.getAttribute("aria-expanded") !== "true") return;
      if (menu.contains(document.activeElement) || document.activeElement === button) {
        setOpen(button, false);
        button.focus();
      }
    });
  });
})();

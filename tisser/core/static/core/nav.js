/* The site menu on phones and the staff bar's groups. Without this script the menu is
   simply open (stacked) and each group is a plain <details>: nothing depends on it. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js-menu");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    var header = document.querySelector(".site-header");
    var button = document.querySelector("[data-menu-button]");
    if (header && button) {
      button.hidden = false;
      var setOpen = function (open) {
        header.classList.toggle("menu-open", open);
        button.setAttribute("aria-expanded", open ? "true" : "false");
      };
      button.addEventListener("click", function () {
        setOpen(button.getAttribute("aria-expanded") !== "true");
      });
      header.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true"
            && window.getComputedStyle(button).display !== "none") {
          setOpen(false);
          button.focus();
        }
      });
    }

    // A table wider than the page scrolls in its box: keyboard users must reach it too.
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", caption ? caption.textContent.trim() : (box.getAttribute("data-label") || "Table"));
      }
    });

    var groups = Array.prototype.slice.call(document.querySelectorAll("[data-nav-group]"));
    groups.forEach(function (group) {
      group.addEventListener("toggle", function () {
        if (!group.open) return;
        groups.forEach(function (other) { if (other !== group) other.open = false; });
      });
      group.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && group.open) {
          event.stopPropagation();
          group.open = false;
          group.querySelector("summary").focus();
        }
      });
    });
    document.addEventListener("click", function (event) {
      groups.forEach(function (group) {
        if (group.open && !group.contains(event.target)) group.open = false;
      });
    });
  });
})();

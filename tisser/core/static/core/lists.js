/* Staff lists: a box in the header ticks every row of the page; the bulk bar says how
   many are ticked; on a phone the filters start folded. Without this script each row is
   ticked one by one and the filters stay open. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    if (window.matchMedia("(max-width: 760px)").matches) {
      document.querySelectorAll("[data-filter-panel]").forEach(function (panel) {
        if (!panel.querySelector(".badge")) panel.open = false;  // no filter active
      });
    }
    document.querySelectorAll("[data-select-all]").forEach(function (all) {
      var form = all.getAttribute("data-select-all");
      var boxes = function () {
        return document.querySelectorAll('input[type=checkbox][name=id][form="' + form + '"]');
      };
      var counter = document.querySelector('[data-selected-count="' + form + '"]');
      var update = function () {
        var list = boxes(), ticked = 0;
        list.forEach(function (box) { if (box.checked) ticked += 1; });
        all.checked = list.length > 0 && ticked === list.length;
        all.indeterminate = ticked > 0 && ticked < list.length;
        if (counter) counter.textContent = String(ticked);
      };
      all.hidden = false;
      all.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = all.checked; });
        update();
      });
      boxes().forEach(function (box) { box.addEventListener("change", update); });
      update();
    });
  });
})();

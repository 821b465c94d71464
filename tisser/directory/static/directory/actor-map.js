/* The small map of an actor's page: one marker, on tiles or the outlines beneath them. */
(function () {
  "use strict";
  var node = document.getElementById("actor-map-config");
  if (!node || !window.L) { return; }
  var config = JSON.parse(node.textContent);
  var position = [config.latitude, config.longitude];
  var map = L.map("actor-map", { scrollWheelZoom: false, keyboard: true }).setView(position, 13);
  window.tisserMapBackground(map, config);
  L.marker(position, {
    title: config.name,
    alt: config.name,
    icon: L.divIcon({ className: "actor-marker", html: '<span class="actor-dot"></span>', iconSize: [18, 18] })
  }).addTo(map);
})();

/* The small map of an actor's page: one marker, tiles or the offline outlines. */
(function () {
  "use strict";
  var node = document.getElementById("actor-map-config");
  if (!node || !window.L) { return; }
  var config = JSON.parse(node.textContent);
  var position = [config.latitude, config.longitude];
  var map = L.map("actor-map", { scrollWheelZoom: false, keyboard: true }).setView(position, 13);
  if (config.tilesUrl) {
    L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution, maxZoom: 19 }).addTo(map);
  } else if (config.outlinesUrl) {
    fetch(config.outlinesUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (geojson) {
        if (geojson) {
          L.geoJSON(geojson, { interactive: false, style: { color: "#6b7a73", weight: 1, fillColor: "#eef3f0", fillOpacity: 1 } })
            .addTo(map).bringToBack();
        }
      })
      .catch(function () { /* no background offline: the marker is still shown */ });
  }
  L.marker(position, {
    title: config.name,
    alt: config.name,
    icon: L.divIcon({ className: "actor-marker", html: '<span class="actor-dot"></span>', iconSize: [18, 18] })
  }).addTo(map);
})();

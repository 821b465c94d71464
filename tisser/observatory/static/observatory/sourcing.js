/* The sourcing results on a map: one marker per supplier found, the search circle
 * around the chosen commune. Data from #sourcing-config (no inline script). */
(function () {
  "use strict";
  var node = document.getElementById("sourcing-config");
  var mapNode = document.getElementById("sourcing-map");
  if (!node || !mapNode || !window.L) { return; }
  var config = JSON.parse(node.textContent);
  var map = L.map(mapNode, { keyboard: true, attributionControl: false });
  map.setView([50.0, 2.8], 7);
  fetch("/territoires/departements.geojson").then(function (r) { return r.ok ? r.json() : null; }).then(function (outlines) {
    if (outlines) { L.geoJSON(outlines, { style: { color: "#999", weight: 1, fillOpacity: 0.04 }, interactive: false }).addTo(map); }
  });
  var group = L.featureGroup().addTo(map);
  if (config.centre && config.km) {
    L.circle(config.centre, { radius: config.km * 1000, color: "#045a8d", weight: 1, fillOpacity: 0.05 }).addTo(group);
  }
  config.points.forEach(function (p) {
    L.circleMarker([p.lat, p.lng], { radius: 6, color: "#045a8d", fillOpacity: 0.8 })
      .bindPopup('<a href="' + p.url + '"></a>').on("popupopen", function (e) {
        e.popup.getElement().querySelector("a").textContent = p.name;
      }).addTo(group);
  });
  if (group.getLayers().length) { map.fitBounds(group.getBounds().pad(0.1)); }
  mapNode.setAttribute("data-ready", "1");
})();

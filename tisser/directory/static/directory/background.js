/* The maps' background, shared by the cooperative map and an actor's page.
 *
 * The département outlines (shipped with Tisser, served by /territoires/) lie in a pane
 * beneath the tiles: online, the tiles cover them; offline, or when the tile server does
 * not answer, they are what shows — with no setting to change. They are fetched only when
 * needed: at once without tiles, else on the first tile that fails, or when no tile has
 * come after a few seconds.
 */
(function () {
  "use strict";

  var STYLE = { color: "#6b7a73", weight: 1, fillColor: "#eef3f0", fillOpacity: 1 };
  var WAIT_FOR_TILES_MS = 4000;

  window.tisserMapBackground = function (map, config) {
    var pane = map.createPane("outlines");
    pane.style.zIndex = 150; /* tiles are at 200, markers above */
    pane.style.pointerEvents = "none";
    var requested = false;

    function showOutlines() {
      if (requested || !config.outlinesUrl) { return; }
      requested = true;
      map.getContainer().setAttribute("data-outlines", "loading");
      fetch(config.outlinesUrl, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (geojson) {
          if (!geojson) { return; }
          L.geoJSON(geojson, { pane: "outlines", interactive: false, style: STYLE }).addTo(map);
          map.getContainer().setAttribute("data-outlines", "shown");
        })
        .catch(function () { /* the map still works without its background */ });
    }

    if (!config.tilesUrl) {
      showOutlines();
      return;
    }
    var loaded = false;
    var tiles = L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution, maxZoom: 19 });
    tiles.on("tileload", function () { loaded = true; });
    tiles.on("tileerror", showOutlines);
    tiles.addTo(map);
    window.setTimeout(function () { if (!loaded) { showOutlines(); } }, WAIT_FOR_TILES_MS);
  };
})();

/* The observatory's choropleth: joins the compact values JSON ({INSEE code: value}) to
 * the outlines served by /territoires/, colours each territory by the classes the server
 * computed, and labels it on hover and focus. Communes without a fetched outline are drawn
 * as dots at their centre. Configuration comes from #obs-map-config (no inline script).
 */
(function () {
  "use strict";
  var node = document.getElementById("obs-map-config");
  var mapNode = document.getElementById("obs-map");
  if (!node || !mapNode || !window.L) { return; }
  var config = JSON.parse(node.textContent);
  var map = L.map(mapNode, { preferCanvas: true, keyboard: true, attributionControl: false });
  map.setView([46.6, 2.4], 5);

  function getJSON(url) {
    if (!url) { return Promise.resolve(null); }
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; });
  }
  function colour(value, data) {
    if (value === undefined || value === null) { return "#f7f7f7"; }
    var offset = data.colors.length - data.breaks.length;
    for (var i = 0; i < data.breaks.length; i++) {
      if (value <= data.breaks[i]) { return data.colors[i + offset]; }
    }
    return data.colors[data.colors.length - 1];
  }
  function label(name, value) {
    var text = value === undefined ? config.strings.noValue
      : value.toLocaleString(document.documentElement.lang, { maximumFractionDigits: config.decimals }) + " " + config.unit;
    return name + " : " + text;
  }
  function link(code) { return config.territoryUrl.replace("CODE", config.prefix + code); }

  /* The legend swatches take the same colours. */
  getJSON(config.valuesUrl).then(function (data) {
    if (!data) { return; }
    var swatches = document.querySelectorAll(".obs-legend .swatch");
    var offset = data.colors.length - data.breaks.length;
    swatches.forEach(function (s) { s.style.background = data.colors[parseInt(s.dataset.index, 10) + offset]; });
    return getJSON(config.outlinesUrl).then(function (outlines) {
      var drawn = {};
      var layer = L.geoJSON(outlines || { type: "FeatureCollection", features: [] }, {
        style: function (f) {
          drawn[f.properties.code] = true;
          return { color: "#555", weight: 0.6, fillOpacity: 0.85, fillColor: colour(data.values[f.properties.code], data) };
        },
        onEachFeature: function (f, l) {
          l.bindTooltip(label(f.properties.name, data.values[f.properties.code]), { sticky: true });
          l.on("click", function () { window.location.href = link(f.properties.code); });
        }
      }).addTo(map);
      var bounds = layer.getBounds();
      mapNode.setAttribute("data-outlines", String(Object.keys(drawn).length));
      if (config.level === "commune") {
        return getJSON(config.centresUrl).then(function (centres) {
          var dots = L.featureGroup();
          Object.keys(centres || {}).forEach(function (code) {
            if (drawn[code]) { return; }
            var value = data.values[code];
            L.circleMarker(centres[code], { radius: 4, weight: 0.5, color: "#555", fillOpacity: 0.9, fillColor: colour(value, data) })
              .bindTooltip(label(code, value)).on("click", function () { window.location.href = link(code); }).addTo(dots);
          });
          dots.addTo(map);
          mapNode.setAttribute("data-dots", String(dots.getLayers().length));
          var all = bounds.isValid() ? bounds.extend(dots.getBounds()) : dots.getBounds();
          if (all.isValid()) { map.fitBounds(all); }
          mapNode.setAttribute("data-ready", "1");
        });
      }
      /* Fit the territories that have a value (metropolitan France when they all do:
       * overseas outlines would shrink it to a dot). */
      var valued = L.latLngBounds([]);
      layer.eachLayer(function (l) {
        if (data.values[l.feature.properties.code] !== undefined) { valued.extend(l.getBounds()); }
      });
      var france = L.latLngBounds([41.3, -5.2], [51.1, 9.6]);
      if (valued.isValid()) {
        map.fitBounds(france.contains(valued) ? valued.pad(0.15) : france);
      } else if (bounds.isValid()) {
        map.fitBounds(france);
      }
      mapNode.setAttribute("data-ready", "1");
    });
  });
})();

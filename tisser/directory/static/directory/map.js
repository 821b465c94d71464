/* The cooperative map: draws what /carte/donnees/ returns for the visible part of the map,
 * keeps the list beside it and the address bar in step with the filters and the view.
 *
 * Low zoom: the server groups actors by grid cell; we draw one bubble per cell.
 * High zoom: the server sends points; Leaflet.markercluster draws them in chunks so the
 * page never freezes. Configuration comes from the #map-config JSON (no inline script).
 */
(function () {
  "use strict";

  var configNode = document.getElementById("map-config");
  if (!configNode || !window.L) { return; }
  var config = JSON.parse(configNode.textContent);
  var strings = config.strings;
  var FILTER_KEYS = ["q", "category", "territory", "legal_form", "member"];
  var form = document.getElementById("map-filters");
  var listNode = document.getElementById("map-list");
  var statusNode = document.getElementById("map-status");
  var embedCode = document.getElementById("embed-code");

  /* On a phone the categories fold away (unless some are chosen) so the map shows sooner. */
  var categoriesBox = document.getElementById("map-categories");
  if (categoriesBox && window.matchMedia("(max-width: 640px)").matches &&
      !categoriesBox.querySelector("input:checked")) {
    categoriesBox.removeAttribute("open");
  }

  /* ---- state from the address bar ---- */
  var initial = new URLSearchParams(window.location.search);
  var listPage = parseInt(initial.get("page") || "1", 10) || 1;
  var lat = parseFloat(initial.get("lat"));
  var lng = parseFloat(initial.get("lng"));
  var zoom = parseInt(initial.get("zoom"), 10);
  var center = isFinite(lat) && isFinite(lng) ? [lat, lng] : config.center;
  if (!isFinite(zoom)) { zoom = config.zoom; }

  var map = L.map("map", { keyboard: true, zoomControl: true, minZoom: 3, maxZoom: 18, preferCanvas: false });
  map.setView(center, zoom);

  /* ---- background: tiles, with the département outlines beneath (background.js) ---- */
  window.tisserMapBackground(map, config);

  var clusterLayer = L.layerGroup().addTo(map);
  var pointLayer = L.markerClusterGroup({
    chunkedLoading: true,
    chunkInterval: 100,
    showCoverageOnHover: false,
    maxClusterRadius: 50
  }).addTo(map);

  /* ---- filters ---- */
  function filterParams() {
    var params = new URLSearchParams();
    if (config.embed || !form) {
      new URLSearchParams(config.filters || "").forEach(function (value, key) {
        params.append(key, value);
      });
      return params;
    }
    var data = new FormData(form);
    FILTER_KEYS.forEach(function (key) {
      data.getAll(key).forEach(function (value) {
        if (value) { params.append(key, value); }
      });
    });
    return params;
  }

  function bboxString() {
    var b = map.getBounds();
    return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
      .map(function (v) { return v.toFixed(5); }).join(",");
  }

  function actorUrl(slug) { return config.actorUrl.replace("__slug__", encodeURIComponent(slug)); }

  function countText(n) {
    return n === 1 ? strings.oneActor : strings.actors.replace("%(count)s", n.toLocaleString());
  }

  function setStatus(text) { if (statusNode) { statusNode.textContent = text; } }

  /* ---- drawing ---- */
  function clusterIcon(count) {
    var size = Math.round(Math.min(64, 26 + Math.log(count + 1) * 5));
    return L.divIcon({
      className: "server-cluster" + (count === 1 ? " single" : ""),
      html: "<span>" + (count >= 10000 ? Math.round(count / 1000) + "k" : count) + "</span>",
      iconSize: [size, size]
    });
  }

  function drawClusters(rows) {
    rows.forEach(function (row) {
      var marker = L.marker([row[0], row[1]], {
        icon: clusterIcon(row[2]),
        title: countText(row[2]) + " — " + strings.zoomIn,
        alt: countText(row[2]),
        keyboard: true
      });
      marker.on("click", function () {
        map.setView([row[0], row[1]], Math.min(map.getZoom() + 2, 18));
      });
      clusterLayer.addLayer(marker);
    });
  }

  function popupFor(point) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = actorUrl(point[6]);
    link.textContent = point[3];
    link.className = "popup-name";
    box.appendChild(link);
    if (point[4]) {
      var badge = document.createElement("span");
      badge.className = "badge member";
      badge.textContent = strings.member;
      box.appendChild(document.createTextNode(" "));
      box.appendChild(badge);
    }
    return box;
  }

  function pointIcon(point) {
    var span = document.createElement("span");
    span.className = "actor-dot" + (point[4] ? " is-member" : "");
    span.style.setProperty("--dot", point[5] || "#1f6b4a");
    return L.divIcon({ className: "actor-marker", html: span.outerHTML, iconSize: [18, 18] });
  }

  function drawPoints(rows) {
    var markers = rows.map(function (point) {
      var marker = L.marker([point[1], point[2]], {
        icon: pointIcon(point),
        title: point[3],
        alt: point[3],
        keyboard: true
      });
      marker.bindPopup(function () { return popupFor(point); });
      return marker;
    });
    pointLayer.addLayers(markers);
  }

  /* ---- loading data ---- */
  var dataController = null;
  var listController = null;

  function loadData() {
    var params = filterParams();
    params.set("bbox", bboxString());
    params.set("zoom", String(map.getZoom()));
    if (dataController) { dataController.abort(); }
    dataController = new AbortController();
    fetch(config.dataUrl + "?" + params.toString(), { signal: dataController.signal, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        clusterLayer.clearLayers();
        pointLayer.clearLayers();
        if (data.kind === "clusters") { drawClusters(data.clusters); } else { drawPoints(data.points); }
        document.getElementById("map").setAttribute("data-kind", data.kind);
        document.getElementById("map").setAttribute("data-total", String(data.total));
        // With a list beside the map, its count is the one announced (loadList).
        if (!listNode) { setStatus(countText(data.total)); }
      })
      .catch(function (err) { if (err.name !== "AbortError") { setStatus(strings.error); } });
  }

  function loadList() {
    if (!listNode) { return; }
    var params = filterParams();
    params.set("bbox", bboxString());
    if (listPage > 1) { params.set("page", String(listPage)); }
    if (listController) { listController.abort(); }
    listController = new AbortController();
    listNode.setAttribute("aria-busy", "true");
    fetch(config.listUrl + "?" + params.toString(), { signal: listController.signal, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.text(); })
      .then(function (html) {
        listNode.innerHTML = html;
        listNode.removeAttribute("aria-busy");
        var count = document.getElementById("map-count");
        if (count) { setStatus(count.textContent.trim()); }
      })
      .catch(function (err) { if (err.name !== "AbortError") { listNode.removeAttribute("aria-busy"); } });
  }

  /* ---- shareable address: filters + view ---- */
  function updateAddress() {
    if (config.embed) { return; }
    var params = filterParams();
    var c = map.getCenter();
    params.set("lat", c.lat.toFixed(5));
    params.set("lng", c.lng.toFixed(5));
    params.set("zoom", String(map.getZoom()));
    if (listPage > 1) { params.set("page", String(listPage)); }
    window.history.replaceState(null, "", config.mapUrl + "?" + params.toString());
    if (embedCode) {
      var filters = filterParams().toString();
      embedCode.value = embedCode.value.replace(/src="[^"]*"/, 'src="' + config.embedUrl + (filters ? "?" + filters : "") + '"');
    }
  }

  var timer = null;
  function refresh(resetPage) {
    if (resetPage) { listPage = 1; }
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      loadData();
      loadList();
      updateAddress();
    }, 200);
  }

  map.on("moveend", function () { refresh(true); });

  /* ---- the filter form ---- */
  if (form && !config.embed) {
    form.addEventListener("submit", function (event) { event.preventDefault(); refresh(true); });
    form.addEventListener("change", function (event) {
      if (event.target.id === "map-territory") { return; }
      refresh(true);
    });
    var q = document.getElementById("map-q");
    if (q) { q.addEventListener("input", function () { refresh(true); }); }

    var reset = document.getElementById("map-reset");
    if (reset) {
      reset.addEventListener("click", function (event) {
        event.preventDefault();
        form.reset();
        Array.prototype.forEach.call(form.elements, function (el) {
          if (el.type === "checkbox") { el.checked = false; }
          else if (el.tagName === "SELECT") { el.selectedIndex = 0; }
          else if (el.type !== "submit" && el.type !== "button") { el.value = ""; }
        });
        refresh(true);
      });
    }

    /* territory autocomplete: a native datalist filled from /territoires/recherche/ */
    var territoryInput = document.getElementById("map-territory");
    var territoryCode = document.getElementById("map-territory-code");
    var territoryList = document.getElementById("map-territory-options");
    var known = {};
    var territoryTimer = null;
    if (territoryInput && territoryCode && territoryList) {
      territoryInput.addEventListener("input", function () {
        var text = territoryInput.value.trim();
        if (known[text]) {
          territoryCode.value = known[text];
          refresh(true);
          return;
        }
        if (!text) {
          if (territoryCode.value) { territoryCode.value = ""; refresh(true); }
          return;
        }
        window.clearTimeout(territoryTimer);
        territoryTimer = window.setTimeout(function () {
          // "Lille (59)" is a label of ours: search for "Lille".
          var query = text.replace(/\s*\([^)]*\)\s*$/, "") || text;
          fetch(config.territorySearchUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
            .then(function (r) { return r.ok ? r.json() : { results: [] }; })
            .then(function (data) {
              var results = Array.isArray(data) ? data : (data.results || []);
              territoryList.innerHTML = "";
              results.forEach(function (item) {
                var label = item.label || item.name;
                known[label] = item.code;
                var option = document.createElement("option");
                option.value = label;
                if (item.kind_label) { option.label = label + " — " + item.kind_label; }
                territoryList.appendChild(option);
              });
              if (known[territoryInput.value.trim()]) {
                territoryCode.value = known[territoryInput.value.trim()];
                refresh(true);
              }
            })
            .catch(function () { /* typing goes on; the filter stays as it was */ });
        }, 200);
      });
    }
  }

  /* ---- list pagination without reloading ---- */
  if (listNode) {
    listNode.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-page]");
      if (!link) { return; }
      event.preventDefault();
      listPage = parseInt(link.getAttribute("data-page"), 10) || 1;
      loadList();
      updateAddress();
      listNode.focus();
    });
    listNode.setAttribute("tabindex", "-1");
  }

  loadData();
  loadList();
})();

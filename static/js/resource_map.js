// The partnership's map of resources and needs: markers of the listings that give a place.
// Leaflet is served from static/vendor/leaflet; tiles only when the site configures a tile
// URL (without them the markers still show on a blank map, and the list below says it all).
(function () {
  "use strict";
  var box = document.getElementById("resource-map");
  var data = document.getElementById("resource-markers");
  if (!box || !data || typeof L === "undefined") { return; }
  var markers = JSON.parse(data.textContent);
  if (!markers.length) { return; }
  L.Icon.Default.imagePath = box.dataset.icon;
  var map = L.map(box, { scrollWheelZoom: false });
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution || "" }).addTo(map);
  } else {
    box.classList.add("no-tiles");
  }
  var bounds = [];
  markers.forEach(function (m) {
    var point = [m.lat, m.lng];
    bounds.push(point);
    var text = m.title + " — " + m.organization + (m.unmet ? " (" + box.dataset.unmetLabel + ")" : "");
    var marker = m.kind === "need"
      ? L.circleMarker(point, { radius: 9, color: m.unmet ? "#b42318" : "#6b7280", weight: 3 })
      : L.marker(point, { title: text, alt: text });
    var link = document.createElement("a");
    link.href = "/listings/" + m.id;
    link.textContent = text;
    marker.bindPopup(link).addTo(map);
  });
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 });
}());

/* An alert's page: its area (the polygon its CAP messages carry) over the offline basemap. */
(function () {
  "use strict";
  var host = document.getElementById("alert-map");
  var data = document.getElementById("alert-area");
  if (!host || !data) { return; }
  var map = L.map(host, { zoomSnap: 0.25, minZoom: 4, maxZoom: 11 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(host.dataset.attribution);
  var area = L.geoJSON(JSON.parse(data.textContent), { interactive: false, style: { color: "#7a1f1f", weight: 2, fillColor: "#c0392b", fillOpacity: 0.25 } });
  map.fitBounds(area.getBounds(), { padding: [16, 16] });
  LiptakoBasemap.panes(map);
  LiptakoBasemap.draw(map);
  area.addTo(map);
})();

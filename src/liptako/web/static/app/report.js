/* Report form: set the place by clicking the map or by choosing a gazetteer entry. */
(function () {
  "use strict";
  var lat = document.getElementById("lat"), lon = document.getElementById("lon");
  var nameInput = document.getElementById("place_name"), options = document.getElementById("place-options");
  var host = document.getElementById("report-map");
  /* opens on the three states, over the offline basemap */
  var map = L.map(host, { zoomSnap: 0.25, minZoom: 4, maxZoom: 13 });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(host.dataset.attribution);
  map.fitBounds(LiptakoBasemap.STATES);
  var pointRenderer = LiptakoBasemap.panes(map);
  LiptakoBasemap.draw(map);
  fetch("/api/v1/geo/admin-units?lang=" + document.documentElement.lang, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) { L.geoJSON(data, { interactive: false, style: { color: "#5b5b5b", weight: 1, fill: false } }).addTo(map); });
  var marker = null;
  function place(latitude, longitude, zoom) {
    lat.value = latitude.toFixed(5); lon.value = longitude.toFixed(5);
    if (marker) { marker.setLatLng([latitude, longitude]); } else { marker = L.circleMarker([latitude, longitude], { radius: 7, color: "#7a1f1f", pane: "incidents", renderer: pointRenderer }).addTo(map); }
    if (zoom) { map.setView([latitude, longitude], 9); }
  }
  if (lat.value && lon.value && !isNaN(+lat.value) && !isNaN(+lon.value)) { place(+lat.value, +lon.value, true); }
  map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng, false); });

  var found = {}, timer = null;
  nameInput.addEventListener("input", function () {
    var q = nameInput.value.trim();
    if (found[q]) { place(found[q].lat, found[q].lon, true); return; }
    clearTimeout(timer);
    if (q.length < 2) { return; }
    timer = setTimeout(function () {
      fetch("/api/v1/geo/places?limit=10&q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (places) {
          options.textContent = "";
          places.forEach(function (p) {
            var label = p.name + " (" + p.iso3 + ")";
            found[label] = p;
            var option = document.createElement("option");
            option.value = label;
            options.appendChild(option);
          });
        });
    }, 200);
  });
})();

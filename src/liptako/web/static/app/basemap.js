/* The offline basemap of both maps: Natural Earth countries, lakes and rivers from
   /static/basemap/ (no tile server), town labels by population as the user zooms in. */
var LiptakoBasemap = (function () {
  "use strict";
  /* the extent of Mali, Burkina Faso and Niger in countries.geojson */
  var STATES = L.latLngBounds([9.42, -12.29], [25.0, 15.97]);
  var MEMBERS = ["BFA", "MLI", "NER"];
  var LABEL_FONT = "12px system-ui, sans-serif";

  /* Panes, bottom to top: basemap (250), admin areas (overlayPane, 400), town labels (450),
     incidents (500, SVG whose empty space lets the pointer through to the areas below),
     clusters (markerPane, 600). */
  function panes(map) {
    map.createPane("basemap").style.zIndex = 250;
    map.createPane("towns").style.zIndex = 450;
    map.createPane("incidents").style.zIndex = 500;
    return L.svg({ pane: "incidents" });
  }

  function getJSON(name) {
    return fetch("/static/basemap/" + name + ".geojson", { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(name + ": " + response.status); }
      return response.json();
    });
  }

  function countryStyle(feature) {
    var focus = feature.properties.focus;
    return { className: "basemap-country", color: "#a9a59b", weight: 1, fillOpacity: 1, fillColor: focus ? "#f4f1ea" : "#e2e0da" };
  }
  function riverStyle(feature) {
    return { className: "basemap-river", color: "#5d8fbb", weight: feature.properties.scalerank <= 5 ? 2 : 1, opacity: 0.9 };
  }
  var LAKE = { className: "basemap-lake", color: "#5d8fbb", weight: 0.5, fillColor: "#b9d4e9", fillOpacity: 1 };

  /* Labels by population: at zoom z a town needs 1,000,000 / 4^(z - 4) people (a quarter
     as many per level in, where the same screen shows a quarter of the ground), a member
     state's town a quarter of that (it is labelled one level earlier than a neighbour's),
     and a place free of the labels of towns ranked before it. */
  function townLabels(map, features) {
    var layer = L.layerGroup().addTo(map);
    var measure = document.createElement("canvas").getContext("2d");
    measure.font = LABEL_FONT;
    var towns = features.filter(function (f) { return f.properties.pop_max > 0; }).map(function (f) {
      var p = f.properties, latlng = L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0]);
      var text = document.createElement("span");
      text.textContent = p.name;
      var capital = p.featurecla.indexOf("Admin-0 capital") === 0;
      var icon = L.divIcon({ className: "town-label" + (capital ? " capital" : ""), html: text, iconSize: null, iconAnchor: [3, 8] });
      return { latlng: latlng, rank: p.pop_max * (MEMBERS.indexOf(p.adm0_a3) >= 0 ? 4 : 1),
               width: 10 + measure.measureText(p.name).width * (capital ? 1.1 : 1),
               marker: L.marker(latlng, { icon: icon, pane: "towns", interactive: false, keyboard: false }) };
    }).sort(function (a, b) { return b.rank - a.rank; });
    function update() {
      var zoom = map.getZoom(), least = 1e6 / Math.pow(4, zoom - 4), taken = [];
      towns.forEach(function (town) {
        var box = null;
        if (town.rank >= least) {
          var p = map.project(town.latlng, zoom);
          box = [p.x - 4, p.y - 9, p.x + town.width, p.y + 9];
          if (taken.some(function (b) { return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]; })) { box = null; }
        }
        if (box) { taken.push(box); layer.addLayer(town.marker); } else { layer.removeLayer(town.marker); }
      });
      map.getContainer().dataset.towns = String(taken.length);
    }
    map.on("zoomend", update);
    update();
  }

  function recordBounds(map) {
    var b = map.getBounds();
    map.getContainer().dataset.bounds = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(3); }).join(",");
  }

  /* Draws the basemap under what the page adds; resolves to the member states' bounds. */
  function draw(map) {
    map.on("moveend", function () { recordBounds(map); });
    recordBounds(map);
    var renderer = L.svg({ pane: "basemap" });
    function layer(data, style) { return L.geoJSON(data, { pane: "basemap", renderer: renderer, interactive: false, style: style }).addTo(map); }
    return Promise.all(["countries", "lakes", "rivers", "places"].map(getJSON)).then(function (data) {
      var countries = layer(data[0], countryStyle), bounds = {};
      layer(data[1], LAKE);
      layer(data[2], riverStyle);
      townLabels(map, data[3].features);
      countries.eachLayer(function (country) {
        if (country.feature.properties.focus) { bounds[country.feature.properties.adm0_a3] = country.getBounds(); }
      });
      map.getContainer().dataset.basemap = "drawn";
      return bounds;
    });
  }

  /* Fits the map to the union of some member states (all three when none). */
  function fitStates(map, bounds, codes) {
    var target = null;
    codes.forEach(function (code) {
      if (bounds[code]) { target = target ? target.extend(bounds[code]) : L.latLngBounds(bounds[code].getSouthWest(), bounds[code].getNorthEast()); }
    });
    map.fitBounds(target || STATES);
  }

  return { STATES: STATES, panes: panes, draw: draw, fitStates: fitStates };
})();

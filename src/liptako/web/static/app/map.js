/* The common operational picture: one filter drives the map, the chart and the table. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var labels = config.labels;
  var form = document.getElementById("filters");
  var months = monthRange(config.months.min, config.months.max);
  var state = { request: 0, units: null, counts: {}, categories: {}, hotspots: null, trend: {}, trendRequest: 0, forecast: {}, forecastRun: null, forecastRequest: 0 };

  function monthRange(min, max) {
    var out = [], y = +min.slice(0, 4), m = +min.slice(5, 7);
    var endY = +max.slice(0, 4), endM = +max.slice(5, 7);
    while (y < endY || (y === endY && m <= endM)) {
      out.push(y + "-" + (m < 10 ? "0" : "") + m);
      m += 1; if (m > 12) { m = 1; y += 1; }
    }
    return out.length ? out : [min];
  }

  function lastDay(month) {
    var y = +month.slice(0, 4), m = +month.slice(5, 7);
    return month + "-" + String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, "0");
  }
  /* seconds since 1970 at the start of a month, and of the month after it */
  function monthStart(month) { return Date.UTC(+month.slice(0, 4), +month.slice(5, 7) - 1, 1) / 1000; }
  function monthEnd(month) { return Date.UTC(+month.slice(0, 4), +month.slice(5, 7), 1) / 1000; }

  /* every word and number in the page's language: the words come from the page (config.labels),
     dates and numbers from Intl, and counts take the plural form Intl.PluralRules names */
  var monthFormat = new Intl.DateTimeFormat(config.locale, { year: "numeric", month: "short", timeZone: "UTC" });
  var dayFormat = new Intl.DateTimeFormat(config.locale, { dateStyle: "medium", timeZone: "UTC" });
  var numberFormat = new Intl.NumberFormat(config.locale);
  var plurals = new Intl.PluralRules(config.locale);
  function monthLabel(month) { return monthFormat.format(new Date(month + "-01T00:00:00Z")); }
  function counted(n, forms) { return numberFormat.format(n) + "\u00a0" + (forms[plurals.select(n)] || forms.other); }

  /* period slider */
  var fromInput = document.getElementById("from-month");
  var toInput = document.getElementById("to-month");
  [fromInput, toInput].forEach(function (input) { input.max = months.length - 1; });
  fromInput.value = Math.max(0, months.indexOf(config.months.start));
  toInput.value = months.length - 1;
  function syncLabels() {
    if (+fromInput.value > +toInput.value) { toInput.value = fromInput.value; }
    document.getElementById("from-label").textContent = monthLabel(months[+fromInput.value]);
    document.getElementById("to-label").textContent = monthLabel(months[+toInput.value]);
    fromInput.setAttribute("aria-valuetext", monthLabel(months[+fromInput.value]));
    toInput.setAttribute("aria-valuetext", monthLabel(months[+toInput.value]));
  }

  /* The filters live in the page's address (shareable, kept across the language switch):
     what differs from the default view is written there as the user changes it, and read
     back when the page opens. Parameters of others (lang) are left as they are. */
  var OWN = ["from", "to", "country", "event_type", "actor", "source", "tlp", "measure", "q", "layer", "ahead"];
  var defaultFrom = Math.max(0, months.indexOf(config.months.start));
  function monthIndex(text, fallback) {
    if (!/^\d{4}-\d{2}$/.test(text || "")) { return fallback; }
    if (text <= months[0]) { return 0; }
    if (text >= months[months.length - 1]) { return months.length - 1; }
    return Math.max(0, months.indexOf(text));
  }
  function restore() {
    var params = new URLSearchParams(window.location.search);
    fromInput.value = monthIndex(params.get("from"), defaultFrom);
    toInput.value = monthIndex(params.get("to"), months.length - 1);
    ["country", "event_type"].forEach(function (name) {
      var chosen = params.getAll(name);
      form.querySelectorAll("input[name=" + name + "]").forEach(function (box) { box.checked = chosen.indexOf(box.value) >= 0; });
    });
    ["actor", "source", "tlp", "measure"].forEach(function (name) {
      var select = form.elements[name], value = params.get(name);
      if (value !== null && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) { select.value = value; }
    });
    form.elements.q.value = (params.get("q") || "").slice(0, 200);
    state.layers = params.getAll("layer");
    var ahead = params.get("ahead");
    if (/^[1-6]$/.test(ahead || "")) { document.getElementById("ahead").value = ahead; }
  }
  function remember() {
    var params = new URLSearchParams(window.location.search);
    OWN.forEach(function (name) { params.delete(name); });
    if (+fromInput.value !== defaultFrom || +toInput.value !== months.length - 1) {
      params.set("from", months[+fromInput.value]); params.set("to", months[+toInput.value]);
    }
    ["country", "event_type"].forEach(function (name) {
      form.querySelectorAll("input[name=" + name + "]:checked").forEach(function (box) { params.append(name, box.value); });
    });
    ["actor", "source", "tlp"].forEach(function (name) {
      if (form.elements[name].value) { params.set(name, form.elements[name].value); }
    });
    if (form.elements.measure.value !== "events") { params.set("measure", form.elements.measure.value); }
    if (form.elements.q.value.trim()) { params.set("q", form.elements.q.value.trim()); }
    Object.keys(OPTIONAL).forEach(function (name) { if (map.hasLayer(OPTIONAL[name])) { params.append("layer", name); } });
    if (map.hasLayer(forecastLayer) && aheadSelect.value !== "1") { params.set("ahead", aheadSelect.value); }
    var search = params.toString();
    history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
    params.delete("lang");  /* the language switch comes back here in the other language */
    var next = document.querySelector("#language input[name=next]");
    if (next) { next.value = window.location.pathname + (params.toString() ? "?" + params.toString() : ""); }
  }
  restore();
  syncLabels();

  function query() {
    var params = new URLSearchParams();
    params.set("from", months[+fromInput.value] + "-01");
    params.set("to", lastDay(months[+toInput.value]));
    ["country", "event_type"].forEach(function (name) {
      form.querySelectorAll("input[name=" + name + "]:checked").forEach(function (box) {
        params.append(name, box.value);
      });
    });
    ["actor", "source", "tlp"].forEach(function (name) {
      var value = form.elements[name].value;
      if (value) { params.set(name, value); }
    });
    var words = form.elements.q.value.trim();
    if (words) { params.set("q", words); }
    return params;
  }

  /* map: the basemap and the boundaries from our own files, no tile server */
  var map = L.map("map", { preferCanvas: true, zoomSnap: 0.25, minZoom: 4, maxZoom: 13, attributionControl: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(labels.attribution);
  map.fitBounds(LiptakoBasemap.STATES);
  var incidentRenderer = LiptakoBasemap.panes(map);
  var states = LiptakoBasemap.draw(map);
  if (form.querySelector("input[name=country]:checked")) { fitCountries(); }
  function fitCountries() {
    var codes = [];
    form.querySelectorAll("input[name=country]:checked").forEach(function (box) { codes.push(box.value); });
    states.then(function (bounds) { LiptakoBasemap.fitStates(map, bounds, codes); });
  }
  var areaLayer = L.geoJSON(null, { style: areaStyle, onEachFeature: bindArea }).addTo(map);
  var zoneLayer = L.geoJSON(null, { style: { color: "#7a1f1f", weight: 3, fill: false, dashArray: "6 4" }, interactive: false }).addTo(map);
  var clusters = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50 }).addTo(map);
  /* early warning, off until chosen: the latest hotspot scan's clusters, the trend between
     the period shown and the one before it */
  var hotspotLayer = L.geoJSON(null, { style: { color: "#67000d", weight: 3, fillColor: "#ef3b2c", fillOpacity: 0.35 }, onEachFeature: bindHotspot });
  var trendLayer = L.geoJSON(null, { style: trendStyle, onEachFeature: bindTrend });
  /* the latest stored forecast: each unit shaded by the fatalities it expects in the month
     chosen ahead of the forecast's origin */
  var forecastLayer = L.geoJSON(null, { style: forecastStyle, onEachFeature: bindForecast });
  var aheadSelect = document.getElementById("ahead");
  var OPTIONAL = { hotspots: hotspotLayer, trends: trendLayer, forecast: forecastLayer };
  L.control.layers(null, (function () { var o = {}; o[labels.incidents] = clusters; o[labels.zone] = zoneLayer; o[labels.areas] = areaLayer; o[labels.hotspots.layer] = hotspotLayer; o[labels.trends.layer] = trendLayer; o[labels.forecast.layer] = forecastLayer; return o; })(), { collapsed: false }).addTo(map);
  map.on("overlayadd overlayremove", function (event) {
    if (event.layer === trendLayer) { showTrends(event.type === "overlayadd"); }
    if (event.layer === forecastLayer) { showForecast(event.type === "overlayadd"); }
    if (event.layer === hotspotLayer) { document.getElementById("hotspots").hidden = event.type !== "overlayadd"; }
    drawLegend(); remember();
  });
  var legend = L.control({ position: "bottomright" });
  legend.onAdd = function () { var div = L.DomUtil.create("div", "legend"); div.id = "legend"; return div; };
  legend.addTo(map);

  function shade(value, max) {
    if (!value) { return "#f4f1ea"; }
    var steps = ["#fde0c5", "#facba6", "#f8b58b", "#f59e72", "#f2855d", "#ef6a4c", "#eb4a40"];
    var i = Math.min(steps.length - 1, Math.floor(Math.sqrt(value / max) * steps.length));
    return steps[i];
  }
  function areaStyle(feature) {
    var measure = form.elements.measure.value;
    if (measure === "emerging") {
      var color = config.categories[state.categories[feature.properties.code]];
      return { color: "#5b5b5b", weight: 1, fillOpacity: color ? 0.7 : 0, fillColor: color || "#f4f1ea" };
    }
    var counts = state.counts[feature.properties.code] || {};
    var value = counts[measure] || 0;
    /* unshaded areas let the rivers and lakes below show through */
    return { color: "#5b5b5b", weight: 1, fillOpacity: value ? 0.55 : 0, fillColor: shade(value, state.max || 1) };
  }
  function bindArea(feature, layer) {
    layer.on("mouseover", function () {
      var c = state.counts[feature.properties.code] || { events: 0, fatalities: 0 };
      layer.bindTooltip(feature.properties.label + ": " + counted(c.events, labels.events) + ", " + counted(c.fatalities, labels.fatalities)).openTooltip();
    });
    /* clicking a member state on the overview zooms to it */
    layer.on("click", function () {
      states.then(function (bounds) {
        var target = bounds[feature.properties.iso3];
        if (target && map.getBoundsZoom(target) > map.getZoom()) { LiptakoBasemap.fitStates(map, bounds, [feature.properties.iso3]); }
      });
    });
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
      if (response.status === 401) { window.location = "/login?next=/"; }
      if (!response.ok) { throw new Error(url + ": " + response.status); }
      return response.json();
    });
  }

  Promise.all([getJSON(config.api + "/geo/admin-units?lang=" + config.locale), getJSON(config.api + "/geo/areas/liptako_gourma")]).then(function (layers) {
    areaLayer.addData(layers[0]);
    zoneLayer.addData(layers[1]);
    trendLayer.addData(layers[0]);
    forecastLayer.addData(layers[0]);
    areaLayer.bringToBack();
    document.getElementById("map").dataset.areas = String(areaLayer.getLayers().length);
    (state.layers || []).forEach(function (name) { if (OPTIONAL[name]) { OPTIONAL[name].addTo(map); } });
    loadHotspots();
    refresh();
  });

  /* the latest hotspot scan the reader may see: its significant clusters drawn over their
     units, each unit's emerging hot spot pattern kept for the shading */
  function loadHotspots() {
    getJSON(config.api + "/hotspots?lang=" + config.locale).then(function (body) {
      state.hotspots = body;
      state.categories = {};
      body.features.forEach(function (f) { state.categories[f.properties.code] = f.properties.category; });
      var significant = body.clusters.filter(function (c) { return c.significant; });
      var ranks = significant.map(function (c) { return c.rank; });
      hotspotLayer.clearLayers();
      hotspotLayer.addData(body.features.filter(function (f) { return ranks.indexOf(f.properties.cluster) >= 0; }));
      var host = document.getElementById("map");
      host.dataset.scan = body.scan ? String(body.scan.id) : "none";
      host.dataset.clusters = String(significant.length);
      host.dataset.hotspots = String(hotspotLayer.getLayers().length);
      host.dataset.patterns = String(body.features.filter(function (f) { return f.properties.category !== "no pattern"; }).length);
      areaLayer.setStyle(areaStyle);
      drawLegend();
      drawHotspotTable(significant);
    }).catch(function (error) {
      document.getElementById("summary").textContent = labels.error + " (" + error.message + ")";
    });
  }
  /* the clusters in words: what the layer draws, for those who do not see the map */
  function drawHotspotTable(significant) {
    var body = document.querySelector("#hotspot-table tbody"), scan = state.hotspots.scan;
    body.textContent = "";
    document.getElementById("hotspot-caption").textContent = scan ? scanText(scan, significant.length) : labels.hotspots.none;
    significant.forEach(function (c) {
      var tr = document.createElement("tr");
      [String(c.rank), c.names.join(", "), clusterPeriod(c), numberFormat.format(c.observed) + " (" + riskFormat.format(c.expected) + ")",
        riskText(c), pFormat.format(c.p_value)].forEach(function (text) {
        var td = document.createElement("td"); td.textContent = text; tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    document.getElementById("map").dataset.hotspotRows = String(significant.length);
  }
  function scanText(scan, n) {
    return fill(labels.hotspots.scan, { start: day(scan.starts_on), end: day(scan.ends_on), ran: day(scan.ran_at.slice(0, 10)) }) + ": " + counted(n, labels.hotspots.clusters);
  }
  function clusterPeriod(c) { return fill(labels.hotspots.period, { start: day(c.starts_on), end: day(c.ends_on) }); }
  function riskText(c) { return c.relative_risk === null ? "∞" : riskFormat.format(c.relative_risk); }
  function fill(template, values) {
    return Object.keys(values).reduce(function (text, key) { return text.split("%(" + key + ")s").join(values[key]); }, template);
  }
  function day(text) { return dayFormat.format(new Date(text + "T00:00:00Z")); }
  var riskFormat = new Intl.NumberFormat(config.locale, { maximumFractionDigits: 2 });
  var pFormat = new Intl.NumberFormat(config.locale, { maximumSignificantDigits: 3 });
  function bindHotspot(feature, layer) {
    var p = feature.properties;
    var cluster = state.hotspots.clusters.filter(function (c) { return c.rank === p.cluster; })[0];
    var parts = [fill(labels.hotspots.cluster, { rank: cluster.rank, units: cluster.names.join(", ") }),
      clusterPeriod(cluster), fill(labels.hotspots.risk, { value: riskText(cluster) }),
      fill(labels.hotspots.p, { value: pFormat.format(cluster.p_value) })];
    if (p.category !== "no pattern") { parts.push(p.category_label); }
    layer.bindTooltip(p.label + " · " + parts.join(" · "));
  }

  /* trends: the period shown against the one of the same length before it (or, when the data
     do not reach that far back, its first half against its second), in every area */
  function trendPeriods() {
    var first = +fromInput.value, last = +toInput.value, n = last - first + 1;
    if (first - n >= 0) { return [[first - n, first - 1], [first, last]]; }
    if (n < 2) { return null; }
    var half = Math.floor(n / 2);
    return [[first, first + half - 1], [first + half, last]];
  }
  function span(pair) { return months[pair[0]] + ":" + months[pair[1]]; }
  function spanLabel(pair) { return pair[0] === pair[1] ? monthLabel(months[pair[0]]) : monthLabel(months[pair[0]]) + " – " + monthLabel(months[pair[1]]); }
  function showTrends(on) {
    document.getElementById("trends").hidden = !on;
    if (on) { loadTrends(); }
  }
  function loadTrends() {
    var token = ++state.trendRequest, periods = trendPeriods(), caption = document.getElementById("trend-caption");
    var body = document.querySelector("#trend-table tbody");
    if (!periods) {
      state.trend = {}; trendLayer.setStyle(trendStyle); body.textContent = ""; caption.textContent = labels.trends.short;
      return;
    }
    caption.textContent = fill(labels.trends.caption, { before: spanLabel(periods[0]), after: spanLabel(periods[1]) });
    var url = config.api + "/trends?area=adm1&lang=" + config.locale + "&from=" + span(periods[0]) + "&to=" + span(periods[1]);
    getJSON(url).then(function (report) {
      if (token !== state.trendRequest) { return; }
      state.trend = {};
      report.changes.forEach(function (c) {
        if (c.measure === "events" || c.measure === "fatalities") {
          var row = state.trend[c.area] || (state.trend[c.area] = { name: c.name });
          row[c.measure] = c;
        }
      });
      trendLayer.setStyle(trendStyle);
      drawTrendTable(report);
      var coloured = Object.keys(state.trend).filter(function (code) { return state.trend[code].events && state.trend[code].events.verdict !== "none"; });
      document.getElementById("map").dataset.trend = String(coloured.length);
      drawLegend();
    }).catch(function (error) { caption.textContent = labels.error + " (" + error.message + ")"; });
  }
  function trendStyle(feature) {
    var row = state.trend[feature.properties.code], verdict = row && row.events ? row.events.verdict : "none";
    var color = config.trends[verdict];
    return { color: "#5b5b5b", weight: 1, fillColor: color || "#f4f1ea", fillOpacity: color ? 0.6 : 0 };
  }
  function bindTrend(feature, layer) {
    layer.bindTooltip(function () {
      var row = state.trend[feature.properties.code];
      if (!row || !row.events) { return feature.properties.label; }
      return [row.events.sentence, row.fatalities ? row.fatalities.sentence : ""].filter(Boolean).join(" ");
    });
  }
  /* the forecast: its month ahead chosen beside the table that says the layer in words */
  function showForecast(on) {
    document.getElementById("forecast").hidden = !on;
    if (on) { loadForecast(); }
  }
  aheadSelect.addEventListener("change", function () { loadForecast(); remember(); });
  function loadForecast() {
    var token = ++state.forecastRequest, caption = document.getElementById("forecast-caption");
    getJSON(config.api + "/forecasts?ahead=" + aheadSelect.value + "&lang=" + config.locale).then(function (body) {
      if (token !== state.forecastRequest) { return; }
      state.forecast = {}; state.forecastRun = body.forecast; state.forecastMax = 0;
      body.features.forEach(function (f) {
        state.forecast[f.properties.code] = f.properties;
        state.forecastMax = Math.max(state.forecastMax, f.properties.expected);
      });
      forecastLayer.setStyle(forecastStyle);
      caption.textContent = body.forecast ? fill(labels.forecast.caption, { month: monthLabel(body.features.length ? body.features[0].properties.month : body.forecast.origin), origin: monthLabel(body.forecast.origin), ran: day(body.forecast.ran_at.slice(0, 10)) }) : labels.forecast.none;
      drawForecastTable(body.features);
      document.getElementById("map").dataset.forecast = body.forecast ? String(body.features.length) : "none";
      drawLegend();
    }).catch(function (error) { caption.textContent = labels.error + " (" + error.message + ")"; });
  }
  var FORECAST_STEPS = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"];
  var FORECAST_BOUNDS = [1, 5, 25, 100];  /* expected deaths: under 1, 1-5, 5-25, 25-100, 100+ */
  function forecastColor(expected) {
    var i = 0;
    while (i < FORECAST_BOUNDS.length && expected >= FORECAST_BOUNDS[i]) { i += 1; }
    return FORECAST_STEPS[i];
  }
  function forecastStyle(feature) {
    var p = state.forecast[feature.properties.code];
    return { color: "#5b5b5b", weight: 1, fillColor: p ? forecastColor(p.expected) : "#f4f1ea", fillOpacity: p ? 0.7 : 0 };
  }
  var expectedFormat = new Intl.NumberFormat(config.locale, { maximumFractionDigits: 0 });
  function forecastText(p) {
    return fill(labels.forecast.tooltip, { unit: p.label, month: p.month, expected: expectedFormat.format(p.expected),
      low: expectedFormat.format(p.low), high: expectedFormat.format(p.high),
      threshold: numberFormat.format(state.forecastRun ? state.forecastRun.threshold : 25), p: riskFormat.format(p.p_exceed) });
  }
  function bindForecast(feature, layer) {
    layer.bindTooltip(function () {
      var p = state.forecast[feature.properties.code];
      return p ? forecastText(p) : feature.properties.label;
    });
    layer.on("click", function () { window.location = "/units/" + encodeURIComponent(feature.properties.code); });
  }
  /* the units in words, the likeliest to suffer first, each linked to its page */
  function drawForecastTable(features) {
    var body = document.querySelector("#forecast-table tbody");
    body.textContent = "";
    features.slice().sort(function (a, b) { return b.properties.expected - a.properties.expected; }).slice(0, 15).forEach(function (f) {
      var p = f.properties, tr = document.createElement("tr"), link = document.createElement("a");
      link.href = "/units/" + encodeURIComponent(p.code); link.textContent = p.label;
      [link, expectedFormat.format(p.expected), expectedFormat.format(p.low) + " – " + expectedFormat.format(p.high), riskFormat.format(p.p_exceed)].forEach(function (value) {
        var td = document.createElement("td");
        if (value instanceof Node) { td.appendChild(value); } else { td.textContent = value; }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    document.getElementById("map").dataset.forecastRows = String(body.children.length);
  }
  /* as `liptako warning trends` says it: each area where violence rose or fell
     significantly with its sentence, then the areas within noise and those without any
     event, named (their sentences are in the layer's tooltips) */
  function drawTrendTable(report) {
    var body = document.querySelector("#trend-table tbody");
    body.textContent = "";
    var rows = Object.keys(state.trend).map(function (code) { return state.trend[code]; }).filter(function (row) { return row.events; });
    function of(verdict) { return rows.filter(function (row) { return row.events.verdict === verdict; }); }
    function addRow(verdict, cells) {
      var tr = document.createElement("tr");
      tr.dataset.verdict = verdict;
      cells.forEach(function (text) { var td = document.createElement("td"); td.textContent = text; tr.appendChild(td); });
      body.appendChild(tr);
    }
    ["rose", "fell"].forEach(function (verdict) {
      of(verdict).sort(function (a, b) { return a.events.q_value - b.events.q_value; }).forEach(function (row) {
        addRow(verdict, [row.name, labels.trends.headings[verdict], row.events.sentence]);
      });
    });
    ["noise", "none"].forEach(function (verdict) {
      var names = of(verdict).map(function (row) { return row.name; }).sort(function (a, b) { return a.localeCompare(b, config.locale); });
      if (names.length) { addRow(verdict, [numberFormat.format(names.length), labels.trends.headings[verdict], names.join(", ")]); }
    });
    document.getElementById("trend-method").textContent = report.method;
    document.getElementById("map").dataset.trendRows = String(body.children.length);
  }
  /* chart: every month of the period, those without incidents at zero, on an axis that ends
     with the period or today, whichever comes first; its legend and axes in the page's
     language (the words from the page, the dates from Intl) */
  var chart = null;
  var yearFormat = new Intl.DateTimeFormat(config.locale, { year: "numeric", timeZone: "UTC" });
  var shortMonth = new Intl.DateTimeFormat(config.locale, { month: "short", timeZone: "UTC" });
  var shortDay = new Intl.DateTimeFormat(config.locale, { day: "numeric", month: "short", timeZone: "UTC" });
  function tickLabels(host) {
    return function (u, splits, axisIdx, space, incr) {
      var texts = splits.map(function (ts, i) {
        var d = new Date(ts * 1000);
        if (incr >= 360 * 86400) { return yearFormat.format(d); }
        if (incr >= 28 * 86400) { return shortMonth.format(d) + (i === 0 || d.getUTCMonth() === 0 ? "\n" + yearFormat.format(d) : ""); }
        return shortDay.format(d);
      });
      /* the canvas holds no text to read: what was drawn, for those who check it */
      host.dataset.ticks = texts.join("|").replace(/\n/g, " ");
      return texts;
    };
  }
  function legendValue(u, value) { return value == null ? "—" : numberFormat.format(value); }
  function drawChart(byMonth) {
    var host = document.getElementById("chart");
    var period = months.slice(+fromInput.value, +toInput.value + 1), found = {};
    byMonth.forEach(function (row) { found[row.month] = row; });
    var xs = [], events = [], deaths = [];
    period.forEach(function (month) {
      var row = found[month] || { events: 0, fatalities: 0 };
      xs.push(monthStart(month)); events.push(row.events); deaths.push(row.fatalities);
    });
    var first = xs[0], last = Math.max(first + 1, Math.min(monthEnd(period[period.length - 1]), Math.floor(Date.now() / 1000)));
    var options = {
      width: host.clientWidth || 600, height: 180, tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"); },
      scales: { x: { time: true, range: function () { return [first, last]; } } },
      hooks: { setScale: [function (u, key) {
        if (key === "x") { host.dataset.axisEnd = new Date(u.scales.x.max * 1000).toISOString().slice(0, 10); }
      }] },
      series: [{ label: labels.chart.month, value: function (u, ts) { return ts == null ? "—" : monthFormat.format(new Date(ts * 1000)); } },
        { label: labels.chart.events, stroke: "#1f4e79", width: 2, value: legendValue },
        { label: labels.chart.fatalities, stroke: "#b22222", width: 1, scale: "f", value: legendValue }],
      axes: [{ values: tickLabels(host) }, { label: labels.chart.events, values: function (u, splits) { return splits.map(legendValue.bind(null, u)); } },
        { side: 1, scale: "f", label: labels.chart.fatalities, grid: { show: false }, values: function (u, splits) { return splits.map(legendValue.bind(null, u)); } }],
    };
    if (chart) { chart.destroy(); }
    chart = new uPlot(options, [xs, events, deaths], host);
    host.dataset.axes = chart.axes.map(function (axis) { return axis.label || ""; }).join("|");
  }

  /* the Charter: which articles an incident engages, which are still to be determined */
  function articles(list) { return list.join(", "); }
  function charterText(p) {
    var parts = [];
    if (p.engaged && p.engaged.length) { parts.push(labels.charter.engaged.replace("%(articles)s", articles(p.engaged))); }
    if (p.undetermined && p.undetermined.length) { parts.push(labels.charter.undetermined.replace("%(articles)s", articles(p.undetermined))); }
    return parts.join(" · ");
  }
  function charterRing(p) {
    if (p.engaged && p.engaged.length) { return { radius: 8, weight: 3, color: "#7a1f1f" }; }
    if (p.undetermined && p.undetermined.length) { return { radius: 7, weight: 2, color: "#7a1f1f", dashArray: "3 2" }; }
    return { radius: 6, weight: 1, color: "#222" };
  }
  function legendRow(div, color, text) {
    var row = document.createElement("div"), swatch = document.createElement("span");
    swatch.className = "patch"; swatch.style.background = color;
    row.appendChild(swatch); row.appendChild(document.createTextNode(" " + text));
    div.appendChild(row);
  }
  function drawLegend() {
    var div = document.getElementById("legend");
    if (form.elements.measure.value === "emerging") {
      div.textContent = labels.hotspots.shading;
      var seen = Object.keys(config.categories).filter(function (c) { return Object.keys(state.categories).some(function (code) { return state.categories[code] === c; }); });
      seen.forEach(function (c) { legendRow(div, config.categories[c], labels.hotspots.categories[c]); });
      if (!seen.length) { legendRow(div, "transparent", labels.hotspots.categories["no pattern"]); }
    } else {
      div.textContent = labels.shade + ": 0 – " + numberFormat.format(state.max || 0);
    }
    if (map.hasLayer(hotspotLayer)) { drawScan(div); }
    if (map.hasLayer(trendLayer)) {
      ["rose", "fell", "noise"].forEach(function (v) { legendRow(div, config.trends[v], labels.trends.headings[v]); });
    }
    if (map.hasLayer(forecastLayer)) { drawForecastLegend(div); }
    [["engaged", "solid"], ["undetermined", "dashed"]].forEach(function (kind) {
      var row = document.createElement("div"), ring = document.createElement("span");
      ring.className = "ring " + kind[1];
      row.appendChild(ring);
      row.appendChild(document.createTextNode(" " + labels.charter["legend_" + kind[0]]));
      div.appendChild(row);
    });
  }

  function drawForecastLegend(div) {
    var title = document.createElement("div");
    title.textContent = state.forecastRun ? labels.forecast.legend : labels.forecast.none;
    div.appendChild(title);
    if (!state.forecastRun) { return; }
    var edges = [0].concat(FORECAST_BOUNDS);
    FORECAST_STEPS.forEach(function (color, i) {
      var text = i < FORECAST_BOUNDS.length ? numberFormat.format(edges[i]) + " – " + numberFormat.format(edges[i + 1]) : "≥ " + numberFormat.format(edges[i]);
      legendRow(div, color, text);
    });
  }

  /* the scan itself is described above the table of its clusters */
  function drawScan(div) {
    var body = state.hotspots;
    if (!body || !body.scan) {
      var row = document.createElement("div"); row.textContent = labels.hotspots.none; div.appendChild(row);
    } else if (body.clusters.some(function (c) { return c.significant; })) {
      legendRow(div, "#ef3b2c", labels.hotspots.legend);
    }
  }

  /* table */
  function drawTable(features) {
    var body = document.querySelector("#incident-table tbody");
    body.textContent = "";
    features.slice(0, 50).forEach(function (f) {
      var p = f.properties, tr = document.createElement("tr");
      var link = document.createElement("a");
      link.href = "/incidents/" + f.id;
      link.textContent = dayFormat.format(new Date(p.occurred_on + "T00:00:00Z"));
      var cells = [link, [p.admin2_name, p.admin1_name, p.iso3].filter(Boolean).join(", "), labels.types[p.event_type] || p.event_type, numberFormat.format(p.fatalities || 0), (labels.sources[p.source] || p.source.toUpperCase()) + (p.exercise ? " · " + labels.exercise : ""), charterText(p) || "—"];
      cells.forEach(function (value) {
        var td = document.createElement("td");
        if (value instanceof Node) { td.appendChild(value); } else { td.textContent = value; }
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }

  function drawMarkers(features) {
    clusters.clearLayers();
    var markers = features.filter(function (f) { return f.geometry; }).map(function (f) {
      var marker = L.circleMarker([f.geometry.coordinates[1], f.geometry.coordinates[0]], L.extend({
        fillOpacity: 0.9, fillColor: config.colors[f.properties.event_type] || "#666",
        pane: "incidents", renderer: incidentRenderer,
      }, charterRing(f.properties)));
      var charter = charterText(f.properties);
      marker.bindTooltip((f.properties.exercise ? labels.exercise + " · " : "") + dayFormat.format(new Date(f.properties.occurred_on + "T00:00:00Z")) + " · " + (labels.types[f.properties.event_type] || "") + (charter ? " · " + charter : ""));
      marker.on("click", function () { window.location = "/incidents/" + f.id; });
      return marker;
    });
    clusters.addLayers(markers);
  }

  function loadIncidents(params, token) {
    var features = [];
    function page(cursor) {
      var p = new URLSearchParams(params); p.set("limit", "5000");
      if (cursor) { p.set("cursor", cursor); }
      return getJSON(config.api + "/incidents?" + p.toString()).then(function (body) {
        if (token !== state.request) { return features; }
        features = features.concat(body.features);
        if (body.next && features.length < config.max_markers) { return page(body.next); }
        return features;
      });
    }
    return page(null);
  }

  /* the export links carry the filters the map shows, without paging */
  function exportLinks(params) {
    document.querySelectorAll("#exports a[data-format]").forEach(function (link) {
      var p = new URLSearchParams(params);
      p.set("format", link.dataset.format);
      link.href = config.api + "/incidents/export?" + p.toString();
    });
  }

  function refresh() {
    var token = ++state.request;
    var params = query();
    remember();
    exportLinks(params);
    document.getElementById("summary").textContent = labels.loading;
    Promise.all([loadIncidents(params, token), getJSON(config.api + "/stats?" + params.toString())]).then(function (results) {
      if (token !== state.request) { return; }
      var features = results[0], stats = results[1];
      state.counts = {}; state.max = 0;
      var measure = form.elements.measure.value === "fatalities" ? "fatalities" : "events";
      stats.by_unit.forEach(function (row) { state.counts[row.unit_code] = row; state.max = Math.max(state.max, row[measure]); });
      areaLayer.setStyle(areaStyle);
      drawMarkers(features);
      drawChart(stats.by_month);
      drawTable(features);
      drawLegend();
      if (map.hasLayer(trendLayer)) { loadTrends(); }
      document.getElementById("summary").textContent = counted(stats.events, labels.events) + " · " + counted(stats.fatalities, labels.fatalities);
      document.getElementById("map").dataset.markers = String(features.length);
      document.getElementById("map").dataset.shaded = String(Object.keys(state.counts).length);
      document.getElementById("map").dataset.engaged = String(features.filter(function (f) { return f.properties.engaged.length; }).length);
      document.body.dataset.ready = String(token);
    }).catch(function (error) {
      document.getElementById("summary").textContent = labels.error + " (" + error.message + ")";
    });
  }

  var timer = null;
  form.addEventListener("input", function (event) {
    if (event.target.name === "country") { fitCountries(); }
    syncLabels(); clearTimeout(timer); timer = setTimeout(refresh, 250);
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); refresh(); });
  document.getElementById("whole-period").addEventListener("click", function () {
    fromInput.value = 0; toInput.value = months.length - 1;
    syncLabels(); clearTimeout(timer); refresh();
  });
  document.querySelectorAll(".swatch").forEach(function (el) { el.style.background = config.colors[el.dataset.type] || "#666"; });
})();

/* Report form: set the place by clicking the map or by choosing a gazetteer entry; fill the
   form from a pasted text (each filled field suggested until the analyst confirms it). */
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
  var suggestions = LiptakoSuggestions(document.querySelector("form.report"));
  var marker = null;
  function place(latitude, longitude, zoom) {
    lat.value = latitude.toFixed(5); lon.value = longitude.toFixed(5);
    if (marker) { marker.setLatLng([latitude, longitude]); } else { marker = L.circleMarker([latitude, longitude], { radius: 7, color: "#7a1f1f", pane: "incidents", renderer: pointRenderer }).addTo(map); }
    if (zoom) { map.setView([latitude, longitude], 9); }
  }
  if (lat.value && lon.value && !isNaN(+lat.value) && !isNaN(+lon.value)) { place(+lat.value, +lon.value, true); }
  map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng, false); suggestions.settle("place"); });

  var found = {}, timer = null;
  nameInput.addEventListener("input", function () {
    var q = nameInput.value.trim();
    if (found[q]) { place(found[q].lat, found[q].lon, true); suggestions.settle("place"); return; }
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

  LiptakoFromText(suggestions, place);
})();

/* The fields a draft filled, each marked "suggested" (a class on its inputs and a mark with
   the confidence and a confirm button after them) until the analyst edits or confirms it;
   the form is not sent while one is left. */
function LiptakoSuggestions(form) {
  "use strict";
  var words = JSON.parse(document.getElementById("report-words").textContent);
  var note = document.getElementById("unconfirmed-note");
  var percent = new Intl.NumberFormat(document.documentElement.lang, { style: "percent" });
  var open = {};  /* group -> {inputs, mark} */

  function update() { note.hidden = Object.keys(open).length === 0; }

  function settle(group) {
    var item = open[group];
    if (!item) { return; }
    delete open[group];
    item.mark.remove();
    item.inputs.forEach(function (input) { input.classList.remove("suggested"); });
    update();
  }

  function mark(group, inputs, confidence) {
    settle(group);
    var span = document.createElement("span");
    span.className = "suggested-mark";
    span.dataset.group = group;
    span.textContent = words.suggested + " (" + words.confidence + " " + percent.format(confidence) + ") ";
    var confirm = document.createElement("button");
    confirm.type = "button";
    confirm.className = "confirm-suggestion";
    confirm.textContent = words.confirm;
    confirm.addEventListener("click", function () { settle(group); });
    span.appendChild(confirm);
    var last = inputs[inputs.length - 1];
    last.insertAdjacentElement("afterend", span);
    inputs.forEach(function (input) {
      input.classList.add("suggested");
      input.addEventListener("input", function () { settle(group); }, { once: true });
      input.addEventListener("change", function () { settle(group); }, { once: true });
    });
    open[group] = { inputs: inputs, mark: span };
    update();
  }

  form.addEventListener("submit", function (event) {
    var groups = Object.keys(open);
    if (!groups.length) { return; }
    event.preventDefault();
    note.hidden = false;
    note.setAttribute("role", "alert");
    open[groups[0]].inputs[0].focus();
  });
  return { mark: mark, settle: settle };
}

/* The "From text" box: the text sent to the API's intake, its draft written into the form. */
function LiptakoFromText(suggestions, place) {
  "use strict";
  var box = document.getElementById("from-text");
  var words = JSON.parse(document.getElementById("report-words").textContent);
  var input = document.getElementById("from-text-input"), kept = document.getElementById("source_text");
  var status = document.getElementById("fill-status"), button = document.getElementById("fill-from-text");
  var picker = document.getElementById("place-candidates");
  var STATES = ["BFA", "MLI", "NER"];
  function field(id) { return document.getElementById(id); }

  function setPlace(candidate) {
    field("place_name").value = candidate.name;
    place(candidate.lat, candidate.lon, true);
  }

  function fillPlace(draft) {
    var best = draft.place.value, list = picker.querySelector("ul");
    list.textContent = "";
    picker.hidden = true;
    if (!best) { return false; }
    setPlace(best);
    suggestions.mark("place", [field("place_name"), field("lat"), field("lon")], draft.place.confidence);
    if (draft.place.candidates.length > 1) {
      draft.place.candidates.forEach(function (candidate) {
        var item = document.createElement("li"), pick = document.createElement("button");
        pick.type = "button";
        pick.className = "place-candidate";
        pick.textContent = [candidate.name, candidate.admin1_name, candidate.iso3].filter(Boolean).join(", ");
        pick.addEventListener("click", function () { setPlace(candidate); suggestions.settle("place"); });
        item.appendChild(pick);
        list.appendChild(item);
      });
      picker.hidden = false;
    }
    return true;
  }

  /* the target's kind and party, read from its canonical id (state.mli.military, civilians.ner) */
  function fillTarget(actor, confidence) {
    var parts = actor.id.split("."), party = (parts[1] || "").toUpperCase();
    var kind = parts[0] === "state" ? "state_forces" : parts[0] === "civilians" ? "civilians" : null;
    if (!kind) { return false; }
    field("target_kind").value = kind;
    var inputs = [field("target_kind")];
    if (kind === "state_forces" && STATES.indexOf(party) >= 0) { field("target_party").value = party; inputs.push(field("target_party")); }
    suggestions.mark("target", inputs, confidence);
    return true;
  }

  function fill(draft) {
    var filled = 0;
    if (draft.date.value) { field("occurred_on").value = draft.date.value; suggestions.mark("date", [field("occurred_on")], draft.date.confidence); filled++; }
    if (fillPlace(draft)) { filled++; }
    var type = field("event_type");
    if (draft.event_type.value && type.querySelector('option[value="' + draft.event_type.value + '"]')) {
      type.value = draft.event_type.value; suggestions.mark("event_type", [type], draft.event_type.confidence); filled++;
    }
    if (draft.fatalities.value !== null) { field("fatalities").value = String(draft.fatalities.value); suggestions.mark("fatalities", [field("fatalities")], draft.fatalities.confidence); filled++; }
    var perpetrators = draft.perpetrator.value || [], targets = draft.target.value || [];
    /* the words of the text, not the registry's display name: the registry reads them back
       to the same canonical actor when the report is stored */
    if (perpetrators.length) { field("perpetrator_actor").value = perpetrators[0].matched; suggestions.mark("perpetrator", [field("perpetrator_actor")], draft.perpetrator.confidence); filled++; }
    if (targets.length && fillTarget(targets[0], draft.target.confidence)) { filled++; }
    var description = field("description");
    if (!description.value.trim()) { description.value = draft.text.slice(0, 5000); }
    kept.value = draft.text;
    return filled;
  }

  button.addEventListener("click", function () {
    var text = input.value;
    if (!text.trim()) { input.focus(); return; }
    status.textContent = words.reading;
    button.disabled = true;
    fetch("/api/v1/intake/extract", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": box.dataset.csrf },
      body: JSON.stringify({ text: text })
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, body: body }; });
    }).then(function (answer) {
      if (!answer.ok) { status.textContent = words.failed + " " + (answer.body.detail || ""); return; }
      status.textContent = fill(answer.body) ? words.filled : words.nothing;
    }).catch(function () { status.textContent = words.failed; })
      .then(function () { button.disabled = false; });
  });
}

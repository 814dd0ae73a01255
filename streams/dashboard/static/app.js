// Escalation Watch dashboard. Data from the topics is untrusted: the DOM is built
// with createElement and textContent only, never from HTML strings.
"use strict";
(function () {
  const LEVELS = ["low", "medium", "high", "critical"];
  const FEED_ROWS = 200;
  const state = { alerts: new Map(), order: [], open: null, trends: [], capacity: 10000 };
  const $ = (id) => document.getElementById(id);

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fmtTime(ms) {
    if (ms === null || ms === undefined) return "-";
    return new Date(ms).toISOString().replace("T", " ").slice(0, 16) + "Z";
  }

  // -- state -------------------------------------------------------------------------
  function put(a) {
    if (!state.alerts.has(a.id)) state.order.push(a.id);
    state.alerts.set(a.id, a);
    while (state.order.length > state.capacity) state.alerts.delete(state.order.shift());
  }

  // -- filters -----------------------------------------------------------------------
  function filters() {
    const levels = new Set();
    document.querySelectorAll("input[name=level]:checked").forEach((c) => levels.add(c.value));
    const from = $("f-from").value ? Date.parse($("f-from").value + "Z") : null;
    const to = $("f-to").value ? Date.parse($("f-to").value + "Z") : null;
    return { levels, actor: $("f-actor").value.trim().toLowerCase(), country: $("f-country").value,
             type: $("f-type").value, from, to };
  }
  function matches(a, f) {
    if (!f.levels.has(a.level)) return false;
    if (f.type && a.types.indexOf(f.type) < 0) return false;
    if (f.country && !a.countries.some((c) => c[0] === f.country)) return false;
    if (f.actor && !a.actors.some((x) => x[0].toLowerCase().indexOf(f.actor) >= 0 ||
                                         x[1].toLowerCase().indexOf(f.actor) >= 0)) return false;
    const t = a.t === null ? a.rt : a.t;
    if (f.from !== null && t < f.from) return false;
    if (f.to !== null && t > f.to) return false;
    return true;
  }

  // -- rendering ---------------------------------------------------------------------
  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; render(); });
  }

  function render() {
    const t0 = performance.now();
    const f = filters();
    const shown = [];
    for (let i = state.order.length - 1; i >= 0; i--) {
      const a = state.alerts.get(state.order[i]);
      if (matches(a, f)) shown.push(a);
    }
    renderFeed(shown);
    renderCountries(shown);
    renderChart(shown);
    updateOptions();
    $("counts").textContent = state.alerts.size + " alerts, " + shown.length + " shown";
    document.body.dataset.total = String(state.alerts.size);
    document.body.dataset.shown = String(shown.length);
    document.body.dataset.renderMs = (performance.now() - t0).toFixed(1);
  }

  function renderFeed(shown) {
    const frag = document.createDocumentFragment();
    for (const a of shown.slice(0, FEED_ROWS)) {
      const li = el("li", "lvl-" + a.level);
      li.dataset.id = a.id;
      if (state.open === a.id) li.classList.add("open");
      const head = el("div", "head");
      head.append(el("span", "lvl lvl-" + a.level, a.level), el("span", "title", a.title || a.article_id));
      li.append(head);
      li.append(el("div", "meta", "PLOVER " + a.types.join(", ") +
        " · modality " + (a.modalities.join(", ") || "-") +
        " · speaker " + (a.speakers.join(", ") || "-") +
        (a.modes.length ? " · mode " + a.modes.join(", ") : "")));
      li.append(el("div", "meta actors", "actors: " + (a.actors.map((x) => x[1]).join(", ") || "-")));
      li.append(el("div", "meta", fmtTime(a.t) + " · score " + a.score.toFixed(1)));
      frag.append(li);
    }
    $("feed").replaceChildren(frag);
    $("feed-note").textContent = shown.length > FEED_ROWS
      ? "(newest " + FEED_ROWS + " of " + shown.length + "; narrow the filters)" : "";
  }

  function renderCountries(shown) {
    const rows = new Map();
    for (const a of shown) {
      for (const [code, name] of a.countries) {
        let r = rows.get(code);
        if (!r) { r = { name, n: 0, lvl: 0, score: 0, last: null }; rows.set(code, r); }
        r.n++;
        r.lvl = Math.max(r.lvl, LEVELS.indexOf(a.level));
        r.score = Math.max(r.score, a.score);
        const t = a.t === null ? a.rt : a.t;
        if (r.last === null || t > r.last) r.last = t;
      }
    }
    const frag = document.createDocumentFragment();
    [...rows.entries()].sort((x, y) => y[1].n - x[1].n || y[1].score - x[1].score).slice(0, 60)
      .forEach(([code, r]) => {
        const tr = el("tr");
        const lvl = el("td"); lvl.append(el("span", "lvl lvl-" + LEVELS[r.lvl], LEVELS[r.lvl]));
        tr.append(el("td", null, r.name + " (" + code + ")"), el("td", null, r.n), lvl,
                  el("td", null, r.score.toFixed(1)), el("td", null, fmtTime(r.last)));
        frag.append(tr);
      });
    $("countries").tBodies[0].replaceChildren(frag);
  }

  let chart = null;
  let chartKey = "";
  function renderChart(shown) {
    if (typeof uPlot === "undefined") return;
    const by = $("chart-by").value;
    const counts = new Map();
    let tmin = Infinity, tmax = -Infinity;
    for (const a of shown) {
      const t = a.t === null ? a.rt : a.t;
      if (t < tmin) tmin = t;
      if (t > tmax) tmax = t;
    }
    const span = tmax - tmin;
    const bucket = span > 60 * 864e5 ? 7 * 864e5 : span > 2 * 864e5 ? 864e5 : 36e5;
    for (const a of shown) {
      const keys = by === "dyad" ? a.dyads.map((d) => d[2] + " → " + d[3]) : a.actors.map((x) => x[1]);
      const t = a.t === null ? a.rt : a.t;
      const b = Math.floor(t / bucket) * bucket;
      for (const k of keys) {
        let m = counts.get(k);
        if (!m) { m = { total: 0, by: new Map() }; counts.set(k, m); }
        m.total++;
        m.by.set(b, (m.by.get(b) || 0) + 1);
      }
    }
    const top = [...counts.entries()].sort((x, y) => y[1].total - x[1].total).slice(0, 6);
    const xs = [];
    if (top.length) for (let b = Math.floor(tmin / bucket) * bucket; b <= tmax; b += bucket) xs.push(b);
    const data = [xs.map((b) => b / 1000)];
    for (const [, m] of top) data.push(xs.map((b) => m.by.get(b) || 0));
    const key = by + "|" + top.map((x) => x[0]).join("|");
    const colours = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2"];
    const width = Math.max(300, $("chart").clientWidth || 600);
    if (chart && key === chartKey) { chart.setData(data); return; }
    if (chart) chart.destroy();
    chartKey = key;
    const series = [{}].concat(top.map(([name], i) => ({ label: name, stroke: colours[i], width: 2,
                                                          points: { show: xs.length < 60 } })));
    chart = new uPlot({ width, height: 240, series, scales: { x: { time: true } },
                        axes: [{}, { label: "alerts" }] }, data, $("chart"));
  }

  const known = { types: new Set(), countries: new Map(), actors: new Map() };
  function updateOptions() {
    let changed = false;
    for (const a of state.alerts.values()) {
      for (const t of a.types) if (!known.types.has(t)) { known.types.add(t); changed = true; }
      for (const [c, n] of a.countries) if (!known.countries.has(c)) { known.countries.set(c, n); changed = true; }
      for (const [id, n] of a.actors) if (!known.actors.has(id) && known.actors.size < 2000) { known.actors.set(id, n); changed = true; }
    }
    if (!changed) return;
    fillSelect($("f-type"), [...known.types].sort().map((t) => [t, t]));
    fillSelect($("f-country"), [...known.countries.entries()].sort((x, y) => x[1].localeCompare(y[1]))
      .map(([c, n]) => [c, n + " (" + c + ")"]));
    const frag = document.createDocumentFragment();
    for (const n of new Set(known.actors.values())) { const o = el("option"); o.value = n; frag.append(o); }
    $("actor-list").replaceChildren(frag);
  }
  function fillSelect(select, options) {
    const keep = select.value;
    const frag = document.createDocumentFragment();
    const all = el("option", null, "all"); all.value = ""; frag.append(all);
    for (const [v, label] of options) { const o = el("option", null, label); o.value = v; frag.append(o); }
    select.replaceChildren(frag);
    select.value = keep;
  }

  // -- detail ------------------------------------------------------------------------
  async function openAlert(id) {
    state.open = id;
    document.querySelectorAll("#feed li.open").forEach((li) => li.classList.remove("open"));
    const li = document.querySelector('#feed li[data-id="' + CSS.escape(id) + '"]');
    if (li) li.classList.add("open");
    const box = $("detail");
    box.replaceChildren(el("p", "hint", "loading…"));
    let d;
    try {
      const r = await fetch("/api/alerts/" + encodeURIComponent(id), { credentials: "same-origin" });
      if (!r.ok) throw new Error(r.status + " " + (await r.text()));
      d = await r.json();
    } catch (e) { box.replaceChildren(el("p", "hint", "could not load the alert: " + e.message)); return; }
    if (state.open !== id) return;
    const s = d.summary;
    const h = el("h3", null, s.title || s.article_id);
    const parts = [h, el("p", null, s.summary),
                   el("p", "meta", "level " + s.level + " · score " + s.score.toFixed(1) + " · " +
                      fmtTime(s.t) + " · article " + s.article_id)];
    if (/^https?:\/\//i.test(d.url || "")) {
      const a = el("a", null, d.url); a.href = d.url; a.rel = "noopener noreferrer"; a.target = "_blank";
      parts.push(el("p")); parts[parts.length - 1].append(a);
    }
    const evList = el("ol", "evidence");
    d.evidence.forEach((ev, i) => {
      const item = el("li", "ev");
      item.append(el("b", null, ev.signal_type + " · " + ev.modality +
        (ev.mode ? " · mode " + ev.mode : "") + (ev.speaker ? " · speaker " + ev.speaker : "") +
        (ev.source_name ? " · " + ev.source_name + (ev.target_name ? " → " + ev.target_name : "") : "") +
        " · chars " + ev.start + "–" + ev.end + (ev.placed === false ? " (not found in this text)" : "")));
      item.append(el("div", null, ev.sentence));
      item.dataset.ev = String(i);
      evList.append(item);
    });
    parts.push(evList);
    if (d.segments) {
      const art = el("div", "article");
      for (const seg of d.segments) {
        if (!seg.ev.length) { art.append(document.createTextNode(seg.t)); continue; }
        const m = el("mark", seg.trig ? "trigger" : null, seg.t);
        m.dataset.ev = seg.ev.join(" ");
        art.append(m);
      }
      parts.push(el("h4", null, "Article text (evidence highlighted)"), art);
    } else {
      parts.push(el("p", "hint", "The article text is not available (not on the articles topic within the dashboard's history); the evidence sentences above carry their offsets in it."));
    }
    box.replaceChildren(...parts);
    const first = box.querySelector(".article mark");
    if (first) first.scrollIntoView({ block: "nearest" });
  }

  // -- trends ------------------------------------------------------------------------
  function renderTrends() {
    if (!state.trends.length) return;
    $("trends-panel").hidden = false;
    const frag = document.createDocumentFragment();
    for (const r of state.trends.slice(-50).reverse()) {
      const v = r.value;
      let text;
      if (v && typeof v === "object" && !Array.isArray(v)) {
        text = Object.entries(v).filter(([, x]) => x === null || typeof x !== "object")
          .slice(0, 12).map(([k, x]) => k + "=" + x).join("  ");
      } else text = JSON.stringify(v);
      const tr = el("tr");
      tr.append(el("td", null, fmtTime(r.ts)), el("td", null, r.key), el("td", null, text));
      frag.append(tr);
    }
    $("trends").tBodies[0].replaceChildren(frag);
  }

  // -- events ------------------------------------------------------------------------
  function setConn(on, text) {
    const c = $("conn");
    c.className = "conn " + (on ? "on" : "off");
    c.textContent = text;
  }
  function showStatus(s) {
    const live = s.state === "live" || s.state === "history";
    setConn(live, s.state === "live" ? "live" : s.state === "history" ? "loading history" :
      "broker " + s.state);
    if (s.detail && !live) $("conn").title = s.detail;
    $("trends-topic").textContent = s.trends_topic || "";
  }

  function connect() {
    const es = new EventSource("/api/stream");
    es.addEventListener("snapshot", (e) => {
      const snap = JSON.parse(e.data);
      state.capacity = snap.capacity || state.capacity;
      state.alerts = new Map(); state.order = [];
      for (const a of snap.alerts) put(a);
      state.trends = snap.trends;
      showStatus(snap.status);
      render();
      renderTrends();
      document.body.dataset.ready = "1";
    });
    es.addEventListener("alert", (e) => { put(JSON.parse(e.data)); schedule(); });
    es.addEventListener("update", (e) => {
      const a = JSON.parse(e.data);
      put(a); schedule();
      if (state.open === a.id) openAlert(a.id);
    });
    es.addEventListener("trend", (e) => {
      state.trends.push(JSON.parse(e.data));
      if (state.trends.length > 500) state.trends.shift();
      renderTrends();
    });
    es.addEventListener("status", (e) => showStatus(JSON.parse(e.data)));
    es.onerror = () => { setConn(false, "reconnecting"); document.body.dataset.ready = "0"; };
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("filters").addEventListener("input", schedule);
    $("filters").addEventListener("change", schedule);
    $("filters").addEventListener("submit", (e) => e.preventDefault());
    $("f-reset").addEventListener("click", () => setTimeout(schedule, 0));
    $("chart-by").addEventListener("change", schedule);
    $("feed").addEventListener("click", (e) => {
      const li = e.target.closest("li[data-id]");
      if (li) openAlert(li.dataset.id);
    });
    connect();
  });
})();

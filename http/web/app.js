// The trapsink events page: lists /api/events, filters them (text, source, trap — also read
// from the page's own query string, so a filtered view can be linked), shows one event's
// varbinds with their MIB names and display values (?event=ID opens one), and follows new
// events with EventSource (?live=0: not).
"use strict";
(function () {
  const params = new URLSearchParams(window.location.search);
  const token = params.get("access_token") || "";
  const fields = ["text", "source", "trap"];
  const rows = document.getElementById("rows");
  const statusLine = document.getElementById("status");
  const more = document.getElementById("more");
  let cursor = null;
  let stream = null;
  let shown = new Set();

  function filters() {
    const f = {};
    for (const k of fields) {
      const v = document.getElementById("f-" + k).value.trim();
      if (v) f[k] = v;
    }
    return f;
  }

  function headers() {
    return token ? { Authorization: "Bearer " + token } : {};
  }

  function trapLabel(r) { return r.trap_name || r.trap_oid; }

  function valueText(vb) {
    if (vb.value === null || vb.value === undefined) return vb.type;
    return typeof vb.value === "object" ? JSON.stringify(vb.value) : String(vb.value);
  }

  // The display form of varbind i: the MIB resolver's name, and its display text (or the
  // enumeration label) when present, else the raw value (docs/record.md).
  function varbindView(r, i) {
    const vb = r.varbinds[i];
    let display = valueText(vb);
    if (vb.display !== undefined) display = String(vb.display);
    else if (vb.label !== undefined) display = vb.label + "(" + valueText(vb) + ")";
    return { name: vb.name || "", display: display, oid: vb.oid, type: vb.type };
  }

  function summary(r) {
    const parts = [];
    for (let i = 0; i < (r.varbinds || []).length; i++) {
      const v = varbindView(r, i);
      parts.push((v.name || v.oid) + "=" + v.display);
    }
    return parts.join(", ");
  }

  // Client-side check of a streamed event against the filter (the server filters queries).
  function matches(r, raw, f) {
    if (f.text && raw.indexOf(f.text) < 0) return false;
    if (f.source && !(r.source && r.source.address === f.source) && f.source.indexOf("/") < 0) return false;
    if (f.trap) {
      const t = f.trap.replace(/^\./, "");
      const name = r.trap_name || "";
      if (!(r.trap_oid === t || r.trap_oid.startsWith(t + ".") || name === t || name.endsWith("::" + t))) return false;
    }
    return true;
  }

  function row(r, fresh) {
    const tr = document.createElement("tr");
    tr.dataset.id = r.id;
    if (fresh) tr.className = "new";
    const cells = [
      (r.time || "").replace("T", " ").replace("Z", ""),
      r.source ? r.source.address + ":" + r.source.port : "",
      r.version + " " + r.pdu,
      trapLabel(r),
      summary(r),
    ];
    cells.forEach((text, i) => {
      const td = document.createElement("td");
      td.textContent = text;
      if (i === 3) td.className = "trap";
      if (i === 4) td.className = "vbs";
      tr.appendChild(td);
    });
    tr.addEventListener("click", () => showDetail(r, tr));
    if (r.id === params.get("event") && !document.getElementById("detail-title").textContent) {
      window.setTimeout(() => showDetail(r, tr), 0);  // ?event=ID opens that event
    }
    return tr;
  }

  function showDetail(r, tr) {
    for (const s of rows.querySelectorAll("tr.selected")) s.classList.remove("selected");
    tr.classList.add("selected");
    document.getElementById("detail").hidden = false;
    document.getElementById("detail-title").textContent =
      trapLabel(r) + " from " + (r.source ? r.source.address : "?") + " at " + r.time;
    const body = document.getElementById("varbind-rows");
    body.textContent = "";
    for (let i = 0; i < (r.varbinds || []).length; i++) {
      const v = varbindView(r, i);
      const tr2 = document.createElement("tr");
      for (const text of [v.name, v.oid, v.type, v.display]) {
        const td = document.createElement("td");
        td.textContent = text;
        tr2.appendChild(td);
      }
      body.appendChild(tr2);
    }
    document.getElementById("detail-json").textContent = JSON.stringify(r, null, 2);
  }

  function setStatus(text) { statusLine.textContent = text; }

  async function load(append) {
    const q = new URLSearchParams(filters());
    q.set("limit", "100");
    if (append && cursor) q.set("cursor", cursor);
    let res;
    try {
      res = await fetch("api/events?" + q.toString(), { headers: headers() });
    } catch (e) {
      setStatus("Cannot reach trapsink: " + e);
      return;
    }
    const body = await res.json().catch(() => ({ error: "HTTP " + res.status }));
    if (!res.ok) {
      setStatus("Error: " + (body.error || res.status));
      return;
    }
    if (!append) {
      rows.textContent = "";
      shown = new Set();
    }
    for (const r of body.events) {
      if (shown.has(r.id)) continue;
      shown.add(r.id);
      rows.appendChild(row(r, false));
    }
    cursor = body.next_cursor;
    more.hidden = !cursor;
    setStatus(rows.children.length + " event" + (rows.children.length === 1 ? "" : "s") + " shown" +
      (Object.keys(filters()).length ? " (filtered)" : ""));
    document.body.dataset.loaded = "true";
  }

  function follow() {
    if (stream) { stream.close(); stream = null; }
    if (!document.getElementById("live").checked || !window.EventSource) return;
    stream = new EventSource("api/events/stream" + (token ? "?access_token=" + encodeURIComponent(token) : ""));
    stream.addEventListener("record", (ev) => {
      let r;
      try { r = JSON.parse(ev.data); } catch (e) { return; }
      if (shown.has(r.id) || !matches(r, ev.data, filters())) return;
      shown.add(r.id);
      rows.insertBefore(row(r, true), rows.firstChild);
      setStatus(rows.children.length + " events shown, following live");
    });
    stream.onerror = () => setStatus("Live stream interrupted; reconnecting…");
  }

  function applyToUrl() {
    const q = new URLSearchParams(filters());
    if (token) q.set("access_token", token);
    if (!document.getElementById("live").checked) q.set("live", "0");
    const s = q.toString();
    history.replaceState(null, "", window.location.pathname + (s ? "?" + s : ""));
  }

  for (const k of fields) {
    const v = params.get(k);
    if (v) document.getElementById("f-" + k).value = v;
  }
  if (params.get("live") === "0") document.getElementById("live").checked = false;
  document.getElementById("filters").addEventListener("submit", (e) => {
    e.preventDefault();
    applyToUrl();
    load(false);
  });
  document.getElementById("clear").addEventListener("click", () => {
    for (const k of fields) document.getElementById("f-" + k).value = "";
    applyToUrl();
    load(false);
  });
  document.getElementById("live").addEventListener("change", follow);
  more.addEventListener("click", () => load(true));
  load(false).then(follow);
})();

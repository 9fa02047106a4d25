// pcapdig serve: the session detail (packets, payload, downloads). The
// table itself is rendered by the server from the URL, so a search is a
// link and the page works without this script.
"use strict";
(function () {
  var detail = document.getElementById("detail");
  var form = document.getElementById("search");

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (k === "class") e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }

  function setSessionInUrl(id) {
    var u = new URL(window.location.href);
    if (id === null) u.searchParams.delete("session");
    else u.searchParams.set("session", id);
    window.history.replaceState(null, "", u.pathname + u.search);
  }

  function showError(where, text) {
    where.appendChild(el("pre", { class: "error", text: text }));
  }

  function fetchJson(url) {
    return fetch(url).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error(body.error || (r.status + " " + r.statusText));
        return body;
      });
    });
  }

  // The first MAX bytes of a payload, as text (non-printables as dots,
  // line ends kept) or as a hex dump.
  var MAX = 65536;
  function asAscii(bytes) {
    var out = [];
    var n = Math.min(bytes.length, MAX);
    for (var i = 0; i < n; i++) {
      var b = bytes[i];
      out.push(b === 10 || b === 9 || (b >= 32 && b < 127) ? String.fromCharCode(b) : b === 13 ? "" : ".");
    }
    return out.join("");
  }
  function asHex(bytes) {
    var lines = [];
    var n = Math.min(bytes.length, MAX);
    for (var off = 0; off < n; off += 16) {
      var hex = [], txt = [];
      for (var i = off; i < off + 16; i++) {
        if (i < n) {
          hex.push((bytes[i] < 16 ? "0" : "") + bytes[i].toString(16));
          txt.push(bytes[i] >= 32 && bytes[i] < 127 ? String.fromCharCode(bytes[i]) : ".");
        } else {
          hex.push("  ");
        }
      }
      var o = off.toString(16);
      lines.push("00000000".slice(o.length) + o + "  " + hex.slice(0, 8).join(" ") + "  " +
                 hex.slice(8).join(" ") + "  |" + txt.join("") + "|");
    }
    return lines.join("\n");
  }

  function payloadSide(id, side, info) {
    var box = el("div", { class: "side" });
    var pre = el("pre", { text: "" });
    var asciiBtn = el("button", { type: "button", text: "ASCII", class: "on" });
    var hexBtn = el("button", { type: "button", text: "Hex" });
    var title = side === "client" ? "client \u2192 server" : "server \u2192 client";
    var note = info.bytes + " bytes" + (info.gaps.length ? ", " + info.gaps.length + " gap(s)" : "") +
      (info.bytes > MAX ? " (first " + MAX + " shown)" : "");
    box.appendChild(el("div", { class: "tabs" }, [
      el("strong", { text: title }), asciiBtn, hexBtn,
      el("a", { href: "/api/sessions/" + id + "/payload/" + side, class: "button light", text: "Download" }),
      el("span", { class: "muted", text: note })
    ]));
    box.appendChild(pre);
    var bytes = null, mode = "ascii";
    function draw() {
      if (!bytes) return;
      pre.textContent = mode === "ascii" ? asAscii(bytes) : asHex(bytes);
      asciiBtn.className = mode === "ascii" ? "on" : "";
      hexBtn.className = mode === "hex" ? "on" : "";
    }
    asciiBtn.onclick = function () { mode = "ascii"; draw(); };
    hexBtn.onclick = function () { mode = "hex"; draw(); };
    if (info.bytes === 0) {
      pre.textContent = "(no payload)";
    } else {
      fetch("/api/sessions/" + id + "/payload/" + side).then(function (r) {
        if (!r.ok) return r.json().then(function (b) { throw new Error(b.error); });
        return r.arrayBuffer();
      }).then(function (buf) { bytes = new Uint8Array(buf); draw(); })
        .catch(function (e) { showError(box, e.message); });
    }
    return box;
  }

  function render(d) {
    var s = d.session;
    detail.textContent = "";
    detail.hidden = false;
    var ep = function (a, p) { return (a.indexOf(":") >= 0 ? "[" + a + "]" : a) + ":" + p; };
    detail.appendChild(el("h2", {
      text: "Session " + s.id + ": " + s.proto_name + " " + ep(s.src, s.sport) + " \u2192 " +
        ep(s.dst, s.dport) + " \u00b7 " + s.packets + " packets, " + s.bytes + " bytes \u00b7 " + s.community_id
    }));
    detail.appendChild(el("div", { class: "actions" }, [
      el("a", { class: "button", href: "/api/sessions/" + s.id + "/pcap", text: "Download pcap" }),
      el("a", { class: "button light", href: "/api/sessions/" + s.id, text: "JSON" }),
      el("button", { type: "button", class: "button light", id: "close", text: "Close" })
    ]));
    document.getElementById("close").onclick = function () { close(); };
    if (s.meta) {
      var lines = Object.keys(s.meta).map(function (k) { return k + ": " + s.meta[k].join(", "); });
      detail.appendChild(el("pre", { class: "meta", text: lines.join("\n") }));
    }
    if (d.payload) {
      detail.appendChild(el("h2", { text: "Payload (TCP streams reassembled)" }));
      detail.appendChild(el("div", { class: "payload" }, [
        payloadSide(s.id, "client", d.payload.client),
        payloadSide(s.id, "server", d.payload.server)
      ]));
    }
    detail.appendChild(el("h2", {
      text: "Packets" + (d.packets.length < d.packets_total ? " (first " + d.packets.length + " of " + d.packets_total + ")" : "")
    }));
    var all = el("pre", { class: "show", text: d.packets.map(function (p) { return p.show; }).join("") });
    all.hidden = true;
    var toggle = el("button", { type: "button", class: "button light", text: "As `show` prints them" });
    toggle.onclick = function () { all.hidden = !all.hidden; table.hidden = !all.hidden; };
    detail.appendChild(toggle);
    var tbody = el("tbody");
    var table = el("table", { class: "packets" }, [
      el("thead", {}, [el("tr", {}, ["#", "time", "length", "file", "offset", "summary"].map(function (h) {
        return el("th", { text: h });
      }))]), tbody
    ]);
    d.packets.forEach(function (p) {
      var row = el("tr", { class: "packet" }, [
        el("td", { text: String(p.number) }), el("td", { text: p.time }),
        el("td", { text: String(p.length) }), el("td", { text: p.file }),
        el("td", { text: String(p.offset) }), el("td", { text: p.summary })
      ]);
      var more = el("tr", { class: "show" }, [el("td", { colspan: "6" }, [el("pre", { text: p.show })])]);
      more.hidden = true;
      row.onclick = function () { more.hidden = !more.hidden; };
      tbody.appendChild(row);
      tbody.appendChild(more);
    });
    detail.appendChild(table);
    detail.appendChild(all);
  }

  function mark(id) {
    Array.prototype.forEach.call(document.querySelectorAll("tr.session"), function (tr) {
      tr.classList.toggle("open", tr.getAttribute("data-id") === String(id));
    });
  }

  function close() {
    detail.hidden = true;
    detail.textContent = "";
    mark(null);
    setSessionInUrl(null);
  }

  function open(id) {
    mark(id);
    setSessionInUrl(id);
    detail.hidden = false;
    detail.textContent = "Loading session " + id + "\u2026";
    fetchJson("/api/sessions/" + encodeURIComponent(id)).then(render).catch(function (e) {
      detail.textContent = "";
      showError(detail, e.message);
    });
  }

  document.addEventListener("click", function (ev) {
    var tr = ev.target.closest && ev.target.closest("tr.session");
    if (!tr || (ev.target.closest("a") && !ev.target.closest("a.open"))) return;
    ev.preventDefault();
    open(tr.getAttribute("data-id"));
  });

  // Empty fields stay out of the URL, so a shared link says only what
  // was asked.
  if (form) {
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (e) {
        if (e.name && !e.value) e.disabled = true;
      });
    });
  }

  var start = new URLSearchParams(window.location.search).get("session");
  if (start && /^-?[0-9]+$/.test(start)) open(start);
})();

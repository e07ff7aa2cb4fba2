// tgfleet dashboard: live updates from the API's event stream, ticking countdowns, keyboard shortcuts.
// Hand-written, no dependencies, no build step. Without it every page still works (reload to update).
"use strict";
(() => {
  const live = document.getElementById("live");
  const status = document.getElementById("live-status");
  let skew = 0; // server clock minus ours, in ms, from the rendered page's data-now
  const setSkew = (body) => { skew = Number(body.dataset.now) * 1000 - Date.now(); };

  const pad = (n) => String(n).padStart(2, "0");
  function countdown(ms) {
    const s = Math.max(0, Math.floor(ms / 1000));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
  }
  function tick() {
    const now = Date.now() + skew;
    for (const el of document.querySelectorAll("[data-until]")) {
      const left = Number(el.dataset.until) * 1000 - now;
      el.textContent = left > 0 ? countdown(left) : "over";
      el.classList.toggle("over", left <= 0);
    }
  }

  // Reload the live region in place, keeping the focused link, button or field focused and what was typed into its
  // fields (by id: a change anywhere in the fleet must not wipe a half-typed login code).
  let loading = false, again = false;
  async function refresh() {
    if (!live) return;
    if (loading) { again = true; return; }
    loading = true;
    try {
      const answer = await fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } });
      if (answer.redirected || !answer.ok) { if (answer.status === 401 || answer.redirected) location.reload(); return; }
      const doc = new DOMParser().parseFromString(await answer.text(), "text/html");
      const fresh = doc.getElementById("live");
      if (!fresh) return;
      const focused = document.activeElement;
      const keep = focused && live.contains(focused) ? focusKey(focused) : null;
      const typed = [...live.querySelectorAll("input[id]:not([type=hidden]), textarea[id]")]
        .filter((el) => el.value !== el.defaultValue).map((el) => [el.id, el.value]);
      live.innerHTML = fresh.innerHTML;
      for (const [id, value] of typed) { const twin = live.querySelector(`#${CSS.escape(id)}`); if (twin) twin.value = value; }
      setSkew(doc.body);
      tick();
      if (keep) { const again = live.querySelector(keep); if (again) again.focus(); }
      document.dispatchEvent(new CustomEvent("tgfleet:refreshed"));
    } catch (err) {
      if (status) status.textContent = "live updates interrupted";
    } finally {
      loading = false;
      if (again) { again = false; setTimeout(refresh, 200); }
    }
  }
  function focusKey(el) {
    if (el.id) return `#${CSS.escape(el.id)}`;
    const href = el.getAttribute("href");
    if (href) return `a[href="${CSS.escape(href)}"]`;
    const form = el.closest("form");
    return form ? `form[action="${CSS.escape(form.getAttribute("action"))}"] button` : null;
  }

  let timer = null;
  const soon = () => { clearTimeout(timer); timer = setTimeout(refresh, 150); };
  function follow() {
    if (!live || !window.EventSource) return;
    const stream = new EventSource(`/v1/events?after=${Number(document.body.dataset.position) || 0}`);
    stream.addEventListener("open", () => { if (status) status.textContent = "live"; status && status.classList.add("on"); });
    stream.addEventListener("error", () => { if (status) { status.textContent = "reconnecting…"; status.classList.remove("on"); } });
    for (const kind of ["account", "outbox", "login"]) stream.addEventListener(kind, soon);
    setInterval(refresh, 120000); // flood waits and leases are not in the stream: a slow reload catches them
  }

  function editing(el) {
    return el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  }
  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey || editing(event.target)) {
      if (event.key === "Escape" && editing(event.target)) event.target.blur();
      return;
    }
    const key = event.key;
    let target = null;
    if (/^[0-9]$/.test(key)) target = document.querySelector(`[data-filter="${key}"]`);
    else if (["a", "o", "l", "w"].includes(key)) target = document.querySelector(`header [data-key="${key}"]`);
    else if (key === "r") { event.preventDefault(); refresh(); return; }
    else if (key === "n") {
      const field = document.getElementById("send-account");
      event.preventDefault();
      if (field) field.focus(); else location.href = "/outbox#send-form";
      return;
    }
    if (target) { event.preventDefault(); target.click(); }
  }

  setSkew(document.body);
  tick();
  setInterval(tick, 1000);
  document.addEventListener("keydown", onKey);
  follow();
})();

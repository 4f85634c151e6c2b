/**
 * The report's only script, inlined: pan and zoom of the pre-laid-out SVG, the switch
 * between the model graph and the schema graph, search, and lineage highlighting on click.
 * Plain browser JavaScript (no library); the layout itself was computed when the report
 * was written.
 */
export const REPORT_SCRIPT = `
(() => {
  const $ = (s, r = document) => r.querySelector(s);
  const $$ = (s, r = document) => Array.from(r.querySelectorAll(s));
  const viewport = $('#viewport');
  if (!viewport) return;
  const views = { models: $('#g-models'), schemas: $('#g-schemas') };
  const zoom = new Map();
  let current = views.models;
  const box = (el) => { const [x, y, width, height] = el.dataset.box.split(',').map(Number); return { x, y, width, height }; };
  const apply = (svg) => { const t = zoom.get(svg); svg.querySelector('.pan').setAttribute('transform', 'translate(' + t.x + ',' + t.y + ') scale(' + t.k + ')'); };
  const fit = (svg, b, maxK) => {
    const W = viewport.clientWidth, H = viewport.clientHeight;
    b = b || { x: 0, y: 0, width: +svg.dataset.width, height: +svg.dataset.height };
    const k = Math.min(W / (b.width + 40), H / (b.height + 40), maxK || 1.4);
    zoom.set(svg, { k, x: (W - b.width * k) / 2 - b.x * k, y: (H - b.height * k) / 2 - b.y * k });
    apply(svg);
  };
  const union = (els) => {
    const bs = els.map(box);
    const x = Math.min(...bs.map((b) => b.x)), y = Math.min(...bs.map((b) => b.y));
    return { x, y, width: Math.max(...bs.map((b) => b.x + b.width)) - x, height: Math.max(...bs.map((b) => b.y + b.height)) - y };
  };
  const show = (name) => {
    for (const [n, svg] of Object.entries(views)) if (svg) svg.style.display = n === name ? '' : 'none';
    current = views[name];
    $$('[data-view]').forEach((b) => b.classList.toggle('on', b.dataset.view === name));
    if (!zoom.has(current)) fit(current);
  };
  const zoomBy = (f, cx, cy) => {
    const t = zoom.get(current);
    cx = cx ?? viewport.clientWidth / 2; cy = cy ?? viewport.clientHeight / 2;
    const k = Math.max(0.02, Math.min(4, t.k * f));
    zoom.set(current, { k, x: cx - (cx - t.x) * (k / t.k), y: cy - (cy - t.y) * (k / t.k) });
    apply(current);
  };
  viewport.addEventListener('wheel', (e) => { e.preventDefault(); const r = viewport.getBoundingClientRect(); zoomBy(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top); }, { passive: false });
  let drag = null;
  viewport.addEventListener('pointerdown', (e) => { if (e.target.closest('#node-info')) return; drag = { x: e.clientX, y: e.clientY, moved: false }; });
  window.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 4) return;
    drag.moved = true; viewport.classList.add('dragging');
    const t = zoom.get(current); zoom.set(current, { k: t.k, x: t.x + dx, y: t.y + dy }); apply(current);
    drag.x = e.clientX; drag.y = e.clientY;
  });
  window.addEventListener('pointerup', () => { viewport.classList.remove('dragging'); setTimeout(() => { drag = null; }, 0); });
  $$('[data-view]').forEach((b) => b.addEventListener('click', () => show(b.dataset.view)));
  $('#zoom-in')?.addEventListener('click', () => zoomBy(1.3));
  $('#zoom-out')?.addEventListener('click', () => zoomBy(1 / 1.3));
  $('#zoom-fit')?.addEventListener('click', () => { clear(); fit(current); });

  const nodes = $$('.node', views.models);
  const edges = $$('.edge', views.models);
  const byName = new Map(nodes.map((n) => [n.dataset.model, n]));
  const parents = new Map(), children = new Map();
  for (const e of edges) {
    (children.get(e.dataset.from) || children.set(e.dataset.from, []).get(e.dataset.from)).push(e);
    (parents.get(e.dataset.to) || parents.set(e.dataset.to, []).get(e.dataset.to)).push(e);
  }
  const info = $('#node-info');
  const clear = () => {
    views.models.classList.remove('filtering');
    $$('.hit,.lit,.focus', views.models).forEach((el) => el.classList.remove('hit', 'lit', 'focus'));
    if (info) info.hidden = true;
  };
  const walk = (start, next, key) => {
    const seen = new Set([start]), todo = [start];
    while (todo.length) for (const e of next.get(todo.pop()) || []) { e.classList.add('lit'); const n = e.dataset[key]; if (!seen.has(n)) { seen.add(n); todo.push(n); } }
    return seen;
  };
  const select = (name, center) => {
    const node = byName.get(name);
    if (!node) return;
    clear();
    show('models');
    views.models.classList.add('filtering');
    const lineage = new Set([...walk(name, parents, 'from'), ...walk(name, children, 'to')]);
    lineage.forEach((n) => byName.get(n)?.classList.add('hit'));
    node.classList.add('focus');
    if (center) fit(views.models, box(node), 1.2);
    if (info) {
      const a = node.dataset.anchor, href = node.dataset.href;
      info.innerHTML = '';
      const h = document.createElement('div'); h.className = 'mono'; h.textContent = name; info.append(h);
      const p = document.createElement('div'); p.textContent = node.dataset.status + ' · ' + node.dataset.kind + ' · ' + (lineage.size - 1) + ' related models'; info.append(p);
      if (document.getElementById(a)) { const l = document.createElement('a'); l.href = '#' + a; l.textContent = 'see the change'; info.append(l); }
      if (href) { const l = document.createElement('a'); l.href = href; l.textContent = ' open the model page'; info.append(l); }
      info.hidden = false;
    }
  };
  nodes.forEach((n) => n.addEventListener('click', () => { if (!drag || !drag.moved) select(n.dataset.model, false); }));
  $$('.schema-node', views.schemas || document.createElement('div')).forEach((s) =>
    s.addEventListener('click', () => {
      if (drag && drag.moved) return;
      const members = nodes.filter((n) => n.dataset.schema === s.dataset.schema);
      clear(); show('models');
      views.models.classList.add('filtering');
      members.forEach((n) => n.classList.add('hit'));
      fit(views.models, union(members), 1.2);
    }),
  );

  const input = $('#search'), count = $('#search-count'), matches = $('#matches');
  const search = () => {
    const q = input.value.trim().toLowerCase();
    clear(); matches.innerHTML = '';
    if (!q) { count.textContent = ''; return []; }
    const hits = nodes.filter((n) => n.dataset.model.includes(q));
    show('models');
    views.models.classList.add('filtering');
    hits.forEach((n) => n.classList.add('hit'));
    count.textContent = hits.length + (hits.length === 1 ? ' model' : ' models');
    for (const n of hits.slice(0, 30)) {
      const b = document.createElement('button'); b.type = 'button'; b.textContent = n.dataset.model;
      b.addEventListener('click', () => select(n.dataset.model, true)); matches.append(b);
    }
    if (hits.length) fit(views.models, union(hits), 1.2);
    return hits;
  };
  input?.addEventListener('input', search);
  input?.addEventListener('keydown', (e) => { if (e.key === 'Enter') { const hits = search(); if (hits.length) select(hits[0].dataset.model, true); } });
  show(views.schemas && nodes.length > Number(viewport.dataset.collapseAbove || 400) ? 'schemas' : 'models');
})();
`;

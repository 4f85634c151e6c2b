/** The report's stylesheet, inlined into every page (no network). */
export const REPORT_CSS = `
:root{--added:#1a7f37;--breaking:#cf222e;--non-breaking:#0969da;--forward-only:#8250df;--metadata:#6e7781;--indirect:#bc4c00;--removed:#24292f;--unchanged:#afb8c1;
--bg:#fff;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--soft:#f6f8fa;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
body{margin:0}
header.top{padding:14px 24px;border-bottom:1px solid var(--line);display:flex;flex-wrap:wrap;gap:8px 24px;align-items:baseline}
header.top h1{font-size:20px;margin:0}
header.top .sub{color:var(--muted);font-size:13px}
nav.site{padding:8px 24px;background:var(--soft);border-bottom:1px solid var(--line);font-size:14px;display:flex;gap:16px;flex-wrap:wrap;align-items:center}
main{padding:0 24px 48px}
h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
.legend{display:flex;flex-wrap:wrap;gap:6px;margin:10px 0}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;color:#fff;background:var(--unchanged);white-space:nowrap}
.badge.s-unchanged{color:#24292f}
.s-added{--c:var(--added)}.s-breaking{--c:var(--breaking)}.s-non-breaking{--c:var(--non-breaking)}.s-forward-only{--c:var(--forward-only)}
.s-metadata{--c:var(--metadata)}.s-indirect{--c:var(--indirect)}.s-removed{--c:var(--removed)}.s-unchanged{--c:var(--unchanged)}
.badge{background:var(--c)}
.toolbar{display:flex;gap:6px;align-items:center;flex-wrap:wrap;margin:6px 0}
.toolbar button{border:1px solid var(--line);background:var(--soft);border-radius:6px;padding:3px 10px;cursor:pointer;font-size:13px}
.toolbar button.on{background:#ddf4ff;border-color:#54aeff}
.toolbar input{border:1px solid var(--line);border-radius:6px;padding:4px 8px;min-width:240px;font-size:13px}
#search-count{color:var(--muted);font-size:13px}
#viewport{position:relative;height:62vh;min-height:320px;border:1px solid var(--line);border-radius:8px;overflow:hidden;background:#fcfcfd;cursor:grab;user-select:none}
#viewport.dragging{cursor:grabbing}
svg.graph{width:100%;height:100%;display:block}
.edge{fill:none;stroke:#8c959f;stroke-width:1.1}
#g-models .edge{marker-end:url(#g-models-arrow)}#g-schemas .edge{marker-end:url(#g-schemas-arrow)}
.arrow{fill:#8c959f}
.node rect,.schema-node rect{fill:#fff;stroke:var(--c);stroke-width:1.5}
.node:not(.s-unchanged) rect,.schema-node:not(.s-unchanged) rect{fill:var(--c)}
.node text,.schema-node text{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;fill:#24292f;pointer-events:none}
.node:not(.s-unchanged) text,.schema-node:not(.s-unchanged) text{fill:#fff}
.node.s-removed rect{stroke-dasharray:4 2}
.node,.schema-node{cursor:pointer}
.graph.filtering .node:not(.hit),.graph.filtering .edge:not(.lit){opacity:.18}
.node.hit rect{stroke:#fb8500;stroke-width:3}
.node.focus rect{stroke:#000;stroke-width:3}
.edge.lit{stroke:#24292f;stroke-width:2}
#node-info{position:absolute;right:8px;top:8px;max-width:360px;background:#fff;border:1px solid var(--line);border-radius:8px;padding:8px 12px;font-size:13px;box-shadow:0 2px 8px #0001;cursor:auto}
#node-info[hidden]{display:none}
#matches{display:flex;flex-wrap:wrap;gap:4px;margin:4px 0}
#matches button{font:12px ui-monospace,monospace;border:1px solid var(--line);background:#fff;border-radius:4px;cursor:pointer}
article.change{border:1px solid var(--line);border-radius:8px;margin:12px 0;padding:10px 14px;border-left:5px solid var(--c)}
article.change h3{margin:0 0 4px;font:600 15px ui-monospace,SFMono-Regular,Menlo,monospace;display:flex;gap:10px;align-items:center}
article.change .why{margin:4px 0;color:#32383f;font-size:14px}
.cols{font-size:13px;margin:4px 0}.cols code{background:var(--soft);padding:0 4px;border-radius:3px}
.cols .plus{color:var(--added)}.cols .minus{color:var(--breaking)}
table.sbs{border-collapse:collapse;width:100%;table-layout:fixed;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin-top:6px}
table.sbs td{vertical-align:top;white-space:pre-wrap;word-break:break-all;padding:0 6px}
table.sbs col.ln{width:40px}table.sbs td.ln{color:var(--muted);text-align:right;background:var(--soft);user-select:none}
table.sbs td.del{background:#ffebe9}table.sbs td.ins{background:#dafbe1}table.sbs td.empty{background:#f6f8fa}
table.sbs tr.skip td{color:var(--muted);background:var(--soft);text-align:center}
.k{color:#cf222e;font-weight:600}.s{color:#0a3069}.c{color:#6e7781;font-style:italic}.n{color:#0550ae}.m{color:#8250df}
table.grid{border-collapse:collapse;font-size:13px;margin:6px 0}
table.grid th,table.grid td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
table.grid th{background:var(--soft)}
table.grid td.num{text-align:right;font-variant-numeric:tabular-nums}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.bar{display:inline-block;width:120px;height:10px;background:#ffebe9;border-radius:5px;overflow:hidden;vertical-align:middle;margin-right:6px}
.bar i{display:block;height:100%;background:var(--added)}
.shared{color:var(--non-breaking)}.own{color:var(--added)}
.muted{color:var(--muted)}
details>summary{cursor:pointer;color:var(--muted);font-size:13px}
form.pick{display:inline-flex;gap:6px;align-items:center}
form.pick select,form.pick button{font-size:13px}
`;

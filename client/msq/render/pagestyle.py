"""The inline stylesheet of the comparison page (``htmlpage``): system fonts only."""

from __future__ import annotations

# Six side colours, reused in order for more sides.
_SIDES = ("#2f6fb0", "#b0562f", "#3d8f4a", "#8a4fb0", "#a08a1e", "#2f9aa0")

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial,
  sans-serif; color: #1d2328; background: #fbfcfd; }
header { padding: 14px 24px; background: #1d2328; color: #fff; }
header h1 { margin: 0; font-size: 16px; font-weight: 600; letter-spacing: .02em; }
header .query { margin: 2px 0 0; font-size: 20px; }
main { padding: 8px 24px 24px; }
h2 { font-size: 16px; margin: 22px 0 8px; border-bottom: 1px solid #d9dee3; padding-bottom: 4px; }
h3 { font-size: 14px; margin: 0 0 8px; }
ul, ol { margin: 0; padding-left: 22px; }
li { margin: 3px 0; }
.cat { display: inline-block; min-width: 6em; color: #5b6770; font-size: 12px;
  text-transform: uppercase; letter-spacing: .03em; }
.ids { color: #5b6770; font-size: 12px; }
.side-tag, .side-head { color: #fff; border-radius: 3px; padding: 1px 6px; font-size: 12px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid #e6e9ec;
  vertical-align: top; }
thead th { white-space: nowrap; }
th.model { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; }
tr.differs td, tr.differs th { background: #fff5d1; }
td.mark { color: #a06a00; font-weight: bold; }
.sides { display: flex; gap: 18px; align-items: flex-start; flex-wrap: wrap; }
.side-col { flex: 1 1 380px; min-width: 320px; }
figure.model { margin: 0 0 16px; background: #fff; border: 1px solid #d9dee3;
  border-radius: 6px; padding: 10px 12px; }
figcaption { font-size: 12px; color: #5b6770; margin-bottom: 8px; }
.model-id { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px;
  color: #1d2328; font-weight: 600; }
.path { font-family: ui-monospace, Menlo, Consolas, monospace; }
.diagram { overflow-x: auto; }
svg.graph { max-width: 100%; height: auto; display: block; margin: 0 auto; }
.legend { font-size: 12px; color: #5b6770; }
.swatch { display: inline-block; width: 12px; height: 12px; background: #ffe08a;
  border: 1px solid #5b6770; vertical-align: -2px; }
.note { font-size: 12px; color: #5b6770; }
.summaries { display: flex; gap: 14px; flex-wrap: wrap; }
.summary { flex: 1 1 300px; background: #fff; border: 1px solid #d9dee3; border-radius: 6px;
  padding: 10px 12px; }
.summary p { margin: 4px 0; }
.traits { margin-top: 6px; }
.traits ul { padding-left: 18px; }
ul.arch { font-size: 12px; margin: 0 0 8px; padding-left: 18px; }
p.overview { margin: 4px 0 10px; }
details summary { cursor: pointer; color: #2f6fb0; margin-top: 6px; }
footer { padding: 8px 24px 20px; font-size: 12px; color: #8a949c; }
""" + "".join(f".s{i} {{ background: {c}; }}\n" for i, c in enumerate(_SIDES))

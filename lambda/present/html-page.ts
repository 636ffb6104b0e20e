/**
 * What the committee's HTML pages share (the run report, the backtest page): one stylesheet, the
 * headline cards, tables, legends and the glossary, so both pages read alike and a term means the
 * same on each. Plain strings, no script, nothing fetched.
 */
import { escapeXml } from './svg-charts.ts';

/** The pages' stylesheet. */
export const PAGE_STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;margin:0;background:#f6f7f9}
main{max-width:860px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}h3{font-size:14px;margin:16px 0 6px}
.meta{color:#5b6474;margin:0 0 16px}
.headline{display:flex;gap:16px;flex-wrap:wrap;margin:12px 0}
.figure{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:10px 14px;min-width:140px}
.figure b{display:block;font-size:20px}
.figure small{display:block;color:#5b6474;font-size:12px}
.figure.caveat{border-color:#c98a00;background:#fff8e6}.figure.caveat small{color:#8a5a00;font-weight:600}
.verdict{font-size:15px;margin:8px 0 4px}
.caveat-banner{background:#fff8e6;border:1px solid #c98a00;border-radius:6px;padding:8px 12px;color:#5c3d00;margin:8px 0}
.status{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;color:#fff}
.status-OK,.status-GREEN{background:#1e8e3e}.status-WARN,.status-YELLOW{background:#c98a00}
.status-BREACH,.status-RED{background:#c5221f}
.status-DEGRADED{background:#7b3fb5}.status-UNKNOWN{background:#5b6474}
section.card{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:12px 16px;margin:12px 0}
svg.chart{max-width:100%;height:auto;font-size:11px}
.axis line,.axis .domain{stroke:#9aa3b2}.axis text{fill:#5b6474}.grid{stroke:#eef0f3}
.axis-title text{fill:#3c4555;font-size:12px}
.band-breach{fill:#f9d4d2}.band-warn{fill:#fdefc3}
.line-required{fill:none;stroke:#1d2330;stroke-width:2;stroke-dasharray:6 4}
.line-balance,.line-coverage,.fund-oi{fill:none;stroke:#1a62c4;stroke-width:2.2}
.dot{fill:#1a62c4}
.threshold line{stroke:#8a5a00;stroke-dasharray:3 3}.threshold-breach line{stroke:#a11b18}.threshold text{fill:#5b6474}
.bar.es-bar{fill:#1a62c4}.bar.stress-bar{fill:#e8918f}.bar.bar-worst{fill:#c5221f}.bar-label,.bar-value{fill:#1d2330}
.legend{display:flex;flex-wrap:wrap;gap:16px;color:#5b6474;font-size:12px;margin:4px 0 0}
.swatch{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:middle}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:right;padding:4px 8px;border-bottom:1px solid #eef0f3}
th:first-child,td:first-child{text-align:left}th{color:#5b6474;font-weight:600}
td.text,th.text{text-align:left}td:first-child{white-space:nowrap}
table.policy td:nth-child(3),table.policy th:nth-child(3),table.tests th:nth-child(2),table.worst-days th:nth-child(6),table.why-assumptions th:nth-child(n+2){text-align:left}
tr.worst td{background:#fdecea;font-weight:600}
.tag{display:inline-block;margin-left:6px;padding:0 6px;border-radius:8px;background:#c5221f;color:#fff;font-size:11px;font-weight:600}
ul.flags{margin:4px 0;padding-left:20px;color:#5b6474}
p.note{color:#5b6474;font-size:13px;margin:6px 0}
dl.glossary{margin:0}dl.glossary dt{font-weight:600;margin-top:8px}dl.glossary dd{margin:2px 0 0 0;color:#3c4555}
`;

/** A table cell: text, or text with a class (left-aligned text columns, the worst row's tag). */
export type Cell = string | { readonly text: string; readonly cls?: string; readonly tag?: string };

/** A table row: its cells, and a class for the row (`worst`). */
export type Row = readonly Cell[] | { readonly cells: readonly Cell[]; readonly cls: string };

function cellHtml(cell: Cell): string {
  if (typeof cell === 'string') return `<td>${escapeXml(cell)}</td>`;
  const cls = cell.cls === undefined ? '' : ` class="${cell.cls}"`;
  const tag = cell.tag === undefined ? '' : `<span class="tag">${escapeXml(cell.tag)}</span>`;
  return `<td${cls}>${escapeXml(cell.text)}${tag}</td>`;
}

/** A table with a class (tests and styles find it by it). */
export function htmlTable(headers: readonly string[], rows: readonly Row[], cls: string): string {
  const head = `<tr>${headers.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr>`;
  const body = rows
    .map((r) => {
      const { cells, rowCls } =
        'cells' in r ? { cells: r.cells, rowCls: r.cls } : { cells: r, rowCls: undefined };
      return `<tr${rowCls === undefined ? '' : ` class="${rowCls}"`}>${cells.map(cellHtml).join('')}</tr>`;
    })
    .join('\n');
  return `<table class="${cls}">\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A headline card: a label, the figure, and an optional note under it (a caveat marks the card). */
export function figureCard(label: string, value: string, note?: { text: string; caveat: boolean }): string {
  const cls = note?.caveat === true ? 'figure caveat' : 'figure';
  const small = note === undefined || note.text === '' ? '' : `<small>${escapeXml(note.text)}</small>`;
  return `<div class="${cls}">${escapeXml(label)}<b>${escapeXml(value)}</b>${small}</div>`;
}

/** A chart legend: swatch style and label per item. */
export function legendRow(items: readonly (readonly [string, string])[]): string {
  return `<div class="legend">${items.map(([style, label]) => `<span><span class="swatch" style="${style}"></span>${escapeXml(label)}</span>`).join('')}</div>`;
}

/** The words a committee meets on the pages, in plain language. */
export const GLOSSARY: Readonly<Record<string, string>> = {
  coverage:
    'The fund balance divided by the required reserve. 100% means the fund holds exactly what the model asks; WARN and BREACH are thresholds below it.',
  'required reserve':
    '(1 + buffer) × the largest of three losses: the Monte Carlo expected shortfall, the worst stress scenario and cover-2 (the two largest accounts defaulting).',
  'expected shortfall (ES)':
    'The average loss over the worst tail of simulated liquidation windows (the worst 0.1% at 99.9% confidence) — not the worst case, the mean of the bad cases.',
  'liquidity factor':
    "A stress scenario's order-book depth and trading volume as a share of normal: 3% means liquidations meet 97% less depth, so they move the price further and leave more bad debt.",
  releasable:
    'The part of the balance above the release multiple (1.5 × the required reserve by default) that could be paid out without leaving the fund short.',
  'conservative bound':
    "What the older gap model requires on the same book: every bankrupt position rides the whole window's move before it is closed. An upper bound for a venue whose liquidation engine stalls, not a forecast.",
  'ADL (auto-deleveraging)':
    "When the fund cannot absorb a loss, the venue closes profitable traders' positions against the bankrupt ones. P(ADL) is the probability a window ends there.",
  'Basel traffic light':
    "The Basel committee's reading of an exceedance count: green while the count is as likely as chance allows, yellow when a correct model would rarely see that many, red when it almost never would.",
  'VaR and exceedance':
    'Value at risk: the loss exceeded only with the stated probability. A day whose realised loss is above the forecast VaR is an exceedance; a well-calibrated model has about the expected number.',
};

/** The glossary as a definition list of the given terms (all when absent). */
export function glossary(terms: readonly string[] = Object.keys(GLOSSARY)): string {
  const items = terms
    .filter((t) => GLOSSARY[t] !== undefined)
    .map((t) => `<dt>${escapeXml(t)}</dt><dd>${escapeXml(GLOSSARY[t]!)}</dd>`);
  return `<dl class="glossary">\n${items.join('\n')}\n</dl>`;
}

/** A whole page: head with the stylesheet (plus `extraStyle`), the body inside `<main>`. */
export function htmlPage(title: string, body: string, extraStyle = ''): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${PAGE_STYLE}${extraStyle}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

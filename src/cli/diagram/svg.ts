/** `amr diagram --format svg`: a self-contained SVG with one column per region. A pure function of the topology. */
import type { Topology } from '../../topology/diagram';
import { backupLabel, cacheLines, exporterLines, geoLabel, NO_CACHES, regionLabel, storageLines } from './labels';

/** Escapes text for XML character data and attribute values. */
export function xmlText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const SVG = {
  margin: 20,
  titleHeight: 44,
  colWidth: 320,
  colGap: 90,
  header: 52,
  boxLeft: 44,
  boxRight: 28,
  lineHeight: 16,
  boxGap: 30,
  charWidth: 6.6,
  arcLane: 24,
  colors: { geo: '#c2410c', backup: '#1d4ed8', exporter: '#4d7c0f', column: '#64748b' },
} as const;

interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly column: number;
}

const fmt = (n: number): string => String(Math.round(n * 10) / 10);

function fit(text: string, width: number, charWidth: number): string {
  const max = Math.max(4, Math.floor(width / charWidth));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The topology as a self-contained SVG: one rounded column per region, its caches and storage inside, lines between. */
export function renderSvg(topology: Topology): string {
  const { margin, colWidth, colGap, header, lineHeight, boxGap, colors } = SVG;
  const title = 'Azure Managed Redis topology';
  if (topology.caches.length === 0) {
    const w = 420;
    const h = 100;
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
      `  <rect x="0" y="0" width="${w}" height="${h}" fill="#ffffff"/>`,
      `  <text x="${margin}" y="32" font-size="16" font-weight="bold">${xmlText(title)}</text>`,
      `  <text x="${margin}" y="64" fill="#475569">${xmlText(NO_CACHES)}</text>`,
      '</svg>',
      '',
    ].join('\n');
  }

  const columnOf = new Map(topology.regions.map((r, i) => [r.name, i]));
  const colX = (i: number) => margin + i * (colWidth + colGap);
  const boxW = colWidth - SVG.boxLeft - SVG.boxRight;

  // Geo links between columns that are not neighbours arc over the columns, in a lane above them.
  const nodes = [...topology.caches, ...topology.storage, ...topology.exporters];
  const columnOfKey = new Map(nodes.map((n) => [n.key, columnOf.get(n.region) ?? 0]));
  const arcCount = topology.geoLinks.filter((l) => Math.abs(columnOfKey.get(l.a)! - columnOfKey.get(l.b)!) > 1).length;
  const top = margin + SVG.titleHeight + (arcCount > 0 ? arcCount * SVG.arcLane + 16 : 0);

  // Place the boxes column by column: caches, then export storage, then exporters.
  const texts = new Map<string, { lines: string[]; kind: 'cache' | 'storage' | 'exporter'; full: string }>();
  for (const c of topology.caches) texts.set(c.key, { lines: cacheLines(c, topology), kind: 'cache', full: c.address });
  for (const s of topology.storage) texts.set(s.key, { lines: storageLines(s, topology), kind: 'storage', full: s.address });
  for (const e of topology.exporters) texts.set(e.key, { lines: exporterLines(e, topology), kind: 'exporter', full: e.address });
  const boxes = new Map<string, Box>();
  let columnHeight = 0;
  topology.regions.forEach((region, i) => {
    let y = top + header;
    for (const n of nodes.filter((x) => x.region === region.name)) {
      const h = 12 + texts.get(n.key)!.lines.length * lineHeight;
      boxes.set(n.key, { x: colX(i) + SVG.boxLeft, y, w: boxW, h, column: i });
      y += h + boxGap;
    }
    columnHeight = Math.max(columnHeight, y - boxGap + 18 - top);
  });
  const width = margin * 2 + topology.regions.length * colWidth + (topology.regions.length - 1) * colGap;
  const height = top + columnHeight + margin;

  const out: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${fmt(height)}" viewBox="0 0 ${width} ${fmt(height)}" font-family="Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
    '  <defs>',
    ...(['geo', 'backup', 'exporter'] as const).map(
      (k) => `    <marker id="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${colors[k]}"/></marker>`,
    ),
    '  </defs>',
    `  <rect x="0" y="0" width="${width}" height="${fmt(height)}" fill="#ffffff"/>`,
    `  <text x="${margin}" y="${margin + 18}" font-size="16" font-weight="bold">${xmlText(title)}</text>`,
  ];

  // Region columns.
  topology.regions.forEach((region, i) => {
    const [name, zones] = regionLabel(region);
    out.push(
      `  <g class="region">`,
      `    <rect x="${colX(i)}" y="${top}" width="${colWidth}" height="${fmt(columnHeight)}" rx="14" ry="14" fill="#f8fafc" stroke="${colors.column}" stroke-width="1.5"/>`,
      `    <text x="${colX(i) + 16}" y="${top + 22}" font-size="14" font-weight="bold">${xmlText(fit(name, colWidth - 32, 8))}</text>`,
      `    <text x="${colX(i) + 16}" y="${top + 40}" fill="#475569">${xmlText(zones)}</text>`,
      '  </g>',
    );
  });

  // Lines first (boxes are opaque and drawn over them), their labels last.
  const labels: string[] = [];
  const pill = (x: number, y: number, text: string, color: string) => {
    const w = text.length * SVG.charWidth + 10;
    labels.push(
      `  <rect x="${fmt(x - w / 2)}" y="${fmt(y - 9)}" width="${fmt(w)}" height="16" rx="4" fill="#ffffff" fill-opacity="0.9"/>`,
      `  <text x="${fmt(x)}" y="${fmt(y + 3)}" text-anchor="middle" fill="${color}">${xmlText(text)}</text>`,
    );
  };
  const straight = (from: Box, to: Box) => {
    const leftToRight = from.column <= to.column;
    const x1 = leftToRight ? from.x + from.w : from.x;
    const x2 = leftToRight ? to.x : to.x + to.w;
    return { x1, y1: from.y + from.h / 2, x2, y2: to.y + to.h / 2 };
  };

  // Each geo link ends at its own height on a cache's side, so links sharing a cache do not overlap.
  const slots = new Map<string, number>();
  const endY = (key: string, box: Box) => {
    const slot = slots.get(key) ?? 0;
    slots.set(key, slot + 1);
    return box.y + 14 + 10 * (slot % Math.max(1, Math.floor((box.h - 30) / 10)));
  };
  let arc = 0;
  for (const link of topology.geoLinks) {
    const a = boxes.get(link.a)!;
    const b = boxes.get(link.b)!;
    const [left, right] = a.column <= b.column ? [a, b] : [b, a];
    const [leftKey, rightKey] = a.column <= b.column ? [link.a, link.b] : [link.b, link.a];
    const text = geoLabel(link);
    const attrs = `fill="none" stroke="${colors.geo}" stroke-width="2" marker-start="url(#arrow-geo)" marker-end="url(#arrow-geo)"`;
    if (right.column - left.column > 1) {
      // Out through the gap after the left column, over the columns in its own lane, down the gap before the right one.
      const k = arc++;
      const y1 = endY(leftKey, left);
      const y2 = endY(rightKey, right);
      const out1 = colX(left.column) + colWidth + colGap / 2 - 6 * k;
      const in2 = colX(right.column) - colGap / 2 + 6 * k;
      const laneY = margin + SVG.titleHeight + 8 + k * SVG.arcLane;
      out.push(`  <path d="M${fmt(left.x + left.w)},${fmt(y1)} H${fmt(out1)} V${fmt(laneY)} H${fmt(in2)} V${fmt(y2)} H${fmt(right.x)}" stroke-linejoin="round" ${attrs}/>`);
      pill((out1 + in2) / 2, laneY, text, colors.geo);
    } else if (right.column === left.column) {
      const x = left.x + left.w;
      const [p, q] = left.y <= right.y ? [left, right] : [right, left];
      out.push(`  <path d="M${fmt(x)},${fmt(p.y + p.h / 2)} C${fmt(x + 24)},${fmt(p.y + p.h / 2)} ${fmt(x + 24)},${fmt(q.y + q.h / 2)} ${fmt(x)},${fmt(q.y + q.h / 2)}" ${attrs}/>`);
      pill(x + 18, (p.y + p.h / 2 + q.y + q.h / 2) / 2, text, colors.geo);
    } else {
      const [y1, y2] = [endY(leftKey, left), endY(rightKey, right)];
      out.push(`  <path d="M${fmt(left.x + left.w)},${fmt(y1)} L${fmt(right.x)},${fmt(y2)}" ${attrs}/>`);
      pill((left.x + left.w + right.x) / 2, (y1 + y2) / 2 - 12, text, colors.geo);
    }
  }

  // Backup paths: within a column they run down a lane on the left (cache → storage) or the right (exporter → storage).
  const lanes = new Map<string, number>();
  const lane = (side: string, column: number) => {
    const k = lanes.get(`${side}${column}`) ?? 0;
    lanes.set(`${side}${column}`, k + 1);
    return k;
  };
  for (const b of topology.backups) {
    const from = boxes.get(b.cache)!;
    const to = boxes.get(b.storage)!;
    const text = backupLabel(b);
    const attrs = `fill="none" stroke="${colors.backup}" stroke-width="1.6" marker-end="url(#arrow-backup)"`;
    if (from.column === to.column) {
      const x = colX(from.column) + 32 - 8 * lane('left', from.column);
      const y1 = from.y + from.h - 12;
      const y2 = to.y + to.h / 2;
      out.push(`  <path d="M${fmt(from.x)},${fmt(y1)} H${fmt(x)} V${fmt(y2)} H${fmt(to.x)}" ${attrs}/>`);
      const ly = (y1 + y2) / 2;
      labels.push(`  <text x="${fmt(x - 5)}" y="${fmt(ly)}" transform="rotate(-90 ${fmt(x - 5)} ${fmt(ly)})" text-anchor="middle" font-size="11" fill="${colors.backup}">${xmlText(text)}</text>`);
    } else {
      const s = straight(from, to);
      out.push(`  <path d="M${fmt(s.x1)},${fmt(s.y1)} L${fmt(s.x2)},${fmt(s.y2)}" ${attrs}/>`);
      pill((s.x1 + s.x2) / 2, (s.y1 + s.y2) / 2 - 12, text, colors.backup);
    }
  }
  for (const r of topology.exportRuns) {
    const from = boxes.get(r.exporter)!;
    const to = boxes.get(r.storage)!;
    const attrs = `fill="none" stroke="${colors.exporter}" stroke-width="1.6" stroke-dasharray="6 4" marker-end="url(#arrow-exporter)"`;
    if (from.column === to.column) {
      const x = colX(from.column) + colWidth - 14 + 6 * lane('right', from.column);
      out.push(`  <path d="M${fmt(from.x + from.w)},${fmt(from.y + from.h / 2)} H${fmt(Math.min(x, colX(from.column) + colWidth - 6))} V${fmt(to.y + to.h / 2)} H${fmt(to.x + to.w)}" ${attrs}/>`);
    } else {
      const s = straight(from, to);
      out.push(`  <path d="M${fmt(s.x1)},${fmt(s.y1)} L${fmt(s.x2)},${fmt(s.y2)}" ${attrs}/>`);
      pill((s.x1 + s.x2) / 2, (s.y1 + s.y2) / 2 - 12, 'scheduled export', colors.exporter);
    }
  }

  // Node boxes.
  const styles = { cache: { fill: '#fff7ed', stroke: colors.geo }, storage: { fill: '#eff6ff', stroke: colors.backup }, exporter: { fill: '#f7fee7', stroke: colors.exporter } };
  for (const n of nodes) {
    const box = boxes.get(n.key)!;
    const { lines, kind, full } = texts.get(n.key)!;
    const style = styles[kind];
    out.push(
      `  <g class="${kind}">`,
      `    <title>${xmlText([...lines, full].join('\n'))}</title>`,
      `    <rect x="${fmt(box.x)}" y="${fmt(box.y)}" width="${fmt(box.w)}" height="${fmt(box.h)}" rx="${kind === 'storage' ? 4 : 8}" ry="${kind === 'storage' ? 4 : 8}" fill="${style.fill}" stroke="${style.stroke}" stroke-width="1.5"/>`,
      ...lines.map(
        (line, i) =>
          `    <text x="${fmt(box.x + 8)}" y="${fmt(box.y + 6 + (i + 1) * lineHeight - 3)}"${i === 0 ? ' font-weight="bold"' : ''}>${xmlText(fit(line, box.w - 16, i === 0 ? 7.4 : SVG.charWidth))}</text>`,
      ),
      '  </g>',
    );
  }
  out.push(...labels, '</svg>', '');
  return out.join('\n');
}
